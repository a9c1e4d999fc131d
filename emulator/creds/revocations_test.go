package creds

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestRevocations: revoked credentials open as expired, also after a
// restart; other credentials are untouched.
func TestRevocations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idpool.db")
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	key := bytes.Repeat([]byte{5}, KeySize)
	open := func() (*sqlite.Store, *Issuer, *Revocations) {
		t.Helper()
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewRevocations(ctx, st, clock)
		if err != nil {
			t.Fatal(err)
		}
		i, err := New(key, clock, rand.Reader, WithRevocations(r))
		if err != nil {
			t.Fatal(err)
		}
		return st, i, r
	}

	st, i, r := open()
	c, _ := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s"}, time.Hour)
	other, _ := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "t"}, time.Hour)
	if err := r.Revoke(ctx, storage.RevokedCredentials, c.AccessKeyID, c.Expiration); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Open(c.SessionToken); !errors.Is(err, ErrExpired) {
		t.Errorf("Open of revoked credentials: got %v, want ErrExpired", err)
	}
	if _, err := i.Lookup(c.AccessKeyID); !errors.Is(err, ErrExpired) {
		t.Errorf("Lookup of revoked credentials: got %v, want ErrExpired", err)
	}
	if _, err := i.Open(other.SessionToken); err != nil {
		t.Errorf("Open of other credentials: got %v, want nil", err)
	}
	st.Close()

	st, i, _ = open()
	defer st.Close()
	if _, err := i.Open(c.SessionToken); !errors.Is(err, ErrExpired) {
		t.Errorf("Open of revoked credentials after a restart: got %v, want ErrExpired", err)
	}
}

// TestLookup: recently issued or used credentials are found by access key
// id; the oldest are forgotten when more than recentSize were seen.
func TestLookup(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	i := newIssuer(t, 1, &now)
	first, _ := i.Issue(Session{RoleARN: "r", SessionName: "first"}, time.Hour)
	got, err := i.Lookup(first.AccessKeyID)
	if err != nil || got.SessionToken != first.SessionToken || got.Session.SessionName != "first" {
		t.Fatalf("Lookup: got %+v, %v, want the issued credentials", got, err)
	}
	if _, err := i.Lookup("ASIAUNKNOWN"); !errors.Is(err, ErrNotIssued) {
		t.Errorf("Lookup of an unknown key: got %v, want ErrNotIssued", err)
	}
	for range recentSize {
		i.Issue(Session{RoleARN: "r", SessionName: "more"}, time.Hour)
	}
	if _, err := i.Lookup(first.AccessKeyID); !errors.Is(err, ErrNotIssued) {
		t.Errorf("Lookup after %d newer issues: got %v, want ErrNotIssued", recentSize, err)
	}
	// Used again (another restart's Issuer opening it), it is found again.
	if _, err := i.Open(first.SessionToken); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Lookup(first.AccessKeyID); err != nil {
		t.Errorf("Lookup after use: got %v, want the credentials", err)
	}
}
