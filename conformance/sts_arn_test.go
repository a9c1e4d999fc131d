package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// iamUserKeys creates an IAM user with the developer's keys and returns
// the user's ARN and a new access key of it.
func (s *server) iamUserKeys(t *testing.T) (string, aws.Credentials) {
	t.Helper()
	ctx, admin := context.Background(), s.iamWith(developerKeys())
	u, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("caller"))})
	ok(t, err, "CreateUser")
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: u.User.UserName})
	ok(t, err, "CreateAccessKey")
	return aws.ToString(u.User.Arn), aws.Credentials{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
}

// TestSTSRoleARNNotARole: AssumeRole of a well-formed ARN that names no
// IAM role (a user's, an sts one) is refused as a role that does not let
// the caller in, 403 AccessDenied (amzn/selling-partner-api-models#2523);
// only an ARN that is not well formed is ValidationError "… is invalid"
// (test_sts.snapshot.json test_sts_invalid_parameters).
// AssumeRoleWithWebIdentity answers both "Request ARN is invalid"
// (ValidationError; repost.aws/knowledge-center/eks-troubleshoot-irsa-errors,
// crossplane-contrib/provider-aws#517).
func TestSTSRoleARNNotARole(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			user, keys := s.iamUserKeys(t)
			_, token := s.guestToken(t, s.createPool(t, s.fullPool(uniqueDev())))
			for _, arn := range []string{user, "arn:aws:sts::" + s.accountID + ":role/rd_role", "arn:aws:iam:us-east-1:" + s.accountID + ":role/R",
				"arn:aws:iam::" + s.accountID + ":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", "arn:aws:iam::" + s.accountID + ":role:R"} {
				_, err := s.stsWith(keys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ssss")})
				wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "User: "+user+" is not authorized to perform: sts:AssumeRole on resource: "+arn)
				_, err = s.assumeWeb(token, arn, "ssss", nil)
				wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, "Request ARN is invalid")
			}
			for _, arn := range []string{"not-a-role-arn-at-all", "arn:aws:iam::12345:role/R", "arn:aws:iam::" + s.accountID,
				"arn:aws:iam::::" + s.accountID + ":role/R", "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"} {
				_, err := s.stsWith(keys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("ssss")})
				wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, arn+" is invalid")
				_, err = s.assumeWeb(token, arn, "ssss", nil)
				wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, "Request ARN is invalid")
			}
		})
	}
}
