package tokens

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// TestParseBase64URLSegments: every letter of the base64url alphabet is
// taken in each segment, '-' and '_' and digits among them, and a fourth
// segment is refused as such even when the third is empty.
func TestParseBase64URLSegments(t *testing.T) {
	const rs = `{"alg":"RS256","kid":"k1"}`
	tests := []struct {
		name    string
		raw     string
		wantErr string // a piece of the message, "" for none
	}{
		{name: "payload with '-' and '_'", raw: jwtOf(rs, `{"a":"??>???"}`, "c2ln")},
		{name: "signature of '-', '_' and a digit", raw: jwtOf(rs, `{}`, "-_8")},
		{name: "signature of '-' alone twice", raw: jwtOf(rs, `{}`, "--8")},
		{name: "signature of '_' and digits", raw: jwtOf(rs, `{}`, "_9A")},
		{name: "empty third segment, then a fourth", raw: seg(rs) + "." + seg(`{}`) + "..c2ln", wantErr: "not a compact JWS of three segments"},
		{name: "signature not base64url", raw: jwtOf(rs, `{}`, "c2l+"), wantErr: "signature is not base64url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantErr == "" && !strings.Contains(tt.raw, "-") && !strings.Contains(tt.raw, "_") {
				t.Fatalf("token %q has neither '-' nor '_'", tt.raw)
			}
			_, err := Parse(tt.raw)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Parse(%q): got %v, want nil", tt.raw, err)
			case tt.wantErr != "" && (!errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Parse(%q): got %v, want ErrMalformed with %q", tt.raw, err, tt.wantErr)
			}
		})
	}
}

// readCounter is a fakeStore that counts the reads of the signing keys and
// may fail them.
type readCounter struct {
	*fakeStore
	mu    sync.Mutex
	reads int
	fail  bool
}

func (s *readCounter) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	s.mu.Lock()
	s.reads++
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return nil, errors.New("store down")
	}
	return s.fakeStore.SigningKeys(ctx)
}

func (s *readCounter) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// TestUnknownKidReloadThrottle: a token of a kid the issuer does not hold
// makes Verify re-read the keys at most once per reloadInterval, so that a
// flood of made-up kids costs one read; a failed read leaves the token
// refused as of an unknown key.
func TestUnknownKidReloadThrottle(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := &readCounter{fakeStore: &fakeStore{}}
	i, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := i.JWKS(ctx); err != nil {
		t.Fatal(err)
	}
	other, _, _ := newIssuer(t, Config{Region: "eu-west-1"}) // kids eu-west-1-N
	tok, err := other.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	verify := func(t *testing.T) {
		t.Helper()
		if _, err := i.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Verify: got %v, want ErrUnknownKey", err)
		}
	}
	steps := []struct {
		name    string
		advance time.Duration
		fail    bool
		reads   int // reads the step adds
	}{
		{"first unknown kid reloads", 0, false, 1},
		{"second within the interval does not", 0, false, 0},
		{"third just before the interval ends does not", reloadInterval - time.Nanosecond, false, 0},
		{"after the interval reloads again", time.Nanosecond, false, 1},
		{"a failed reload", reloadInterval, true, 1},
		{"within the interval of a failed reload", 0, true, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.Advance(st.advance)
			s.mu.Lock()
			s.fail = st.fail
			s.mu.Unlock()
			before := s.count()
			verify(t)
			if got := s.count() - before; got != st.reads {
				t.Errorf("store reads: got %d, want %d", got, st.reads)
			}
		})
	}
}
