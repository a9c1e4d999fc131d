package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMAccessKeyStatus: Terraform's aws_iam_access_key with status
// Inactive calls UpdateAccessKey, and its import GetAccessKeyLastUsed. An
// Inactive key signs nothing (InvalidClientTokenId, as AWS answers it),
// ListAccessKeys shows its status, and Active makes it sign again.
// GetAccessKeyLastUsed answers the key's user with "N/A" for a key never
// used, then the service and region of its last request, and AccessDenied
// for a key IAM does not hold (test_iam_users.snapshot.json
// test_access_key_last_used, test_access_key_errors).
func TestIAMAccessKeyStatus(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := uniqueName("keyed")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	made, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	ok(t, err, "CreateAccessKey")
	id := made.AccessKey.AccessKeyId
	userKeys := aws.Credentials{AccessKeyID: aws.ToString(id), SecretAccessKey: aws.ToString(made.AccessKey.SecretAccessKey)}

	last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
	ok(t, err, "GetAccessKeyLastUsed")
	if u, l := aws.ToString(last.UserName), last.AccessKeyLastUsed; u != user || l == nil || l.LastUsedDate != nil ||
		aws.ToString(l.ServiceName) != "N/A" || aws.ToString(l.Region) != "N/A" {
		t.Errorf("GetAccessKeyLastUsed of an unused key: got user %s, %+v, want %s with N/A and no date", u, l, user)
	}
	_, err = s.stsWith(userKeys).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity with the active key")
	last, err = c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: id})
	ok(t, err, "GetAccessKeyLastUsed")
	if l := last.AccessKeyLastUsed; l == nil || l.LastUsedDate == nil || aws.ToString(l.ServiceName) != "sts" || aws.ToString(l.Region) != region {
		t.Errorf("GetAccessKeyLastUsed of a used key: got %+v, want a date, sts and %s", l, region)
	}

	status := func(t *testing.T, want iamtypes.StatusType) {
		t.Helper()
		keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
		ok(t, err, "ListAccessKeys")
		if len(keys.AccessKeyMetadata) != 1 || keys.AccessKeyMetadata[0].Status != want {
			t.Errorf("ListAccessKeys: got %+v, want one key %s", keys.AccessKeyMetadata, want)
		}
	}
	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(user), AccessKeyId: id, Status: iamtypes.StatusTypeInactive})
	ok(t, err, "UpdateAccessKey Inactive")
	status(t, iamtypes.StatusTypeInactive)
	_, err = s.stsWith(userKeys).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	_, err = s.iamWith(userKeys).GetUser(ctx, &iam.GetUserInput{})
	wantIAMRefusal(t, "GetUser with the inactive key", err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid.")

	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(user), AccessKeyId: id, Status: iamtypes.StatusTypeActive})
	ok(t, err, "UpdateAccessKey Active")
	status(t, iamtypes.StatusTypeActive)
	_, err = s.iamWith(userKeys).GetUser(ctx, &iam.GetUserInput{})
	ok(t, err, "GetUser with the key active again")

	refused := []struct {
		name  string
		call  func() error
		code  string
		state int
		msg   string
	}{
		{"UpdateAccessKey of a key IAM does not hold", func() error {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String("AKIAIOSFODNN7EXAMPLE"), Status: iamtypes.StatusTypeInactive})
			return err
		}, "NoSuchEntity", http.StatusNotFound, "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found."},
		{"UpdateAccessKey of a missing user", func() error {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("nobody"), AccessKeyId: id, Status: iamtypes.StatusTypeInactive})
			return err
		}, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found."},
		{"UpdateAccessKey without UserName by the root", func() error {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: id, Status: iamtypes.StatusTypeInactive})
			return err
		}, "ValidationError", http.StatusBadRequest, "Must specify userName when calling with non-User credentials"},
		{"UpdateAccessKey to a status not the model's", func() error {
			_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(user), AccessKeyId: id, Status: "Bogus"})
			return err
		}, "ValidationError", http.StatusBadRequest, "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
		{"GetAccessKeyLastUsed of a key IAM does not hold", func() error {
			_, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAIOSFODNN7EXAMPLE")})
			return err
		}, "AccessDenied", http.StatusForbidden, "User: arn:aws:iam::" + s.accountID + ":root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMRefusal(t, tt.name, tt.call(), tt.code, tt.state, tt.msg)
		})
	}
	status(t, iamtypes.StatusTypeActive)
}
