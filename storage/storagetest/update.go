package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/storage"
)

// testUpdateRollback: when fn fails, Update returns its error and nothing
// fn wrote is kept.
func testUpdateRollback(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	l2 := login("accounts.google.com", "g2")
	p1 := pool("p1")
	a := identity("p1:a", "p1", l1)
	b := identity("p1:b", "p1", l2)
	k0 := key("k0", at(0), false)
	k1 := key("k1", at(1), true)
	seed(t, s, []storage.Pool{p1}, a, b)
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreateSigningKey(ctx, k0); err != nil {
			return err
		}
		return tx.CreateSigningKey(ctx, k1)
	})

	errStop := errors.New("stop")
	err := s.Update(ctx, func(tx storage.Tx) error {
		changed := fullPool("p1")
		changed.Name = "changed"
		writes := []struct {
			name string
			do   func() error
		}{
			{"CreatePool", func() error { return tx.CreatePool(ctx, fullPool("p2")) }},
			{"UpdatePool", func() error { return tx.UpdatePool(ctx, changed) }},
			{"CreateIdentity", func() error { return tx.CreateIdentity(ctx, identity("p2:c", "p2", l1)) }},
			{"UpdateIdentity", func() error {
				return tx.UpdateIdentity(ctx, identity("p1:a", "p1", login("www.amazon.com", "amzn")))
			}},
			{"DeleteIdentity", func() error { return tx.DeleteIdentity(ctx, "p1:b") }},
			{"CreateSigningKey", func() error { return tx.CreateSigningKey(ctx, key("k2", at(2), true)) }},
			{"DeleteSigningKey", func() error { return tx.DeleteSigningKey(ctx, "k0") }},
		}
		for _, w := range writes {
			if err := w.do(); err != nil {
				t.Errorf("%s inside the doomed Update: got error %v, want nil", w.name, err)
			}
		}
		return fmt.Errorf("giving up: %w", errStop)
	})
	wantErr(t, "Update whose fn failed", err, errStop)

	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool p1", err, nil) {
		checkPool(t, "GetPool p1 after the rollback", got, p1)
	}
	_, err = s.GetPool(ctx, "p2")
	wantErr(t, "GetPool of the rolled-back pool", err, storage.ErrNotFound)
	n, err := s.CountPools(ctx)
	if wantErr(t, "CountPools", err, nil) && n != 1 {
		t.Errorf("CountPools after the rollback: got %d, want 1", n)
	}
	_, err = s.GetIdentity(ctx, "p2:c")
	wantErr(t, "GetIdentity of the rolled-back identity", err, storage.ErrNotFound)
	for _, want := range []storage.Identity{a, b} {
		got, err := s.GetIdentity(ctx, want.ID)
		if wantErr(t, "GetIdentity "+want.ID, err, nil) {
			checkIdentity(t, "GetIdentity "+want.ID+" after the rollback", got, want)
		}
	}
	_, err = s.IdentityByLogin(ctx, "p1", login("www.amazon.com", "amzn"))
	wantErr(t, "IdentityByLogin of the rolled-back login", err, storage.ErrNotFound)
	keys, err := s.SigningKeys(ctx)
	if wantErr(t, "SigningKeys", err, nil) {
		checkKeys(t, "SigningKeys after the rollback", keys, []storage.SigningKey{retired(k0, at(1)), k1})
	}

	// The error comes back as returned, also when it is a sentinel.
	err = s.Update(ctx, func(tx storage.Tx) error { return storage.ErrConflict })
	wantErr(t, "Update returning ErrConflict", err, storage.ErrConflict)
}

// testUpdateReadsOwnWrites: inside Update, every read sees the writes made
// before it in the same transaction.
func testUpdateReadsOwnWrites(t *testing.T, s storage.Store) {
	ctx := t.Context()
	l1 := login("graph.facebook.com", "fb1")
	old := pool("p0")
	seed(t, s, []storage.Pool{old}, identity("p0:gone", "p0"))
	// Read it once outside, so that a cache, if any, holds it.
	if _, err := s.GetPool(ctx, "p0"); err != nil {
		t.Fatalf("GetPool: got error %v, want nil", err)
	}

	update(t, s, func(tx storage.Tx) error {
		p := fullPool("p1")
		if err := tx.CreatePool(ctx, p); err != nil {
			return err
		}
		got, err := tx.GetPool(ctx, "p1")
		if wantErr(t, "tx.GetPool of a new pool", err, nil) {
			checkPool(t, "tx.GetPool of a new pool", got, p)
		}
		n, err := tx.CountPools(ctx)
		if wantErr(t, "tx.CountPools", err, nil) && n != 2 {
			t.Errorf("tx.CountPools: got %d, want 2", n)
		}
		list, err := tx.ListPools(ctx, "", 10)
		if wantErr(t, "tx.ListPools", err, nil) {
			checkPools(t, "tx.ListPools", list, []storage.Pool{old, p})
		}

		changed := fullPool("p0")
		changed.Name = "changed"
		if err := tx.UpdatePool(ctx, changed); err != nil {
			return err
		}
		got, err = tx.GetPool(ctx, "p0")
		if wantErr(t, "tx.GetPool of an updated pool", err, nil) {
			checkPool(t, "tx.GetPool of an updated pool", got, changed)
		}

		i := identity("p1:a", "p1", l1)
		if err := tx.CreateIdentity(ctx, i); err != nil {
			return err
		}
		gotI, err := tx.GetIdentity(ctx, "p1:a")
		if wantErr(t, "tx.GetIdentity", err, nil) {
			checkIdentity(t, "tx.GetIdentity", gotI, i)
		}
		gotI, err = tx.IdentityByLogin(ctx, "p1", l1)
		if wantErr(t, "tx.IdentityByLogin", err, nil) {
			checkIdentity(t, "tx.IdentityByLogin", gotI, i)
		}
		ids, err := tx.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{Limit: 10})
		if wantErr(t, "tx.ListIdentities", err, nil) {
			checkIdentities(t, "tx.ListIdentities", ids, []storage.Identity{i})
		}

		if err := tx.DeleteIdentity(ctx, "p0:gone"); err != nil {
			return err
		}
		_, err = tx.GetIdentity(ctx, "p0:gone")
		wantErr(t, "tx.GetIdentity of a deleted identity", err, storage.ErrNotFound)

		k := key("k1", at(1), true)
		if err := tx.CreateSigningKey(ctx, k); err != nil {
			return err
		}
		keys, err := tx.SigningKeys(ctx)
		if wantErr(t, "tx.SigningKeys", err, nil) {
			checkKeys(t, "tx.SigningKeys", keys, []storage.SigningKey{k})
		}

		if err := tx.DeletePool(ctx, "p0"); err != nil {
			return err
		}
		_, err = tx.GetPool(ctx, "p0")
		wantErr(t, "tx.GetPool of a deleted pool", err, storage.ErrNotFound)
		return nil
	})

	// And once committed, everyone sees them.
	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool p1", err, nil) {
		checkPool(t, "GetPool p1", got, fullPool("p1"))
	}
	_, err = s.GetPool(ctx, "p0")
	wantErr(t, "GetPool of the deleted pool", err, storage.ErrNotFound)
}

// testCopies: values never share memory with the store, neither those given
// to it nor those it returns.
func testCopies(t *testing.T, s storage.Store) {
	ctx := t.Context()
	p := fullPool("p1")
	l1 := login("graph.facebook.com", "fb1")
	i := identity("p1:a", "p1", l1, login("accounts.google.com", "g1"))
	k := key("k1", at(1), true)
	update(t, s, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, p); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, i); err != nil {
			return err
		}
		return tx.CreateSigningKey(ctx, k)
	})
	wantP, wantI, wantK := fullPool("p1"), identity("p1:a", "p1", l1, login("accounts.google.com", "g1")), key("k1", at(1), true)

	// Scribble over what was given.
	scribblePool(&p)
	i.Logins[0].UserID = "scribbled"
	k.PrivateKey[0] = 'X'

	// Scribble over what comes back, twice: a read path may cache.
	for round := range 2 {
		gotP, err := s.GetPool(ctx, "p1")
		if wantErr(t, "GetPool", err, nil) {
			checkPool(t, fmt.Sprintf("GetPool, round %d", round), gotP, wantP)
			scribblePool(&gotP)
		}
		pools, err := s.ListPools(ctx, "", 10)
		if wantErr(t, "ListPools", err, nil) && len(pools) == 1 {
			checkPool(t, fmt.Sprintf("ListPools, round %d", round), pools[0], wantP)
			scribblePool(&pools[0])
		}
		gotI, err := s.GetIdentity(ctx, "p1:a")
		if wantErr(t, "GetIdentity", err, nil) {
			checkIdentity(t, fmt.Sprintf("GetIdentity, round %d", round), gotI, wantI)
			gotI.Logins[0].UserID = "scribbled"
		}
		gotI, err = s.IdentityByLogin(ctx, "p1", l1)
		if wantErr(t, "IdentityByLogin", err, nil) {
			checkIdentity(t, fmt.Sprintf("IdentityByLogin, round %d", round), gotI, wantI)
			gotI.Logins[1].Provider = "scribbled"
		}
		keys, err := s.SigningKeys(ctx)
		if wantErr(t, "SigningKeys", err, nil) && len(keys) == 1 {
			checkKeys(t, fmt.Sprintf("SigningKeys, round %d", round), keys, []storage.SigningKey{wantK})
			keys[0].PrivateKey[0] = 'X'
		}
		update(t, s, func(tx storage.Tx) error {
			gotP, err := tx.GetPool(ctx, "p1")
			if wantErr(t, "tx.GetPool", err, nil) {
				checkPool(t, fmt.Sprintf("tx.GetPool, round %d", round), gotP, wantP)
				scribblePool(&gotP)
			}
			return nil
		})
	}
}

// scribblePool changes every piece of memory p refers to.
func scribblePool(p *storage.Pool) {
	*p.AllowClassicFlow = !*p.AllowClassicFlow
	p.SupportedLoginProviders["graph.facebook.com"] = "scribbled"
	p.SupportedLoginProviders["new"] = "scribbled"
	p.OpenIDConnectProviderARNs[0] = "scribbled"
	p.CognitoIdentityProviders[0].ClientID = "scribbled"
	p.SAMLProviderARNs[0] = "scribbled"
	p.Tags["team"] = "scribbled"
	p.Roles["authenticated"] = "scribbled"
	p.RoleMappings["accounts.google.com"].Rules[0].Value = "scribbled"
	delete(p.RoleMappings, "graph.facebook.com")
	p.PrincipalTags["accounts.google.com"].Tags["dept"] = "scribbled"
}

// testTimestamps: timestamps come back as the same instants at millisecond
// precision, whatever their location, and the zero time stays zero.
func testTimestamps(t *testing.T, s storage.Store) {
	ctx := t.Context()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	tests := []struct {
		name string
		at   time.Time
	}{
		{"nanoseconds", time.Date(2025, 1, 2, 3, 4, 5, 999999999, time.UTC)},
		{"other zone", time.Date(2025, 1, 2, 3, 4, 5, 1000000, zone)},
		{"whole second", time.Date(2030, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)},
		{"zero", time.Time{}},
	}
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("p%d", n)
			p := pool(id)
			p.CreatedAt, p.ModifiedAt = tc.at, tc.at.Add(time.Millisecond)
			i := identity(id+":a", id)
			i.CreatedAt, i.ModifiedAt = tc.at, tc.at.Add(time.Millisecond)
			k := key("k-"+id, tc.at, false)
			k.RetiredAt = tc.at
			update(t, s, func(tx storage.Tx) error {
				if err := tx.CreatePool(ctx, p); err != nil {
					return err
				}
				if err := tx.CreateIdentity(ctx, i); err != nil {
					return err
				}
				return tx.CreateSigningKey(ctx, k)
			})
			want := tc.at.Truncate(time.Millisecond)
			check := func(what string, got time.Time) {
				t.Helper()
				if !got.Equal(want) {
					t.Errorf("%s: got %v, want %v", what, got, want)
				}
				if got.IsZero() != want.IsZero() {
					t.Errorf("%s: got IsZero %v, want %v", what, got.IsZero(), want.IsZero())
				}
			}
			if got, err := s.GetPool(ctx, id); wantErr(t, "GetPool", err, nil) {
				check("Pool.CreatedAt", got.CreatedAt)
				if w := tc.at.Add(time.Millisecond).Truncate(time.Millisecond); !got.ModifiedAt.Equal(w) {
					t.Errorf("Pool.ModifiedAt: got %v, want %v", got.ModifiedAt, w)
				}
			}
			if got, err := s.GetIdentity(ctx, i.ID); wantErr(t, "GetIdentity", err, nil) {
				check("Identity.CreatedAt", got.CreatedAt)
				if w := tc.at.Add(time.Millisecond).Truncate(time.Millisecond); !got.ModifiedAt.Equal(w) {
					t.Errorf("Identity.ModifiedAt: got %v, want %v", got.ModifiedAt, w)
				}
			}
			if keys, err := s.SigningKeys(ctx); wantErr(t, "SigningKeys", err, nil) {
				for _, got := range keys {
					if got.ID == k.ID {
						check("SigningKey.CreatedAt", got.CreatedAt)
						check("SigningKey.RetiredAt", got.RetiredAt)
					}
				}
			}
		})
	}
}

// testConcurrentSameLogin: concurrent "find or create the identity of this
// login" updates agree on one identity.
func testConcurrentSameLogin(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")})
	l := login("graph.facebook.com", "racer")

	const n = 16
	var (
		wg   sync.WaitGroup
		got  [n]string
		errs [n]error
		gate = make(chan struct{})
	)
	for g := range n {
		wg.Go(func() {
			<-gate
			errs[g] = s.Update(ctx, func(tx storage.Tx) error {
				i, err := tx.IdentityByLogin(ctx, "p1", l)
				if err == nil {
					got[g] = i.ID
					return nil
				}
				if !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				id := fmt.Sprintf("p1:racer-%02d", g)
				if err := tx.CreateIdentity(ctx, identity(id, "p1", l)); err != nil {
					return err
				}
				got[g] = id
				return nil
			})
		})
	}
	close(gate)
	wg.Wait()

	for g := range n {
		if errs[g] != nil {
			t.Errorf("goroutine %d: Update: got error %v, want nil", g, errs[g])
		}
		if got[g] != got[0] {
			t.Errorf("goroutine %d: got identity %q, want %q (goroutine 0's)", g, got[g], got[0])
		}
	}
	list, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{Limit: 100})
	if wantErr(t, "ListIdentities", err, nil) {
		if len(list) != 1 || list[0].ID != got[0] {
			t.Errorf("ListIdentities: got %v, want [%s]", identityIDs(list), got[0])
		}
	}
}

// testConcurrentCreates: many independent concurrent updates all commit.
func testConcurrentCreates(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")})

	const n = 200
	var (
		wg   sync.WaitGroup
		errs [n]error
	)
	for g := range n {
		wg.Go(func() {
			i := identity(fmt.Sprintf("p1:%03d", g), "p1", login("graph.facebook.com", fmt.Sprintf("user-%03d", g)))
			errs[g] = s.Update(ctx, func(tx storage.Tx) error { return tx.CreateIdentity(ctx, i) })
		})
	}
	wg.Wait()

	for g := range n {
		if errs[g] != nil {
			t.Errorf("goroutine %d: Update: got error %v, want nil", g, errs[g])
			continue
		}
		id := fmt.Sprintf("p1:%03d", g)
		got, err := s.IdentityByLogin(ctx, "p1", login("graph.facebook.com", fmt.Sprintf("user-%03d", g)))
		if wantErr(t, "IdentityByLogin", err, nil) && got.ID != id {
			t.Errorf("IdentityByLogin user-%03d: got %s, want %s", g, got.ID, id)
		}
	}
	list, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{Limit: 1000})
	if wantErr(t, "ListIdentities", err, nil) && len(list) != n {
		t.Errorf("ListIdentities: got %d identities, want %d", len(list), n)
	}
}

// testConcurrentMixed: among concurrent updates, the failing ones keep
// nothing and do not disturb the others.
func testConcurrentMixed(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")})

	const n = 64
	var (
		wg      sync.WaitGroup
		errs    [n]error
		errFail = errors.New("deliberate failure")
	)
	for g := range n {
		wg.Go(func() {
			i := identity(fmt.Sprintf("p1:%02d", g), "p1", login("graph.facebook.com", fmt.Sprintf("user-%02d", g)))
			errs[g] = s.Update(ctx, func(tx storage.Tx) error {
				if err := tx.CreateIdentity(ctx, i); err != nil {
					return err
				}
				if g%2 == 1 {
					return errFail
				}
				return nil
			})
		})
	}
	wg.Wait()

	for g := range n {
		id := fmt.Sprintf("p1:%02d", g)
		_, err := s.GetIdentity(ctx, id)
		if g%2 == 1 {
			wantErr(t, fmt.Sprintf("Update %d", g), errs[g], errFail)
			wantErr(t, "GetIdentity "+id+" of a failed update", err, storage.ErrNotFound)
		} else {
			wantErr(t, fmt.Sprintf("Update %d", g), errs[g], nil)
			wantErr(t, "GetIdentity "+id+" of a committed update", err, nil)
		}
	}
}
