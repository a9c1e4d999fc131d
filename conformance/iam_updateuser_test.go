package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMUpdateUser: Terraform's aws_iam_user renames a user and moves it
// to another path with UpdateUser. The user keeps its UserId, and its
// access keys (which still sign, as the renamed user), policies, tags and
// boundary follow it; the old name is gone, and a name another user holds
// is EntityAlreadyExists (test_iam_users.snapshot.json test_user_update,
// test_user_errors).
func TestIAMUpdateUser(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	user, renamed, other := uniqueName("before"), uniqueName("after"), uniqueName("other")
	made, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), PermissionsBoundary: aws.String(bnd),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	ok(t, err, "CreateUser")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(other)})
	ok(t, err, "CreateUser "+other)
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	ok(t, err, "CreateAccessKey")
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "PutUserPolicy")
	attached := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String(attached)})
	ok(t, err, "AttachUserPolicy")

	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(user), NewUserName: aws.String(other)})
	wantIAMRefusal(t, "UpdateUser to a name another user holds", err, "EntityAlreadyExists", http.StatusConflict, "User with name "+other+" already exists.")
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("nobody"), NewUserName: aws.String(renamed)})
	wantIAMRefusal(t, "UpdateUser of a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found.")
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(user), NewPath: aws.String("no-slashes")})
	wantIAMRefusal(t, "UpdateUser to a malformed path", err, "ValidationError", http.StatusBadRequest,
		"The specified value for newPath is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")

	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(user), NewUserName: aws.String(renamed), NewPath: aws.String("/moved/")})
	ok(t, err, "UpdateUser")
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)})
	wantIAMRefusal(t, "GetUser of the old name", err, "NoSuchEntity", http.StatusNotFound, "The user with name "+user+" cannot be found.")
	got, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(renamed)})
	ok(t, err, "GetUser of the new name")
	wantARN := "arn:aws:iam::" + s.accountID + ":user/moved/" + renamed
	if u := got.User; aws.ToString(u.UserId) != aws.ToString(made.User.UserId) || aws.ToString(u.Arn) != wantARN || aws.ToString(u.Path) != "/moved/" ||
		!slices.Equal(tagPairs(u.Tags), []string{"team=a"}) {
		t.Errorf("GetUser after UpdateUser: got id %s, ARN %s, path %s, tags %v; want id %s, ARN %s, path /moved/, tags [team=a]",
			aws.ToString(u.UserId), aws.ToString(u.Arn), aws.ToString(u.Path), tagPairs(u.Tags), aws.ToString(made.User.UserId), wantARN)
	}
	wantBoundary(t, "GetUser after UpdateUser", got.User.PermissionsBoundary, bnd)
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(renamed)})
	ok(t, err, "ListAccessKeys")
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(key.AccessKey.AccessKeyId) ||
		aws.ToString(keys.AccessKeyMetadata[0].UserName) != renamed {
		t.Errorf("ListAccessKeys after UpdateUser: got %+v, want key %s of %s", keys.AccessKeyMetadata, aws.ToString(key.AccessKey.AccessKeyId), renamed)
	}
	inline, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(renamed)})
	ok(t, err, "ListUserPolicies")
	managed, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(renamed)})
	ok(t, err, "ListAttachedUserPolicies")
	if !slices.Equal(inline.PolicyNames, []string{"inline"}) || len(managed.AttachedPolicies) != 1 || aws.ToString(managed.AttachedPolicies[0].PolicyArn) != attached {
		t.Errorf("policies after UpdateUser: got %v and %+v, want [inline] and %s", inline.PolicyNames, managed.AttachedPolicies, attached)
	}
	who, err := s.stsWith(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}).
		GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity with the renamed user's key")
	if aws.ToString(who.Arn) != wantARN {
		t.Errorf("GetCallerIdentity: got %s, want %s", aws.ToString(who.Arn), wantARN)
	}

	// A user may take its own name in another case.
	upper := "X" + renamed
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(renamed), NewUserName: aws.String(upper)})
	ok(t, err, "UpdateUser to another name")
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(upper), NewUserName: aws.String("x" + renamed)})
	ok(t, err, "UpdateUser to its own name in another case")
	got, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(upper)})
	ok(t, err, "GetUser")
	if aws.ToString(got.User.UserName) != "x"+renamed {
		t.Errorf("GetUser after a change of case: got %s, want x%s", aws.ToString(got.User.UserName), renamed)
	}
}
