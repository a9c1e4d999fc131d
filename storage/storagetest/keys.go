package storagetest

import (
	"bytes"
	"errors"
	"testing"

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
	inactive := func(k storage.SigningKey) storage.SigningKey { k.Active = false; return k }

	steps := []struct {
		name string
		add  storage.SigningKey
		want []storage.SigningKey
	}{
		{"first active key", k1, []storage.SigningKey{k1}},
		{"second active key retires the first", k2, []storage.SigningKey{inactive(k1), k2}},
		{"an inactive key changes nothing else", k3, []storage.SigningKey{inactive(k1), k2, k3}},
		{"an older key is listed first", k0, []storage.SigningKey{k0, inactive(k1), k2, k3}},
	}
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
		checkKeys(t, "SigningKeys after the failed CreateSigningKey", got, []storage.SigningKey{k1, k2})
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
