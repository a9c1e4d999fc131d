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

func TestLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idpool.db")
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	key := bytes.Repeat([]byte{5}, KeySize)

	open := func() (*sqlite.Store, *Log, *Issuer) {
		t.Helper()
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		l, err := NewLog(ctx, st, clock, nil)
		if err != nil {
			t.Fatal(err)
		}
		i, err := New(key, clock, rand.Reader, WithLog(l))
		if err != nil {
			t.Fatal(err)
		}
		return st, l, i
	}

	st, l, i := open()
	c, err := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "t"}, time.Hour)
	// Queued, not yet written: still found.
	if tok, err := l.SessionToken(ctx, c.AccessKeyID); err != nil || tok != c.SessionToken {
		t.Errorf("SessionToken before the flush: got %q, %v, want the issued token", tok, err)
	}
	if err := l.Revoke(ctx, storage.RevokedCredentials, c.AccessKeyID, c.Expiration); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Open(c.SessionToken); !errors.Is(err, ErrExpired) {
		t.Errorf("Open of revoked credentials: got %v, want ErrExpired", err)
	}
	if _, err := i.Open(other.SessionToken); err != nil {
		t.Errorf("Open of other credentials: got %v, want nil", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// After a restart: written, and still revoked.
	st, l, i = open()
	defer st.Close()
	defer l.Close()
	if tok, err := l.SessionToken(ctx, c.AccessKeyID); err != nil || tok != c.SessionToken {
		t.Errorf("SessionToken after a restart: got %q, %v, want the issued token", tok, err)
	}
	if _, err := i.Open(c.SessionToken); !errors.Is(err, ErrExpired) {
		t.Errorf("Open of revoked credentials after a restart: got %v, want ErrExpired", err)
	}
	if _, err := l.SessionToken(ctx, "ASIAUNKNOWN"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("SessionToken of an unknown key: got %v, want ErrNotFound", err)
	}
}
