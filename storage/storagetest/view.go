package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// testView: the Reader of View sees the store as it was when View
// started, across many reads, while an Update commits pools, identities,
// logins and datasets meanwhile; the store sees that Update once it has
// committed, and View returns fn's error.
func testView(t *testing.T, s storage.Store) {
	ctx := t.Context()
	la, lb := login("graph.facebook.com", "fb-a"), login("graph.facebook.com", "fb-b")
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:a", "p1", la))
	putDataset(t, s, dataset("p1:a", "d", 1), 0)

	write := func(tx storage.Tx) error {
		if err := tx.DeleteIdentity(ctx, "p1:a"); err != nil {
			return err
		}
		if err := tx.CreatePool(ctx, pool("p2")); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, identity("p1:b", "p1", lb)); err != nil {
			return err
		}
		return tx.PutDataset(ctx, dataset("p1:b", "d", 1), 0)
	}
	var committed chan error
	got := s.View(ctx, func(r storage.Reader) error {
		if _, err := r.GetIdentity(ctx, "p1:a"); err != nil {
			t.Fatalf("GetIdentity before the write: got error %v, want nil", err)
		}
		committed = make(chan error, 1)
		go func() { committed <- s.Update(ctx, write) }()
		// A backend whose writers go on during a View commits now; one
		// whose writers wait for it commits after View returns. Either
		// way the reads below must not see the write.
		select {
		case err := <-committed:
			committed <- err
		case <-time.After(200 * time.Millisecond):
		}
		checkSnapshot(t, r)
		return errors.New("fn failed")
	})
	if got == nil || got.Error() != "fn failed" {
		t.Errorf("View: got error %v, want fn's error", got)
	}
	if err := <-committed; err != nil {
		t.Fatalf("Update during View: got error %v, want nil", err)
	}
	_, err := s.GetIdentity(ctx, "p1:b")
	wantErr(t, "GetIdentity of the identity created during View, after it", err, nil)
	_, err = s.GetIdentity(ctx, "p1:a")
	wantErr(t, "GetIdentity of the identity deleted during View, after it", err, storage.ErrNotFound)
}

// checkSnapshot checks that r sees the state testView seeded.
func checkSnapshot(t *testing.T, r storage.Reader) {
	t.Helper()
	ctx := t.Context()
	ids, err := r.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{})
	if wantErr(t, "ListIdentities in View", err, nil) && (len(ids) != 1 || ids[0].ID != "p1:a") {
		t.Errorf("ListIdentities in View: got %+v, want p1:a alone", ids)
	}
	i, err := r.IdentityByLogin(ctx, "p1", login("graph.facebook.com", "fb-a"))
	if wantErr(t, "IdentityByLogin of the deleted identity's login in View", err, nil) && i.ID != "p1:a" {
		t.Errorf("IdentityByLogin in View: got %s, want p1:a", i.ID)
	}
	_, err = r.IdentityByLogin(ctx, "p1", login("graph.facebook.com", "fb-b"))
	wantErr(t, "IdentityByLogin of the created identity's login in View", err, storage.ErrNotFound)
	_, err = r.GetIdentity(ctx, "p1:b")
	wantErr(t, "GetIdentity of the created identity in View", err, storage.ErrNotFound)
	n, err := r.CountIdentities(ctx, "p1")
	if wantErr(t, "CountIdentities in View", err, nil) && n.All != 1 {
		t.Errorf("CountIdentities in View: got %d, want 1", n.All)
	}
	_, err = r.GetPool(ctx, "p2")
	wantErr(t, "GetPool of the created pool in View", err, storage.ErrNotFound)
	pools, err := r.ListPools(ctx, "", 0)
	if wantErr(t, "ListPools in View", err, nil) && len(pools) != 1 {
		t.Errorf("ListPools in View: got %d pools, want 1", len(pools))
	}
	ds, err := r.ListDatasets(ctx, "p1:a", "", 0)
	if wantErr(t, "ListDatasets of the deleted identity in View", err, nil) && len(ds) != 1 {
		t.Errorf("ListDatasets of the deleted identity in View: got %d datasets, want 1", len(ds))
	}
	_, err = r.GetDataset(ctx, "p1:b", "d")
	wantErr(t, "GetDataset of the created identity in View", err, storage.ErrNotFound)
}
