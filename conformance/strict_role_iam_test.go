package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestStrictRoleSessionIAM: in strict mode a role session may call IAM
// wherever its role's permission policies allow the action on the
// resource the request names, as on AWS, where a role allowed
// iam:ListRoles and iam:GetRole lists roles with its AssumeRole
// credentials (awsdocs/aws-doc-sdk-examples' IAM scenarios do so). Elsewhere
// IAM refuses it in its own words, naming the resource and the kind of
// policy that refused: "… on resource: role <name> because no
// identity-based policy allows the iam:PutRolePolicy action", or "with an
// explicit deny in an identity-based policy". /_idpool/authorize and
// SimulatePrincipalPolicy decide the same.
func TestStrictRoleSessionIAM(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	other := uniqueName("Other")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(other),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole")

	role, c := s.policySession(t, "Lister", "lister", map[string]any{
		"Effect": "Allow", "Action": []string{"iam:ListRoles", "iam:GetRole"}, "Resource": "*"})
	caller, roles := s.assumedARN(role, "lister"), s.iamWith(c)

	list, err := roles.ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles allowed by the role's policy")
	if !hasRole(list.Roles, role) {
		t.Errorf("ListRoles: got no role %s, want it listed", role)
	}
	_, err = roles.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(other)})
	ok(t, err, "GetRole allowed by the role's policy")
	_, err = roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("escalate"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	wantIAMRefusal(t, "PutRolePolicy on its own role", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:PutRolePolicy", "role "+role)+" because no identity-based policy allows the iam:PutRolePolicy action")
	got, err := dev.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	ok(t, err, "ListRolePolicies")
	if len(got.PolicyNames) != 1 {
		t.Errorf("got policies %v of %s, want [policy]: the refused operation ran", got.PolicyNames, role)
	}

	// The other paths that decide for the session say the same.
	if d := s.authorizeDecision(t, c.SessionToken, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/", nil); d != "allowed" {
		t.Errorf("/_idpool/authorize iam:ListRoles: got %s, want allowed", d)
	}
	if d := s.authorizeDecision(t, c.SessionToken, "iam:PutRolePolicy", s.roleARN(role), nil); d != "implicitDeny" {
		t.Errorf("/_idpool/authorize iam:PutRolePolicy: got %s, want implicitDeny", d)
	}
	sim, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(s.roleARN(role)),
		ActionNames: []string{"iam:ListRoles", "iam:PutRolePolicy"}, ResourceArns: []string{s.roleARN(role)}})
	ok(t, err, "SimulatePrincipalPolicy")
	want := map[string]iamtypes.PolicyEvaluationDecisionType{"iam:ListRoles": iamtypes.PolicyEvaluationDecisionTypeAllowed,
		"iam:PutRolePolicy": iamtypes.PolicyEvaluationDecisionTypeImplicitDeny}
	for _, r := range sim.EvaluationResults {
		if name := aws.ToString(r.EvalActionName); r.EvalDecision != want[name] {
			t.Errorf("SimulatePrincipalPolicy %s: got %s, want %s", name, r.EvalDecision, want[name])
		}
	}

	// An explicit Deny wins, and is said so.
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("deny"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Deny", "Action": "iam:GetRole", "Resource": s.roleARN(other)}))})
	ok(t, err, "PutRolePolicy of a Deny")
	_, err = roles.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(other)})
	wantIAMRefusal(t, "GetRole denied", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:GetRole", "role "+other)+" with an explicit deny in an identity-based policy")
	_, err = roles.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole of a role the Deny does not name")

	// A role session has no user of its own: IAM wants a UserName, whatever
	// the session may do.
	_, err = roles.GetUser(ctx, &iam.GetUserInput{})
	wantIAMRefusal(t, "GetUser without UserName", err, "ValidationError", http.StatusBadRequest,
		"Must specify userName when calling with non-User credentials")
}

// TestStrictRoleSessionIAMCapped: a role session's IAM calls are capped as
// its other calls are: by the session policy given to AssumeRole ("because
// no session policy allows …", "with an explicit deny in a session
// policy") and by the role's permissions boundary ("because no permissions
// boundary allows …"), as AWS's refusals name them.
func TestStrictRoleSessionIAMCapped(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role, _ := s.policySession(t, "Wide", "setup", map[string]any{"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
	rolePrefix := "arn:aws:iam::" + s.accountID + ":role/"

	out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(role)), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(policyJSON(t,
			map[string]any{"Effect": "Allow", "Action": []string{"iam:GetRole", "iam:ListRolePolicies"}, "Resource": "*"},
			map[string]any{"Effect": "Deny", "Action": "iam:ListRolePolicies", "Resource": "*"}))})
	ok(t, err, "AssumeRole with a session policy")
	narrow, caller := s.iamWith(fromSTS(t, out.Credentials)), s.assumedARN(role, "narrow")
	_, err = narrow.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole allowed by the role and the session policy")
	_, err = narrow.ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMRefusal(t, "ListRoles outside the session policy", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:ListRoles", rolePrefix)+" because no session policy allows the iam:ListRoles action")
	_, err = narrow.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	wantIAMRefusal(t, "ListRolePolicies denied by the session policy", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:ListRolePolicies", "role "+role)+" with an explicit deny in a session policy")

	// A boundary that allows GetRole alone caps the role's iam:*.
	b, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("GetOnly")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	_, err = dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: b.Policy.Arn})
	ok(t, err, "PutRolePermissionsBoundary")
	out, err = s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(role)), RoleSessionName: aws.String("bounded")})
	ok(t, err, "AssumeRole")
	bounded := s.iamWith(fromSTS(t, out.Credentials))
	_, err = bounded.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole allowed by the role and its boundary")
	_, err = bounded.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app/")})
	wantIAMRefusal(t, "ListRoles outside the boundary", err, "AccessDenied", http.StatusForbidden,
		msgDenied(s.assumedARN(role, "bounded"), "iam:ListRoles", rolePrefix+"app/")+" because no permissions boundary allows the iam:ListRoles action")
}

// TestStrictCognitoIdentityIAM: a Cognito identity's credentials
// (GetCredentialsForIdentity) call no IAM operation under a role whose
// policies allow none, as AWS's default Cognito roles allow none; once
// they do, a guest's enhanced-flow credentials still may not, Cognito's
// scope-down session policy allowing no IAM action (see
// TestStrictGuestScopeDown), and its basic-flow session may.
func TestStrictCognitoIdentityIAM(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	role := uniqueName("CognitoGuest")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
		AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "unauthenticated"))})
	ok(t, err, "CreateRole")
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": s.roleARN(role)}})
	ok(t, err, "SetIdentityPoolRoles")
	guest, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
	c := s.iamWith(guest)
	caller := s.assumedARN(role, "CognitoIdentityCredentials")

	_, err = c.ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMRefusal(t, "ListRoles without an IAM policy", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/")+" because no identity-based policy allows the iam:ListRoles action")

	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{})
	wantIAMRefusal(t, "ListRoles allowed by the role's policy, enhanced flow", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/")+" because no session policy allows the iam:ListRoles action")
	_, token := s.guestToken(t, pool)
	web, err := s.assumeWeb(token, s.roleARN(role), "CognitoIdentityCredentials", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	c = s.iamWith(fromSTS(t, web.Credentials))
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles allowed by the role's policy, basic flow")
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role),
		PolicyDocument: aws.String(cognitoTrust(t, pool, "*"))})
	wantIAMRefusal(t, "UpdateAssumeRolePolicy of its own role", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:UpdateAssumeRolePolicy", "role "+role)+" because no identity-based policy allows the iam:UpdateAssumeRolePolicy action")
}

// hasRole reports whether roles holds the role named name.
func hasRole(roles []iamtypes.Role, name string) bool {
	for _, r := range roles {
		if aws.ToString(r.RoleName) == name {
			return true
		}
	}
	return false
}
