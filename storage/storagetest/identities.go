package storagetest

import (
	"errors"
	"testing"

	"github.com/idpool/idpool/storage"
)

func testIdentityRoundTrip(t *testing.T, s storage.Store) {
	ctx := t.Context()
	merged := identity("p1:merged", "p1")
	merged.Disabled = true
	merged.MergedInto = "p1:two"
	ids := []storage.Identity{
		identity("p1:none", "p1"),
		identity("p1:two", "p1", login("graph.facebook.com", "fb1"), login("accounts.google.com", "g1")),
		merged,
	}
	seed(t, s, []storage.Pool{pool("p1")}, ids...)
	for _, want := range ids {
		got, err := s.GetIdentity(ctx, want.ID)
		if wantErr(t, "GetIdentity "+want.ID, err, nil) {
			checkIdentity(t, "GetIdentity "+want.ID, got, want)
		}
	}
	update(t, s, func(tx storage.Tx) error {
		for _, want := range ids {
			got, err := tx.GetIdentity(ctx, want.ID)
			if wantErr(t, "tx.GetIdentity "+want.ID, err, nil) {
				checkIdentity(t, "tx.GetIdentity "+want.ID, got, want)
			}
		}
		return nil
	})
}

func testIdentityCreateErrors(t *testing.T, s storage.Store) {
	ctx := t.Context()
	orig := identity("p1:a", "p1", login("graph.facebook.com", "fb1"))
	seed(t, s, []storage.Pool{pool("p1")}, orig)

	tests := []struct {
		name string
		i    storage.Identity
		want error
	}{
		{"taken id", identity("p1:a", "p1", login("accounts.google.com", "g1")), storage.ErrAlreadyExists},
		{"taken id without logins", identity("p1:a", "p1"), storage.ErrAlreadyExists},
		{"missing pool", identity("p9:a", "p9", login("accounts.google.com", "g2")), storage.ErrNotFound},
		{"missing pool without logins", identity("p9:b", "p9"), storage.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreateIdentity(ctx, tc.i) })
			wantErr(t, "CreateIdentity", err, tc.want)
			for _, l := range tc.i.Logins {
				_, err := s.IdentityByLogin(ctx, tc.i.PoolID, l)
				wantErr(t, "IdentityByLogin of the failed identity's login", err, storage.ErrNotFound)
			}
			got, err := s.GetIdentity(ctx, orig.ID)
			if wantErr(t, "GetIdentity of the existing identity", err, nil) {
				checkIdentity(t, "GetIdentity of the existing identity", got, orig)
			}
		})
	}
	_, err := s.GetIdentity(ctx, "p9:a")
	wantErr(t, "GetIdentity of an identity of a missing pool", err, storage.ErrNotFound)
}

func testIdentityGetMissing(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:a", "p1"))
	_, err := s.GetIdentity(ctx, "p1:b")
	wantErr(t, "GetIdentity of a missing identity", err, storage.ErrNotFound)
	update(t, s, func(tx storage.Tx) error {
		_, err := tx.GetIdentity(ctx, "p1:b")
		wantErr(t, "tx.GetIdentity of a missing identity", err, storage.ErrNotFound)
		return nil
	})
}

// testLoginTakenOnCreate: a login belongs to one identity of a pool. The
// failed CreateIdentity writes nothing, even when the Update function goes
// on and commits.
func testLoginTakenOnCreate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	taken := login("graph.facebook.com", "fb1")
	free := login("accounts.google.com", "g1")
	a := identity("p1:a", "p1", taken)
	seed(t, s, []storage.Pool{pool("p1")}, a)

	update(t, s, func(tx storage.Tx) error {
		err := tx.CreateIdentity(ctx, identity("p1:b", "p1", free, taken))
		wantErr(t, "CreateIdentity with a taken login", err, storage.ErrAlreadyExists)
		_, err = tx.GetIdentity(ctx, "p1:b")
		wantErr(t, "tx.GetIdentity after the failed CreateIdentity", err, storage.ErrNotFound)
		_, err = tx.IdentityByLogin(ctx, "p1", free)
		wantErr(t, "tx.IdentityByLogin of the free login after the failed CreateIdentity", err, storage.ErrNotFound)
		return nil // commit whatever the failed call might have left
	})

	_, err := s.GetIdentity(ctx, "p1:b")
	wantErr(t, "GetIdentity after the failed CreateIdentity", err, storage.ErrNotFound)
	_, err = s.IdentityByLogin(ctx, "p1", free)
	wantErr(t, "IdentityByLogin of the free login", err, storage.ErrNotFound)
	got, err := s.IdentityByLogin(ctx, "p1", taken)
	if wantErr(t, "IdentityByLogin of the taken login", err, nil) {
		checkIdentity(t, "IdentityByLogin of the taken login", got, a)
	}

	// The free login is really free, and the id is unused.
	b := identity("p1:b", "p1", free)
	seed(t, s, nil, b)
	got, err = s.IdentityByLogin(ctx, "p1", free)
	if wantErr(t, "IdentityByLogin after creating p1:b", err, nil) {
		checkIdentity(t, "IdentityByLogin after creating p1:b", got, b)
	}
}

// testLoginTakenOnUpdate: UpdateIdentity cannot take another identity's
// login, and the failed call leaves the identity as it was.
func testLoginTakenOnUpdate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	l2 := login("accounts.google.com", "g2")
	l3 := login("www.amazon.com", "amzn3")
	a := identity("p1:a", "p1", l1)
	b := identity("p1:b", "p1", l2)
	seed(t, s, []storage.Pool{pool("p1")}, a, b)

	update(t, s, func(tx storage.Tx) error {
		nb := b
		nb.Logins = []storage.Login{l2, l3, l1}
		nb.Disabled = true
		err := tx.UpdateIdentity(ctx, nb)
		wantErr(t, "UpdateIdentity with a taken login", err, storage.ErrAlreadyExists)
		got, err := tx.GetIdentity(ctx, b.ID)
		if wantErr(t, "tx.GetIdentity after the failed UpdateIdentity", err, nil) {
			checkIdentity(t, "tx.GetIdentity after the failed UpdateIdentity", got, b)
		}
		return nil
	})

	for _, want := range []storage.Identity{a, b} {
		got, err := s.GetIdentity(ctx, want.ID)
		if wantErr(t, "GetIdentity "+want.ID, err, nil) {
			checkIdentity(t, "GetIdentity "+want.ID, got, want)
		}
	}
	_, err := s.IdentityByLogin(ctx, "p1", l3)
	wantErr(t, "IdentityByLogin of the login the failed update tried to add", err, storage.ErrNotFound)
}

// testLoginScope: a login is unique per pool and per provider: the same
// user id is a different login in another pool or under another provider.
func testLoginScope(t *testing.T, s storage.Store) {
	ctx := t.Context()
	fb := login("graph.facebook.com", "u1")
	g := login("accounts.google.com", "u1")
	a := identity("p1:a", "p1", fb)
	b := identity("p2:b", "p2", fb)
	c := identity("p1:c", "p1", g)
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, a, b, c)

	tests := []struct {
		pool  string
		login storage.Login
		want  storage.Identity
	}{
		{"p1", fb, a},
		{"p2", fb, b},
		{"p1", g, c},
	}
	for _, tc := range tests {
		got, err := s.IdentityByLogin(ctx, tc.pool, tc.login)
		what := "IdentityByLogin " + tc.pool + " " + tc.login.Provider
		if wantErr(t, what, err, nil) {
			checkIdentity(t, what, got, tc.want)
		}
	}
	_, err := s.IdentityByLogin(ctx, "p2", g)
	wantErr(t, "IdentityByLogin of a login held only in the other pool", err, storage.ErrNotFound)
}

func testIdentityUpdate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	l2 := login("accounts.google.com", "g2")
	l3 := login("www.amazon.com", "amzn3")
	a := identity("p1:a", "p1", l1, l2)
	other := identity("p1:other", "p1")
	seed(t, s, []storage.Pool{pool("p1")}, a, other)

	tests := []struct {
		name   string
		change func(i *storage.Identity)
	}{
		{"same logins, fields changed", func(i *storage.Identity) {
			i.ModifiedAt = at(50)
			i.MergedInto = "p1:other"
		}},
		{"logins reordered and added", func(i *storage.Identity) {
			i.Logins = []storage.Login{l3, l2, l1}
		}},
		{"disabled without logins", func(i *storage.Identity) {
			i.Logins = nil
			i.Disabled = true
			i.ModifiedAt = at(60)
		}},
		{"enabled again with a login", func(i *storage.Identity) {
			i.Logins = []storage.Login{l2}
			i.Disabled = false
			i.MergedInto = ""
		}},
	}
	want := a
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := want
			next.Logins = append([]storage.Login(nil), want.Logins...)
			tc.change(&next)
			update(t, s, func(tx storage.Tx) error { return tx.UpdateIdentity(ctx, next) })
			want = next
			got, err := s.GetIdentity(ctx, a.ID)
			if wantErr(t, "GetIdentity", err, nil) {
				checkIdentity(t, "GetIdentity", got, want)
			}
			for _, l := range want.Logins {
				got, err := s.IdentityByLogin(ctx, "p1", l)
				if wantErr(t, "IdentityByLogin "+l.Provider, err, nil) {
					checkIdentity(t, "IdentityByLogin "+l.Provider, got, want)
				}
			}
			got, err = s.GetIdentity(ctx, other.ID)
			if wantErr(t, "GetIdentity of the other identity", err, nil) {
				checkIdentity(t, "GetIdentity of the other identity", got, other)
			}
		})
	}

	err := s.Update(ctx, func(tx storage.Tx) error {
		return tx.UpdateIdentity(ctx, identity("p1:missing", "p1", l3))
	})
	wantErr(t, "UpdateIdentity of a missing identity", err, storage.ErrNotFound)
	_, err = s.GetIdentity(ctx, "p1:missing")
	wantErr(t, "GetIdentity after UpdateIdentity of a missing identity", err, storage.ErrNotFound)
}

// testUpdateReleasesLogins: a login dropped by UpdateIdentity can be taken
// by another identity, in the same transaction or a later one.
func testUpdateReleasesLogins(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	l2 := login("accounts.google.com", "g2")
	a := identity("p1:a", "p1", l1, l2)
	seed(t, s, []storage.Pool{pool("p1")}, a)

	na := identity("p1:a", "p1", l2)
	b := identity("p1:b", "p1", l1)
	update(t, s, func(tx storage.Tx) error {
		if err := tx.UpdateIdentity(ctx, na); err != nil {
			return err
		}
		return tx.CreateIdentity(ctx, b)
	})
	for _, tc := range []struct {
		login storage.Login
		want  storage.Identity
	}{{l1, b}, {l2, na}} {
		got, err := s.IdentityByLogin(ctx, "p1", tc.login)
		if wantErr(t, "IdentityByLogin "+tc.login.Provider, err, nil) {
			checkIdentity(t, "IdentityByLogin "+tc.login.Provider, got, tc.want)
		}
	}

	// Released in one Update, taken in the next.
	na.Logins = nil
	update(t, s, func(tx storage.Tx) error { return tx.UpdateIdentity(ctx, na) })
	_, err := s.IdentityByLogin(ctx, "p1", l2)
	wantErr(t, "IdentityByLogin of a released login", err, storage.ErrNotFound)
	nb := identity("p1:b", "p1", l1, l2)
	update(t, s, func(tx storage.Tx) error { return tx.UpdateIdentity(ctx, nb) })
	got, err := s.IdentityByLogin(ctx, "p1", l2)
	if wantErr(t, "IdentityByLogin of the retaken login", err, nil) {
		checkIdentity(t, "IdentityByLogin of the retaken login", got, nb)
	}
}

func testIdentityByLogin(t *testing.T, s storage.Store) {
	ctx := t.Context()
	fb := login("graph.facebook.com", "fb1")
	dev := login("login.example.dev", "dev-user")
	a := identity("p1:a", "p1", fb, dev)
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")}, a)

	tests := []struct {
		name  string
		pool  string
		login storage.Login
		want  error
	}{
		{"first login", "p1", fb, nil},
		{"second login", "p1", dev, nil},
		{"other pool", "p2", fb, storage.ErrNotFound},
		{"missing pool", "p9", fb, storage.ErrNotFound},
		{"other provider", "p1", login("accounts.google.com", "fb1"), storage.ErrNotFound},
		{"other user", "p1", login("graph.facebook.com", "fb2"), storage.ErrNotFound},
		{"user id prefix", "p1", login("graph.facebook.com", "fb"), storage.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.IdentityByLogin(ctx, tc.pool, tc.login)
			if wantErr(t, "IdentityByLogin", err, tc.want) && tc.want == nil {
				checkIdentity(t, "IdentityByLogin", got, a)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.IdentityByLogin(ctx, tc.pool, tc.login)
				if wantErr(t, "tx.IdentityByLogin", err, tc.want) && tc.want == nil {
					checkIdentity(t, "tx.IdentityByLogin", got, a)
				}
				return nil
			})
		})
	}
}

func testIdentityDelete(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	l2 := login("accounts.google.com", "g2")
	keep := identity("p1:keep", "p1", l2)
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:a", "p1", l1), keep)

	update(t, s, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:a") })
	_, err := s.GetIdentity(ctx, "p1:a")
	wantErr(t, "GetIdentity after DeleteIdentity", err, storage.ErrNotFound)
	_, err = s.IdentityByLogin(ctx, "p1", l1)
	wantErr(t, "IdentityByLogin of the deleted identity's login", err, storage.ErrNotFound)
	got, err := s.GetIdentity(ctx, keep.ID)
	if wantErr(t, "GetIdentity of the other identity", err, nil) {
		checkIdentity(t, "GetIdentity of the other identity", got, keep)
	}

	err = s.Update(ctx, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:a") })
	wantErr(t, "DeleteIdentity of a deleted identity", err, storage.ErrNotFound)

	// The released login and the id can be used again.
	again := identity("p1:a", "p1", l1)
	seed(t, s, nil, again)
	got, err = s.IdentityByLogin(ctx, "p1", l1)
	if wantErr(t, "IdentityByLogin of the re-created identity", err, nil) {
		checkIdentity(t, "IdentityByLogin of the re-created identity", got, again)
	}
}

// testDeleteSurvivor: deleting the survivor of merges leaves the
// identities merged into it disabled, without logins, and naming no
// identity in MergedInto; identities merged into another survivor keep
// theirs, and a transaction that fails after the deletion keeps them all.
func testDeleteSurvivor(t *testing.T, s storage.Store) {
	ctx := t.Context()
	merged := func(id, into string) storage.Identity {
		i := identity(id, "p1")
		i.Disabled, i.MergedInto = true, into
		return i
	}
	seed(t, s, []storage.Pool{pool("p1")},
		identity("p1:s", "p1", login("graph.facebook.com", "fb-s")),
		identity("p1:o", "p1", login("graph.facebook.com", "fb-o")),
		merged("p1:a", "p1:s"), merged("p1:b", "p1:s"), merged("p1:c", "p1:o"),
		// A chain: p1:d lost to p1:a, which later lost to p1:s.
		merged("p1:d", "p1:a"))

	failed := errors.New("fail after the deletion")
	err := s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.DeleteIdentity(ctx, "p1:s"); err != nil {
			return err
		}
		return failed
	})
	wantErr(t, "Update that fails after DeleteIdentity", err, failed)
	got, err := s.GetIdentity(ctx, "p1:a")
	if wantErr(t, "GetIdentity p1:a after the rolled-back deletion", err, nil) {
		checkIdentity(t, "GetIdentity p1:a after the rolled-back deletion", got, merged("p1:a", "p1:s"))
	}

	update(t, s, func(tx storage.Tx) error { return tx.DeleteIdentity(ctx, "p1:s") })
	tests := []struct {
		name string
		want storage.Identity
	}{
		{"merged into the deleted identity", merged("p1:a", "")},
		{"another merged into the deleted identity", merged("p1:b", "")},
		{"merged into another identity", merged("p1:c", "p1:o")},
		{"merged into one merged into the deleted identity", merged("p1:d", "p1:a")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.GetIdentity(ctx, tc.want.ID)
			if wantErr(t, "GetIdentity "+tc.want.ID, err, nil) {
				checkIdentity(t, "GetIdentity "+tc.want.ID, got, tc.want)
			}
		})
	}
	left, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{MergedInto: "p1:s"})
	if wantErr(t, "ListIdentities merged into the deleted identity", err, nil) && len(left) != 0 {
		t.Errorf("ListIdentities merged into the deleted identity: got %d identities, want none", len(left))
	}
	checkCount(t, s, "after deleting the survivor", "p1", storage.IdentityCount{All: 5, Disabled: 4})
}

func testIdentityList(t *testing.T, s storage.Store) {
	var ids []storage.Identity
	// Created out of id order; p1:c and p1:e are disabled.
	for n, id := range []string{"p1:d", "p1:b", "p1:e", "p1:a", "p1:c"} {
		i := identity(id, "p1", login("graph.facebook.com", "fb-"+id), login("accounts.google.com", "g-"+id))
		if n%2 == 0 {
			i.Logins = i.Logins[:1]
		}
		if id == "p1:c" || id == "p1:e" {
			i.Disabled = true
		}
		ids = append(ids, i)
	}
	ids = append(ids, identity("p0:z", "p0"), identity("p2:a", "p2"))
	seed(t, s, []storage.Pool{pool("p0"), pool("p1"), pool("p2")}, ids...)
	want := picker(ids)

	checkListings(t, s, []listCase{
		{"first page", "p1", storage.ListIdentitiesOptions{Limit: 2}, want("p1:a", "p1:b")},
		{"second page", "p1", storage.ListIdentitiesOptions{After: "p1:b", Limit: 2}, want("p1:c", "p1:d")},
		{"last page", "p1", storage.ListIdentitiesOptions{After: "p1:d", Limit: 2}, want("p1:e")},
		{"past the end", "p1", storage.ListIdentitiesOptions{After: "p1:e", Limit: 2}, nil},
		{"all", "p1", storage.ListIdentitiesOptions{Limit: 60}, want("p1:a", "p1:b", "p1:c", "p1:d", "p1:e")},
		{"after an absent id", "p1", storage.ListIdentitiesOptions{After: "p1:bb", Limit: 60}, want("p1:c", "p1:d", "p1:e")},
		{"hide disabled", "p1", storage.ListIdentitiesOptions{Limit: 60, HideDisabled: true}, want("p1:a", "p1:b", "p1:d")},
		{"hide disabled, paged", "p1", storage.ListIdentitiesOptions{After: "p1:a", Limit: 2, HideDisabled: true}, want("p1:b", "p1:d")},
		{"hide disabled, last page", "p1", storage.ListIdentitiesOptions{After: "p1:b", Limit: 2, HideDisabled: true}, want("p1:d")},
		// With MaxSkipped, a disabled identity last is where the call
		// stopped, after passing over that many; there is none when the
		// pool ends first.
		{"hide disabled, stopped at the bound", "p1", storage.ListIdentitiesOptions{Limit: 60, HideDisabled: true, MaxSkipped: 1}, want("p1:a", "p1:b", "p1:c")},
		{"hide disabled, resumed after the bound", "p1", storage.ListIdentitiesOptions{After: "p1:c", Limit: 60, HideDisabled: true, MaxSkipped: 1}, want("p1:d")},
		{"hide disabled, the pool ends at the bound", "p1", storage.ListIdentitiesOptions{Limit: 60, HideDisabled: true, MaxSkipped: 2}, want("p1:a", "p1:b", "p1:d")},
		{"hide disabled, the limit before the bound", "p1", storage.ListIdentitiesOptions{Limit: 2, HideDisabled: true, MaxSkipped: 1}, want("p1:a", "p1:b")},
		{"hide disabled, the bound before the limit", "p1", storage.ListIdentitiesOptions{Limit: 3, HideDisabled: true, MaxSkipped: 1}, want("p1:a", "p1:b", "p1:c")},
		{"hide disabled, the bound without a limit", "p1", storage.ListIdentitiesOptions{HideDisabled: true, MaxSkipped: 1}, want("p1:a", "p1:b", "p1:c")},
		{"a bound without hide disabled", "p1", storage.ListIdentitiesOptions{Limit: 60, MaxSkipped: 1}, want("p1:a", "p1:b", "p1:c", "p1:d", "p1:e")},
		{"other pool", "p2", storage.ListIdentitiesOptions{Limit: 60}, []storage.Identity{identity("p2:a", "p2")}},
		{"missing pool", "p9", storage.ListIdentitiesOptions{Limit: 60}, nil},
	})
}

// picker returns a function that picks identities of ids by id.
func picker(ids []storage.Identity) func(ids ...string) []storage.Identity {
	byID := map[string]storage.Identity{}
	for _, i := range ids {
		byID[i.ID] = i
	}
	return func(ids ...string) []storage.Identity {
		var is []storage.Identity
		for _, id := range ids {
			is = append(is, byID[id])
		}
		return is
	}
}

// listCase is one ListIdentities call and the identities it must return.
type listCase struct {
	name string
	pool string
	opts storage.ListIdentitiesOptions
	want []storage.Identity
}

// checkListings runs each case through s and through a transaction.
func checkListings(t *testing.T, s storage.Store, tests []listCase) {
	t.Helper()
	ctx := t.Context()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListIdentities(ctx, tc.pool, tc.opts)
			if wantErr(t, "ListIdentities", err, nil) {
				if len(got) != len(tc.want) {
					t.Errorf("ListIdentities: got ids %v, want %v", identityIDs(got), identityIDs(tc.want))
				}
				checkIdentities(t, "ListIdentities", got, tc.want)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.ListIdentities(ctx, tc.pool, tc.opts)
				if wantErr(t, "tx.ListIdentities", err, nil) {
					checkIdentities(t, "tx.ListIdentities", got, tc.want)
				}
				return nil
			})
		})
	}
}
