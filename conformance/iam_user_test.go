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

// TestIAMGetUser: GetUser answers the user named, or the caller's own: an
// IAM user's, or the account's root for a developer's keys (no name, the
// account id as UserId, as IAM answers it). A role session must name one.
// STS GetAccessKeyInfo answers the account of any access key id.
func TestIAMGetUser(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	dev := developerKeys()
	c := s.iamWith(dev)
	ctx := context.Background()
	name := uniqueName("dev")
	made, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String("/team/")})
	ok(t, err, "CreateUser")
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey")
	userKeys := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	role, err := s.stsWith(dev).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + s.accountID + ":role/Anyone"), RoleSessionName: aws.String("script")})
	ok(t, err, "AssumeRole")
	roleKeys := aws.Credentials{AccessKeyID: aws.ToString(role.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(role.Credentials.SecretAccessKey), SessionToken: aws.ToString(role.Credentials.SessionToken)}

	want := made.User
	rootARN := "arn:aws:iam::" + s.accountID + ":root"
	tests := []struct {
		name       string
		c          aws.Credentials
		user       *string
		arn, id    string
		userName   string
		path       string
		code       string
		wantStatus int
	}{
		{"named", dev, aws.String(name), aws.ToString(want.Arn), aws.ToString(want.UserId), name, "/team/", "", 0},
		{"the user's own", userKeys, nil, aws.ToString(want.Arn), aws.ToString(want.UserId), name, "/team/", "", 0},
		{"the root's own", dev, nil, rootARN, s.accountID, "", "", "", 0},
		{"a role session naming the user", roleKeys, aws.String(name), aws.ToString(want.Arn), aws.ToString(want.UserId), name, "/team/", "", 0},
		{"a role session without a name", roleKeys, nil, "", "", "", "", "ValidationError", http.StatusBadRequest},
		{"a missing user", dev, aws.String("nobody"), "", "", "", "", "NoSuchEntity", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.iamWith(tt.c).GetUser(ctx, &iam.GetUserInput{UserName: tt.user})
			if tt.code != "" {
				var typed any
				if tt.code == "NoSuchEntity" {
					typed = new(*iamtypes.NoSuchEntityException)
				}
				wantIAMError(t, err, tt.code, tt.wantStatus, typed)
				return
			}
			ok(t, err, "GetUser")
			u := out.User
			if aws.ToString(u.Arn) != tt.arn || aws.ToString(u.UserId) != tt.id || aws.ToString(u.UserName) != tt.userName ||
				aws.ToString(u.Path) != tt.path || u.CreateDate == nil {
				t.Errorf("got Arn %s UserId %s UserName %q Path %q CreateDate %v, want %s %s %q %q and a date",
					aws.ToString(u.Arn), aws.ToString(u.UserId), aws.ToString(u.UserName), aws.ToString(u.Path), u.CreateDate,
					tt.arn, tt.id, tt.userName, tt.path)
			}
		})
	}

	// ListUsers finds the user by its path, through the SDK's paginator.
	var listed []string
	for p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{PathPrefix: aws.String("/team/"), MaxItems: aws.Int32(1)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListUsers")
		for _, u := range page.Users {
			listed = append(listed, aws.ToString(u.UserName))
		}
	}
	if !slices.Contains(listed, name) {
		t.Errorf("ListUsers under /team/: got %v, want %s among them", listed, name)
	}
	other, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/elsewhere/")})
	ok(t, err, "ListUsers")
	if len(other.Users) != 0 {
		t.Errorf("ListUsers under /elsewhere/: got %d users, want none", len(other.Users))
	}

	for _, id := range []string{dev.AccessKeyID + "0000000000", userKeys.AccessKeyID, roleKeys.AccessKeyID, "AKIAIOSFODNN7EXAMPLE"} {
		out, err := s.stsWith(userKeys).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		ok(t, err, "GetAccessKeyInfo "+id)
		if got := aws.ToString(out.Account); got != s.accountID {
			t.Errorf("GetAccessKeyInfo %s: got Account %s, want %s", id, got, s.accountID)
		}
	}
}
