package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMRefusesSessionTokens: GetSessionToken's credentials made without
// MFA call no IAM operation ("You cannot call any IAM API operations
// unless MFA authentication information is included in the request"; an
// MFA session may: TestSTSMFA). IAM refuses them as AWS does,
// InvalidClientTokenId (403), in both modes: the rule is about the
// credentials, not a permission. The same credentials still call STS, and
// the keys that made them IAM.
func TestIAMRefusesSessionTokens(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			dev := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
			user := uniqueName("dev")
			_, err := s.iamWith(dev).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
			ok(t, err, "CreateUser")
			key, err := s.iamWith(dev).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
			ok(t, err, "CreateAccessKey")
			// In strict mode the user may do what its own policies allow.
			_, err = s.iamWith(dev).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("admin"),
				PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
			ok(t, err, "PutUserPolicy")
			userKeys := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}

			for _, tt := range []struct {
				name string
				c    aws.Credentials
			}{{"fixture developer key", dev}, {"IAM user's key", userKeys}} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := s.iamWith(tt.c).ListRoles(ctx, &iam.ListRolesInput{})
					ok(t, err, "ListRoles with the long-term key")
					st, err := s.stsWith(tt.c).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
					ok(t, err, "GetSessionToken")
					session := aws.Credentials{AccessKeyID: aws.ToString(st.Credentials.AccessKeyId),
						SecretAccessKey: aws.ToString(st.Credentials.SecretAccessKey), SessionToken: aws.ToString(st.Credentials.SessionToken)}
					_, err = s.stsWith(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
					ok(t, err, "GetCallerIdentity with the session")
					_, err = s.iamWith(session).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("ViaSession")),
						AssumeRolePolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole"}))})
					wantIAMError(t, err, "InvalidClientTokenId", http.StatusForbidden, nil)
					_, err = s.iamWith(session).ListRoles(ctx, &iam.ListRolesInput{})
					wantIAMError(t, err, "InvalidClientTokenId", http.StatusForbidden, nil)
				})
			}
		})
	}
}
