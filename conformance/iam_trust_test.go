package conformance

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestTrustInCognitoNeedsAudience: IAM refuses to create or update a trust
// policy that trusts Cognito without constraining
// cognito-identity.amazonaws.com:aud (the Cognito Developer Guide, "IAM
// roles"), since any identity pool's identities could then assume the
// role; a condition on amr alone, a negated one or one ...IfExists does
// not constrain it.
func TestTrustInCognitoNeedsAudience(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	cognito := map[string]any{"Federated": "cognito-identity.amazonaws.com"}
	trust := func(condition map[string]any) string {
		st := map[string]any{"Effect": "Allow", "Principal": cognito, "Action": "sts:AssumeRoleWithWebIdentity"}
		if condition != nil {
			st["Condition"] = condition
		}
		return policyJSON(t, st)
	}
	const pool = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	tests := []struct {
		name      string
		condition map[string]any
		ok        bool
	}{
		{"aud", map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}, true},
		{"aud like", map[string]any{"StringLike": map[string]any{"cognito-identity.amazonaws.com:aud": "us-east-1:*"}}, true},
		{"aud for any value", map[string]any{"ForAnyValue:StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}, true},
		{"no condition", nil, false},
		{"amr only", map[string]any{"ForAnyValue:StringLike": map[string]any{"cognito-identity.amazonaws.com:amr": "authenticated"}}, false},
		{"aud not equals", map[string]any{"StringNotEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}, false},
		{"aud if exists", map[string]any{"StringEqualsIfExists": map[string]any{"cognito-identity.amazonaws.com:aud": pool}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := uniqueName("Aud")
			_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust(tt.condition))})
			wantAudRefusal(t, "CreateRole", err, tt.ok)
			if !tt.ok {
				_, err := dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
				wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
			}

			// The same document as an update of a role that has a good one.
			other := uniqueName("AudUpdate")
			good := trust(map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}})
			_, err = dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(other), AssumeRolePolicyDocument: aws.String(good)})
			ok(t, err, "CreateRole")
			_, err = dev.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(other), PolicyDocument: aws.String(trust(tt.condition))})
			wantAudRefusal(t, "UpdateAssumeRolePolicy", err, tt.ok)
		})
	}
}

// wantAudRefusal wants err nil when allowed, else IAM's refusal of a trust
// policy that trusts Cognito without an aud condition.
func wantAudRefusal(t *testing.T, call string, err error, allowed bool) {
	t.Helper()
	if allowed {
		ok(t, err, call)
		return
	}
	wantIAMError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, new(*iamtypes.MalformedPolicyDocumentException))
	const msg = "A condition block must be present for the Cognito provider"
	if re := (*iamtypes.MalformedPolicyDocumentException)(nil); errors.As(err, &re) && re.ErrorMessage() != msg {
		t.Errorf("%s: got message %q, want %q", call, re.ErrorMessage(), msg)
	}
}

// anyPoolTrust is a trust statement that lets the identities of every
// identity pool assume a role with AssumeRoleWithWebIdentity: its aud
// condition, which IAM requires, matches any pool.
func anyPoolTrust() map[string]any {
	return map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": map[string]any{"StringLike": map[string]any{"cognito-identity.amazonaws.com:aud": "*"}}}
}
