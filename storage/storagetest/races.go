package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/idpool/idpool/storage"
)

// poolWrite is a write into pool p1 of seedRace.
type poolWrite struct {
	name string
	fn   func(tx storage.Tx) error
}

// poolWrites are the writes a request may make into pool p1 of seedRace,
// each as it would succeed had the pool not been deleted.
func poolWrites(t *testing.T) []poolWrite {
	ctx := t.Context()
	fb := login("graph.facebook.com", "u1")
	dev := login("login.example.dev", "d1")
	return []poolWrite{
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
		{"RenameDataset from another pool", func(tx storage.Tx) error { return tx.RenameDataset(ctx, "p2:c", "e", "p1:b", "e.p2:c") }},
		{"PutSyncConfig", func(tx storage.Tx) error { return tx.PutSyncConfig(ctx, "p1", fullSyncConfig()) }},
		{"PutDevice", func(tx storage.Tx) error { return tx.PutDevice(ctx, device("dev-2", "p1:a", "GCM", "token-2")) }},
		{"Subscribe", func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-1", "d") }},
		{"Subscribe to another dataset", func(tx storage.Tx) error { return tx.Subscribe(ctx, "dev-1", "e") }},
	}
}

// seedRace makes pool p1 with identities p1:a, holding dataset d with a
// record and device dev-1 subscribed to it, and p1:b, and a sync
// configuration, and pool p2 with identity p2:c holding dataset e; with big, bigPool more identities, whose ids
// ("p1:00000"…) sort before p1:a and p1:b: a backend removing a deleted
// pool in id order reaches those two last.
func seedRace(t *testing.T, s storage.Store, big bool) {
	t.Helper()
	ctx := t.Context()
	// Each case seeds p1 after the last deleted it; p2 is left from the
	// last case and goes first.
	update(t, s, func(tx storage.Tx) error {
		if err := tx.DeletePool(ctx, "p2"); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return nil
	})
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, identity("p1:a", "p1", login("graph.facebook.com", "u1")),
		identity("p1:b", "p1", login("login.example.dev", "d1")), identity("p2:c", "p2"))
	putDataset(t, s, dataset("p1:a", "d", 1), 0)
	putDataset(t, s, dataset("p2:c", "e", 1), 0)
	putRecords(t, s, "p1:a", "d", record("k", "v", 1))
	update(t, s, func(tx storage.Tx) error {
		if err := tx.PutDevice(ctx, device("dev-1", "p1:a", "GCM", "token-1")); err != nil {
			return err
		}
		if err := tx.Subscribe(ctx, "dev-1", "d"); err != nil {
			return err
		}
		return tx.PutSyncConfig(ctx, "p1", fullSyncConfig())
	})
	if big {
		seedBigPool(t, s, "p1", nil)
	}
}

// testWritesAfterPoolDeleted is the storage half of a request that lost a
// race with DeleteIdentityPool (or a reset, which deletes every pool): the
// request read the pool and its identity, then the pool was deleted, then
// the request's writes ran. Each write must fail with ErrNotFound, so that
// the service can answer ResourceNotFoundException rather than an internal
// error, and must leave nothing behind. The deletion is committed by an
// earlier transaction, or made earlier in the same one.
func testWritesAfterPoolDeleted(t *testing.T, s storage.Store) {
	ctx := t.Context()
	for _, sameTx := range []bool{false, true} {
		for _, w := range poolWrites(t) {
			name := w.name
			if sameTx {
				name += " in the deleting transaction"
			}
			t.Run(name, func(t *testing.T) {
				seedRace(t, s, false)
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
					checkPoolGone(t, s, "after the failed write")
				}
				for _, id := range []string{"p1:a", "p1:b", "p1:new"} {
					if _, err := s.GetIdentity(ctx, id); err == nil && !sameTx {
						t.Errorf("GetIdentity %s after the failed write: got it, want ErrNotFound", id)
					}
					if ds, err := s.ListDatasets(ctx, id, "", 10); err != nil || (len(ds) > 0 && !sameTx) {
						t.Errorf("ListDatasets %s after the failed write: got %d, %v, want none", id, len(ds), err)
					}
				}
				for _, l := range []storage.Login{login("graph.facebook.com", "u1"), login("login.example.dev", "d1"),
					login("graph.facebook.com", "u9"), login("login.example.dev", "d9")} {
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

// testWritesAfterBigPoolDeleted is testWritesAfterPoolDeleted on a pool
// of bigPool more identities, which a backend may remove after the
// deletion, in batches: until then the pool is just as gone, for readers
// and writers, in the deleting transaction and after it. Every write
// runs after one deletion, each in its own transaction or all in the
// deleting one, as a refused write changes nothing.
func testWritesAfterBigPoolDeleted(t *testing.T, s storage.Store) {
	ctx := t.Context()
	writes := poolWrites(t)
	t.Run("later transactions", func(t *testing.T) {
		seedRace(t, s, true)
		update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
		checkPoolGone(t, s, "after DeletePool")
		for _, w := range writes {
			err := s.Update(ctx, w.fn)
			wantErr(t, w.name+" after DeletePool", err, storage.ErrNotFound)
		}
		_, err := s.GetPool(ctx, "p1")
		wantErr(t, "GetPool after the failed writes", err, storage.ErrNotFound)
		checkPoolGone(t, s, "after the failed writes")
	})
	t.Run("deleting transaction", func(t *testing.T) {
		seedRace(t, s, true)
		update(t, s, func(tx storage.Tx) error {
			if err := tx.DeletePool(ctx, "p1"); err != nil {
				return err
			}
			checkPoolGone(t, tx, "in the deleting transaction")
			for _, w := range writes {
				err := w.fn(tx)
				wantErr(t, w.name+" after DeletePool", err, storage.ErrNotFound)
				checkPoolGone(t, tx, "after "+w.name+", in the deleting transaction")
			}
			return nil
		})
		checkPoolGone(t, s, "after the deleting transaction")
	})
}

// checkPoolGone checks that r finds nothing of the deleted pool p1 of
// testWritesAfterPoolDeleted: its identities' sync state is gone too.
func checkPoolGone(t *testing.T, r storage.Reader, step string) {
	t.Helper()
	ctx := t.Context()
	for _, id := range []string{"p1:a", "p1:b"} {
		_, err := r.GetIdentity(ctx, id)
		wantErr(t, step+": GetIdentity "+id, err, storage.ErrNotFound)
		if ds, err := r.ListDatasets(ctx, id, "", 10); !wantErr(t, step+": ListDatasets "+id, err, nil) || len(ds) > 0 {
			t.Errorf("%s: ListDatasets %s: got %d datasets, want none", step, id, len(ds))
		}
		if ds, err := r.ListDevices(ctx, id); !wantErr(t, step+": ListDevices "+id, err, nil) || len(ds) > 0 {
			t.Errorf("%s: ListDevices %s: got %d devices, want none", step, id, len(ds))
		}
		if u, err := r.IdentityUsage(ctx, id); wantErr(t, step+": IdentityUsage "+id, err, nil) && u != (storage.Usage{}) {
			t.Errorf("%s: IdentityUsage %s: got %+v, want zero", step, id, u)
		}
	}
	for _, d := range [][2]string{{"p1:a", "d"}, {"p1:b", "d.p1:a"}, {"p1:b", "e.p2:c"}} {
		_, err := r.GetDataset(ctx, d[0], d[1])
		wantErr(t, step+": GetDataset "+d[0]+"/"+d[1], err, storage.ErrNotFound)
	}
	// GetRecords first: a backend may answer it from what ListRecords
	// read.
	if rs, err := r.GetRecords(ctx, "p1:a", "d", []string{"k", "k2"}); !wantErr(t, step+": GetRecords p1:a/d", err, nil) || len(rs) > 0 {
		t.Errorf("%s: GetRecords p1:a/d: got %d records, want none", step, len(rs))
	}
	if rs, err := r.ListRecords(ctx, "p1:a", "d", storage.ListRecordsOptions{}); !wantErr(t, step+": ListRecords p1:a/d", err, nil) || len(rs) > 0 {
		t.Errorf("%s: ListRecords p1:a/d: got %d records, want none", step, len(rs))
	}
	for _, id := range []string{"dev-1", "dev-2"} {
		_, err := r.GetDevice(ctx, id)
		wantErr(t, step+": GetDevice "+id, err, storage.ErrNotFound)
	}
	_, err := r.DeviceByToken(ctx, "p1:a", "GCM", "token-1")
	wantErr(t, step+": DeviceByToken of dev-1", err, storage.ErrNotFound)
	if subs, err := r.Subscriptions(ctx, "dev-1"); !wantErr(t, step+": Subscriptions of dev-1", err, nil) || len(subs) > 0 {
		t.Errorf("%s: Subscriptions of dev-1: got %q, want none", step, subs)
	}
	for _, d := range []string{"d", "e"} {
		if ok, err := r.Subscribed(ctx, "dev-1", d); !wantErr(t, step+": Subscribed dev-1 to "+d, err, nil) || ok {
			t.Errorf("%s: Subscribed dev-1 to %s: got true, want false", step, d)
		}
	}
	if c, err := r.GetSyncConfig(ctx, "p1"); !wantErr(t, step+": GetSyncConfig p1", err, nil) || !reflect.DeepEqual(c, storage.SyncConfig{}) {
		t.Errorf("%s: GetSyncConfig p1: got %+v, want none", step, c)
	}
	if u, err := r.PoolUsage(ctx, "p1"); wantErr(t, step+": PoolUsage p1", err, nil) && u != (storage.Usage{}) {
		t.Errorf("%s: PoolUsage p1: got %+v, want zero", step, u)
	}
}
