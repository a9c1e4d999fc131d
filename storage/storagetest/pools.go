package storagetest

import (
	"slices"
	"testing"

	"github.com/idpool/idpool/storage"
)

func testPoolRoundTrip(t *testing.T, s storage.Store) {
	ctx := t.Context()
	pools := []storage.Pool{fullPool("us-east-1:full"), pool("us-east-1:bare")}
	seed(t, s, pools)
	for _, want := range pools {
		got, err := s.GetPool(ctx, want.ID)
		if wantErr(t, "GetPool "+want.ID, err, nil) {
			checkPool(t, "GetPool "+want.ID, got, want)
		}
	}
	update(t, s, func(tx storage.Tx) error {
		for _, want := range pools {
			got, err := tx.GetPool(ctx, want.ID)
			if wantErr(t, "tx.GetPool "+want.ID, err, nil) {
				checkPool(t, "tx.GetPool "+want.ID, got, want)
			}
		}
		return nil
	})
}

func testPoolAllowClassicFlow(t *testing.T, s storage.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		flow *bool
	}{
		{"nil", nil},
		{"true", ptr(true)},
		{"false", ptr(false)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := pool("p-" + tc.name)
			p.AllowClassicFlow = tc.flow
			seed(t, s, []storage.Pool{p})
			check := func(what string) {
				t.Helper()
				got, err := s.GetPool(ctx, p.ID)
				if !wantErr(t, what, err, nil) {
					return
				}
				switch {
				case tc.flow == nil && got.AllowClassicFlow != nil:
					t.Errorf("%s: got AllowClassicFlow %v, want nil", what, *got.AllowClassicFlow)
				case tc.flow != nil && got.AllowClassicFlow == nil:
					t.Errorf("%s: got AllowClassicFlow nil, want %v", what, *tc.flow)
				case tc.flow != nil && *got.AllowClassicFlow != *tc.flow:
					t.Errorf("%s: got AllowClassicFlow %v, want %v", what, *got.AllowClassicFlow, *tc.flow)
				}
			}
			check("after CreatePool")

			// Through an update from each other state and back.
			for _, other := range tests {
				if other.name == tc.name {
					continue
				}
				q := p
				q.AllowClassicFlow = other.flow
				update(t, s, func(tx storage.Tx) error { return tx.UpdatePool(ctx, q) })
				update(t, s, func(tx storage.Tx) error { return tx.UpdatePool(ctx, p) })
				check("after UpdatePool to " + other.name + " and back")
			}
		})
	}
}

func testPoolEmptyCollections(t *testing.T, s storage.Store) {
	p := pool("p-empty")
	p.SupportedLoginProviders = map[string]string{}
	p.OpenIDConnectProviderARNs = []string{}
	p.CognitoIdentityProviders = []storage.CognitoProvider{}
	p.SAMLProviderARNs = []string{}
	p.Tags = map[string]string{}
	p.Roles = map[string]string{}
	p.RoleMappings = map[string]storage.RoleMapping{"x": {Type: "Token", Rules: []storage.MappingRule{}}}
	p.PrincipalTags = map[string]storage.PrincipalTagMap{"x": {Tags: map[string]string{}}}
	seed(t, s, []storage.Pool{p})
	got, err := s.GetPool(t.Context(), p.ID)
	if wantErr(t, "GetPool", err, nil) {
		checkPool(t, "GetPool", got, p)
	}
}

func testPoolCreateDuplicate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	orig := fullPool("p1")
	seed(t, s, []storage.Pool{orig})

	dup := pool("p1")
	dup.Name = "other"
	err := s.Update(ctx, func(tx storage.Tx) error { return tx.CreatePool(ctx, dup) })
	wantErr(t, "CreatePool of a taken id", err, storage.ErrAlreadyExists)

	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool", err, nil) {
		checkPool(t, "GetPool after the failed CreatePool", got, orig)
	}
}

func testPoolGetMissing(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1")})
	_, err := s.GetPool(ctx, "p2")
	wantErr(t, "GetPool of a missing pool", err, storage.ErrNotFound)
	update(t, s, func(tx storage.Tx) error {
		_, err := tx.GetPool(ctx, "p2")
		wantErr(t, "tx.GetPool of a missing pool", err, storage.ErrNotFound)
		return nil
	})
}

func testPoolUpdate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")})

	want := fullPool("p1")
	want.Name = "renamed"
	want.ModifiedAt = at(100)
	update(t, s, func(tx storage.Tx) error { return tx.UpdatePool(ctx, want) })
	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool after UpdatePool", err, nil) {
		checkPool(t, "GetPool after UpdatePool", got, want)
	}

	// And back to a bare pool: members absent from the update are cleared.
	bare := pool("p1")
	update(t, s, func(tx storage.Tx) error { return tx.UpdatePool(ctx, bare) })
	got, err = s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool after the second UpdatePool", err, nil) {
		checkPool(t, "GetPool after the second UpdatePool", got, bare)
	}

	// The other pool is untouched.
	got, err = s.GetPool(ctx, "p2")
	if wantErr(t, "GetPool p2", err, nil) {
		checkPool(t, "GetPool p2", got, pool("p2"))
	}

	err = s.Update(ctx, func(tx storage.Tx) error { return tx.UpdatePool(ctx, pool("p3")) })
	wantErr(t, "UpdatePool of a missing pool", err, storage.ErrNotFound)
	_, err = s.GetPool(ctx, "p3")
	wantErr(t, "GetPool after UpdatePool of a missing pool", err, storage.ErrNotFound)
}

func testPoolDelete(t *testing.T, s storage.Store) {
	ctx := t.Context()
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")})
	// Read first, so that a cache, if any, holds the pool.
	if _, err := s.GetPool(ctx, "p1"); err != nil {
		t.Fatalf("GetPool: got error %v, want nil", err)
	}
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })

	_, err := s.GetPool(ctx, "p1")
	wantErr(t, "GetPool after DeletePool", err, storage.ErrNotFound)
	n, err := s.CountPools(ctx)
	if wantErr(t, "CountPools", err, nil) && n != 1 {
		t.Errorf("CountPools: got %d, want 1", n)
	}
	err = s.Update(ctx, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })
	wantErr(t, "DeletePool of a deleted pool", err, storage.ErrNotFound)

	// The id is free again.
	seed(t, s, []storage.Pool{fullPool("p1")})
	got, err := s.GetPool(ctx, "p1")
	if wantErr(t, "GetPool of the re-created pool", err, nil) {
		checkPool(t, "GetPool of the re-created pool", got, fullPool("p1"))
	}
}

func testPoolListAndCount(t *testing.T, s storage.Store) {
	ctx := t.Context()
	n, err := s.CountPools(ctx)
	if wantErr(t, "CountPools of an empty store", err, nil) && n != 0 {
		t.Errorf("CountPools of an empty store: got %d, want 0", n)
	}
	got, err := s.ListPools(ctx, "", 10)
	if wantErr(t, "ListPools of an empty store", err, nil) {
		checkPools(t, "ListPools of an empty store", got, nil)
	}

	byID := map[string]storage.Pool{}
	var pools []storage.Pool
	// Created out of order; p-c carries a full configuration.
	for _, id := range []string{"p-c", "p-a", "p-e", "p-b", "p-d"} {
		p := pool(id)
		if id == "p-c" {
			p = fullPool(id)
		}
		byID[id] = p
		pools = append(pools, p)
	}
	seed(t, s, pools)
	want := func(ids ...string) []storage.Pool {
		var ps []storage.Pool
		for _, id := range ids {
			ps = append(ps, byID[id])
		}
		return ps
	}

	n, err = s.CountPools(ctx)
	if wantErr(t, "CountPools", err, nil) && n != 5 {
		t.Errorf("CountPools: got %d, want 5", n)
	}
	tests := []struct {
		name  string
		after string
		limit int
		want  []storage.Pool
	}{
		{"first page", "", 2, want("p-a", "p-b")},
		{"second page", "p-b", 2, want("p-c", "p-d")},
		{"last page", "p-d", 2, want("p-e")},
		{"past the end", "p-e", 2, nil},
		{"after an absent id", "p-bb", 10, want("p-c", "p-d", "p-e")},
		{"everything", "", 100, want("p-a", "p-b", "p-c", "p-d", "p-e")},
		{"limit one", "p-a", 1, want("p-b")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListPools(ctx, tc.after, tc.limit)
			if wantErr(t, "ListPools", err, nil) {
				checkPools(t, "ListPools", got, tc.want)
			}
			update(t, s, func(tx storage.Tx) error {
				got, err := tx.ListPools(ctx, tc.after, tc.limit)
				if wantErr(t, "tx.ListPools", err, nil) {
					checkPools(t, "tx.ListPools", got, tc.want)
				}
				return nil
			})
		})
	}
}

func testPoolDeleteCascades(t *testing.T, s storage.Store) {
	ctx := t.Context()
	fb := login("graph.facebook.com", "u1")
	g := login("accounts.google.com", "u2")
	seed(t, s, []storage.Pool{pool("p1"), pool("p2")},
		identity("p1:a", "p1", fb),
		identity("p1:b", "p1", g),
		identity("p1:c", "p1"),
		identity("p2:a", "p2", fb),
	)
	update(t, s, func(tx storage.Tx) error { return tx.DeletePool(ctx, "p1") })

	for _, id := range []string{"p1:a", "p1:b", "p1:c"} {
		_, err := s.GetIdentity(ctx, id)
		wantErr(t, "GetIdentity "+id+" after DeletePool", err, storage.ErrNotFound)
	}
	for _, l := range []storage.Login{fb, g} {
		_, err := s.IdentityByLogin(ctx, "p1", l)
		wantErr(t, "IdentityByLogin "+l.Provider+" in the deleted pool", err, storage.ErrNotFound)
	}
	// The other pool keeps its identity and its login.
	got, err := s.IdentityByLogin(ctx, "p2", fb)
	if wantErr(t, "IdentityByLogin in p2", err, nil) {
		checkIdentity(t, "IdentityByLogin in p2", got, identity("p2:a", "p2", fb))
	}

	// A pool re-created with the same id starts empty, and its logins are free.
	seed(t, s, []storage.Pool{pool("p1")}, identity("p1:new", "p1", g, fb))
	list, err := s.ListIdentities(ctx, "p1", storage.ListIdentitiesOptions{Limit: 10})
	if wantErr(t, "ListIdentities of the re-created pool", err, nil) {
		checkIdentities(t, "ListIdentities of the re-created pool", list, []storage.Identity{identity("p1:new", "p1", g, fb)})
	}
}

// testPoolListRegion checks the order that makes a region's pools one
// range of ids (storage.ListRegionPools): byte order, in which "us-east-1:"
// sorts after "us-east-10:" (':' is after the digits) and before
// "us-east-1a:".
func testPoolListRegion(t *testing.T, s storage.Store) {
	ctx := t.Context()
	ids := []string{"us-east-1:b", "eu-west-1:a", "us-east-10:a", "us-east-1:a", "cn-north-1:a", "us-east-1a:a", "US-EAST-1:a"}
	var pools []storage.Pool
	for _, id := range ids {
		pools = append(pools, pool(id))
	}
	seed(t, s, pools)
	got, err := s.ListPools(ctx, "us-east-1:", 3)
	if wantErr(t, "ListPools after us-east-1:", err, nil) {
		if ids, want := poolIDs(got), []string{"us-east-1:a", "us-east-1:b", "us-east-1a:a"}; !slices.Equal(ids, want) {
			t.Errorf("ListPools after us-east-1:: got %q, want %q", ids, want)
		}
	}
	got, err = storage.ListRegionPools(ctx, s, "us-east-1", "", 100)
	if wantErr(t, "ListRegionPools us-east-1", err, nil) {
		if ids, want := poolIDs(got), []string{"us-east-1:a", "us-east-1:b"}; !slices.Equal(ids, want) {
			t.Errorf("ListRegionPools us-east-1: got %q, want %q", ids, want)
		}
	}
	got, err = s.ListPools(ctx, "", 100)
	if wantErr(t, "ListPools", err, nil) {
		if ids, want := poolIDs(got), []string{"US-EAST-1:a", "cn-north-1:a", "eu-west-1:a", "us-east-10:a", "us-east-1:a", "us-east-1:b", "us-east-1a:a"}; !slices.Equal(ids, want) {
			t.Errorf("ListPools: got %q, want %q", ids, want)
		}
	}
}
