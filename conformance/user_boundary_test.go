package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestUserBoundaryIAM: a user's permissions boundary as Terraform's
// aws_iam_user sets it (CreateUser's PermissionsBoundary, then
// PutUserPermissionsBoundary and DeleteUserPermissionsBoundary) is checked
// as a role's, answered by GetUser and CreateUser and not by ListUsers,
// counted in the policy's PermissionsBoundaryUsageCount, listed by
// ListEntitiesForPolicy as a PermissionsBoundary use, keeps the policy
// from being deleted, and caps what SimulatePrincipalPolicy allows the
// user.
func TestUserBoundaryIAM(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})

	missing := "arn:aws:iam::" + s.accountID + ":policy/" + uniqueName("Nothing")
	refused := uniqueName("refused")
	_, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(refused), PermissionsBoundary: aws.String(missing)})
	wantIAMRefusal(t, "CreateUser with a boundary IAM does not hold", err, "NoSuchEntity", http.StatusNotFound,
		"Scope ARN: "+missing+" does not exist or is not attachable.")
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(refused), PermissionsBoundary: aws.String(s.roleARN("SomeRole"))})
	wantIAMError(t, err, "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException))
	_, err = dev.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(refused)})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, nil)

	user := uniqueName("capped")
	created, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "CreateUser")
	wantBoundary(t, "CreateUser", created.User.PermissionsBoundary, bnd)
	get := func(t *testing.T, call, want string) {
		t.Helper()
		got, err := dev.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)})
		ok(t, err, "GetUser")
		wantBoundary(t, call, got.User.PermissionsBoundary, want)
	}
	get(t, "GetUser", bnd)
	users, err := dev.ListUsers(ctx, &iam.ListUsersInput{})
	ok(t, err, "ListUsers")
	for _, u := range users.Users {
		wantBoundary(t, "ListUsers", u.PermissionsBoundary, "")
	}
	wantBoundaryUsage(t, dev, bnd, 1)
	listed := func(t *testing.T, filter iamtypes.PolicyUsageType, want []string) {
		t.Helper()
		out, err := dev.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(bnd), PolicyUsageFilter: filter})
		ok(t, err, "ListEntitiesForPolicy")
		var got []string
		for _, u := range out.PolicyUsers {
			got = append(got, aws.ToString(u.UserName))
		}
		if !slices.Equal(got, want) {
			t.Errorf("ListEntitiesForPolicy %q: got users %v, want %v", filter, got, want)
		}
	}
	listed(t, iamtypes.PolicyUsageTypePermissionsBoundary, []string{user})
	listed(t, "", []string{user})
	listed(t, iamtypes.PolicyUsageTypePermissionsPolicy, nil)
	_, err = dev.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(bnd)})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))

	// The user's own policy allows s3:*, its boundary s3:GetObject alone.
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("wide"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	simulate := func(t *testing.T, action, want string) {
		t.Helper()
		sim, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: created.User.Arn,
			ActionNames: []string{action}, ResourceArns: []string{"arn:aws:s3:::bucket/x"}})
		ok(t, err, "SimulatePrincipalPolicy")
		if got := string(sim.EvaluationResults[0].EvalDecision); got != want {
			t.Errorf("SimulatePrincipalPolicy %s: got %s, want %s", action, got, want)
		}
	}
	simulate(t, "s3:GetObject", "allowed")
	simulate(t, "s3:PutObject", "implicitDeny")

	_, err = dev.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(user)})
	ok(t, err, "DeleteUserPermissionsBoundary")
	get(t, "GetUser after DeleteUserPermissionsBoundary", "")
	wantBoundaryUsage(t, dev, bnd, 0)
	listed(t, "", nil)
	simulate(t, "s3:PutObject", "allowed")

	_, err = dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(user), PermissionsBoundary: aws.String(missing)})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	_, err = dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("nobody"), PermissionsBoundary: aws.String(bnd)})
	wantIAMRefusal(t, "PutUserPermissionsBoundary of a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found.")
	_, err = dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(user), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "PutUserPermissionsBoundary")
	get(t, "GetUser after PutUserPermissionsBoundary", bnd)
	wantBoundaryUsage(t, dev, bnd, 1)
}

// TestUserBoundaryStrict: in strict mode a user's boundary caps what its
// own access key may call on idpool: the user allows cognito-identity:*,
// its boundary only DescribeIdentityPool.
func TestUserBoundaryStrict(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*"})
	user := uniqueName("capped")
	made, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "CreateUser")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("wide"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	ok(t, err, "CreateAccessKey")
	c := s.identityWith(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)})
	_, err = c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "DescribeIdentityPool, which the boundary allows")
	_, err = c.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(1)})
	wantAPIError(t, err, codeDenied, msgDenied(aws.ToString(made.User.Arn), "cognito-identity:ListIdentities", s.poolARN(pool)))
}

// TestUserBoundaryRefusal: IAM's refusal of a user says which kind of
// policy refused, as AWS's IAM does: its permissions boundary when that
// does not allow, or denies, what the user's own policies allow, else its
// identity-based policies.
func TestUserBoundaryRefusal(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"})
	_, err := dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(name), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "PutUserPermissionsBoundary")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("all"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": []string{"iam:ListRoles", "iam:GetUser", "iam:ListPolicies"}, "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "iam:ListPolicies", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	user := s.iamWith(keys)
	account := "arn:aws:iam::" + s.accountID + ":"
	tests := []struct {
		action, resource, because string
		call                      func() error
	}{
		{"iam:GetUser", "user " + name, " because no permissions boundary allows the iam:GetUser action", func() error {
			_, err := user.GetUser(ctx, &iam.GetUserInput{})
			return err
		}},
		{"iam:ListRoles", account + "role/", " with an explicit deny in a permissions boundary", func() error {
			_, err := user.ListRoles(ctx, &iam.ListRolesInput{})
			return err
		}},
		{"iam:ListPolicies", "policy path /", " with an explicit deny in an identity-based policy", func() error {
			_, err := user.ListPolicies(ctx, &iam.ListPoliciesInput{})
			return err
		}},
		{"iam:ListUsers", account + "user/", " because no identity-based policy allows the iam:ListUsers action", func() error {
			_, err := user.ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}},
	}
	for _, tt := range tests {
		wantIAMRefusal(t, tt.action, tt.call(), "AccessDenied", http.StatusForbidden, msgDenied(userARN, tt.action, tt.resource)+tt.because)
	}
}
