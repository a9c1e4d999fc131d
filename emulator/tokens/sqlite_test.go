package tokens

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/idpool/idpool/storage/sqlite"
)

// TestTokensSurviveRestart signs with a key stored in a SQLite file and
// verifies the token after the store is closed and reopened.
func TestTokensSurviveRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idpool.db")
	clk := newClock()

	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	first, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A second Issuer racing over the same store must end up on the same key.
	second, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims := Claims{Subject: identityID, Audience: poolID, AMR: []string{"unauthenticated"}, Expiry: clk.Now().Add(10 * time.Minute)}
	tok, err := first.Sign(ctx, claims)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if _, err := second.Verify(ctx, tok); err != nil {
		t.Errorf("second Issuer verifies the first's token: %v", err)
	}
	if keys, err := s.SigningKeys(ctx); err != nil || len(keys) != 1 {
		t.Fatalf("stored keys: got %d (%v), want 1", len(keys), err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	again, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := again.Verify(ctx, tok)
	if err != nil {
		t.Fatalf("Verify after reopen: %v", err)
	}
	if c.Subject != identityID || c.Audience != poolID {
		t.Errorf("got sub %q aud %q, want %q and %q", c.Subject, c.Audience, identityID, poolID)
	}
	if kid, _ := again.ActiveKeyID(ctx); kid != "us-east-1-1" {
		t.Errorf("active kid after reopen: got %q, want us-east-1-1", kid)
	}
}
