package iam

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestGroupLifecycle: a group's users and policies, step by step, with
// AWS's codes and texts for what is missing or still in use
// (test_iam_groups.snapshot.json; DeleteConflict texts as AWS answers
// them, mozilla-services/userplex#17 and go-to-k/delstack#40).
func TestGroupLifecycle(t *testing.T) {
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
	delGroup := func() error { return second(s.DeleteGroup(ctx, &DeleteGroupInput{GroupName: "Builders"})) }
	const inGroup = "Cannot delete entity, must remove users from group first."
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"create", func() error {
			return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Builders", Path: ptr("/ci/")}))
		}, "", 0, ""},
		{"create a taken name in another case", func() error {
			return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "builders"}))
		}, CodeEntityAlreadyExists, http.StatusConflict, "Group with name builders already exists."},
		{"create with a bad path", func() error {
			return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "G", Path: ptr("ci")}))
		}, "ValidationError", http.StatusBadRequest, ""},
		{"get a missing group", func() error {
			return second(s.GetGroup(ctx, &GetGroupInput{GroupName: "non-existent-group"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The group with name non-existent-group cannot be found."},
		{"add a missing user", func() error {
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Builders", UserName: "non-existent-user"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user with name non-existent-user cannot be found."},
		{"add to a missing group", func() error {
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "non-existent-group", UserName: "Dev"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The group with name non-existent-group cannot be found."},
		{"remove a missing user from a missing group", func() error {
			return second(s.RemoveUserFromGroup(ctx, &GroupUserInput{GroupName: "non-existent-group", UserName: "any-user"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The user with name any-user cannot be found."},
		{"remove a user not in the group", func() error {
			return second(s.RemoveUserFromGroup(ctx, &GroupUserInput{GroupName: "Builders", UserName: "Dev"}))
		}, "", 0, ""},
		{"add", func() error {
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "builders", UserName: "dev"}))
		}, "", 0, ""},
		{"add again", func() error {
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Builders", UserName: "Dev"}))
		}, "", 0, ""},
		{"delete the user in the group", func() error {
			return second(s.DeleteUser(ctx, &DeleteUserInput{UserName: "Dev"}))
		}, CodeDeleteConflict, http.StatusConflict, inGroup},
		{"delete the group with a user", delGroup, CodeDeleteConflict, http.StatusConflict, inGroup},
		{"put a malformed document", func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "Builders", PolicyName: "p", PolicyDocument: `{"Statement":[]}`}))
		}, CodeMalformedPolicyDocument, http.StatusBadRequest, ""},
		{"put to a missing group", func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "nobody", PolicyName: "p", PolicyDocument: perm}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The group with name nobody cannot be found."},
		{"put", func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "Builders", PolicyName: "p", PolicyDocument: perm}))
		}, "", 0, ""},
		{"get a missing policy", func() error {
			return second(s.GetGroupPolicy(ctx, &GroupPolicyInput{GroupName: "Builders", PolicyName: "q"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The group policy with name q cannot be found."},
		{"attach a missing policy", func() error {
			return second(s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Builders", PolicyArn: missing}))
		}, CodeNoSuchEntity, http.StatusNotFound, "Policy " + missing + " does not exist or is not attachable."},
		{"detach one not attached", func() error {
			return second(s.DetachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Builders", PolicyArn: arn}))
		}, CodeNoSuchEntity, http.StatusNotFound, "Policy " + arn + " was not found."},
		{"attach", func() error {
			return second(s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Builders", PolicyArn: arn}))
		}, "", 0, ""},
		{"delete the attached policy", func() error {
			return second(s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: arn}))
		}, CodeDeleteConflict, http.StatusConflict, "Cannot delete a policy attached to entities."},
		{"remove", func() error {
			return second(s.RemoveUserFromGroup(ctx, &GroupUserInput{GroupName: "Builders", UserName: "Dev"}))
		}, "", 0, ""},
		{"delete the group with an inline policy", delGroup, CodeDeleteConflict, http.StatusConflict, "Cannot delete entity, must delete policies first."},
		{"delete the inline policy", func() error {
			return second(s.DeleteGroupPolicy(ctx, &GroupPolicyInput{GroupName: "Builders", PolicyName: "p"}))
		}, "", 0, ""},
		{"delete it again", func() error {
			return second(s.DeleteGroupPolicy(ctx, &GroupPolicyInput{GroupName: "Builders", PolicyName: "p"}))
		}, CodeNoSuchEntity, http.StatusNotFound, "The group policy with name p cannot be found."},
		{"delete the group with an attached policy", delGroup, CodeDeleteConflict, http.StatusConflict, "Cannot delete entity, must detach all policies first."},
		{"detach", func() error {
			return second(s.DetachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Builders", PolicyArn: arn}))
		}, "", 0, ""},
		{"delete the group", delGroup, "", 0, ""},
		{"delete it again", delGroup, CodeNoSuchEntity, http.StatusNotFound, "The group with name Builders cannot be found."},
		{"delete the user out of the group", func() error { return second(s.DeleteUser(ctx, &DeleteUserInput{UserName: "Dev"})) }, "", 0, ""},
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
}

// TestGroupAnswers: what CreateGroup, GetGroup, the listings and
// GetGroupPolicy answer of a group with a user and policies, as AWS
// shapes them (test_iam_groups.snapshot.json group-with-user,
// get-group-policy, one-attached-policy).
func TestGroupAnswers(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	made, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Builders", Path: ptr("/ci/")})
	if err != nil {
		t.Fatal(err)
	}
	g := made.Group
	if g.Arn != "arn:aws:iam::123456789012:group/ci/Builders" || g.Path != "/ci/" || g.GroupName != "Builders" ||
		len(g.GroupId) != 21 || g.GroupId[:4] != "AGPA" {
		t.Errorf("CreateGroup: got %+v, want the group with a 21-character AGPA id", g)
	}
	u, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev", Tags: []Tag{{"k", "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	mp, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []func() error{
		func() error {
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Builders", UserName: "Dev"}))
		},
		func() error { return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "admins"})) },
		func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "Builders", PolicyName: "p", PolicyDocument: perm}))
		},
		func() error {
			return second(s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Builders", PolicyArn: mp.Policy.Arn}))
		},
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetGroup(ctx, &GetGroupInput{GroupName: "builders"})
	if err != nil {
		t.Fatal(err)
	}
	want := u.User
	want.Tags = nil
	if got.Group != g || len(got.Users) != 1 || got.Users[0].Arn != want.Arn || got.Users[0].Tags != nil || got.IsTruncated {
		t.Errorf("GetGroup: got %+v, want the group and user %+v without tags", got, want)
	}
	tests := []struct {
		name string
		list func() ([]string, error)
		want []string
	}{
		{"ListGroups", func() ([]string, error) {
			out, err := s.ListGroups(ctx, &ListGroupsInput{})
			return groupNames(out), err
		}, []string{"Builders", "admins"}},
		{"ListGroups under /ci/", func() ([]string, error) {
			out, err := s.ListGroups(ctx, &ListGroupsInput{PathPrefix: ptr("/ci")})
			return groupNames(out), err
		}, []string{"Builders"}},
		{"ListGroupsForUser", func() ([]string, error) {
			out, err := s.ListGroupsForUser(ctx, &ListGroupsForUserInput{UserName: "dev"})
			return groupNames(out), err
		}, []string{"Builders"}},
		{"ListGroupPolicies", func() ([]string, error) {
			out, err := s.ListGroupPolicies(ctx, &ListGroupPoliciesInput{GroupName: "Builders"})
			if err != nil {
				return nil, err
			}
			return out.PolicyNames, nil
		}, []string{"p"}},
		{"ListAttachedGroupPolicies", func() ([]string, error) {
			out, err := s.ListAttachedGroupPolicies(ctx, &ListAttachedGroupPoliciesInput{GroupName: "Builders"})
			if err != nil {
				return nil, err
			}
			return names(out.AttachedPolicies, func(p AttachedPolicy) string { return p.PolicyArn }), nil
		}, []string{mp.Policy.Arn}},
		{"ListEntitiesForPolicy", func() ([]string, error) {
			out, err := s.ListEntitiesForPolicy(ctx, &ListEntitiesForPolicyInput{PolicyArn: mp.Policy.Arn})
			if err != nil {
				return nil, err
			}
			return names(out.PolicyGroups, func(g PolicyGroup) string { return g.GroupName + " " + g.GroupId }), nil
		}, []string{"Builders " + g.GroupId}},
		{"ListEntitiesForPolicy of users", func() ([]string, error) {
			out, err := s.ListEntitiesForPolicy(ctx, &ListEntitiesForPolicyInput{PolicyArn: mp.Policy.Arn, EntityFilter: ptr("User")})
			if err != nil {
				return nil, err
			}
			return names(out.PolicyGroups, func(g PolicyGroup) string { return g.GroupName }), nil
		}, nil},
		{"AttachmentCount", func() ([]string, error) {
			out, err := s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: mp.Policy.Arn})
			if err != nil {
				return nil, err
			}
			return []string{fmt.Sprint(out.Policy.AttachmentCount)}, nil
		}, []string{"1"}},
		{"GetGroupPolicy", func() ([]string, error) {
			out, err := s.GetGroupPolicy(ctx, &GroupPolicyInput{GroupName: "builders", PolicyName: "p"})
			if err != nil {
				return nil, err
			}
			return []string{out.GroupName, out.PolicyDocument}, nil
		}, []string{"Builders", encodeDocument(perm)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.list()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func groupNames(out *ListGroupsOutput) []string {
	if out == nil {
		return nil
	}
	return names(out.Groups, func(g Group) string { return g.GroupName })
}

// TestUpdateGroup: a group renamed or moved keeps its id, users and
// policies, and its ARN takes the new path and name; a name another group
// holds is EntityAlreadyExists (test_iam_groups.snapshot.json
// update-duplicate-name, updated-group-with-new-path).
func TestUpdateGroup(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	made, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Old", Path: ptr("/path/")})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []func() error{
		func() error { return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Other"})) },
		func() error { return second(s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"})) },
		func() error { return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Old", UserName: "Dev"})) },
		func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "Old", PolicyName: "p", PolicyDocument: perm}))
		},
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		in     UpdateGroupInput
		code   string
		status int
		msg    string
	}{
		{"a missing group", UpdateGroupInput{GroupName: "nonexisting", NewGroupName: ptr("new-name")},
			CodeNoSuchEntity, http.StatusNotFound, "The group with name nonexisting cannot be found."},
		{"to a taken name", UpdateGroupInput{GroupName: "Old", NewGroupName: ptr("OTHER")},
			CodeEntityAlreadyExists, http.StatusConflict, "Group with name OTHER already exists."},
		{"a bad path", UpdateGroupInput{GroupName: "Old", NewPath: ptr("x")}, "ValidationError", http.StatusBadRequest, ""},
		{"to its own name in another case", UpdateGroupInput{GroupName: "Old", NewGroupName: ptr("OLD")}, "", 0, ""},
		{"renamed and moved", UpdateGroupInput{GroupName: "old", NewGroupName: ptr("New"), NewPath: ptr("/new-path/")}, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.UpdateGroup(ctx, &tt.in)
			wantCode(t, err, tt.code, tt.status)
			if e := (*protocol.Error)(nil); tt.msg != "" && errors.As(err, &e) && e.Message != tt.msg {
				t.Errorf("got message %q, want %q", e.Message, tt.msg)
			}
		})
	}
	_, err = s.GetGroup(ctx, &GetGroupInput{GroupName: "Old"})
	wantError(t, err, CodeNoSuchEntity, http.StatusNotFound, "The group with name Old cannot be found.")
	got, err := s.GetGroup(ctx, &GetGroupInput{GroupName: "New"})
	if err != nil {
		t.Fatal(err)
	}
	want := Group{Path: "/new-path/", GroupName: "New", GroupId: made.Group.GroupId,
		Arn: "arn:aws:iam::123456789012:group/new-path/New", CreateDate: made.Group.CreateDate}
	if got.Group != want || len(got.Users) != 1 {
		t.Errorf("GetGroup after UpdateGroup: got %+v with %d users, want %+v with Dev", got.Group, len(got.Users), want)
	}
	if _, err := s.GetGroupPolicy(ctx, &GroupPolicyInput{GroupName: "New", PolicyName: "p"}); err != nil {
		t.Errorf("GetGroupPolicy after UpdateGroup: got error %v, want the policy", err)
	}
}

// TestGroupQuotas: a user is in ten groups at most, and a group attaches
// ten managed policies at most, IAM's quotas.
func TestGroupQuotas(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"}); err != nil {
		t.Fatal(err)
	}
	for i := range 11 {
		name := fmt.Sprintf("G%d", i)
		if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: name}); err != nil {
			t.Fatal(err)
		}
		err := second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: name, UserName: "Dev"}))
		if i < 10 {
			wantCode(t, err, "", 0)
			continue
		}
		wantError(t, err, CodeLimitExceeded, http.StatusConflict, "Cannot exceed quota for GroupsPerUser: 10")
	}
	for i := range 11 {
		err := second(s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "G0", PolicyArn: fmt.Sprintf("arn:aws:iam::aws:policy/P%d", i)}))
		if i < 10 {
			wantCode(t, err, "", 0)
			continue
		}
		wantError(t, err, CodeLimitExceeded, http.StatusConflict, "Cannot exceed quota for PoliciesPerGroup: 10")
	}
}

// TestGetGroupPages: GetGroup pages a group's users by name.
func TestGetGroupPages(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "G"}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range []string{"c", "a", "b"} {
		if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: n}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "G", UserName: n}); err != nil {
			t.Fatal(err)
		}
	}
	want = []string{"a", "b", "c"}
	var got []string
	var marker *string
	for range 4 {
		out, err := s.GetGroup(ctx, &GetGroupInput{GroupName: "G", Marker: marker, MaxItems: ptr(int32(2))})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, names(out.Users, func(u User) string { return u.UserName })...)
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if !slices.Equal(got, want) {
		t.Errorf("got users %q, want %q", got, want)
	}
}

// TestUserPoliciesWithGroups: a user's groups' policies decide with its
// own, wherever its policies are gathered (UserPolicies, the simulator): a
// group's Allow allows, a group's Deny beats the user's Allow, and a user
// renamed or removed from the group gets what that leaves it.
func TestUserPoliciesWithGroups(t *testing.T) {
	const (
		allow = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"cognito-identity:DescribeIdentityPool","Resource":"*"}}`
		deny  = `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"cognito-identity:DescribeIdentityPool","Resource":"*"}}`
	)
	s := newService(t)
	ctx := t.Context()
	decide := func(t *testing.T, user string) string {
		t.Helper()
		out, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::123456789012:user/" + user,
			SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{"cognito-identity:DescribeIdentityPool"}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.EvaluationResults[0].EvalDecision
	}
	steps := []struct {
		name string
		call func() error
		user string
		want string
	}{
		{"a user without policies", func() error { return second(s.CreateUser(ctx, &CreateUserInput{UserName: "Dev"})) }, "Dev", "implicitDeny"},
		{"in a group without policies", func() error {
			if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Readers"}); err != nil {
				return err
			}
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Readers", UserName: "Dev"}))
		}, "Dev", "implicitDeny"},
		{"the group allows", func() error {
			return second(s.PutGroupPolicy(ctx, &PutGroupPolicyInput{GroupName: "Readers", PolicyName: "read", PolicyDocument: allow}))
		}, "Dev", "allowed"},
		{"renamed, still in the group", func() error {
			return second(s.UpdateUser(ctx, &UpdateUserInput{UserName: "Dev", NewUserName: ptr("Ops")}))
		}, "Ops", "allowed"},
		{"removed from the group", func() error {
			return second(s.RemoveUserFromGroup(ctx, &GroupUserInput{GroupName: "Readers", UserName: "Ops"}))
		}, "Ops", "implicitDeny"},
		{"the user allows, a group's managed policy denies", func() error {
			if _, err := s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "Ops", PolicyName: "own", PolicyDocument: allow}); err != nil {
				return err
			}
			mp, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "NoPools", PolicyDocument: deny})
			if err != nil {
				return err
			}
			if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Blocked"}); err != nil {
				return err
			}
			if _, err := s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "Blocked", PolicyArn: mp.Policy.Arn}); err != nil {
				return err
			}
			return second(s.AddUserToGroup(ctx, &GroupUserInput{GroupName: "Blocked", UserName: "Ops"}))
		}, "Ops", "explicitDeny"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.call(); err != nil {
				t.Fatal(err)
			}
			if got := decide(t, st.user); got != st.want {
				t.Errorf("got %s, want %s", got, st.want)
			}
		})
	}
	// A group's ARN simulates the group's policies alone.
	out, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::123456789012:group/Readers",
		SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{"cognito-identity:DescribeIdentityPool"}}})
	if err != nil || out.EvaluationResults[0].EvalDecision != "allowed" {
		t.Errorf("SimulatePrincipalPolicy of the group: got %+v, %v; want allowed", out, err)
	}
	_, err = s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: "arn:aws:iam::123456789012:group/none"})
	wantError(t, err, CodeNoSuchEntity, http.StatusNotFound, "The group with name none cannot be found.")
	set, err := s.UserPolicies(ctx, "arn:aws:iam::123456789012:user/Ops")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range set.Identity {
		ids = append(ids, p.ID+" "+p.Type)
	}
	if want := []string{"own user", "NoPools user-managed"}; !slices.Equal(ids, want) {
		t.Errorf("UserPolicies: got %q, want %q", ids, want)
	}
}
