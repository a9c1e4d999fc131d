package storagetest

import (
	"fmt"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testPoolRecreateInOneUpdate: a pool deleted and created again in one
// transaction, as a reset does, is the new pool for every reader from the
// commit on: nothing of the old one is left in it, not even what a backend
// would purge later, and its logins and identity ids are free within that
// transaction. Readers inside the transaction see the same.
func testPoolRecreateInOneUpdate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, identity("p2:a", "p2", login("x", "u0")))
	seedBigPool(t, s, "p1", func(tx storage.Tx) error {
		return tx.PutSyncConfig(ctx, "p1", storage.SyncConfig{PushRoleARN: "arn:aws:iam::123456789012:role/push", HasPushSync: true})
	})
	again := identity("p1:00000", "p1", login("x", "u1"))
	update(t, s, func(tx storage.Tx) error {
		if err := tx.DeletePool(ctx, "p1"); err != nil {
			return err
		}
		if _, err := tx.GetPool(ctx, "p1"); !wantErr(t, "tx.GetPool after DeletePool", err, storage.ErrNotFound) {
			return nil
		}
		if err := tx.CreatePool(ctx, fullPool("p1")); err != nil {
			return err
		}
		// The id of an old identity and the login of another.
		if err := tx.CreateIdentity(ctx, again); err != nil {
			return err
		}
		checkCount(t, tx, "re-creating the pool, in the transaction", "p1", storage.IdentityCount{All: 1})
		return nil
	})

	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool of the re-created pool", err, nil) {
		checkPool(t, "GetPool of the re-created pool", got, fullPool("p1"))
	}
	check := func(step string) {
		t.Helper()
		checkCount(t, s, step, "p1", storage.IdentityCount{All: 1})
		checkCount(t, s, step, "p2", storage.IdentityCount{All: 1})
		ids, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{})
		if wantErr(t, step+": ListIdentities of the re-created pool", err, nil) {
			checkIdentities(t, step+": ListIdentities of the re-created pool", ids, []storage.Identity{again})
		}
		for _, n := range []int{1, bigPool - 1} {
			id := fmt.Sprintf("p1:%05d", n)
			_, err := s.GetIdentity(ctx, id)
			wantErr(t, step+": GetIdentity of the old "+id, err, storage.ErrNotFound)
		}
		_, err = s.IdentityByLogin(ctx, "p1", login("x", "u2"))
		wantErr(t, step+": IdentityByLogin of an old login", err, storage.ErrNotFound)
		_, err = s.GetDataset(ctx, "p1:00000", "d1")
		wantErr(t, step+": GetDataset of the old identity's dataset", err, storage.ErrNotFound)
		if u, err := s.PoolUsage(ctx, "p1"); wantErr(t, step+": PoolUsage of the re-created pool", err, nil) && u != (storage.Usage{}) {
			t.Errorf("%s: PoolUsage of the re-created pool: got %+v, want zero", step, u)
		}
		if c, err := s.GetSyncConfig(ctx, "p1"); wantErr(t, step+": GetSyncConfig of the re-created pool", err, nil) && c.HasPushSync {
			t.Errorf("%s: GetSyncConfig of the re-created pool: got %+v, want the old one's gone", step, c)
		}
	}
	check("re-creating the pool")
	// More transactions, during which a backend that purges deleted pools
	// in batches gets to run: it must leave the new pool alone.
	for n := range 5 {
		update(t, s, func(tx storage.Tx) error {
			return tx.CreateIdentity(ctx, identity(fmt.Sprintf("p2:%d", n), "p2"))
		})
		update(t, s, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, fmt.Sprintf("p2:%d", n)) })
	}
	check("later transactions")
}

// testIdentityIDOfDeletedPool: the ids of a deleted pool's identities are
// free as soon as the deletion is made, in its transaction or a later one,
// also for an identity of another pool and however large the deleted pool
// was, as a reset to a fixture whose pool changed id needs; the new
// identity holds nothing of the old one. An id a live identity holds is
// still taken.
func testIdentityIDOfDeletedPool(t *testing.T, s storage.Store) {
	ctx := t.Context()
	for n, sameTx := range []bool{false, true} {
		name := "later transaction"
		if sameTx {
			name = "deleting transaction"
		}
		t.Run(name, func(t *testing.T) {
			old, live := fmt.Sprint("old", n), fmt.Sprint("new", n)
			seed(t, s, []storage.Pool{pool(old), pool(live)}, identity(live+":a", live))
			seedBigPool(t, s, old, nil)
			// The first identity and the last, which a backend purging in
			// batches removes last.
			ids := []string{fmt.Sprintf("%s:%05d", old, 0), fmt.Sprintf("%s:%05d", old, bigPool-1)}
			create := func(tx storage.Tx) error {
				for k, id := range ids {
					if err := tx.CreateIdentity(ctx, identity(id, live, login("x", fmt.Sprint("v", k)))); err != nil {
						return fmt.Errorf("CreateIdentity %s in %s: %w", id, live, err)
					}
				}
				err := tx.CreateIdentity(ctx, identity(live+":a", live))
				wantErr(t, "CreateIdentity of the live "+live+":a", err, storage.ErrAlreadyExists)
				return nil
			}
			if sameTx {
				update(t, s, func(tx storage.Tx) error {
					if err := tx.DeletePool(ctx, old); err != nil {
						return err
					}
					return create(tx)
				})
			} else {
				update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, old) })
				update(t, s, create)
			}
			checkCount(t, s, "moving identities", live, storage.IdentityCount{All: 3})
			for k, id := range ids {
				got, err := s.GetIdentity(ctx, id)
				if wantErr(t, "GetIdentity "+id, err, nil) {
					checkIdentity(t, "GetIdentity "+id, got, identity(id, live, login("x", fmt.Sprint("v", k))))
				}
				_, err = s.GetDataset(ctx, id, "d1")
				wantErr(t, "GetDataset of the old identity's dataset", err, storage.ErrNotFound)
				if ds, err := s.ListDatasets(ctx, id, "", 0); wantErr(t, "ListDatasets "+id, err, nil) && len(ds) != 0 {
					t.Errorf("ListDatasets %s: got %d datasets, want none", id, len(ds))
				}
			}
			_, err := s.IdentityByLogin(ctx, old, login("x", "u0"))
			wantErr(t, "IdentityByLogin of an old login", err, storage.ErrNotFound)
		})
	}
}
