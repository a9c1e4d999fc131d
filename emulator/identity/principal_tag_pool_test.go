package identity

import "testing"

// TestPrincipalTagMapMissingPool: the principal-tag operations name a
// well-formed pool id that no pool has ResourceNotFoundException, as the
// other operations on a pool do, not an unconfigured provider.
func TestPrincipalTagMapMissingPool(t *testing.T) {
	e := newEnv(t)
	const missing = "us-east-1:00000000-0000-4000-8000-000000000000"
	const msg = "IdentityPool '" + missing + "' not found."
	tests := []struct {
		name string
		call func() error
	}{
		{"GetPrincipalTagAttributeMap", func() error {
			_, err := e.svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: missing, IdentityProviderName: "accounts.google.com"})
			return err
		}},
		{"SetPrincipalTagAttributeMap", func() error {
			_, err := e.svc.SetPrincipalTagAttributeMap(e.ctx, &SetPrincipalTagAttributeMapInput{IdentityPoolId: missing, IdentityProviderName: "accounts.google.com",
				PrincipalTags: map[string]string{"user": "sub"}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.call(), CodeResourceNotFound, msg)
		})
	}
}
