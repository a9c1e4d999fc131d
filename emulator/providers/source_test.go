package providers

import (
	"context"
	"fmt"
	"testing"
)

// mapSource is a Source backed by a map, changed between lookups.
type mapSource map[string]Provider

func (m mapSource) Provider(_ context.Context, key string) (Provider, bool, error) {
	p, ok := m[key]
	return p, ok, nil
}

// TestSource: providers of the Source are found by Logins key and by
// issuer; an entry is kept while its definition stays the same, replaced
// when it changes, and forgotten when the Source drops the provider. The
// providers given to New win.
func TestSource(t *testing.T) {
	r, err := New([]Provider{{Name: "https://fixed.example.com"}}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := mapSource{
		"idp.example.com":   {Name: "https://idp.example.com", ClientIDs: []string{"a"}},
		"fixed.example.com": {Name: "https://fixed.example.com", ClientIDs: []string{"x"}},
	}
	r.SetSource(src)
	ctx := context.Background()

	first := r.lookup(ctx, "idp.example.com")
	if first == nil || first.clientIDs[0] != "a" {
		t.Fatalf("lookup: got %+v, want the source's provider", first)
	}
	if got, _ := r.byIss(ctx, "https://idp.example.com"); got != first {
		t.Errorf("byIss: got %p, want the same entry %p", got, first)
	}
	if got := r.lookup(ctx, "fixed.example.com"); got == nil || len(got.clientIDs) != 0 {
		t.Errorf("lookup of a fixed provider: got %+v, want the one given to New", got)
	}

	src["idp.example.com"] = Provider{Name: "https://idp.example.com", ClientIDs: []string{"b"}}
	second := r.lookup(ctx, "idp.example.com")
	if second == first || second.clientIDs[0] != "b" {
		t.Errorf("lookup after the client ids changed: got %+v, want a new entry with b", second)
	}
	delete(src, "idp.example.com")
	if r.Has("idp.example.com") {
		t.Error("Has after the source dropped the provider: got true, want false")
	}
}

// TestSourceBounded: the entries kept of the Source's providers stay
// within maxAdded however many providers come and go without being looked
// up again after their deletion (a new issuer per test), and a provider
// still defined is found after its entry went.
func TestSourceBounded(t *testing.T) {
	r, err := New(nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := mapSource{"live.example.com": {Name: "https://live.example.com", ClientIDs: []string{"a"}}}
	r.SetSource(src)
	ctx := context.Background()
	for i := range 3 * maxAdded {
		key := fmt.Sprintf("idp%d.example.com", i)
		src[key] = Provider{Name: "https://" + key}
		if r.lookup(ctx, key) == nil {
			t.Fatalf("lookup of %s: got nil, want the source's provider", key)
		}
		delete(src, key) // deleted through IAM, never looked up again
		if n := len(r.added); n > maxAdded {
			t.Fatalf("after %d providers came and went: got %d entries kept, want at most %d", i+1, n, maxAdded)
		}
	}
	if got := r.lookup(ctx, "live.example.com"); got == nil || got.clientIDs[0] != "a" {
		t.Errorf("lookup of a provider still defined: got %+v, want it", got)
	}
}
