package storagetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

func testSigningKeys(t *testing.T, s storage.Store) {
	ctx := t.Context()
	got, err := s.SigningKeys(ctx)
	if wantErr(t, "SigningKeys of an empty store", err, nil) {
		checkKeys(t, "SigningKeys of an empty store", got, nil)
	}

	k1 := key("k1", at(10), true)
	k2 := key("k2", at(20), true)
	k3 := key("k3", at(30), false)
	// Created last but the oldest: listed first.
	k0 := key("k0", at(5), false)

	steps := []struct {
		name string
		add  storage.SigningKey
		want []storage.SigningKey
	}{
		{"first active key", k1, []storage.SigningKey{k1}},
		{"second active key retires the first", k2, []storage.SigningKey{retired(k1, at(20)), k2}},
		{"an inactive key changes nothing else", k3, []storage.SigningKey{retired(k1, at(20)), k2, k3}},
		{"an older key is listed first", k0, []storage.SigningKey{k0, retired(k1, at(20)), k2, k3}},
	}
	checkKeySteps(t, s, steps)
}

// retired returns k inactive, retired at when.
func retired(k storage.SigningKey, when time.Time) storage.SigningKey {
	k.Active, k.RetiredAt = false, when
	return k
}

// checkKeySteps creates each step's key in an Update of its own and checks
// the keys listed then, inside the transaction and after it.
func checkKeySteps(t *testing.T, s storage.Store, steps []struct {
	name string
	add  storage.SigningKey
	want []storage.SigningKey
}) {
	t.Helper()
	ctx := t.Context()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				if err := tx.CreateSigningKey(ctx, st.add); err != nil {
					return err
				}
				got, err := tx.SigningKeys(ctx)
				if wantErr(t, "tx.SigningKeys", err, nil) {
					checkKeys(t, "tx.SigningKeys", got, st.want)
				}
				return nil
			})
			got, err := s.SigningKeys(ctx)
			if wantErr(t, "SigningKeys", err, nil) {
				checkKeys(t, "SigningKeys", got, st.want)
			}
		})
	}
}

// testSigningKeyRetire: an active key retires every other key that has
// not been retired at its creation time, keeps the time of those retired
// before, and is stored unretired itself; a key stored inactive keeps the
// RetiredAt it is given.
func testSigningKeyRetire(t *testing.T, s storage.Store) {
	k1 := key("k1", at(10), true)
	k2 := retired(key("k2", at(20), false), at(15)) // retired elsewhere
	k3 := key("k3", at(30), false)                  // stored inactive, not retired
	k4 := key("k4", at(40), true)
	k5 := key("k5", at(50), true)
	k5.RetiredAt = at(1) // an active key is not retired
	unretired := k5
	unretired.RetiredAt = time.Time{}

	checkKeySteps(t, s, []struct {
		name string
		add  storage.SigningKey
		want []storage.SigningKey
	}{
		{"active key", k1, []storage.SigningKey{k1}},
		{"inactive key with a retirement time", k2, []storage.SigningKey{k1, k2}},
		{"inactive key without one", k3, []storage.SigningKey{k1, k2, k3}},
		{"active key retires the active and the unretired", k4,
			[]storage.SigningKey{retired(k1, at(40)), k2, retired(k3, at(40)), k4}},
		{"active key given a retirement time", k5,
			[]storage.SigningKey{retired(k1, at(40)), k2, retired(k3, at(40)), retired(k4, at(50)), unretired}},
	})
}

// testSigningKeyDelete: an inactive key is deleted, in the transaction's
// reads at once and for good once it commits, and its kid is free again;
// the active key and a missing one are refused and nothing changes
// (testUpdateRollback rolls a deletion back).
func testSigningKeyDelete(t *testing.T, s storage.Store) {
	ctx := t.Context()
	k1 := key("k1", at(10), true)
	k2 := key("k2", at(20), true)
	k3 := key("k3", at(30), false)
	update(t, s, func(tx storage.Tx) error {
		for _, k := range []storage.SigningKey{k1, k2, k3} {
			if err := tx.CreateSigningKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name    string
		kid     string
		wantErr error
		want    []storage.SigningKey
	}{
		{"retired key", "k1", nil, []storage.SigningKey{k2, k3}},
		{"deleted key", "k1", storage.ErrNotFound, []storage.SigningKey{k2, k3}},
		{"missing key", "k9", storage.ErrNotFound, []storage.SigningKey{k2, k3}},
		{"active key", "k2", storage.ErrConflict, []storage.SigningKey{k2, k3}},
		{"inactive key never retired", "k3", nil, []storage.SigningKey{k2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			update(t, s, func(tx storage.Tx) error {
				err := tx.DeleteSigningKey(ctx, tt.kid)
				wantErr(t, "DeleteSigningKey", err, tt.wantErr)
				got, err := tx.SigningKeys(ctx)
				if wantErr(t, "tx.SigningKeys", err, nil) {
					checkKeys(t, "tx.SigningKeys", got, tt.want)
				}
				return nil // commit whatever a refused call might have left
			})
			got, err := s.SigningKeys(ctx)
			if wantErr(t, "SigningKeys", err, nil) {
				checkKeys(t, "SigningKeys", got, tt.want)
			}
		})
	}

	again := key("k1", at(40), false)
	update(t, s, func(tx storage.Tx) error { return tx.CreateSigningKey(ctx, again) })
	got, err := s.SigningKeys(ctx)
	if wantErr(t, "SigningKeys", err, nil) {
		checkKeys(t, "SigningKeys after the deleted kid is created again", got, []storage.SigningKey{k2, again})
	}
}

// testSigningKeyDuplicate: a taken kid is refused and the failed call
// changes nothing, not even which key is active.
func testSigningKeyDuplicate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	k1 := key("k1", at(10), false)
	k2 := key("k2", at(20), true)
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateSigningKey(ctx, k1); err != nil {
			return err
		}
		return tx.CreateSigningKey(ctx, k2)
	})

	dup := key("k1", at(30), true)
	dup.PrivateKey = []byte("other")
	update(t, s, func(tx storage.Tx) error {
		err := tx.CreateSigningKey(ctx, dup)
		wantErr(t, "CreateSigningKey of a taken kid", err, storage.ErrAlreadyExists)
		return nil // commit whatever the failed call might have left
	})
	got, err := s.SigningKeys(ctx)
	if wantErr(t, "SigningKeys", err, nil) {
		checkKeys(t, "SigningKeys after the failed CreateSigningKey", got, []storage.SigningKey{retired(k1, at(20)), k2})
	}
}

// testSecrets: a secret is missing until created, reads back byte for byte,
// is a copy, and is never replaced.
func testSecrets(t *testing.T, s storage.Store) {
	ctx := t.Context()
	if _, err := s.Secret(ctx, "creds"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Secret before creation: got %v, want ErrNotFound", err)
	}
	want := []byte{0, 1, 2, 0xff}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateSecret(ctx, "creds", want); err != nil {
			return err
		}
		got, err := tx.Secret(ctx, "creds")
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("tx.Secret: got %x, %v, want %x", got, err, want)
		}
		return nil
	})
	got, err := s.Secret(ctx, "creds")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Secret: got %x, %v, want %x", got, err, want)
	}
	got[0] = 9
	if again, _ := s.Secret(ctx, "creds"); !bytes.Equal(again, want) {
		t.Errorf("Secret after mutating a returned value: got %x, want %x", again, want)
	}
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.CreateSecret(ctx, "creds", []byte("other")) })
	if !errors.Is(err, storage.ErrAlreadyExists) {
		t.Errorf("CreateSecret of a taken name: got %v, want ErrAlreadyExists", err)
	}
	if again, _ := s.Secret(ctx, "creds"); !bytes.Equal(again, want) {
		t.Errorf("Secret after a refused CreateSecret: got %x, want %x", again, want)
	}
}
