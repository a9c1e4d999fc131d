package identity

import (
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestGroupsWithoutRoles: a user pool token with cognito:groups and no
// cognito:roles (cognito-local's, or a real pool's groups without an IAM
// role) gives a Token mapping no role. Refused (Deny), the reason says so
// and names the Rules mapping that reads the groups; let through to the
// authenticated role (AuthenticatedRole), the Activity row's note does;
// and that Rules mapping gives the group's role.
func TestGroupsWithoutRoles(t *testing.T) {
	const (
		adminRole = "arn:aws:iam::123456789012:role/Admins"
		hint      = `the token has cognito:groups ["admins" "staff"] but no cognito:roles: a user pool writes the roles only of groups that have an IAM role, and cognito-local writes none; to choose the role by group, use a Rules mapping (Claim cognito:groups, MatchType Contains, Value "admins")`
	)
	key := testUserPool + ":" + testClient
	tests := []struct {
		name    string
		mapping RoleMapping
		claims  map[string]any
		// wantCode is the refusal, "" for credentials of wantRole.
		wantCode, wantRole string
		// reason and note must contain want; notWant must be in neither.
		want, notWant string
	}{
		{
			name:     "Token mapping, Deny",
			mapping:  RoleMapping{Type: mappingToken, AmbiguousRoleResolution: resolveDeny},
			claims:   map[string]any{"cognito:groups": []string{"admins", "staff"}},
			wantCode: CodeNotAuthorized,
			want:     hint,
		},
		{
			name:     "Token mapping, AuthenticatedRole",
			mapping:  RoleMapping{Type: mappingToken, AmbiguousRoleResolution: resolveAuthenticated},
			claims:   map[string]any{"cognito:groups": []string{"admins", "staff"}},
			wantRole: authRole,
			want:     "the role mapping chose no role, so the default one was used: role mapping of " + key + " (Token); " + `the token's cognito:roles is [] and cognito:preferred_role []; ` + hint + "; AmbiguousRoleResolution AuthenticatedRole; the pool's authenticated role is " + authRole,
		},
		{
			name:     "Token mapping, a token with its roles",
			mapping:  RoleMapping{Type: mappingToken, AmbiguousRoleResolution: resolveDeny},
			claims:   map[string]any{"cognito:groups": []string{"admins"}, "cognito:roles": []string{adminRole}},
			wantRole: adminRole,
			notWant:  "cognito:groups",
		},
		{
			name: "Rules mapping on cognito:groups",
			mapping: RoleMapping{Type: mappingRules, AmbiguousRoleResolution: resolveDeny, RulesConfiguration: &RulesConfiguration{Rules: []MappingRule{
				{Claim: "cognito:groups", MatchType: matchContains, Value: "admins", RoleARN: adminRole},
			}}},
			claims:   map[string]any{"cognito:groups": []string{"staff", "admins"}},
			wantRole: adminRole,
			notWant:  "cognito:groups",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			pool := e.createPool(t, fullPool())
			logins := map[string]string{testUserPool: e.userPoolToken("grouped", tt.claims)}
			id := e.getID(t, pool, logins)
			e.setRoles(t, pool, map[string]RoleMapping{key: tt.mapping})
			req := &protocol.Request{ID: "test"}
			_, err := e.svc.GetCredentialsForIdentity(protocol.WithRequest(e.ctx, req), &GetCredentialsForIdentityInput{IdentityId: id, Logins: logins})
			wantErr(t, err, tt.wantCode, "")
			if tt.wantCode == "" {
				if got := e.creds.last(t).RoleARN; got != tt.wantRole {
					t.Errorf("got role %s, want %s", got, tt.wantRole)
				}
			}
			said := req.Reason + req.Note
			if !strings.Contains(said, tt.want) {
				t.Errorf("got reason %q and note %q, want one to contain %q", req.Reason, req.Note, tt.want)
			}
			if tt.notWant != "" && strings.Contains(said, tt.notWant) {
				t.Errorf("got reason %q and note %q, want neither to contain %q", req.Reason, req.Note, tt.notWant)
			}
		})
	}
}
