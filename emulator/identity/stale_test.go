package identity

import (
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/idpool/idpool/storage"
)

// staleProvider is a CognitoIdentityProviders name that names no user
// pool, which idpool took before c26f9f5.
const staleProvider = "login.example.com"

// stalePool creates a pool and stores in it, through the store as an older
// idpool did, what idpool now refuses: the role mapping and principal-tag
// map of a social provider removed from the pool (kept before f51e8b1),
// and a CognitoIdentityProviders entry that names no user pool, with its
// role mapping and tag map.
func (e *env) stalePool(t *testing.T) string {
	t.Helper()
	in := fullPool()
	in.DeveloperProviderName = ""
	pool := e.createPool(t, in)
	token := RoleMapping{Type: "Token", AmbiguousRoleResolution: "Deny"}
	e.setRoles(t, pool, map[string]RoleMapping{"accounts.google.com": token, testOIDC: token})
	err := e.store.Update(e.ctx, func(tx storage.Tx) error {
		p, err := tx.GetPool(e.ctx, pool)
		if err != nil {
			return err
		}
		p.SupportedLoginProviders = maps.Clone(p.SupportedLoginProviders)
		delete(p.SupportedLoginProviders, "accounts.google.com")
		p.CognitoIdentityProviders = append(slices.Clone(p.CognitoIdentityProviders), storage.CognitoProvider{ProviderName: staleProvider, ClientID: "c"})
		p.RoleMappings = maps.Clone(p.RoleMappings)
		p.RoleMappings[staleProvider+":c"] = storage.RoleMapping{Type: "Token", AmbiguousRoleResolution: "Deny"}
		p.PrincipalTags = map[string]storage.PrincipalTagMap{
			"accounts.google.com": {UseDefaults: true},
			staleProvider:         {UseDefaults: true},
			testOIDC:              {UseDefaults: true},
		}
		return tx.UpdatePool(e.ctx, p)
	})
	if err != nil {
		t.Fatalf("store the old configuration: %v", err)
	}
	return pool
}

// TestStaleConfiguration checks that a pool holding configuration an older
// idpool stored and idpool now refuses is read without it, that what the
// reads answer is taken back by the writes, and that the first write
// removes it from the store, with one warning for the dropped
// CognitoIdentityProviders entry.
func TestStaleConfiguration(t *testing.T) {
	e := newEnv(t)
	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc := New(Config{Region: testRegion, AccountID: testAccount}, e.store, e.issuer, e.creds, e.clock.Now, uuid.NewString, logger)

	tests := []struct {
		name  string
		write func(t *testing.T, pool string) error // a read, and the write of what it answered
	}{
		{"describe then update", func(t *testing.T, pool string) error {
			d, err := svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: pool})
			if err != nil {
				t.Fatal(err)
			}
			want := []CognitoIdentityProvider{{ProviderName: testUserPool, ClientId: testClient}, {ProviderName: testUserPool, ClientId: testClient2}}
			if !slices.Equal(d.CognitoIdentityProviders, want) {
				t.Errorf("described CognitoIdentityProviders: got %v, want %v", d.CognitoIdentityProviders, want)
			}
			_, err = svc.UpdateIdentityPool(e.ctx, d)
			return err
		}},
		{"get roles then set roles", func(t *testing.T, pool string) error {
			r, err := svc.GetIdentityPoolRoles(e.ctx, &GetIdentityPoolRolesInput{IdentityPoolId: pool})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := slices.Sorted(maps.Keys(r.RoleMappings)), []string{testOIDC}; !slices.Equal(got, want) {
				t.Errorf("got role mappings of %v, want those of the configured providers %v", got, want)
			}
			_, err = svc.SetIdentityPoolRoles(e.ctx, &SetIdentityPoolRolesInput{IdentityPoolId: pool, Roles: r.Roles, RoleMappings: r.RoleMappings})
			return err
		}},
		{"get tag map then set it", func(t *testing.T, pool string) error {
			for _, p := range []string{"accounts.google.com", staleProvider} {
				_, err := svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: pool, IdentityProviderName: p})
				wantErr(t, err, CodeInvalidParameter, "")
			}
			m, err := svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: pool, IdentityProviderName: testOIDC})
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.SetPrincipalTagAttributeMap(e.ctx, &SetPrincipalTagAttributeMapInput{
				IdentityPoolId: pool, IdentityProviderName: testOIDC, UseDefaults: m.UseDefaults, PrincipalTags: m.PrincipalTags})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			pool := e.stalePool(t)
			if err := tt.write(t, pool); err != nil {
				t.Fatalf("writing back what the read answered: got %v, want it taken", err)
			}
			p, err := e.store.GetPool(e.ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(p.CognitoIdentityProviders, func(c storage.CognitoProvider) bool { return c.ProviderName == staleProvider }) {
				t.Errorf("stored CognitoIdentityProviders after a write: got %v, want no %s", p.CognitoIdentityProviders, staleProvider)
			}
			if got, want := slices.Sorted(maps.Keys(p.RoleMappings)), []string{testOIDC}; !slices.Equal(got, want) {
				t.Errorf("stored role mappings after a write: got those of %v, want %v", got, want)
			}
			if got, want := slices.Sorted(maps.Keys(p.PrincipalTags)), []string{testOIDC}; !slices.Equal(got, want) {
				t.Errorf("stored principal-tag maps after a write: got those of %v, want %v", got, want)
			}
			if got := strings.Count(buf.String(), "level=WARN"); got != 1 || !strings.Contains(buf.String(), staleProvider) {
				t.Errorf("got log %q, want one warning naming %s", buf.String(), staleProvider)
			}
		})
	}
}
