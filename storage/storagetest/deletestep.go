package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/idpool/idpool/storage"
)

// testDeleteIdentitiesStep: DeleteIdentitiesStep, called until it reports
// done, deletes the listed identities of its pool as DeleteIdentity
// deletes each (logins freed, datasets, records and devices gone, the
// identities merged into them naming none, the pool's counts and usage
// following), and touches nothing else: the pool's other identities, an
// identity of another pool listed with them, ids that name nothing. A
// pool that is absent or deleted holds none of them: done at once. A
// step rolled back with its transaction deletes nothing.
func testDeleteIdentitiesStep(t *testing.T, s storage.Store) {
	ctx := t.Context()
	merged := identity("p1:m", "p1")
	merged.Disabled, merged.MergedInto = true, "p1:a"
	keep := identity("p1:keep", "p1", login("graph.facebook.com", "fb-keep"))
	other := identity("p2:c", "p2", login("graph.facebook.com", "fb-a"))
	seed(t, s, []storage.Pool{pool("p1"), pool("p2"), pool("p3")},
		identity("p1:a", "p1", login("graph.facebook.com", "fb-a")),
		identity("p1:b", "p1", login("accounts.google.com", "g-b")),
		merged, keep, other, identity("p3:d", "p3"))
	putDataset(t, s, dataset("p1:a", "d1", 1), 0)
	putRecords(t, s, "p1:a", "d1", record("k1", "v1", 1), tombstone("k2", 1))
	putDataset(t, s, dataset("p2:c", "d1", 1), 0)
	putRecords(t, s, "p2:c", "d1", record("k1", "v1", 1))
	update(t, s, func(tx storage.Tx) error {
		return tx.PutDevice(ctx, storage.Device{ID: "dev-a", IdentityID: "p1:a", Platform: "GCM", Token: "t", CreatedAt: at(40)})
	})
	usage2, err := s.PoolUsage(ctx, "p2")
	wantErr(t, "PoolUsage p2", err, nil)

	ids := []string{"p1:a", "p1:b", "p2:c", "p1:absent"}
	step := func(pool string, ids []string) bool {
		t.Helper()
		var done bool
		update(t, s, func(tx storage.Tx) error {
			var err error
			done, err = tx.DeleteIdentitiesStep(ctx, pool, ids)
			return err
		})
		return done
	}

	failed := errors.New("fail after the step")
	err = s.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.DeleteIdentitiesStep(ctx, "p1", ids); err != nil {
			return err
		}
		return failed
	})
	wantErr(t, "Update that fails after DeleteIdentitiesStep", err, failed)
	if _, err := s.GetIdentity(ctx, "p1:a"); !wantErr(t, "GetIdentity p1:a after the rolled-back step", err, nil) {
		return
	}

	steps := 0
	for !step("p1", ids) {
		if steps++; steps > 10 {
			t.Fatalf("DeleteIdentitiesStep: not done after %d steps of 3 identities of 2 records, want done", steps)
		}
	}
	for _, id := range []string{"p1:a", "p1:b"} {
		_, err := s.GetIdentity(ctx, id)
		wantErr(t, "GetIdentity "+id+" after DeleteIdentitiesStep", err, storage.ErrNotFound)
	}
	_, err = s.IdentityByLogin(ctx, "p1", login("graph.facebook.com", "fb-a"))
	wantErr(t, "IdentityByLogin of a deleted identity's login", err, storage.ErrNotFound)
	_, err = s.GetDataset(ctx, "p1:a", "d1")
	wantErr(t, "GetDataset of a deleted identity", err, storage.ErrNotFound)
	_, err = s.DeviceByToken(ctx, "p1:a", "GCM", "t")
	wantErr(t, "DeviceByToken of a deleted identity", err, storage.ErrNotFound)
	got, err := s.GetIdentity(ctx, "p1:m")
	if wantErr(t, "GetIdentity of the identity merged into a deleted one", err, nil) {
		merged.MergedInto = ""
		checkIdentity(t, "GetIdentity of the identity merged into a deleted one", got, merged)
	}
	got, err = s.GetIdentity(ctx, keep.ID)
	if wantErr(t, "GetIdentity of an identity not listed", err, nil) {
		checkIdentity(t, "GetIdentity of an identity not listed", got, keep)
	}
	got, err = s.GetIdentity(ctx, other.ID)
	if wantErr(t, "GetIdentity of the listed identity of another pool", err, nil) {
		checkIdentity(t, "GetIdentity of the listed identity of another pool", got, other)
	}
	if u, err := s.PoolUsage(ctx, "p2"); wantErr(t, "PoolUsage p2 after the steps", err, nil) && u != usage2 {
		t.Errorf("PoolUsage p2 after the steps: got %+v, want %+v", u, usage2)
	}
	n, err := s.CountIdentities(ctx, "p1")
	if wantErr(t, "CountIdentities p1", err, nil) && n != (storage.IdentityCount{All: 2, Disabled: 1}) {
		t.Errorf("CountIdentities p1: got %+v, want 2 identities, 1 disabled", n)
	}
	if u, err := s.PoolUsage(ctx, "p1"); wantErr(t, "PoolUsage p1", err, nil) && (u.DatasetCount != 0 || u.DataStorage != 0) {
		t.Errorf("PoolUsage p1 after the steps: got %+v, want no datasets", u)
	}
	if !step("p1", ids) {
		t.Errorf("DeleteIdentitiesStep of identities already deleted: got not done, want done")
	}

	// Of a deleted pool, and of one that never was: nothing.
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p3") })
	for _, p := range []string{"p3", "p9"} {
		if !step(p, []string{"p3:d", other.ID}) {
			t.Errorf("DeleteIdentitiesStep of pool %s: got not done, want done at once", p)
		}
	}
	if _, err := s.GetIdentity(ctx, other.ID); !wantErr(t, "GetIdentity p2:c after steps of other pools", err, nil) {
		return
	}
	if !step("p1", nil) {
		t.Errorf("DeleteIdentitiesStep of no ids: got not done, want done")
	}
}

// testDeleteIdentitiesStepMany: steps on a pool of many identities,
// each of several datasets and records, delete what they are given and
// no more, however many steps that takes.
func testDeleteIdentitiesStepMany(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")})
	var all []string
	update(t, s, func(tx storage.Tx) error {
		for i := range 150 {
			id := fmt.Sprintf("p1:%03d", i)
			all = append(all, id)
			if err := tx.CreateIdentity(ctx, identity(id, "p1", login("x", id))); err != nil {
				return err
			}
			for d := range 3 {
				name := fmt.Sprint("d", d)
				if err := tx.PutDataset(ctx, dataset(id, name, 1), 0); err != nil {
					return err
				}
				recs := []storage.Record{record("a", "1", 1), record("b", "2", 1), tombstone("c", 1)}
				if err := tx.PutRecords(ctx, id, name, recs); err != nil {
					return err
				}
			}
		}
		return nil
	})
	gone := all[:120]
	for steps := 0; ; steps++ {
		if steps > 100 {
			t.Fatalf("DeleteIdentitiesStep: not done after %d steps, want done", steps)
		}
		var done bool
		update(t, s, func(tx storage.Tx) error {
			var err error
			done, err = tx.DeleteIdentitiesStep(ctx, "p1", gone)
			return err
		})
		if done {
			break
		}
	}
	left, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{})
	if wantErr(t, "ListIdentities p1", err, nil) && !slices.Equal(identityIDs(left), all[120:]) {
		t.Errorf("ListIdentities p1 after the steps: got %v, want %v", identityIDs(left), all[120:])
	}
	u, err := s.PoolUsage(ctx, "p1")
	if wantErr(t, "PoolUsage p1", err, nil) && u.DatasetCount != 30*3 {
		t.Errorf("PoolUsage p1 after the steps: got %d datasets, want %d", u.DatasetCount, 30*3)
	}
}
