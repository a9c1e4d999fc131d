package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestSimulateResourcePolicyPrincipals: in the simulator, a resource
// policy that names the caller grants on its own, but one that names only
// the caller's account (its :root ARN or its id) delegates to the
// account's identity policies, which must allow too (IAM's policy
// evaluation logic, same-account requests). A resource policy's Deny with
// NotPrincipal refuses every caller it does not exclude, and excludes one
// only when it lists the caller and its account.
func TestSimulateResourcePolicyPrincipals(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := "arn:aws:iam::" + s.accountID + ":user/U"
	root := s.rootARN()
	ec2 := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
	s3 := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	allow := func(principal any) map[string]any {
		return map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
	}
	denyAllBut := func(except ...string) map[string]any {
		return map[string]any{"Effect": "Deny", "NotPrincipal": map[string]any{"AWS": except}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
	}
	tests := []struct {
		name     string
		identity string
		resource []map[string]any
		want     string
	}{
		{"account root alone", ec2, []map[string]any{allow(root)}, "implicitDeny"},
		{"account id alone", ec2, []map[string]any{allow(s.accountID)}, "implicitDeny"},
		{"account and identity", s3, []map[string]any{allow(root)}, "allowed"},
		{"the user itself", ec2, []map[string]any{allow(user)}, "allowed"},
		{"NotPrincipal lists the user and the account", ec2, []map[string]any{denyAllBut(user, root), allow(user)}, "allowed"},
		{"NotPrincipal lists the user only", ec2, []map[string]any{denyAllBut(user), allow(user)}, "explicitDeny"},
		{"NotPrincipal lists someone else", s3, []map[string]any{denyAllBut("arn:aws:iam::"+s.accountID+":user/V", root)}, "explicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
				PolicyInputList: []string{tt.identity}, ActionNames: []string{"s3:GetObject"},
				ResourceArns: []string{"arn:aws:s3:::b/x"}, ResourcePolicy: aws.String(policyJSON(t, tt.resource...)),
				CallerArn: aws.String(user), ResourceOwner: aws.String(root),
			})
			ok(t, err, "SimulateCustomPolicy")
			if got := string(out.EvaluationResults[0].EvalDecision); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestGetContextKeys: GetContextKeysForCustomPolicy and
// GetContextKeysForPrincipalPolicy list the condition keys and the policy
// variables (without a default) that the policies use, whatever the
// action, each once whatever its case, in the order they first appear.
func TestGetContextKeys(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	own := policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/${aws:username, 'x'}/*",
			"Condition": map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "10.0.0.0/8"}}},
		map[string]any{"Effect": "Deny", "NotAction": "s3:*", "Resource": "*",
			"Condition": map[string]any{"Bool": map[string]any{"AWS:SecureTransport": "false"}}})
	extra := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
		"Condition": map[string]any{"ForAllValues:StringEquals": map[string]any{"dynamodb:LeadingKeys": "${cognito-identity.amazonaws.com:sub}"},
			"Bool": map[string]any{"aws:securetransport": "true"}}})

	custom, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{own, extra}})
	ok(t, err, "GetContextKeysForCustomPolicy")
	want := []string{"cognito-identity.amazonaws.com:sub", "aws:SourceIp", "AWS:SecureTransport", "dynamodb:LeadingKeys"}
	if !slices.Equal(custom.ContextKeyNames, want) {
		t.Errorf("GetContextKeysForCustomPolicy: got %q, want %q", custom.ContextKeyNames, want)
	}

	name := uniqueName("Keys")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t, anyPoolTrust()))})
	ok(t, err, "CreateRole")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("own"), PolicyDocument: aws.String(own)})
	ok(t, err, "PutRolePolicy")
	principal, err := c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{
		PolicySourceArn: aws.String(s.roleARN(name)), PolicyInputList: []string{extra}})
	ok(t, err, "GetContextKeysForPrincipalPolicy")
	if !slices.Equal(principal.ContextKeyNames, want) {
		t.Errorf("GetContextKeysForPrincipalPolicy: got %q, want %q", principal.ContextKeyNames, want)
	}
	alone, err := c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String(s.roleARN(name))})
	ok(t, err, "GetContextKeysForPrincipalPolicy")
	if want := []string{"cognito-identity.amazonaws.com:sub", "aws:SourceIp", "AWS:SecureTransport"}; !slices.Equal(alone.ContextKeyNames, want) {
		t.Errorf("GetContextKeysForPrincipalPolicy without extra policies: got %q, want %q", alone.ContextKeyNames, want)
	}

	_, err = c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String(s.roleARN(uniqueName("None")))})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	_, err = c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{`{"Statement":[]}`}})
	wantIAMError(t, err, "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException))
}
