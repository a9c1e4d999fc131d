package storagetest

import (
	"errors"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testResetPending: a reset recorded as in progress is seen once its
// transaction commits, not after it rolls back, until it is recorded as
// done; a new store holds none.
func testResetPending(t *testing.T, s storage.Store) {
	ctx := t.Context()
	check := func(what string, want bool) {
		t.Helper()
		got, err := s.ResetPending(ctx)
		if err != nil {
			t.Fatalf("%s: ResetPending: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: ResetPending: got %v, want %v", what, got, want)
		}
	}
	set := func(pending bool) func(tx storage.Tx) error {
		return func(tx storage.Tx) error { return tx.SetResetPending(ctx, pending) }
	}
	check("a new store", false)
	rollback := errors.New("roll back")
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := set(true)(tx); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("Update: got %v, want %v", err, rollback)
	}
	check("after a rolled-back record", false)
	for _, pending := range []bool{true, true, false, false} {
		if err := s.Update(ctx, set(pending)); err != nil {
			t.Fatalf("SetResetPending(%v): %v", pending, err)
		}
		check("after SetResetPending", pending)
	}
}
