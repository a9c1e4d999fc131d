package identity

import (
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

func TestRoleReason(t *testing.T) {
	pool := &storage.Pool{
		Roles: map[string]string{"authenticated": "arn:aws:iam::123456789012:role/Auth"},
		RoleMappings: map[string]storage.RoleMapping{"accounts.google.com": {Type: mappingRules, AmbiguousRoleResolution: resolveDeny, Rules: []storage.MappingRule{
			{Claim: "hd", MatchType: "Equals", Value: "example.com", RoleARN: "arn:aws:iam::123456789012:role/Staff"},
			{Claim: "email", MatchType: "Contains", Value: "@", RoleARN: "arn:aws:iam::123456789012:role/Any"},
		}}},
	}
	google := login{key: "accounts.google.com", kind: kindSocialJWT, claims: mapClaims{"hd": "other.org"}}
	tests := []struct {
		name   string
		pool   *storage.Pool
		logins []login
		guest  bool
		want   []string
	}{
		{"no rule matched", pool, []login{google}, false, []string{
			"role mapping of accounts.google.com (Rules)",
			`rule 1 (hd Equals "example.com" → arn:aws:iam::123456789012:role/Staff) did not match, the token's hd is ["other.org"]`,
			"rule 2 (email Contains", "did not match",
			"AmbiguousRoleResolution Deny",
		}},
		{"guest without a role", pool, nil, true, []string{"the pool has no unauthenticated role"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := chooseRole(tc.pool, tc.logins, tc.guest, ""); err == nil {
				t.Fatalf("chooseRole: got no error, want a refusal to explain")
			}
			got := roleReason(tc.pool, tc.logins, tc.guest, "")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
		})
	}
}
