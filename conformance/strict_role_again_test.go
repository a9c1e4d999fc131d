package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestStrictRoleCreatedAgain: a role deleted and created again under its
// name is another role, of another RoleId, as on AWS (the IAM User
// Guide's unique identifiers: a policy naming the role's ARN does not
// apply to the sessions of the deleted one). Its old sessions get none of
// the new role's permissions: not for IAM, Cognito Identity, AssumeRole
// (whose caller's policies decide where the trust policy trusts the
// account) or /_idpool/authorize; a session of the new role does.
func TestStrictRoleCreatedAgain(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	role, old := s.policySession(t, "Reborn", "old", map[string]any{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"})
	caller := s.assumedARN(role, "old")
	target := uniqueName("Target")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(target),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole "+target)

	_, err = dev.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("policy")})
	ok(t, err, "DeleteRolePolicy")
	_, err = dev.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role)})
	ok(t, err, "DeleteRole")
	_, err = dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole again")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")

	_, err = s.iamWith(old).ListUsers(ctx, &iam.ListUsersInput{})
	wantIAMRefusal(t, "ListUsers of the old session", err, "AccessDenied", http.StatusForbidden,
		msgDenied(caller, "iam:ListUsers", "arn:aws:iam::"+s.accountID+":user/")+" because no identity-based policy allows the iam:ListUsers action")
	_, err = s.identityWith(old).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
	wantAPIError(t, err, codeDenied, msgDenied(caller, "cognito-identity:ListIdentityPools", "arn:aws:cognito-identity:"+region+":"+s.accountID+":identitypool/"))
	_, err = s.stsWith(old).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(target)), RoleSessionName: aws.String("chained")})
	wantAPIError(t, err, "AccessDenied", msgDenied(caller, "sts:AssumeRole", s.roleARN(target)))
	if d := s.authorizeDecision(t, old.SessionToken, "iam:ListUsers", "*", nil); d != "implicitDeny" {
		t.Errorf("/_idpool/authorize iam:ListUsers for the old session: got %s, want implicitDeny", d)
	}

	out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(role)), RoleSessionName: aws.String("new")})
	ok(t, err, "AssumeRole of the new role")
	_, err = s.iamWith(fromSTS(t, out.Credentials)).ListUsers(ctx, &iam.ListUsersInput{})
	ok(t, err, "ListUsers of the new role's session")
}
