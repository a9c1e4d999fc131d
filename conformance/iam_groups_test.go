package conformance

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMGroupLifecycle: the group setup of AWS's documentation ("Creating
// IAM groups", aws-cli examples create-group, add-user-to-group,
// put-group-policy, attach-group-policy) and its teardown, with AWS's
// answers and errors at each step (localstack
// tests/aws/services/iam/test_iam_groups.snapshot.json, recorded against
// AWS).
func TestIAMGroupLifecycle(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	group, user := uniqueName("group"), uniqueName("user")
	made, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group), Path: aws.String("/some/location/")})
	ok(t, err, "CreateGroup")
	g := made.Group
	if aws.ToString(g.Arn) != "arn:aws:iam::"+s.accountID+":group/some/location/"+group || aws.ToString(g.Path) != "/some/location/" ||
		len(aws.ToString(g.GroupId)) != 21 || aws.ToString(g.GroupId)[:4] != "AGPA" || g.CreateDate == nil {
		t.Errorf("CreateGroup: got %+v, want the group at /some/location/ with an AGPA id", g)
	}
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
	wantIAMRefusal(t, "CreateGroup again", err, "EntityAlreadyExists", http.StatusConflict, "Group with name "+group+" already exists.")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	mp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("policy")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": []string{"arn:aws:s3:::example_bucket"}})

	steps := []struct {
		name, code, msg string
		status          int
		call            func() error
	}{
		{"GetGroup of a missing group", "NoSuchEntity", "The group with name non-existent-group cannot be found.", http.StatusNotFound, func() error {
			_, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("non-existent-group")})
			return err
		}},
		{"AddUserToGroup of a missing user", "NoSuchEntity", "The user with name non-existent-user cannot be found.", http.StatusNotFound, func() error {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String("non-existent-user")})
			return err
		}},
		{"AddUserToGroup to a missing group", "NoSuchEntity", "The group with name non-existent-group cannot be found.", http.StatusNotFound, func() error {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("non-existent-group"), UserName: aws.String(user)})
			return err
		}},
		{"RemoveUserFromGroup of neither", "NoSuchEntity", "The user with name any-user cannot be found.", http.StatusNotFound, func() error {
			_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("non-existent-group"), UserName: aws.String("any-user")})
			return err
		}},
		{"AddUserToGroup", "", "", 0, func() error {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
			return err
		}},
		{"AddUserToGroup again", "", "", 0, func() error {
			_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
			return err
		}},
		{"PutGroupPolicy", "", "", 0, func() error {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("list"), PolicyDocument: aws.String(doc)})
			return err
		}},
		{"GetGroupPolicy of a missing policy", "NoSuchEntity", "The group policy with name other cannot be found.", http.StatusNotFound, func() error {
			_, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("other")})
			return err
		}},
		{"DetachGroupPolicy of one not attached", "NoSuchEntity", "Policy " + aws.ToString(mp.Policy.Arn) + " was not found.", http.StatusNotFound, func() error {
			_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: mp.Policy.Arn})
			return err
		}},
		{"AttachGroupPolicy", "", "", 0, func() error {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: mp.Policy.Arn})
			return err
		}},
		{"DeleteUser in a group", "DeleteConflict", "Cannot delete entity, must remove users from group first.", http.StatusConflict, func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
			return err
		}},
		{"DeleteGroup with a user", "DeleteConflict", "Cannot delete entity, must remove users from group first.", http.StatusConflict, func() error {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(group)})
			return err
		}},
		{"DeletePolicy attached to the group", "DeleteConflict", "Cannot delete a policy attached to entities.", http.StatusConflict, func() error {
			_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: mp.Policy.Arn})
			return err
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := st.call()
			if st.code == "" {
				ok(t, err, st.name)
				return
			}
			wantIAMRefusal(t, st.name, err, st.code, st.status, st.msg)
		})
	}

	got, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	ok(t, err, "GetGroup")
	if aws.ToString(got.Group.GroupId) != aws.ToString(g.GroupId) || len(got.Users) != 1 || aws.ToString(got.Users[0].UserName) != user || got.IsTruncated {
		t.Errorf("GetGroup: got group %+v with users %+v, want %s with %s alone", got.Group, got.Users, group, user)
	}
	forUser, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
	ok(t, err, "ListGroupsForUser")
	if len(forUser.Groups) != 1 || aws.ToString(forUser.Groups[0].GroupName) != group {
		t.Errorf("ListGroupsForUser: got %+v, want %s", forUser.Groups, group)
	}
	listed, err := c.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/some/")})
	ok(t, err, "ListGroups")
	if !slices.ContainsFunc(listed.Groups, func(x iamtypes.Group) bool { return aws.ToString(x.GroupName) == group }) {
		t.Errorf("ListGroups /some/: got %+v, want %s listed", listed.Groups, group)
	}
	pol, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("list")})
	ok(t, err, "GetGroupPolicy")
	if d, err := url.QueryUnescape(aws.ToString(pol.PolicyDocument)); err != nil || d != doc || aws.ToString(pol.GroupName) != group {
		t.Errorf("GetGroupPolicy: got %s %s (%v), want %s %s, URL-encoded", aws.ToString(pol.GroupName), d, err, group, doc)
	}
	names, err := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(group)})
	ok(t, err, "ListGroupPolicies")
	if !slices.Equal(names.PolicyNames, []string{"list"}) {
		t.Errorf("ListGroupPolicies: got %v, want [list]", names.PolicyNames)
	}
	att, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)})
	ok(t, err, "ListAttachedGroupPolicies")
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != aws.ToString(mp.Policy.Arn) {
		t.Errorf("ListAttachedGroupPolicies: got %+v, want %s", att.AttachedPolicies, aws.ToString(mp.Policy.Arn))
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: mp.Policy.Arn})
	ok(t, err, "ListEntitiesForPolicy")
	if len(ents.PolicyGroups) != 1 || aws.ToString(ents.PolicyGroups[0].GroupId) != aws.ToString(g.GroupId) || len(ents.PolicyUsers)+len(ents.PolicyRoles) != 0 {
		t.Errorf("ListEntitiesForPolicy: got groups %+v users %+v roles %+v, want %s alone", ents.PolicyGroups, ents.PolicyUsers, ents.PolicyRoles, group)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: mp.Policy.Arn})
	ok(t, err, "GetPolicy")
	if aws.ToInt32(gp.Policy.AttachmentCount) != 1 {
		t.Errorf("GetPolicy: got AttachmentCount %d, want 1", aws.ToInt32(gp.Policy.AttachmentCount))
	}

	// Renamed and moved, the group keeps its id, user and policies.
	renamed := uniqueName("renamed")
	_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String(group), NewGroupName: aws.String(renamed), NewPath: aws.String("/new-path/")})
	ok(t, err, "UpdateGroup")
	_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	wantIAMRefusal(t, "GetGroup of the old name", err, "NoSuchEntity", http.StatusNotFound, "The group with name "+group+" cannot be found.")
	got, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(renamed)})
	ok(t, err, "GetGroup of the new name")
	if aws.ToString(got.Group.GroupId) != aws.ToString(g.GroupId) || aws.ToString(got.Group.Arn) != "arn:aws:iam::"+s.accountID+":group/new-path/"+renamed || len(got.Users) != 1 {
		t.Errorf("GetGroup after UpdateGroup: got %+v with %d users, want id %s at /new-path/ with %s", got.Group, len(got.Users), aws.ToString(g.GroupId), user)
	}

	// AWS's documented teardown: users out, policies off, then the group.
	teardown := []struct {
		name, msg string
		call      func() error
	}{
		{"RemoveUserFromGroup", "", func() error {
			_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(renamed), UserName: aws.String(user)})
			return err
		}},
		{"DeleteGroup with an inline policy", "Cannot delete entity, must delete policies first.", func() error {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(renamed)})
			return err
		}},
		{"DeleteGroupPolicy", "", func() error {
			_, err := c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(renamed), PolicyName: aws.String("list")})
			return err
		}},
		{"DeleteGroup with an attached policy", "Cannot delete entity, must detach all policies first.", func() error {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(renamed)})
			return err
		}},
		{"DetachGroupPolicy", "", func() error {
			_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(renamed), PolicyArn: mp.Policy.Arn})
			return err
		}},
		{"DeleteGroup", "", func() error {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(renamed)})
			return err
		}},
		{"DeleteUser", "", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
			return err
		}},
	}
	for _, st := range teardown {
		t.Run(st.name, func(t *testing.T) {
			err := st.call()
			if st.msg == "" {
				ok(t, err, st.name)
				return
			}
			wantIAMRefusal(t, st.name, err, "DeleteConflict", http.StatusConflict, st.msg)
		})
	}
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(renamed)})
	wantIAMRefusal(t, "DeleteGroup again", err, "NoSuchEntity", http.StatusNotFound, "The group with name "+renamed+" cannot be found.")
}

// TestIAMGroupsPerUser: a user is in ten groups at most, IAM's
// GroupsPerUser quota, LimitExceeded past it.
func TestIAMGroupsPerUser(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := uniqueName("joiner")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	for i := range 11 {
		group := uniqueName("g")
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
		ok(t, err, "CreateGroup")
		_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
		if i < 10 {
			ok(t, err, "AddUserToGroup")
			continue
		}
		wantIAMRefusal(t, "AddUserToGroup past the quota", err, "LimitExceeded", http.StatusConflict, "Cannot exceed quota for GroupsPerUser: 10")
	}
}

// TestStrictGroupPolicies: in strict mode an IAM user may do what its
// groups' policies allow, as on AWS, where a backend user is given its
// permissions through a group: with no policy of its own, in a group
// whose policy allows cognito-identity:DescribeIdentityPool, it may call
// it; removed from the group, it may not; a group's Deny beats the
// user's own Allow. /_idpool/authorize and SimulatePrincipalPolicy decide
// the same.
func TestStrictGroupPolicies(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	group, blocked := uniqueName("backend"), uniqueName("blocked")
	for _, g := range []string{group, blocked} {
		_, err := dev.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)})
		ok(t, err, "CreateGroup")
	}
	_, err := dev.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("describe"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*"}))})
	ok(t, err, "PutGroupPolicy")
	deny, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("NoDescribe")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Deny", "Action": "cognito-identity:DescribeIdentityPool", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	_, err = dev.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(blocked), PolicyArn: deny.Policy.Arn})
	ok(t, err, "AttachGroupPolicy")

	c := s.identityWith(keys)
	session, err := s.stsWith(keys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	token := aws.ToString(session.Credentials.SessionToken)
	const action = "cognito-identity:DescribeIdentityPool"
	steps := []struct {
		name   string
		change func() error
		want   string // the decision: allowed, implicitDeny or explicitDeny
	}{
		{"no policy, in no group", func() error { return nil }, "implicitDeny"},
		{"in the group that allows", func() error {
			_, err := dev.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(name)})
			return err
		}, "allowed"},
		{"removed from the group", func() error {
			_, err := dev.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(group), UserName: aws.String(name)})
			return err
		}, "implicitDeny"},
		{"its own Allow", func() error {
			_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("own"),
				PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": action, "Resource": "*"}))})
			return err
		}, "allowed"},
		{"its own Allow and a group's Deny", func() error {
			_, err := dev.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(blocked), UserName: aws.String(name)})
			return err
		}, "explicitDeny"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ok(t, st.change(), "the change")
			_, err := c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
			if st.want == "allowed" {
				ok(t, err, "DescribeIdentityPool")
			} else {
				wantAPIError(t, err, codeDenied, msgDenied(userARN, action, s.poolARN(pool)))
			}
			if got := s.authorizeDecision(t, token, action, s.poolARN(pool), nil); got != st.want {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, st.want)
			}
			sim, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(userARN), ActionNames: []string{action}})
			ok(t, err, "SimulatePrincipalPolicy")
			if got := string(sim.EvaluationResults[0].EvalDecision); got != st.want {
				t.Errorf("SimulatePrincipalPolicy: got %s, want %s", got, st.want)
			}
		})
	}
}

// TestStrictGroupTarget: in strict mode the group operations act on the
// group's ARN, AddUserToGroup's too, as the Service Authorization
// Reference lists them, and UpdateGroup on the group it makes (its new
// path and name) as well, as AWS's IAM documents ("must have permission to
// change the group with the old name and the new name"): a user allowed
// them on its team's groups alone acts on those and on no other, and a
// refusal names the group as it would be.
func TestStrictGroupTarget(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	team, other := uniqueName("team"), uniqueName("other")
	_, err := dev.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(team), Path: aws.String("/team/")})
	ok(t, err, "CreateGroup")
	_, err = dev.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(other)})
	ok(t, err, "CreateGroup")
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("team"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": []string{"iam:AddUserToGroup", "iam:UpdateGroup"}, "Resource": "arn:aws:iam::" + s.accountID + ":group/team/*"}))})
	ok(t, err, "PutUserPolicy")
	user := s.iamWith(keys)
	add := func(group string) func() error {
		return func() error {
			_, err := user.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(name)})
			return err
		}
	}
	update := func(newName, newPath string) func() error {
		return func() error {
			in := &iam.UpdateGroupInput{GroupName: aws.String(team)}
			if newName != "" {
				in.NewGroupName = aws.String(newName)
			}
			if newPath != "" {
				in.NewPath = aws.String(newPath)
			}
			_, err := user.UpdateGroup(ctx, in)
			return err
		}
	}
	const refused = noAllow + "iam:UpdateGroup action"
	runIAMCases(t, userARN, []iamCase{
		{name: "add to its team's group", action: "iam:AddUserToGroup", call: add(team)},
		{name: "add to another group", action: "iam:AddUserToGroup", shown: "group " + other, refusal: noAllow + "iam:AddUserToGroup action", call: add(other)},
		{name: "move out of the team", action: "iam:UpdateGroup", shown: "group " + team, refusal: refused, call: update("", "/admin/")},
		{name: "rename and move out of the team", action: "iam:UpdateGroup", shown: "group Admin" + team, refusal: refused, call: update("Admin"+team, "/admin/")},
	})
	got, err := dev.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(team)})
	ok(t, err, "GetGroup")
	if p := aws.ToString(got.Group.Path); p != "/team/" || len(got.Users) != 1 {
		t.Errorf("after the refusals: got path %s and %d users, want /team/ and the user alone", p, len(got.Users))
	}
	ok(t, update("Moved"+team, "")(), "UpdateGroup renaming in the team")
}

// TestResetClearsGroups: POST /_idpool/reset deletes the groups made at
// run time, with their memberships, as a fresh start has none.
func TestResetClearsGroups(t *testing.T) {
	t.Parallel()
	s := testServerEnv(t, nil) // its own server: a reset clears everything
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	group, user := uniqueName("group"), uniqueName("user")
	_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
	ok(t, err, "CreateGroup")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
	ok(t, err, "AddUserToGroup")
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	_, err = c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	wantIAMRefusal(t, "GetGroup after the reset", err, "NoSuchEntity", http.StatusNotFound, "The group with name "+group+" cannot be found.")
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
	ok(t, err, "CreateGroup of the name again")
}
