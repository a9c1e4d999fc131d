package iam

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

func TestGetUser(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	made, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev", Path: ptr("/t/"), Tags: []Tag{{"team", "id"}}})
	if err != nil {
		t.Fatal(err)
	}
	as := func(arn string) context.Context {
		return protocol.WithPrincipal(ctx, &protocol.Principal{ARN: arn, Account: "123456789012"})
	}
	root := User{UserId: "123456789012", Arn: "arn:aws:iam::123456789012:root",
		CreateDate: protocol.At(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	tests := []struct {
		name   string
		ctx    context.Context
		user   *string
		want   User
		code   string
		status int
	}{
		{"named, in another case", ctx, ptr("dev"), made.User, "", 0},
		{"the caller's own user", as("arn:aws:iam::123456789012:user/t/Dev"), nil, made.User, "", 0},
		{"the root", as("arn:aws:iam::123456789012:root"), nil, root, "", 0},
		{"a role session without a name", as("arn:aws:sts::123456789012:assumed-role/R/s"), nil, User{}, "ValidationError", http.StatusBadRequest},
		{"a role session naming a user", as("arn:aws:sts::123456789012:assumed-role/R/s"), ptr("Dev"), made.User, "", 0},
		{"a missing user", ctx, ptr("nobody"), User{}, CodeNoSuchEntity, http.StatusNotFound},
		{"the caller's deleted user", as("arn:aws:iam::123456789012:user/gone"), nil, User{}, CodeNoSuchEntity, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.GetUser(tt.ctx, &GetUserInput{UserName: tt.user})
			wantCode(t, err, tt.code, tt.status)
			if err != nil {
				return
			}
			if got := out.User; got.Arn != tt.want.Arn || got.UserName != tt.want.UserName || got.Path != tt.want.Path ||
				got.UserId != tt.want.UserId || got.CreateDate != tt.want.CreateDate || len(got.Tags) != len(tt.want.Tags) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestUserPolicies: a user's inline and managed policies, with AWS's
// codes and texts for a missing user, policy or attachment
// (test_iam_users.snapshot.json TestUserPolicies, TestUserLifecycle), and
// DeleteUser refusing a user that still has either.
func TestUserPolicies(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"}); err != nil {
		t.Fatal(err)
	}
	mp, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	arn := mp.Policy.Arn
	missing := "arn:aws:iam::123456789012:policy/nonexistent"
	del := func() error { _, err := s.DeleteUser(ctx, &DeleteUserInput{UserName: "Dev"}); return err }
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"put to a missing user", func() error {
			return second(s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "nobody", PolicyName: "p", PolicyDocument: perm}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user with name nobody cannot be found."},
		{"put a malformed document", func() error {
			return second(s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "Dev", PolicyName: "p", PolicyDocument: `{"Statement":[]}`}))
		}, CodeMalformedPolicyDocument, http.StatusBadRequest, ""},
		{"put", func() error {
			return second(s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "dev", PolicyName: "p", PolicyDocument: perm}))
		}, "", 0, ""},
		{"get a missing policy", func() error {
			return second(s.GetUserPolicy(ctx, &GetUserPolicyInput{UserName: "Dev", PolicyName: "q"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user policy with name q cannot be found."},
		{"delete refused with an inline policy", del, CodeDeleteConflict, http.StatusConflict, "Cannot delete entity, must delete policies first."},
		{"delete the inline policy", func() error {
			return second(s.DeleteUserPolicy(ctx, &DeleteUserPolicyInput{UserName: "Dev", PolicyName: "p"}))
		}, "", 0, ""},
		{"delete it again", func() error {
			return second(s.DeleteUserPolicy(ctx, &DeleteUserPolicyInput{UserName: "Dev", PolicyName: "p"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user policy with name p cannot be found."},
		{"attach a missing policy", func() error {
			return second(s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "Dev", PolicyArn: missing}))
		}, CodeNoSuchEntity, http.StatusNotFound, "Policy " + missing + " does not exist or is not attachable."},
		{"attach to a missing user", func() error {
			return second(s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "nobody", PolicyArn: arn}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user with name nobody cannot be found."},
		{"detach one not attached", func() error {
			return second(s.DetachUserPolicy(ctx, &DetachUserPolicyInput{UserName: "Dev", PolicyArn: arn}))
		}, CodeNoSuchEntity, http.StatusNotFound, "Policy " + arn + " was not found."},
		{"attach", func() error {
			return second(s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "Dev", PolicyArn: arn}))
		}, "", 0, ""},
		{"attach an AWS managed policy", func() error {
			return second(s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "Dev", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess"}))
		}, "", 0, ""},
		{"delete the attached policy", func() error {
			return second(s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: arn}))
		}, CodeDeleteConflict, http.StatusConflict, "Cannot delete a policy attached to entities."},
		{"delete refused with attached policies", del, CodeDeleteConflict, http.StatusConflict, "Cannot delete entity, must detach all policies first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantCode(t, err, tt.code, tt.status)
			if e := (*protocol.Error)(nil); tt.msg != "" && errors.As(err, &e) && e.Message != tt.msg {
				t.Errorf("got message %q, want %q", e.Message, tt.msg)
			}
		})
	}
	got, err := s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if got.Policy.AttachmentCount != 1 {
		t.Errorf("GetPolicy: got AttachmentCount %d, want 1", got.Policy.AttachmentCount)
	}
	att, err := s.ListAttachedUserPolicies(ctx, &ListAttachedUserPoliciesInput{UserName: "Dev"})
	if err != nil {
		t.Fatal(err)
	}
	want := []AttachedPolicy{{"P", arn}, {"ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
	if !slices.Equal(att.AttachedPolicies, want) {
		t.Errorf("ListAttachedUserPolicies: got %v, want %v", att.AttachedPolicies, want)
	}
	for _, a := range want {
		if _, err := s.DetachUserPolicy(ctx, &DetachUserPolicyInput{UserName: "Dev", PolicyArn: a.PolicyArn}); err != nil {
			t.Fatalf("DetachUserPolicy %s: %v", a.PolicyArn, err)
		}
	}
	if err := del(); err != nil {
		t.Errorf("DeleteUser without policies: got %v, want success", err)
	}
}

// TestUserInlinePolicy: a user's inline policy reads back URL-encoded
// under the user's stored name and is listed by name; the user's inline
// policies together hold at most IAM's 2,048 characters.
func TestUserInlinePolicy(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"}); err != nil {
		t.Fatal(err)
	}
	put := func(name, doc string) error {
		return second(s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "DEV", PolicyName: name, PolicyDocument: doc}))
	}
	if err := put("b", perm); err != nil {
		t.Fatal(err)
	}
	if err := put("a", sized(t, permFormat, 1024)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetUserPolicy(ctx, &GetUserPolicyInput{UserName: "dev", PolicyName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (GetUserPolicyOutput{UserName: "Dev", PolicyName: "b", PolicyDocument: encodeDocument(perm)}); *got != want {
		t.Errorf("GetUserPolicy: got %+v, want %+v", *got, want)
	}
	list, err := s.ListUserPolicies(ctx, &ListUserPoliciesInput{UserName: "Dev"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list.PolicyNames, []string{"a", "b"}) || list.IsTruncated {
		t.Errorf("ListUserPolicies: got %v (IsTruncated %v), want [a b]", list.PolicyNames, list.IsTruncated)
	}
	err = put("c", sized(t, permFormat, 2048-1024-policySize(perm)+1))
	wantError(t, err, CodeLimitExceeded, http.StatusConflict, "Maximum policy size of 2048 bytes exceeded for user Dev")
	if err := put("c", sized(t, permFormat, 2048-1024-policySize(perm))); err != nil {
		t.Errorf("PutUserPolicy filling the quota: got %v, want success", err)
	}
}

// TestUserAttachQuota: a user attaches at most ten managed policies, as
// IAM's PoliciesPerUser quota says.
func TestUserAttachQuota(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"}); err != nil {
		t.Fatal(err)
	}
	for i := range 11 {
		err := second(s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "Dev", PolicyArn: fmt.Sprintf("arn:aws:iam::aws:policy/P%d", i)}))
		if i < 10 {
			wantCode(t, err, "", 0)
			continue
		}
		wantError(t, err, CodeLimitExceeded, http.StatusConflict, "Cannot exceed quota for PoliciesPerUser: 10")
	}
}

// TestUserTeardownListings: a user's groups (it is in none) and other
// credentials, of which idpool holds none, list empty for a user IAM
// holds, named or the caller's own, and NoSuchEntity for another;
// GetLoginProfile is NoSuchEntity with IAM's text.
func TestUserTeardownListings(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"}); err != nil {
		t.Fatal(err)
	}
	own := protocol.WithPrincipal(ctx, &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/Dev", Account: "123456789012"})
	lists := []struct {
		name string
		call func(ctx context.Context, user *string) (int, error)
	}{
		{"ListGroupsForUser", func(ctx context.Context, user *string) (int, error) {
			if user == nil {
				user = ptr("")
			}
			out, err := s.ListGroupsForUser(ctx, &ListGroupsForUserInput{UserName: *user})
			if err != nil {
				return 0, err
			}
			return len(out.Groups), nil
		}},
		{"ListSigningCertificates", func(ctx context.Context, user *string) (int, error) {
			out, err := s.ListSigningCertificates(ctx, &CredentialListInput{UserName: user})
			if err != nil {
				return 0, err
			}
			return len(out.Certificates), nil
		}},
		{"ListMFADevices", func(ctx context.Context, user *string) (int, error) {
			out, err := s.ListMFADevices(ctx, &CredentialListInput{UserName: user})
			if err != nil {
				return 0, err
			}
			return len(out.MFADevices), nil
		}},
		{"ListSSHPublicKeys", func(ctx context.Context, user *string) (int, error) {
			out, err := s.ListSSHPublicKeys(ctx, &CredentialListInput{UserName: user})
			if err != nil {
				return 0, err
			}
			return len(out.SSHPublicKeys), nil
		}},
		{"ListServiceSpecificCredentials", func(ctx context.Context, user *string) (int, error) {
			out, err := s.ListServiceSpecificCredentials(ctx, &ListServiceSpecificCredentialsInput{UserName: user})
			if err != nil {
				return 0, err
			}
			return len(out.ServiceSpecificCredentials), nil
		}},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			for _, c := range []struct {
				name string
				ctx  context.Context
				user *string
				code string
			}{
				{"named", ctx, ptr("dev"), ""},
				{"the caller's own", own, nil, ""},
				{"a missing user", ctx, ptr("nobody"), CodeNoSuchEntity},
			} {
				if l.name == "ListGroupsForUser" && c.user == nil {
					continue // UserName is required
				}
				n, err := l.call(c.ctx, c.user)
				if c.code != "" {
					wantError(t, err, c.code, http.StatusNotFound, "The user with name nobody cannot be found.")
					continue
				}
				if err != nil || n != 0 {
					t.Errorf("%s: got %d items, %v; want none", c.name, n, err)
				}
			}
		})
	}
	for name, call := range map[string]func(context.Context, *GetLoginProfileInput) (*Empty, error){
		"GetLoginProfile": s.GetLoginProfile, "DeleteLoginProfile": s.DeleteLoginProfile,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := call(ctx, &GetLoginProfileInput{UserName: ptr("dev")})
			wantError(t, err, CodeNoSuchEntity, http.StatusNotFound, "Login Profile for User Dev cannot be found.")
			_, err = call(own, &GetLoginProfileInput{})
			wantError(t, err, CodeNoSuchEntity, http.StatusNotFound, "Login Profile for User Dev cannot be found.")
			_, err = call(ctx, &GetLoginProfileInput{UserName: ptr("nobody")})
			wantError(t, err, CodeNoSuchEntity, http.StatusNotFound, "The user with name nobody cannot be found.")
		})
	}
	groups, err := s.ListGroups(ctx, &ListGroupsInput{PathPrefix: ptr("/")})
	if err != nil || groups.Groups == nil || len(groups.Groups) != 0 {
		t.Errorf("ListGroups: got %+v, %v; want an empty list", groups, err)
	}
}

// TestListEntitiesForPolicyUsers: users that attach a managed policy are
// listed in PolicyUsers with their ids, paged together with the roles,
// and kept apart by EntityFilter.
func TestListEntitiesForPolicyUsers(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	mp, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	arn := mp.Policy.Arn
	r, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: arn}); err != nil {
		t.Fatal(err)
	}
	users := map[string]string{}
	for _, n := range []string{"a", "b"} {
		u, err := s.CreateUser(ctx, &CreateUserInput{UserName: n})
		if err != nil {
			t.Fatal(err)
		}
		users[n] = u.User.UserId
		if _, err := s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: n, PolicyArn: arn}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "c"}); err != nil { // attaches nothing
		t.Fatal(err)
	}
	role := []PolicyRole{{"R", r.Role.RoleId}}
	both := []PolicyUser{{"a", users["a"]}, {"b", users["b"]}}
	tests := []struct {
		name   string
		filter *string
		usage  *string
		roles  []PolicyRole
		users  []PolicyUser
	}{
		{"all", nil, nil, role, both},
		{"users", ptr("User"), nil, nil, both},
		{"roles", ptr("Role"), nil, role, nil},
		{"groups", ptr("Group"), nil, nil, nil},
		{"as permissions", nil, ptr("PermissionsPolicy"), role, both},
		{"as boundary", nil, ptr("PermissionsBoundary"), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var roles []PolicyRole
			var us []PolicyUser
			var marker *string
			for {
				out, err := s.ListEntitiesForPolicy(ctx, &ListEntitiesForPolicyInput{PolicyArn: arn, EntityFilter: tt.filter,
					PolicyUsageFilter: tt.usage, Marker: marker, MaxItems: ptr[int32](1)})
				if err != nil {
					t.Fatal(err)
				}
				roles, us = append(roles, out.PolicyRoles...), append(us, out.PolicyUsers...)
				if !out.IsTruncated {
					break
				}
				marker = out.Marker
			}
			if !slices.Equal(roles, tt.roles) || !slices.Equal(us, tt.users) {
				t.Errorf("got roles %v, users %v; want %v, %v", roles, us, tt.roles, tt.users)
			}
		})
	}
	got, err := s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if got.Policy.AttachmentCount != 3 {
		t.Errorf("GetPolicy: got AttachmentCount %d, want 3", got.Policy.AttachmentCount)
	}
}
