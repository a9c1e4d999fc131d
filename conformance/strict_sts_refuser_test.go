package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestStrictSTSRefusalNamesThePolicy: STS's refusal of an operation that
// needs a permission names the kind of policy that refused it, as IAM's
// does and as AWS's STS does ("because no session policy allows the
// sts:DecodeAuthorizationMessage action", "with an explicit deny in a
// session policy", "because no permissions boundary allows …"), not
// always an identity-based policy.
func TestStrictSTSRefusalNamesThePolicy(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	const action = "sts:DecodeAuthorizationMessage"
	role, _ := s.policySession(t, "Decoder", "setup", map[string]any{"Effect": "Allow", "Action": action, "Resource": "*"})
	denied, _ := s.policySession(t, "Denied", "setup", map[string]any{"Effect": "Deny", "Action": action, "Resource": "*"})
	bounded, _ := s.policySession(t, "Bounded", "setup", map[string]any{"Effect": "Allow", "Action": action, "Resource": "*"})
	b, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("GetRoleOnly")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	_, err = dev.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(bounded), PermissionsBoundary: b.Policy.Arn})
	ok(t, err, "PutRolePermissionsBoundary")

	tests := []struct {
		name, role, policy, because string
	}{
		{"identity-based policy", denied, "", " with an explicit deny in an identity-based policy"},
		{"session policy allows nothing of it", role, policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}),
			" because no session policy allows the " + action + " action"},
		{"session policy denies", role, policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"},
			map[string]any{"Effect": "Deny", "Action": action, "Resource": "*"}), " with an explicit deny in a session policy"},
		{"permissions boundary", bounded, "", " because no permissions boundary allows the " + action + " action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(tt.role)), RoleSessionName: aws.String("decoder")}
			if tt.policy != "" {
				in.Policy = aws.String(tt.policy)
			}
			out, err := s.stsWith(assumerKeys()).AssumeRole(ctx, in)
			ok(t, err, "AssumeRole")
			_, err = s.stsWith(fromSTS(t, out.Credentials)).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String("abc")})
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgDenied(aws.ToString(out.AssumedRoleUser.Arn), action, "*")+tt.because)
		})
	}
}
