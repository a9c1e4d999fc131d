package storagetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

var errStopUpdate = errors.New("stop")

// recount is a pool's usage summed over its identities, each counted by
// IdentityUsage: what PoolUsage must equal however the store keeps it.
func recount(t *testing.T, s storage.Store, poolID string) storage.Usage {
	t.Helper()
	ctx := t.Context()
	ids, err := s.ListIdentities(ctx, poolID, storage.ListIdentitiesOptions{})
	if err != nil {
		t.Fatalf("ListIdentities %s: got error %v, want nil", poolID, err)
	}
	var sum storage.Usage
	for _, i := range ids {
		u, err := s.IdentityUsage(ctx, i.ID)
		if err != nil {
			t.Fatalf("IdentityUsage %s: got error %v, want nil", i.ID, err)
		}
		sum.DatasetCount += u.DatasetCount
		sum.DataStorage += u.DataStorage
		if u.LastModifiedAt.After(sum.LastModifiedAt) {
			sum.LastModifiedAt = u.LastModifiedAt
		}
	}
	return sum
}

// checkTotals fails unless every pool's usage equals its recount, but
// for the last change, which never goes back: newest holds each pool's
// newest recounted change so far (a deleted identity takes its datasets
// out of the recount, not the change out of the pool's history).
func checkTotals(t *testing.T, s storage.Store, step string, newest map[string]time.Time, pools ...string) {
	t.Helper()
	for _, p := range pools {
		got, err := s.PoolUsage(t.Context(), p)
		if !wantErr(t, "PoolUsage "+p, err, nil) {
			continue
		}
		want := recount(t, s, p)
		if want.LastModifiedAt.After(newest[p]) {
			newest[p] = want.LastModifiedAt
		}
		want.LastModifiedAt = newest[p]
		got.LastModifiedAt, want.LastModifiedAt = ms(got.LastModifiedAt), ms(want.LastModifiedAt)
		if got != want {
			t.Errorf("after %s: PoolUsage %s: got %+v, want the recount %+v", step, p, got, want)
		}
	}
}

// testUsageTotals: a pool's usage equals a recount of its identities'
// datasets after every kind of write that changes them.
func testUsageTotals(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seedSync(t, s)
	sized := func(identityID, name string, syncCount, size int64, deleted bool) storage.Dataset {
		d := dataset(identityID, name, syncCount)
		d.DataStorage, d.NumRecords, d.Deleted = size, 1, deleted
		return d
	}
	steps := []struct {
		name string
		fn   func(tx storage.Tx) error
	}{
		{"creates", func(tx storage.Tx) error {
			for _, d := range []storage.Dataset{
				sized("p1:a", "d1", 1, 10, false), sized("p1:a", "d2", 1, 20, false),
				sized("p1:b", "d1", 1, 300, false), sized("p2:c", "d1", 1, 4000, false),
				sized("p1:b", "born-deleted", 1, 50000, true),
			} {
				if err := tx.PutDataset(ctx, d, 0); err != nil {
					return err
				}
			}
			return nil
		}},
		{"a dataset grows", func(tx storage.Tx) error { return tx.PutDataset(ctx, sized("p1:a", "d1", 2, 15, false), 1) }},
		{"a dataset is deleted", func(tx storage.Tx) error { return tx.PutDataset(ctx, sized("p1:a", "d2", 2, 0, true), 1) }},
		{"a deleted dataset comes back", func(tx storage.Tx) error {
			return tx.PutDataset(ctx, sized("p1:a", "d2", 3, 7, false), 2)
		}},
		{"a merge moves a dataset", func(tx storage.Tx) error {
			return tx.RenameDataset(ctx, "p1:b", "d1", "p1:a", "d1.merged")
		}},
		{"a failed compare-and-swap", func(tx storage.Tx) error {
			if err := tx.PutDataset(ctx, sized("p1:a", "d1", 9, 999, false), 7); err == nil {
				return fmt.Errorf("PutDataset at a stale sync count: got nil error")
			}
			return nil
		}},
		{"an identity is deleted", func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:b") }},
		{"the other pool's only identity is deleted", func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p2:c") }},
	}
	newest := make(map[string]time.Time)
	for _, st := range steps {
		update(t, s, st.fn)
		checkTotals(t, s, st.name, newest, "p1", "p2")
	}
	// A rolled-back write leaves the totals as they were.
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.PutDataset(ctx, sized("p1:a", "rolled-back", 1, 123456, false), 0); err != nil {
			return err
		}
		return errStopUpdate
	})
	wantErr(t, "Update that fails", err, errStopUpdate)
	checkTotals(t, s, "a rolled-back update", newest, "p1", "p2")
	got, _ := s.PoolUsage(ctx, "p1")
	if got.DatasetCount != 3 || got.DataStorage != 15+7+300 {
		t.Errorf("PoolUsage p1 at the end: got %+v, want 3 datasets of 322 bytes", got)
	}
}

// bigPool is more identities than a backend might delete in one go.
const bigPool = 1234

// testDeleteBigPool: a pool with many identities, each with a login and a
// dataset, is gone for every reader as soon as DeletePool commits, takes
// no new writes, and can be created again, empty, at once.
// seedBigPool gives the pool id bigPool identities, "<id>:00000" on, each
// with a login ("x", "u<n>") and a dataset d1, and then runs more, if set,
// in the same transaction.
func seedBigPool(t *testing.T, s storage.Store, id string, more func(tx storage.Tx) error) {
	t.Helper()
	ctx := t.Context()
	update(t, s, func(tx storage.Tx) error {
		for n := range bigPool {
			iid := fmt.Sprintf("%s:%05d", id, n)
			if err := tx.CreateIdentity(ctx, identity(iid, id, login("x", fmt.Sprint("u", n)))); err != nil {
				return err
			}
			if err := tx.PutDataset(ctx, dataset(iid, "d1", 1), 0); err != nil {
				return err
			}
		}
		if more != nil {
			return more(tx)
		}
		return nil
	})
}

func testDeleteBigPool(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, identity("p2:a", "p2", login("x", "u0")))
	seedBigPool(t, s, "p1", nil)
	checkCount(t, s, "creating the big pool", "p1", storage.IdentityCount{All: bigPool})
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })

	_, err := s.CountIdentities(ctx, "p1")
	wantErr(t, "CountIdentities of the deleted pool", err, storage.ErrNotFound)
	_, err = s.GetPool(ctx, "p1")
	wantErr(t, "GetPool of the deleted pool", err, storage.ErrNotFound)
	for _, n := range []int{0, bigPool / 2, bigPool - 1} {
		id := fmt.Sprintf("p1:%05d", n)
		_, err := s.GetIdentity(ctx, id)
		wantErr(t, "GetIdentity "+id, err, storage.ErrNotFound)
		_, err = s.IdentityByLogin(ctx, "p1", login("x", fmt.Sprint("u", n)))
		wantErr(t, "IdentityByLogin of "+id, err, storage.ErrNotFound)
	}
	ids, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{})
	if wantErr(t, "ListIdentities of the deleted pool", err, nil) && len(ids) != 0 {
		t.Errorf("ListIdentities of the deleted pool: got %d identities, want none", len(ids))
	}
	if n, err := s.CountPools(ctx); wantErr(t, "CountPools", err, nil) && n != 1 {
		t.Errorf("CountPools: got %d, want 1", n)
	}
	ps, err := s.ListPools(ctx, "", 0)
	if wantErr(t, "ListPools", err, nil) {
		checkPools(t, "ListPools", ps, []storage.Pool{pool("p2")})
	}
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.CreateIdentity(ctx, identity("p1:new", "p1")) })
	wantErr(t, "CreateIdentity in the deleted pool", err, storage.ErrNotFound)
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.UpdatePool(ctx, pool("p1")) })
	wantErr(t, "UpdatePool of the deleted pool", err, storage.ErrNotFound)
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
	wantErr(t, "DeletePool of the deleted pool", err, storage.ErrNotFound)

	// Re-created at once, the pool is empty and its logins are free.
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:00000", "p1", login("x", "u1")))
	ids, err = s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{})
	if wantErr(t, "ListIdentities of the re-created pool", err, nil) {
		checkIdentities(t, "ListIdentities of the re-created pool", ids, []storage.Identity{identity("p1:00000", "p1", login("x", "u1"))})
	}
	checkCount(t, s, "re-creating the pool", "p1", storage.IdentityCount{All: 1})
	checkCount(t, s, "re-creating the pool", "p2", storage.IdentityCount{All: 1})
	_, err = s.GetDataset(ctx, "p1:00000", "d1")
	wantErr(t, "GetDataset of the re-created identity", err, storage.ErrNotFound)
	if u, err := s.PoolUsage(ctx, "p1"); wantErr(t, "PoolUsage of the re-created pool", err, nil) && u != (storage.Usage{}) {
		t.Errorf("PoolUsage of the re-created pool: got %+v, want zero", u)
	}
	// The other pool is untouched.
	got, err := s.IdentityByLogin(ctx, "p2", login("x", "u0"))
	if wantErr(t, "IdentityByLogin in p2", err, nil) {
		checkIdentity(t, "IdentityByLogin in p2", got, identity("p2:a", "p2", login("x", "u0")))
	}
}
