package storagetest

import (
	"fmt"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testWritesAfterPoolDeleted is the storage half of a request that lost a
// race with DeleteIdentityPool (or a reset, which deletes every pool): the
// request read the pool and its identity, then the pool was deleted, then
// the request's writes ran. Each write must fail with ErrNotFound, so that
// the service can answer ResourceNotFoundException rather than an internal
// error, and must leave nothing behind. The deletion is committed by an
// earlier transaction, or made earlier in the same one.
func testWritesAfterPoolDeleted(t *testing.T, s storage.Store) {
	ctx := t.Context()
	fb := login("graph.facebook.com", "u1")
	dev := login("login.example.dev", "d1")
	writes := []struct {
		name string
		fn   func(tx storage.Tx) error
	}{
		{"CreateIdentity", func(tx storage.Tx) error { return tx.CreateIdentity(ctx, identity("p1:new", "p1")) }},
		{"CreateIdentity with a login", func(tx storage.Tx) error {
			return tx.CreateIdentity(ctx, identity("p1:new", "p1", login("graph.facebook.com", "u9")))
		}},
		{"CreateIdentity with a developer user", func(tx storage.Tx) error {
			return tx.CreateIdentity(ctx, identity("p1:new", "p1", login("login.example.dev", "d9")))
		}},
		{"UpdateIdentity linking a login", func(tx storage.Tx) error {
			return tx.UpdateIdentity(ctx, identity("p1:a", "p1", fb, login("accounts.google.com", "g1")))
		}},
		{"UpdateIdentity merging a developer user", func(tx storage.Tx) error {
			return tx.UpdateIdentity(ctx, identity("p1:a", "p1", fb, dev))
		}},
		{"DeleteIdentity", func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:a") }},
		{"PutDataset of an existing dataset", func(tx storage.Tx) error { return tx.PutDataset(ctx, dataset("p1:a", "d", 2), 1) }},
		{"PutDataset creating one", func(tx storage.Tx) error { return tx.PutDataset(ctx, dataset("p1:a", "new", 1), 0) }},
		{"PutRecords", func(tx storage.Tx) error {
			return tx.PutRecords(ctx, "p1:a", "d", []storage.Record{record("k", "v2", 2), record("k2", "v", 2)})
		}},
		{"RenameDataset", func(tx storage.Tx) error { return tx.RenameDataset(ctx, "p1:a", "d", "p1:b", "d.p1:a") }},
		{"PutSyncConfig", func(tx storage.Tx) error { return tx.PutSyncConfig(ctx, "p1", fullSyncConfig()) }},
		{"PutDevice", func(tx storage.Tx) error { return tx.PutDevice(ctx, device("dev-2", "p1:a", "GCM", "token-2")) }},
		{"Subscribe", func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-1", "d") }},
	}
	for _, sameTx := range []bool{false, true} {
		for _, w := range writes {
			name := w.name
			if sameTx {
				name += " in the deleting transaction"
			}
			t.Run(name, func(t *testing.T) {
				seed(t, s, []storage.Pool{pool("p1")}, identity("p1:a", "p1", fb), identity("p1:b", "p1", dev))
				putDataset(t, s, dataset("p1:a", "d", 1), 0)
				putRecords(t, s, "p1:a", "d", record("k", "v", 1))
				update(t, s, func(tx storage.Tx) error { return tx.PutDevice(ctx, device("dev-1", "p1:a", "GCM", "token-1")) })

				var err error
				if sameTx {
					err = s.Update(ctx, func(tx storage.Tx) error {
						if err := tx.DeletePool(ctx, "p1"); err != nil {
							return fmt.Errorf("DeletePool: %v", err) // not ErrNotFound
						}
						return w.fn(tx)
					})
				} else {
					update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
					err = s.Update(ctx, w.fn)
				}
				wantErr(t, w.name+" after DeletePool", err, storage.ErrNotFound)

				// Nothing of the pool is left, whichever way the write
				// failed; the deletion stands when it was committed alone.
				if !sameTx {
					_, err = s.GetPool(ctx, "p1")
					wantErr(t, "GetPool after the failed write", err, storage.ErrNotFound)
				}
				for _, id := range []string{"p1:a", "p1:b", "p1:new"} {
					if _, err := s.GetIdentity(ctx, id); err == nil && !sameTx {
						t.Errorf("GetIdentity %s after the failed write: got it, want ErrNotFound", id)
					}
					if ds, err := s.ListDatasets(ctx, id, "", 10); err != nil || (len(ds) > 0 && !sameTx) {
						t.Errorf("ListDatasets %s after the failed write: got %d, %v, want none", id, len(ds), err)
					}
				}
				for _, l := range []storage.Login{fb, dev, login("graph.facebook.com", "u9"), login("login.example.dev", "d9")} {
					if _, err := s.IdentityByLogin(ctx, "p1", l); err == nil && !sameTx {
						t.Errorf("IdentityByLogin %s/%s after the failed write: got an identity, want ErrNotFound", l.Provider, l.UserID)
					}
				}
				_, err = s.GetDevice(ctx, "dev-2")
				wantErr(t, "GetDevice of the refused device", err, storage.ErrNotFound)

				// The next case seeds p1 afresh.
				if sameTx {
					update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
				}
			})
		}
	}
}
