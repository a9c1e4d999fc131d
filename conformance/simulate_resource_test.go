package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
