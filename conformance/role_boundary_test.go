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

// boundaryPolicy creates a managed policy of statements, to be a
// permissions boundary, and returns its ARN.
func (s *server) boundaryPolicy(t *testing.T, statements ...map[string]any) string {
	t.Helper()
	out, err := s.iamWith(developerKeys()).CreatePolicy(context.Background(), &iam.CreatePolicyInput{
		PolicyName: aws.String(uniqueName("Boundary")), PolicyDocument: aws.String(policyJSON(t, statements...)),
	})
	ok(t, err, "CreatePolicy")
	return aws.ToString(out.Policy.Arn)
}

// TestRoleBoundaryIAM: CreateRole's PermissionsBoundary is checked, stored
// and returned as IAM returns it, counted in the policy's
// PermissionsBoundaryUsageCount, keeps the policy from being deleted, and
// is changed by PutRolePermissionsBoundary and
// DeleteRolePermissionsBoundary.
func TestRoleBoundaryIAM(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	trust := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + s.accountID + ":root"}})

	refused := []struct {
		name, arn, code string
		status          int
		typed           any
	}{
		{"policy IAM does not hold", "arn:aws:iam::" + s.accountID + ":policy/" + uniqueName("Nothing"), "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException)},
		{"not a policy ARN", s.roleARN("SomeRole"), "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException)},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			name := uniqueName("Refused")
			_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
				PermissionsBoundary: aws.String(tt.arn)})
			wantIAMError(t, err, tt.code, tt.status, tt.typed)
			_, err = dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
			wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, nil)
		})
	}

	role := uniqueName("Capped")
	created, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust),
		PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "CreateRole")
	wantBoundary(t, "CreateRole", created.Role.PermissionsBoundary, bnd)
	got, err := dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole")
	wantBoundary(t, "GetRole", got.Role.PermissionsBoundary, bnd)
	usage := func(t *testing.T, want int32) { t.Helper(); wantBoundaryUsage(t, dev, bnd, want) }
	usage(t, 1)
	_, err = dev.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(bnd)})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))

	_, err = dev.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(role)})
	ok(t, err, "DeleteRolePermissionsBoundary")
	got, err = dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole")
	wantBoundary(t, "GetRole after DeleteRolePermissionsBoundary", got.Role.PermissionsBoundary, "")
	usage(t, 0)

	_, err = dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role),
		PermissionsBoundary: aws.String(bnd + "Missing")})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	_, err = dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "PutRolePermissionsBoundary")
	got, err = dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	ok(t, err, "GetRole")
	wantBoundary(t, "GetRole after PutRolePermissionsBoundary", got.Role.PermissionsBoundary, bnd)
	usage(t, 1)
}

// wantBoundary checks the PermissionsBoundary got that call answered: want,
// or none when want is "".
func wantBoundary(t *testing.T, call string, got *iamtypes.AttachedPermissionsBoundary, want string) {
	t.Helper()
	switch {
	case want == "" && got != nil:
		t.Errorf("%s: got PermissionsBoundary %s, want none", call, aws.ToString(got.PermissionsBoundaryArn))
	case want == "":
	case got == nil:
		t.Errorf("%s: got no PermissionsBoundary, want %s", call, want)
	// AWS answers "Policy", which the SDK's enum (PermissionsBoundaryPolicy)
	// does not know (awsdocs/iam-user-guide#82).
	case aws.ToString(got.PermissionsBoundaryArn) != want || got.PermissionsBoundaryType != "Policy":
		t.Errorf("%s: got %s %s, want Policy %s", call, got.PermissionsBoundaryType, aws.ToString(got.PermissionsBoundaryArn), want)
	}
}

// wantBoundaryUsage checks the PermissionsBoundaryUsageCount of the
// managed policy bnd.
func wantBoundaryUsage(t *testing.T, dev *iam.Client, bnd string, want int32) {
	t.Helper()
	p, err := dev.GetPolicy(context.Background(), &iam.GetPolicyInput{PolicyArn: aws.String(bnd)})
	ok(t, err, "GetPolicy")
	if n := aws.ToInt32(p.Policy.PermissionsBoundaryUsageCount); n != want {
		t.Errorf("PermissionsBoundaryUsageCount: got %d, want %d", n, want)
	}
}

// TestRoleBoundaryDecides: a role's boundary caps what its sessions may
// do, in /_idpool/authorize and SimulatePrincipalPolicy: with an inline
// s3:* policy and a boundary allowing s3:GetObject, only s3:GetObject is
// allowed, a Deny of the boundary wins, and removing the boundary gives
// the role back all its policy allows.
func TestRoleBoundaryDecides(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	arn := s.wideRole(t, false)
	role := roleNameOf(arn)
	bnd := s.boundaryPolicy(t,
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/secret/*"})
	_, err := dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "PutRolePermissionsBoundary")
	out, err := s.stsWith(developerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("capped")})
	ok(t, err, "AssumeRole")
	token := aws.ToString(out.Credentials.SessionToken)

	tests := []struct {
		name, action, resource, decision string
	}{
		{"allowed by both", "s3:GetObject", "arn:aws:s3:::bucket/x", "allowed"},
		{"outside the boundary", "s3:PutObject", "arn:aws:s3:::bucket/x", "implicitDeny"},
		{"denied by the boundary", "s3:GetObject", "arn:aws:s3:::bucket/secret/x", "explicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.authorizeDecision(t, token, tt.action, tt.resource, nil); got != tt.decision {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, tt.decision)
			}
			sim, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(arn),
				ActionNames: []string{tt.action}, ResourceArns: []string{tt.resource}})
			ok(t, err, "SimulatePrincipalPolicy")
			if got := string(sim.EvaluationResults[0].EvalDecision); got != tt.decision {
				t.Errorf("SimulatePrincipalPolicy: got %s, want %s", got, tt.decision)
			}
		})
	}

	_, err = dev.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(role)})
	ok(t, err, "DeleteRolePermissionsBoundary")
	if got := s.authorizeDecision(t, token, "s3:PutObject", "arn:aws:s3:::bucket/x", nil); got != "allowed" {
		t.Errorf("without the boundary: got %s, want allowed", got)
	}
}

// TestRoleBoundaryStrict: in strict mode the boundary caps what a role
// session may call on idpool itself: the role allows cognito-identity:*,
// its boundary only DescribeIdentityPool.
func TestRoleBoundaryStrict(t *testing.T) {
	s, _ := strictServer(t, true)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	arn := s.wideRole(t, false)
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": []string{"cognito-identity:DescribeIdentityPool", "sts:AssumeRole"}, "Resource": "*"})
	_, err := s.iamWith(developerKeys()).PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{
		RoleName: aws.String(roleNameOf(arn)), PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "PutRolePermissionsBoundary")
	out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("capped")})
	ok(t, err, "AssumeRole")
	c := s.identityWith(fromSTS(t, out.Credentials))
	_, err = c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "DescribeIdentityPool, which the boundary allows")
	_, err = c.ListIdentities(ctx, &cognitoidentity.ListIdentitiesInput{IdentityPoolId: aws.String(pool), MaxResults: aws.Int32(1)})
	wantAPIError(t, err, codeDenied, msgDenied(aws.ToString(out.AssumedRoleUser.Arn), "cognito-identity:ListIdentities", s.poolARN(pool)))
}
