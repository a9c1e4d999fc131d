package storagetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/idpool/idpool/storage"
)

// countOf is a pool's identity count recounted from ListIdentities: what
// CountIdentities must equal however the store keeps it.
func countOf(t *testing.T, r storage.Reader, poolID string) storage.IdentityCount {
	t.Helper()
	ctx := t.Context()
	all, err := r.ListIdentities(ctx, poolID, storage.ListIdentitiesOptions{})
	if err != nil {
		t.Fatalf("ListIdentities %s: got error %v, want nil", poolID, err)
	}
	live, err := r.ListIdentities(ctx, poolID, storage.ListIdentitiesOptions{HideDisabled: true})
	if err != nil {
		t.Fatalf("ListIdentities %s, HideDisabled: got error %v, want nil", poolID, err)
	}
	for _, bound := range []int{1, 2} {
		if paged := pageLive(t, r, poolID, bound); !slices.Equal(paged, identityIDs(live)) {
			t.Errorf("ListIdentities %s, HideDisabled, a page at a time with MaxSkipped %d: got %v, want %v", poolID, bound, paged, identityIDs(live))
		}
	}
	return storage.IdentityCount{All: int64(len(all)), Disabled: int64(len(all) - len(live))}
}

// pageLive returns the ids of poolID's live identities, listed a page of
// one at a time with HideDisabled, each page passing over at most
// maxSkipped disabled identities, as ListIdentities pages them.
func pageLive(t *testing.T, r storage.Reader, poolID string, maxSkipped int) []string {
	t.Helper()
	var ids []string
	after := ""
	for {
		page, err := r.ListIdentities(t.Context(), poolID, storage.ListIdentitiesOptions{After: after, Limit: 1, HideDisabled: true, MaxSkipped: maxSkipped})
		if err != nil {
			t.Fatalf("ListIdentities %s after %q, HideDisabled, MaxSkipped %d: got error %v, want nil", poolID, after, maxSkipped, err)
		}
		if len(page) == 0 {
			return ids
		}
		last := page[len(page)-1]
		if last.Disabled {
			page = page[:len(page)-1] // where the page stopped
		}
		for _, i := range page {
			if i.Disabled {
				t.Fatalf("ListIdentities %s after %q, HideDisabled, MaxSkipped %d: got disabled %s before the last, want live ones", poolID, after, maxSkipped, i.ID)
			}
			ids = append(ids, i.ID)
		}
		if last.ID <= after {
			t.Fatalf("ListIdentities %s after %q, HideDisabled, MaxSkipped %d: got %s last, want an id after it", poolID, after, maxSkipped, last.ID)
		}
		after = last.ID
	}
}

// checkCount fails unless CountIdentities of poolID, through r, is want
// and equals the recount.
func checkCount(t *testing.T, r storage.Reader, step, poolID string, want storage.IdentityCount) {
	t.Helper()
	got, err := r.CountIdentities(t.Context(), poolID)
	if !wantErr(t, "after "+step+": CountIdentities "+poolID, err, nil) {
		return
	}
	if got != want {
		t.Errorf("after %s: CountIdentities %s: got %+v, want %+v", step, poolID, got, want)
	}
	if re := countOf(t, r, poolID); got != re {
		t.Errorf("after %s: CountIdentities %s: got %+v, want the recount %+v", step, poolID, got, re)
	}
}

// testIdentityCount: a pool's identity count, disabled identities
// included and counted apart, follows every write that adds, removes,
// disables, enables or moves an identity, and nothing else.
func testIdentityCount(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")})
	checkCount(t, s, "creating the pools", "p1", storage.IdentityCount{})

	disabled := func(i storage.Identity, into string) storage.Identity {
		i.Logins, i.Disabled, i.MergedInto = nil, true, into
		return i
	}
	a := identity("p1:a", "p1", login("graph.facebook.com", "fb-a"))
	b := identity("p1:b", "p1", login("graph.facebook.com", "fb-b"))
	steps := []struct {
		name   string
		fn     func(tx storage.Tx) error
		p1, p2 storage.IdentityCount
	}{
		{"creates", func(tx storage.Tx) error {
			for _, i := range []storage.Identity{a, b, identity("p1:guest", "p1"), disabled(identity("p1:born-disabled", "p1"), ""), identity("p2:a", "p2")} {
				if err := tx.CreateIdentity(ctx, i); err != nil {
					return err
				}
			}
			return nil
		}, storage.IdentityCount{All: 4, Disabled: 1}, storage.IdentityCount{All: 1}},
		{"a merge disables the loser", func(tx storage.Tx) error {
			if err := tx.UpdateIdentity(ctx, disabled(b, a.ID)); err != nil {
				return err
			}
			a.Logins = append(a.Logins, b.Logins...)
			return tx.UpdateIdentity(ctx, a)
		}, storage.IdentityCount{All: 4, Disabled: 2}, storage.IdentityCount{All: 1}},
		{"an update that neither disables nor moves", func(tx storage.Tx) error {
			a.ModifiedAt = at(99)
			a.Logins = a.Logins[:1]
			return tx.UpdateIdentity(ctx, a)
		}, storage.IdentityCount{All: 4, Disabled: 2}, storage.IdentityCount{All: 1}},
		{"a disabled identity updated again", func(tx storage.Tx) error {
			return tx.UpdateIdentity(ctx, disabled(b, "p1:guest"))
		}, storage.IdentityCount{All: 4, Disabled: 2}, storage.IdentityCount{All: 1}},
		{"a disabled identity enabled", func(tx storage.Tx) error {
			return tx.UpdateIdentity(ctx, identity("p1:born-disabled", "p1"))
		}, storage.IdentityCount{All: 4, Disabled: 1}, storage.IdentityCount{All: 1}},
		{"an identity moved to another pool", func(tx storage.Tx) error {
			return tx.UpdateIdentity(ctx, disabled(identity("p1:born-disabled", "p2"), ""))
		}, storage.IdentityCount{All: 3, Disabled: 1}, storage.IdentityCount{All: 2, Disabled: 1}},
		{"deletes", func(tx storage.Tx) error {
			if err := tx.DeleteIdentity(ctx, b.ID); err != nil {
				return err
			}
			return tx.DeleteIdentity(ctx, "p2:a")
		}, storage.IdentityCount{All: 2}, storage.IdentityCount{All: 1, Disabled: 1}},
		{"failed writes", func(tx storage.Tx) error {
			if err := tx.CreateIdentity(ctx, identity(a.ID, "p1")); err == nil {
				return fmt.Errorf("CreateIdentity of a taken id: got nil error, want one")
			}
			if err := tx.CreateIdentity(ctx, identity("p1:c", "p1", a.Logins[0])); err == nil {
				return fmt.Errorf("CreateIdentity with a taken login: got nil error, want one")
			}
			if err := tx.DeleteIdentity(ctx, "p1:missing"); err == nil {
				return fmt.Errorf("DeleteIdentity of a missing identity: got nil error, want one")
			}
			return nil
		}, storage.IdentityCount{All: 2}, storage.IdentityCount{All: 1, Disabled: 1}},
	}
	for _, st := range steps {
		update(t, s, st.fn)
		checkCount(t, s, st.name, "p1", st.p1)
		checkCount(t, s, st.name, "p2", st.p2)
	}

	// A transaction counts its own writes; a rolled-back one leaves the
	// count as it was.
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreateIdentity(ctx, identity("p1:rolled-back", "p1")); err != nil {
			return err
		}
		checkCount(t, tx, "a create inside the transaction", "p1", storage.IdentityCount{All: 3})
		return errStopUpdate
	})
	wantErr(t, "Update that fails", err, errStopUpdate)
	checkCount(t, s, "a rolled-back update", "p1", storage.IdentityCount{All: 2})

	_, err = s.CountIdentities(ctx, "p9")
	wantErr(t, "CountIdentities of a missing pool", err, storage.ErrNotFound)
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p2") })
	_, err = s.CountIdentities(ctx, "p2")
	wantErr(t, "CountIdentities of a deleted pool", err, storage.ErrNotFound)
	update(t, s, func(tx storage.Tx) error {
		_, err := tx.CountIdentities(ctx, "p2")
		wantErr(t, "tx.CountIdentities of a deleted pool", err, storage.ErrNotFound)
		return nil
	})
	seed(t, s, []storage.Pool{pool("p2")})
	checkCount(t, s, "the pool is created again", "p2", storage.IdentityCount{})
	checkCount(t, s, "the other pool is deleted", "p1", storage.IdentityCount{All: 2})
}

// testIdentityListMerged: ListIdentities with MergedInto lists the
// identities whose MergedInto is that identity, in id order and paged,
// and follows merges as they are written.
func testIdentityListMerged(t *testing.T, s storage.Store) {
	ctx := t.Context()
	merged := func(id, poolID, into string) storage.Identity {
		i := identity(id, poolID)
		i.Disabled, i.MergedInto = true, into
		return i
	}
	unlinked := identity("p1:unlinked", "p1")
	unlinked.Disabled = true
	ids := []storage.Identity{
		identity("p1:s", "p1", login("x", "s")),
		merged("p1:c", "p1", "p1:s"), merged("p1:a", "p1", "p1:s"), merged("p1:b", "p1", "p1:s"),
		merged("p1:d", "p1", "p1:other"), unlinked, identity("p1:e", "p1"),
		merged("p2:a", "p2", "p1:s"), // another pool's, never listed for p1
	}
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, ids...)
	want := picker(ids)
	checkListings(t, s, []listCase{
		{"all", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s"}, want("p1:a", "p1:b", "p1:c")},
		{"first page", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s", Limit: 2}, want("p1:a", "p1:b")},
		{"second page", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s", After: "p1:b", Limit: 2}, want("p1:c")},
		{"another survivor", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:other"}, want("p1:d")},
		{"an identity that took in none", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:e"}, nil},
		{"the other pool", "p2", storage.ListIdentitiesOptions{MergedInto: "p1:s"}, want("p2:a")},
		{"hide disabled leaves none", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s", HideDisabled: true}, nil},
		// MaxSkipped does not apply: no disabled identity marks where to resume.
		{"hide disabled with a bound leaves none", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s", HideDisabled: true, MaxSkipped: 1}, nil},
		{"a bound without hide disabled", "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s", MaxSkipped: 1}, want("p1:a", "p1:b", "p1:c")},
		{"a missing pool", "p9", storage.ListIdentitiesOptions{MergedInto: "p1:s"}, nil},
	})

	// The survivor loses a merge in turn: its own losers stay its; a
	// loser merged on moves; a deleted one is gone; the transaction sees
	// its own writes.
	update(t, s, func(tx storage.Tx) error {
		if err := tx.UpdateIdentity(ctx, merged("p1:s", "p1", "p1:e")); err != nil {
			return err
		}
		if err := tx.UpdateIdentity(ctx, merged("p1:a", "p1", "p1:e")); err != nil {
			return err
		}
		if err := tx.DeleteIdentity(ctx, "p1:c"); err != nil {
			return err
		}
		got, err := tx.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{MergedInto: "p1:e"})
		if wantErr(t, "tx.ListIdentities after the writes", err, nil) {
			checkIdentities(t, "tx.ListIdentities after the writes", got, []storage.Identity{merged("p1:a", "p1", "p1:e"), merged("p1:s", "p1", "p1:e")})
		}
		return nil
	})
	got, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s"})
	if wantErr(t, "ListIdentities after the writes", err, nil) {
		checkIdentities(t, "ListIdentities after the writes", got, want("p1:b"))
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p2") })
	got, err = s.ListIdentities(ctx, "p2", storage.ListIdentitiesOptions{MergedInto: "p1:s"})
	if wantErr(t, "ListIdentities of a deleted pool", err, nil) && len(got) != 0 {
		t.Errorf("ListIdentities of a deleted pool: got ids %v, want none", identityIDs(got))
	}
}
