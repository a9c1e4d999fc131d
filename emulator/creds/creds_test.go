package creds

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newIssuer(t *testing.T, key byte, now *time.Time) *Issuer {
	t.Helper()
	i, err := New(bytes.Repeat([]byte{key}, KeySize), func() time.Time { return *now }, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestIssueOpen(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	i := newIssuer(t, 1, &now)
	s := Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", SessionName: "CognitoIdentityCredentials",
		IdentityID: "us-east-1:1", PoolID: "us-east-1:p", AMR: []string{"authenticated", "x"}, PrincipalTags: map[string]string{"k": "v"}}
	c, err := i.Issue(s, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || len(c.AccessKeyID) != 20 {
		t.Errorf("access key id: got %q, want ASIA + 16 characters", c.AccessKeyID)
	}
	if len(c.SecretAccessKey) != 40 {
		t.Errorf("secret: got %d characters, want 40", len(c.SecretAccessKey))
	}
	if want := now.Add(time.Hour); !c.Expiration.Equal(want) {
		t.Errorf("expiration: got %v, want %v", c.Expiration, want)
	}
	if !c.Issued.Equal(now) {
		t.Errorf("issued: got %v, want %v", c.Issued, now)
	}

	// Another Issuer with the same key (a restart) opens it.
	got, err := newIssuer(t, 1, &now).Open(c.SessionToken)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got.AccessKeyID != c.AccessKeyID || got.SecretAccessKey != c.SecretAccessKey || !got.Expiration.Equal(c.Expiration) || !got.Issued.Equal(now) || !reflect.DeepEqual(got.Session, s) {
		t.Errorf("Open: got %+v, want %+v", got, c)
	}

	c2, _ := i.Issue(s, time.Hour)
	if c2.AccessKeyID == c.AccessKeyID || c2.SecretAccessKey == c.SecretAccessKey {
		t.Error("two issues gave the same key id or secret")
	}
}

func TestOpenRefuses(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	i := newIssuer(t, 1, &now)
	c, err := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(c.SessionToken)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-5] ^= 1
	tests := []struct {
		name string
		open func() error
		want error
	}{
		{"other server key", func() error { _, err := newIssuer(t, 2, &now).Open(c.SessionToken); return err }, ErrNotIssued},
		{"tampered", func() error { _, err := i.Open(base64.StdEncoding.EncodeToString(flipped)); return err }, ErrNotIssued},
		{"garbage", func() error { _, err := i.Open("not a token"); return err }, ErrNotIssued},
		{"empty", func() error { _, err := i.Open(""); return err }, ErrNotIssued},
		{"expired", func() error {
			later := now.Add(time.Hour)
			_, err := newIssuer(t, 1, &later).Open(c.SessionToken)
			return err
		}, ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.open(); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNewKeySize(t *testing.T) {
	if _, err := New([]byte("short"), time.Now, rand.Reader); err == nil {
		t.Error("got nil error for a short key")
	}
}

func FuzzOpen(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	i, _ := New(bytes.Repeat([]byte{1}, KeySize), func() time.Time { return now }, rand.Reader)
	c, _ := i.Issue(Session{RoleARN: "r", SessionName: "s"}, time.Hour)
	f.Add(c.SessionToken)
	f.Add("")
	f.Add("AQ==")
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := i.Open(tok)
		if err == nil && got.SessionToken != tok {
			t.Errorf("opened token differs")
		}
	})
}

// TestMFA: the time of a session's MFA authentication is sealed in its
// token, so that another Issuer of the same key (idpool after a restart)
// opens it; a session without MFA seals nothing for it, as tokens sealed
// before idpool recorded it did, and those open as without MFA.
func TestMFA(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		name string
		mfa  int64
	}{{"without MFA", 0}, {"with MFA", now.Unix() - 90}} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newIssuer(t, 1, &now).Issue(Session{UserARN: "arn:aws:iam::123456789012:user/alice", MFA: tt.mfa}, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := base64.StdEncoding.DecodeString(c.SessionToken)
			i := newIssuer(t, 1, &now)
			ns := i.aead.NonceSize()
			payload, err := i.aead.Open(nil, raw[1:1+ns], raw[1+ns:], raw[:1])
			if err != nil {
				t.Fatal(err)
			}
			if has := bytes.Contains(payload, []byte(`"mfa"`)); has != (tt.mfa != 0) {
				t.Errorf("sealed payload %s: got mfa sealed %v, want %v", payload, has, tt.mfa != 0)
			}
			got, err := i.Open(c.SessionToken)
			if err != nil {
				t.Fatal(err)
			}
			if got.Session.MFA != tt.mfa {
				t.Errorf("MFA after reopening: got %d, want %d", got.Session.MFA, tt.mfa)
			}
		})
	}
}
