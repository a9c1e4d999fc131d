package storagetest

import (
	"slices"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testRevocations: revocations are listed until they expire; revoking
// twice keeps the later expiry.
func testRevocations(t *testing.T, s storage.Store) {
	ctx := t.Context()
	got, err := s.Revocations(ctx, at(0))
	if wantErr(t, "Revocations of an empty store", err, nil) && len(got) != 0 {
		t.Errorf("Revocations of an empty store: got %v, want none", got)
	}
	creds := storage.Revocation{Kind: storage.RevokedCredentials, ID: "ASIAAAAA", Expires: at(100).Truncate(1e6)}
	tok := storage.Revocation{Kind: storage.RevokedToken, ID: "abcdef", Expires: at(50).Truncate(1e6)}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.Revoke(ctx, creds); err != nil {
			return err
		}
		return tx.Revoke(ctx, tok)
	})
	later := tok
	later.Expires = at(300).Truncate(1e6)
	update(t, s, func(tx storage.Tx) error { return tx.Revoke(ctx, later) })
	update(t, s, func(tx storage.Tx) error { return tx.Revoke(ctx, tok) }) // an earlier expiry changes nothing

	tests := []struct {
		name string
		now  int
		want []storage.Revocation
	}{
		{"all", 0, []storage.Revocation{creds, later}},
		{"credentials expired", 150, []storage.Revocation{later}},
		{"all expired", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Revocations(ctx, at(tt.now))
			if !wantErr(t, "Revocations", err, nil) {
				return
			}
			eq := func(a, b storage.Revocation) bool {
				return a.Kind == b.Kind && a.ID == b.ID && a.Expires.Equal(b.Expires)
			}
			if !slices.EqualFunc(got, tt.want, eq) {
				t.Errorf("Revocations: got %v, want %v", got, tt.want)
			}
		})
	}
	update(t, s, func(tx storage.Tx) error { return tx.ForgetExpired(ctx, at(400)) })
	if got, _ := s.Revocations(ctx, at(0)); len(got) != 0 {
		t.Errorf("Revocations after ForgetExpired: got %v, want none", got)
	}
}
