package storagetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testOutbound: a new store has no outbound federation (ErrNotFound) and
// no outbound keys; a set federation replaces the one before, in a
// transaction's own reads too; keys list oldest first, and an algorithm
// already taken is ErrAlreadyExists; a rolled-back update
// leaves what there was.
func testOutbound(t *testing.T, s storage.Store) {
	ctx := t.Context()
	_, err := s.OutboundFederation(ctx)
	wantErr(t, "OutboundFederation of a new store", err, storage.ErrNotFound)
	wantKeys := func(t *testing.T, what string, r storage.Reader, want []storage.OutboundKey) {
		t.Helper()
		got, err := r.OutboundKeys(ctx)
		if err != nil || len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %+v, %v, want %+v, nil", what, got, err, want)
		}
	}
	wantFed := func(t *testing.T, what string, r storage.Reader, want storage.OutboundFederation) {
		t.Helper()
		got, err := r.OutboundFederation(ctx)
		if err != nil || got != want {
			t.Fatalf("%s: got %+v, %v, want %+v, nil", what, got, err, want)
		}
	}
	wantKeys(t, "OutboundKeys of a new store", s, nil)

	rsa := storage.OutboundKey{Algorithm: "RS256", PrivateKey: []byte{1, 2, 3}, CreatedAt: at(1)}
	ec := storage.OutboundKey{Algorithm: "ES384", PrivateKey: []byte{4, 5}, CreatedAt: at(2)}
	on := storage.OutboundFederation{Issuer: "http://localhost:9230/_idpool/outbound/id-1", Enabled: true}
	update(t, s, func(tx storage.Tx) error {
		if err := tx.SetOutboundFederation(ctx, on); err != nil {
			return err
		}
		for _, k := range []storage.OutboundKey{rsa, ec} {
			if err := tx.CreateOutboundKey(ctx, k); err != nil {
				return err
			}
		}
		wantFed(t, "OutboundFederation in the transaction", tx, on)
		wantKeys(t, "OutboundKeys in the transaction", tx, []storage.OutboundKey{trunc(rsa), trunc(ec)})
		return nil
	})
	wantFed(t, "OutboundFederation after", s, on)
	wantKeys(t, "OutboundKeys after", s, []storage.OutboundKey{trunc(rsa), trunc(ec)})

	taken := storage.OutboundKey{Algorithm: ec.Algorithm, PrivateKey: []byte{9}, CreatedAt: at(3)}
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.CreateOutboundKey(ctx, taken) })
	wantErr(t, "CreateOutboundKey of an algorithm taken", err, storage.ErrAlreadyExists)

	off := on
	off.Enabled = false
	update(t, s, func(tx storage.Tx) error { return tx.SetOutboundFederation(ctx, off) })
	wantFed(t, "OutboundFederation after disabling", s, off)

	err = s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.SetOutboundFederation(ctx, on); err != nil {
			return err
		}
		return context.Canceled
	})
	wantErr(t, "Update", err, context.Canceled)
	wantFed(t, "OutboundFederation after a rollback", s, off)
	wantKeys(t, "OutboundKeys after a rollback", s, []storage.OutboundKey{trunc(rsa), trunc(ec)})
}

// trunc returns k with its creation time as the store keeps it, to the
// millisecond.
func trunc(k storage.OutboundKey) storage.OutboundKey {
	k.CreatedAt = k.CreatedAt.Truncate(1e6).UTC()
	return k
}
