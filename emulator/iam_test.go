package emulator

import (
	"context"
	"testing"

	"github.com/idpool/idpool/storage"
)

// countingReader answers GetOIDCProvider from a map and counts the reads.
type countingReader struct {
	storage.Reader
	providers map[string]storage.OIDCProvider
	reads     int
}

func (c *countingReader) GetOIDCProvider(_ context.Context, arn string) (storage.OIDCProvider, error) {
	c.reads++
	p, ok := c.providers[arn]
	if !ok {
		return storage.OIDCProvider{}, storage.ErrNotFound
	}
	return p, nil
}

// TestIAMProvidersRemembered: the provider source reads the store once per
// key until an IAM write drops what it remembers, and then sees the write.
func TestIAMProvidersRemembered(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:oidc-provider/localhost:8080"
	r := &countingReader{providers: map[string]storage.OIDCProvider{}}
	src := iamProviders{store: r, partition: "aws", account: "123456789012", known: new(remembered[knownProvider])}
	ctx := t.Context()
	lookup := func(want bool) {
		t.Helper()
		_, ok, err := src.Provider(ctx, "localhost:8080")
		if err != nil || ok != want {
			t.Fatalf("got ok %v, err %v; want ok %v, no error", ok, err, want)
		}
	}

	lookup(false)
	lookup(false)
	if r.reads != 1 {
		t.Errorf("reads of an absent provider: got %d, want 1", r.reads)
	}
	r.providers[arn] = storage.OIDCProvider{ARN: arn, URL: "http://localhost:8080", ClientIDs: []string{"app"}}
	src.known.drop()
	lookup(true)
	lookup(true)
	if r.reads != 2 {
		t.Errorf("reads after a write: got %d, want 2", r.reads)
	}
	delete(r.providers, arn)
	src.known.drop()
	lookup(false)
	if r.reads != 3 {
		t.Errorf("reads after the deletion: got %d, want 3", r.reads)
	}
}
