package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// TestStrictGuestScopeDownARNPassed: an AssumeRole session given
// AmazonCognitoUnAuthedIdentitiesSessionPolicy as a PolicyArns member may
// do what that managed policy's document allows (Polly, KMS decryption…)
// and its role allows, and no more: not the services the Cognito
// Developer Guide lists for guests (Cognito Sync, S3), which are Cognito's
// own cap of a guest's GetCredentialsForIdentity credentials and no part
// of the managed policy (AWS Managed Policy Reference, v3). The marker by
// which idpool records that cap cannot be passed to AssumeRole. (Before,
// such a session could call cognito-sync:ListIdentityPoolUsage and S3.)
func TestStrictGuestScopeDownARNPassed(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	role := s.createRole(t, "PassedScope", s.trustRoot("sts:AssumeRole", nil))
	_, err := s.iamWith(developerKeys()).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role[strings.LastIndex(role, "/")+1:]),
		PolicyName: aws.String("all"), PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	out, err := s.assume(assumerKeys(), role, "passed", sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String(guestScopeDownARN)}}})
	ok(t, err, "AssumeRole with the managed policy as a session policy")
	c := fromSTS(t, out.Credentials)

	for _, tt := range []struct {
		action, resource, want string
	}{
		{"polly:SynthesizeSpeech", "*", "allowed"},
		{"kms:Decrypt", "*", "allowed"},
		{"cognito-sync:ListIdentityPoolUsage", "*", "implicitDeny"},
		{"s3:GetObject", "arn:aws:s3:::bucket/k", "implicitDeny"},
	} {
		got, matched := s.authorizeMatches(t, c.SessionToken, tt.action, tt.resource, nil)
		if got != tt.want {
			t.Errorf("/_idpool/authorize %s: got %s, want %s", tt.action, got, tt.want)
		}
		if got == "allowed" && !strings.Contains(strings.Join(matched, "\n"), "session "+guestScopeDownARN) {
			t.Errorf("/_idpool/authorize %s: got matched %q, want a statement of %s", tt.action, matched, guestScopeDownARN)
		}
		if strings.Contains(strings.Join(matched, "\n"), "#services") {
			t.Errorf("/_idpool/authorize %s: got matched %q, want no statement of the Developer Guide's list", tt.action, matched)
		}
	}
	_, err = s.syncWith(t, c).ListIdentityPoolUsage(&cognitosync.ListIdentityPoolUsageInput{})
	wantSyncError(t, err, codeDenied, http.StatusForbidden, "")

	_, err = s.assume(assumerKeys(), role, "marker", sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("idpool:guest-scope")}}})
	wantSTSError(t, err, "ValidationError", http.StatusBadRequest, "")
}
