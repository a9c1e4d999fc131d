package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMSimulateBoundary: SimulateCustomPolicy, driven by the SDK, caps
// the identity policies with the permissions boundary, applies the
// resource policy's Deny and Allow, and lists the context keys the
// policies need and the request lacks, as IAM's simulator does.
func TestIAMSimulateBoundary(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	allowS3 := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
	alice := "arn:aws:iam::" + s.accountID + ":user/alice"
	tests := []struct {
		name        string
		in          iam.SimulateCustomPolicyInput
		want        iamtypes.PolicyEvaluationDecisionType
		wantBound   *bool
		wantMissing []string
	}{
		{name: "boundary caps the identity policy", in: iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{allowS3},
			PermissionsBoundaryPolicyInputList: []string{policyJSON(t,
				map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
		}, want: iamtypes.PolicyEvaluationDecisionTypeImplicitDeny, wantBound: aws.Bool(false)},
		{name: "boundary allows too", in: iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{allowS3}, PermissionsBoundaryPolicyInputList: []string{allowS3},
		}, want: iamtypes.PolicyEvaluationDecisionTypeAllowed, wantBound: aws.Bool(true)},
		{name: "resource policy denies", in: iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{allowS3},
			ResourcePolicy:  aws.String(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`),
		}, want: iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{name: "resource policy grants the caller", in: iam.SimulateCustomPolicyInput{
			// The identity policy does not allow s3:PutObject: the resource
			// policy alone grants it, in the caller's own account.
			PolicyInputList: []string{policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
			ResourcePolicy:  aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:PutObject","Resource":"*"}]}`),
			CallerArn:       aws.String(alice),
		}, want: iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{name: "missing context values", in: iam.SimulateCustomPolicyInput{
			PolicyInputList: []string{policyJSON(t, map[string]any{
				"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "x"}},
			})},
		}, want: iamtypes.PolicyEvaluationDecisionTypeImplicitDeny,
			wantMissing: []string{"aws:PrincipalTag/team", "cognito-identity.amazonaws.com:sub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ActionNames = []string{"s3:PutObject"}
			tt.in.ResourceArns = []string{"arn:aws:s3:::b/k"}
			out, err := c.SimulateCustomPolicy(ctx, &tt.in)
			ok(t, err, "SimulateCustomPolicy")
			if len(out.EvaluationResults) != 1 {
				t.Fatalf("got %d results, want 1", len(out.EvaluationResults))
			}
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.want {
				t.Errorf("got %s, want %s", r.EvalDecision, tt.want)
			}
			var got *bool
			if d := r.PermissionsBoundaryDecisionDetail; d != nil {
				got = aws.Bool(d.AllowedByPermissionsBoundary)
			}
			if (got == nil) != (tt.wantBound == nil) || got != nil && *got != *tt.wantBound {
				t.Errorf("got AllowedByPermissionsBoundary %v, want %v", ptrString(got), ptrString(tt.wantBound))
			}
			// ResourceArns names the resource: its missing keys are
			// resource-specific, as the model documents.
			if len(r.ResourceSpecificResults) != 1 {
				t.Fatalf("got %d ResourceSpecificResults, want 1", len(r.ResourceSpecificResults))
			}
			missing := r.ResourceSpecificResults[0].MissingContextValues
			if !slices.Equal(missing, tt.wantMissing) && len(missing)+len(tt.wantMissing) > 0 {
				t.Errorf("got MissingContextValues %q, want %q", missing, tt.wantMissing)
			}
		})
	}

	// Without ResourceArns the resource is "*" and the result itself lists
	// the missing keys.
	out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalTag/team": "x"}}})},
		ActionNames: []string{"s3:GetObject"},
	})
	ok(t, err, "SimulateCustomPolicy without ResourceArns")
	if got, want := out.EvaluationResults[0].MissingContextValues, []string{"aws:PrincipalTag/team"}; !slices.Equal(got, want) {
		t.Errorf("without ResourceArns: got MissingContextValues %q, want %q", got, want)
	}
}

// ptrString shows an optional boolean.
func ptrString(b *bool) string {
	if b == nil {
		return "absent"
	}
	if *b {
		return "true"
	}
	return "false"
}
