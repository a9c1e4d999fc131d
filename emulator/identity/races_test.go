package identity

import (
	"testing"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/storagetest"
)

// TestWriteLosesRaceWithPoolDeletion runs every write that names a pool or
// an identity of one with the pool deleted between the request's reads and
// its transaction. Each must answer ResourceNotFoundException with the
// message of what the operation names, never an internal error, and must
// leave nothing behind.
func TestWriteLosesRaceWithPoolDeletion(t *testing.T) {
	tests := []struct {
		name string
		run  func(f *raceFixture) error
		// want is the message; the identity or pool id is filled in.
		want func(f *raceFixture) string
	}{
		{"GetId guest", func(f *raceFixture) error {
			_, err := f.e.svc.GetId(f.e.ctx, &GetIdInput{IdentityPoolId: f.pool})
			return err
		}, poolMsg},
		{"GetId new login", func(f *raceFixture) error {
			_, err := f.e.svc.GetId(f.e.ctx, &GetIdInput{IdentityPoolId: f.pool, Logins: map[string]string{"graph.facebook.com": "new-user"}})
			return err
		}, poolMsg},
		{"GetId merging two identities", func(f *raceFixture) error {
			_, err := f.e.svc.GetId(f.e.ctx, &GetIdInput{IdentityPoolId: f.pool, Logins: map[string]string{
				"graph.facebook.com": "fb-user", "accounts.google.com": f.e.googleToken("g-user"),
			}})
			return err
		}, poolMsg},
		{"GetOpenIdTokenForDeveloperIdentity new user", func(f *raceFixture) error {
			_, err := f.e.svc.GetOpenIdTokenForDeveloperIdentity(f.e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: f.pool, Logins: map[string]string{testDev: "new-dev"}})
			return err
		}, poolMsg},
		{"GetOpenIdTokenForDeveloperIdentity named identity", func(f *raceFixture) error {
			_, err := f.e.svc.GetOpenIdTokenForDeveloperIdentity(f.e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: f.pool, IdentityId: f.guest, Logins: map[string]string{testDev: "new-dev"}})
			return err
		}, func(f *raceFixture) string { return identityMsg(f.guest) }},
		{"MergeDeveloperIdentities", func(f *raceFixture) error {
			_, err := f.e.svc.MergeDeveloperIdentities(f.e.ctx, &MergeDeveloperIdentitiesInput{
				IdentityPoolId: f.pool, DeveloperProviderName: testDev, SourceUserIdentifier: "u2", DestinationUserIdentifier: "u1"})
			return err
		}, func(*raceFixture) string { return "Developer user identifier 'u2' not found." }},
		{"UnlinkDeveloperIdentity", func(f *raceFixture) error {
			_, err := f.e.svc.UnlinkDeveloperIdentity(f.e.ctx, &UnlinkDeveloperIdentityInput{
				IdentityPoolId: f.pool, IdentityId: f.dev, DeveloperProviderName: testDev, DeveloperUserIdentifier: "u1"})
			return err
		}, func(f *raceFixture) string { return identityMsg(f.dev) }},
		{"UnlinkIdentity", func(f *raceFixture) error {
			_, err := f.e.svc.UnlinkIdentity(f.e.ctx, &UnlinkIdentityInput{IdentityId: f.fb,
				Logins: map[string]string{"graph.facebook.com": "fb-user"}, LoginsToRemove: []string{"graph.facebook.com"}})
			return err
		}, func(f *raceFixture) string { return identityMsg(f.fb) }},
		{"GetOpenIdToken linking a login", func(f *raceFixture) error {
			_, err := f.e.svc.GetOpenIdToken(f.e.ctx, &GetOpenIdTokenInput{IdentityId: f.guest,
				Logins: map[string]string{"graph.facebook.com": "linked-user"}})
			return err
		}, func(f *raceFixture) string { return identityMsg(f.guest) }},
		{"GetCredentialsForIdentity linking a login", func(f *raceFixture) error {
			_, err := f.e.svc.GetCredentialsForIdentity(f.e.ctx, &GetCredentialsForIdentityInput{IdentityId: f.guest,
				Logins: map[string]string{"graph.facebook.com": "linked-user"}})
			return err
		}, func(f *raceFixture) string { return identityMsg(f.guest) }},
		{"UpdateIdentityPool", func(f *raceFixture) error {
			in := fullPool()
			_, err := f.e.svc.UpdateIdentityPool(f.e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: f.pool,
				IdentityPoolName: "renamed", AllowUnauthenticatedIdentities: true, DeveloperProviderName: in.DeveloperProviderName})
			return err
		}, poolMsg},
		{"SetIdentityPoolRoles", func(f *raceFixture) error {
			_, err := f.e.svc.SetIdentityPoolRoles(f.e.ctx, &SetIdentityPoolRolesInput{IdentityPoolId: f.pool,
				Roles: map[string]string{"authenticated": adminRole}})
			return err
		}, poolMsg},
		{"SetPrincipalTagAttributeMap", func(f *raceFixture) error {
			_, err := f.e.svc.SetPrincipalTagAttributeMap(f.e.ctx, &SetPrincipalTagAttributeMapInput{IdentityPoolId: f.pool,
				IdentityProviderName: "graph.facebook.com", PrincipalTags: map[string]string{"k": "sub"}})
			return err
		}, poolMsg},
		{"TagResource", func(f *raceFixture) error {
			_, err := f.e.svc.TagResource(f.e.ctx, &TagResourceInput{ResourceArn: f.e.svc.poolARN(f.pool), Tags: map[string]string{"k": "v"}})
			return err
		}, poolMsg},
		{"UntagResource", func(f *raceFixture) error {
			_, err := f.e.svc.UntagResource(f.e.ctx, &UntagResourceInput{ResourceArn: f.e.svc.poolARN(f.pool), TagKeys: []string{"k"}})
			return err
		}, poolMsg},
		{"DeleteIdentityPool", func(f *raceFixture) error {
			_, err := f.e.svc.DeleteIdentityPool(f.e.ctx, &DeleteIdentityPoolInput{IdentityPoolId: f.pool})
			return err
		}, poolMsg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			f := &raceFixture{e: e, pool: e.createPool(t, fullPool())}
			e.setRoles(t, f.pool, nil)
			f.fb = e.getID(t, f.pool, map[string]string{"graph.facebook.com": "fb-user"})
			e.getID(t, f.pool, map[string]string{"accounts.google.com": e.googleToken("g-user")})
			f.guest = e.getID(t, f.pool, nil)
			for _, u := range []string{"u1", "u2"} {
				out, err := e.svc.GetOpenIdTokenForDeveloperIdentity(e.ctx, &GetOpenIdTokenForDeveloperIdentityInput{
					IdentityPoolId: f.pool, Logins: map[string]string{testDev: u}})
				if err != nil {
					t.Fatalf("GetOpenIdTokenForDeveloperIdentity(%s): %v", u, err)
				}
				if u == "u1" {
					f.dev = out.IdentityId
				}
			}

			rs := &storagetest.Racing{Store: e.store}
			rs.Arm(func() {
				err := e.store.Update(e.ctx, func(tx storage.Tx) error { return tx.DeletePool(e.ctx, f.pool) })
				if err != nil {
					t.Errorf("delete pool: %v", err)
				}
			})
			e.svc.store = rs
			err := tc.run(f)
			if !rs.Fired() {
				t.Fatal("the operation never started a write transaction: the race was not run")
			}
			wantErr(t, err, CodeResourceNotFound, tc.want(f))
			if n, err := e.store.CountPools(e.ctx); err != nil || n != 0 {
				t.Errorf("CountPools after the race: got %d, %v, want 0, nil", n, err)
			}
			ids, err := e.store.ListIdentities(e.ctx, f.pool, storage.ListIdentitiesOptions{Limit: 10})
			if err != nil || len(ids) != 0 {
				t.Errorf("ListIdentities of the deleted pool: got %d identities, %v, want none", len(ids), err)
			}
		})
	}
}

// raceFixture is a pool with a Facebook user's identity, a Google user's,
// a guest, and developer users u1 and u2 on identities of their own.
type raceFixture struct {
	e       *env
	pool    string
	fb, dev string // the Facebook user's identity and developer user u1's
	guest   string
}

func poolMsg(f *raceFixture) string { return "IdentityPool '" + f.pool + "' not found." }

func identityMsg(id string) string { return "Identity '" + id + "' not found." }
