package conformance

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestStrictPassRole: in strict mode SetIdentityPoolRoles passes every
// role it gives the pool (Roles and the RoleMappings rules' RoleARN) to
// Cognito Identity, which AWS allows only where the caller's own policies
// allow iam:PassRole on that role, with iam:PassedToService
// cognito-identity.amazonaws.com (Cognito Developer Guide,
// role-based-access-control.html, "Granting pass role permission"):
// otherwise a caller allowed only cognito-identity:SetIdentityPoolRoles
// could make any role the pool's and take its credentials
// (pathfinding.cloud COGNITOIDENTITY-001). The refusal is
// AccessDeniedException "User: … is not authorized to perform:
// iam:PassRole on resource: <role>" (awslabs/aws-api-gateway-developer-portal#11),
// and the pool's roles stay as they were. An IAM user and a role session
// are held to it alike; the developer's keys (the root) may pass any
// role; permissive mode holds no one to it.
func TestStrictPassRole(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	a, b := uniqueName("PassA"), uniqueName("PassB")
	for _, role := range []string{a, b} {
		_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
			AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
		ok(t, err, "CreateRole "+role)
	}
	roleA, roleB := s.roleARN(a), s.roleARN(b)
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true,
		SupportedLoginProviders: map[string]string{googleKey: googleClient}})

	set := func(c aws.Credentials, roles map[string]string, rule string) error {
		in := &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool), Roles: roles}
		if rule != "" {
			in.RoleMappings = map[string]types.RoleMapping{googleKey: {
				Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny,
				RulesConfiguration: &types.RulesConfigurationType{Rules: []types.MappingRule{{Claim: aws.String("hd"),
					MatchType: types.MappingRuleMatchTypeEquals, Value: aws.String("example.com"), RoleARN: aws.String(rule)}}},
			}}
		}
		_, err := s.identityWith(c).SetIdentityPoolRoles(ctx, in)
		return err
	}
	// held fails t unless the pool's roles are want.
	held := func(t *testing.T, want map[string]string) {
		t.Helper()
		got, err := s.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool)})
		ok(t, err, "GetIdentityPoolRoles")
		if !maps.Equal(got.Roles, want) {
			t.Errorf("got the pool's roles %v, want %v", got.Roles, want)
		}
	}
	reset := func(t *testing.T, roles map[string]string) {
		t.Helper()
		ok(t, set(developerKeys(), roles, ""), "SetIdentityPoolRoles with the developer's keys")
	}
	setRoles := map[string]any{"Effect": "Allow", "Action": "cognito-identity:SetIdentityPoolRoles", "Resource": "*"}
	pass := func(effect string, resource string, service string) map[string]any {
		st := map[string]any{"Effect": effect, "Action": "iam:PassRole", "Resource": resource}
		if service != "" {
			st["Condition"] = map[string]any{"StringEquals": map[string]any{"iam:PassedToService": service}}
		}
		return st
	}
	auth := func(role string) map[string]string { return map[string]string{"authenticated": role} }

	tests := []struct {
		name    string
		policy  []map[string]any
		roles   map[string]string
		rule    string
		refused string // the role refused; "": allowed
	}{
		{name: "SetIdentityPoolRoles alone", policy: []map[string]any{setRoles}, roles: auth(roleA), refused: roleA},
		{name: "PassRole on the role to Cognito", policy: []map[string]any{setRoles, pass("Allow", roleA, "cognito-identity.amazonaws.com")}, roles: auth(roleA)},
		{name: "PassRole on the role to another service", policy: []map[string]any{setRoles, pass("Allow", roleA, "ec2.amazonaws.com")}, roles: auth(roleA), refused: roleA},
		{name: "PassRole on A, B in a rule", policy: []map[string]any{setRoles, pass("Allow", roleA, "")}, roles: auth(roleA), rule: roleB, refused: roleB},
		{name: "PassRole on A, B unauthenticated", policy: []map[string]any{setRoles, pass("Allow", roleA, "")},
			roles: map[string]string{"authenticated": roleA, "unauthenticated": roleB}, refused: roleB},
		{name: "a Deny on PassRole wins", policy: []map[string]any{setRoles, pass("Allow", "*", ""), pass("Deny", roleB, "")}, roles: auth(roleB), rule: roleA, refused: roleB},
		{name: "a Deny holds for the role named in another case", policy: []map[string]any{setRoles, pass("Allow", "*", ""), pass("Deny", roleB, "")},
			roles: auth(s.roleARN(strings.ToUpper(b))), refused: s.roleARN(strings.ToUpper(b))},
		{name: "PassRole on every role", policy: []map[string]any{setRoles, pass("Allow", "*", "")}, roles: auth(roleB), rule: roleA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reset(t, map[string]string{})
			_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("pass"),
				PolicyDocument: aws.String(policyJSON(t, tt.policy...))})
			ok(t, err, "PutUserPolicy")
			err = set(keys, tt.roles, tt.rule)
			if tt.refused == "" {
				ok(t, err, "SetIdentityPoolRoles")
				held(t, tt.roles)
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied(userARN, "iam:PassRole", tt.refused))
			held(t, map[string]string{})
		})
	}

	// A role session is held to its role's policies the same way.
	t.Run("role session", func(t *testing.T) {
		reset(t, map[string]string{})
		role, c := s.policySession(t, "Setter", "setter", setRoles)
		_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("pass"),
			PolicyDocument: aws.String(policyJSON(t, pass("Allow", roleA, "cognito-identity.amazonaws.com")))})
		ok(t, err, "PutRolePolicy")
		wantAPIError(t, set(c, auth(roleB), ""), codeDenied, msgDenied(s.assumedARN(role, "setter"), "iam:PassRole", roleB))
		wantAPIError(t, set(c, auth(roleA), roleB), codeDenied, msgDenied(s.assumedARN(role, "setter"), "iam:PassRole", roleB))
		held(t, map[string]string{})
		ok(t, set(c, auth(roleA), roleA), "SetIdentityPoolRoles of the role it may pass")
		held(t, auth(roleA))
	})

	// A body that gives Roles twice sets the last copy, which is the one
	// decided on; a member in another case is ignored by both.
	t.Run("raw bodies", func(t *testing.T) {
		_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("pass"),
			PolicyDocument: aws.String(policyJSON(t, setRoles, pass("Allow", roleA, "")))})
		ok(t, err, "PutUserPolicy")
		for _, tt := range []struct {
			name, body, refused string
			want                map[string]string
		}{
			{"Roles twice, B last", `{"IdentityPoolId":"` + pool + `","Roles":{"authenticated":"` + roleA + `"},"Roles":{"authenticated":"` + roleB + `"}}`, roleB, map[string]string{}},
			{"Roles twice, A last", `{"IdentityPoolId":"` + pool + `","Roles":{"authenticated":"` + roleB + `"},"Roles":{"authenticated":"` + roleA + `"}}`, "", auth(roleA)},
			{"roles in another case", `{"IdentityPoolId":"` + pool + `","roles":{"authenticated":"` + roleB + `"},"Roles":{"authenticated":"` + roleA + `"}}`, "", auth(roleA)},
		} {
			t.Run(tt.name, func(t *testing.T) {
				reset(t, map[string]string{})
				req := s.identityRequest(t, "AWSCognitoIdentityService.SetIdentityPoolRoles", []byte(tt.body))
				res := s.do(t, signedRequest(t, req, []byte(tt.body), keys, "cognito-identity", region))
				if tt.refused != "" {
					wantRefused(t, res, http.StatusBadRequest, codeDenied, msgDenied(userARN, "iam:PassRole", tt.refused))
				} else if res.status != http.StatusOK {
					t.Errorf("got status %d (%s), want 200", res.status, res.body)
				}
				held(t, tt.want)
			})
		}
	})

	// The developer's keys act as the root, which may pass any role.
	ok(t, set(developerKeys(), auth(roleB), roleA), "SetIdentityPoolRoles with the developer's keys")

	// Permissive mode holds no one to iam:PassRole.
	p, _ := strictServer(t, false)
	_, pkeys := p.iamUserKeys(t)
	ppool := p.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err := p.identityWith(pkeys).SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(ppool),
		Roles: auth(p.roleARN(b))})
	ok(t, err, "SetIdentityPoolRoles without policies in permissive mode")
}
