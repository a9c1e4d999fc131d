package conformance

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The tests of this file run the setup and teardown of the AWS SDK teams'
// own integration tests, which give an IAM user its own policies
// (aws-sdk-java-v2 AssumeRoleIntegrationTest and IAMUtil, aws-sdk-net
// AssumeRole.cs and PolicyTests.cs, boto's test_policy.py), and AWS's
// documented deletion of a user ("Deleting an IAM user (AWS CLI)").

// TestIAMUserAssumeRoleSetup: the SDKs' AssumeRole integration tests make
// a user with an access key and an inline policy that allows
// sts:AssumeRole, and a role that trusts the user; the user's key then
// assumes the role. Their teardown deletes the user's keys and inline
// policies, its password (none: NoSuchEntity, which they ignore), the
// user and the role. DeleteUser refuses the user while it has either.
func TestIAMUserAssumeRoleSetup(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := uniqueName("user")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	ok(t, err, "CreateAccessKey")
	userKeys := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	assume := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("assume-role"), PolicyDocument: aws.String(assume)})
	ok(t, err, "PutUserPolicy")
	userARN := "arn:aws:iam::" + s.accountID + ":user/" + user
	role := uniqueName("java-test-role")
	made, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN}, "Action": "sts:AssumeRole"}))})
	ok(t, err, "CreateRole")
	out, err := s.stsWith(userKeys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: made.Role.Arn, RoleSessionName: aws.String("Test"), DurationSeconds: aws.Int32(3600)})
	ok(t, err, "AssumeRole with the user's key")
	if out.AssumedRoleUser == nil || out.Credentials == nil {
		t.Fatalf("AssumeRole: got %+v, want a session", out)
	}

	got, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("assume-role")})
	ok(t, err, "GetUserPolicy")
	if doc, err := url.QueryUnescape(aws.ToString(got.PolicyDocument)); err != nil || doc != assume || aws.ToString(got.UserName) != user {
		t.Errorf("GetUserPolicy: got user %s document %s (%v), want %s and %s", aws.ToString(got.UserName), doc, err, user, assume)
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	wantIAMRefusal(t, "DeleteUser with an access key", err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must delete access keys first.")

	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	ok(t, err, "ListAccessKeys")
	for _, k := range keys.AccessKeyMetadata {
		_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId})
		ok(t, err, "DeleteAccessKey")
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	wantIAMRefusal(t, "DeleteUser with an inline policy", err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must delete policies first.")
	inline, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
	ok(t, err, "ListUserPolicies")
	if !slices.Equal(inline.PolicyNames, []string{"assume-role"}) {
		t.Errorf("ListUserPolicies: got %v, want [assume-role]", inline.PolicyNames)
	}
	for _, p := range inline.PolicyNames {
		_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(p)})
		ok(t, err, "DeleteUserPolicy")
	}
	_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String(user)})
	wantIAMRefusal(t, "DeleteLoginProfile", err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User "+user+" cannot be found.")
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	ok(t, err, "DeleteUser")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role)})
	ok(t, err, "DeleteRole")
	_, err = c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
}

// TestIAMUserPolicyLifecycle: a user's inline policies as the .NET SDK's
// PolicyTests and boto's test_policy.py drive them, paged one by one with
// the SDK's paginator, and its managed policies as Terraform's
// aws_iam_user_policy_attachment does, with the codes and texts AWS
// answers for what is missing (test_iam_users.snapshot.json
// TestUserPolicies).
func TestIAMUserPolicyLifecycle(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := uniqueName("policy-user")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), Path: aws.String("/IntegrationTests/IAM/")})
	ok(t, err, "CreateUser")
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
	names := []string{"a-policy", "b-policy", "c-policy"}
	for _, n := range names {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(n), PolicyDocument: aws.String(doc)})
		ok(t, err, "PutUserPolicy "+n)
	}
	var listed []string
	for p := iam.NewListUserPoliciesPaginator(c, &iam.ListUserPoliciesInput{UserName: aws.String(user), MaxItems: aws.Int32(1)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListUserPolicies")
		listed = append(listed, page.PolicyNames...)
	}
	if !slices.Equal(listed, names) {
		t.Errorf("ListUserPolicies pages of one: got %v, want %v", listed, names)
	}
	_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("nope")})
	wantIAMRefusal(t, "GetUserPolicy of a missing policy", err, "NoSuchEntity", http.StatusNotFound, "The user policy with name nope cannot be found.")
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	wantIAMRefusal(t, "PutUserPolicy of a missing user", err, "NoSuchEntity", http.StatusNotFound, "The user with name nobody cannot be found.")
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Statement":[]}`)})
	wantIAMError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, new(*iamtypes.MalformedPolicyDocumentException))

	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("user-managed")), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	arn := pol.Policy.Arn
	missing := "arn:aws:iam::" + s.accountID + ":policy/nonexistent"
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String(missing)})
	wantIAMRefusal(t, "AttachUserPolicy of a missing policy", err, "NoSuchEntity", http.StatusNotFound, "Policy "+missing+" does not exist or is not attachable.")
	_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(user), PolicyArn: arn})
	wantIAMRefusal(t, "DetachUserPolicy of a policy not attached", err, "NoSuchEntity", http.StatusNotFound, "Policy "+aws.ToString(arn)+" was not found.")
	for _, a := range []*string{arn, aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")} {
		_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: a})
		ok(t, err, "AttachUserPolicy "+aws.ToString(a))
	}
	att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user)})
	ok(t, err, "ListAttachedUserPolicies")
	var arns []string
	for _, p := range att.AttachedPolicies {
		arns = append(arns, aws.ToString(p.PolicyArn))
	}
	// By name: ReadOnlyAccess first.
	if want := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", aws.ToString(arn)}; !slices.Equal(arns, want) {
		t.Errorf("ListAttachedUserPolicies: got %v, want %v", arns, want)
	}
	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	ok(t, err, "GetPolicy")
	if n := aws.ToInt32(got.Policy.AttachmentCount); n != 1 {
		t.Errorf("GetPolicy: got AttachmentCount %d, want 1", n)
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: arn, EntityFilter: iamtypes.EntityTypeUser})
	ok(t, err, "ListEntitiesForPolicy")
	if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != user || len(ents.PolicyRoles) != 0 {
		t.Errorf("ListEntitiesForPolicy of users: got %+v, want %s alone", ents.PolicyUsers, user)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantIAMRefusal(t, "DeletePolicy attached to a user", err, "DeleteConflict", http.StatusConflict, "Cannot delete a policy attached to entities.")

	// The simulator evaluates the user's own policies.
	sim, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + s.accountID + ":user/IntegrationTests/IAM/" + user),
		ActionNames:     []string{"iam:ListUsers", "iam:DeleteUser"},
	})
	ok(t, err, "SimulatePrincipalPolicy")
	var decisions []iamtypes.PolicyEvaluationDecisionType
	for _, r := range sim.EvaluationResults {
		decisions = append(decisions, r.EvalDecision)
	}
	if want := []iamtypes.PolicyEvaluationDecisionType{"allowed", "implicitDeny"}; !slices.Equal(decisions, want) {
		t.Errorf("SimulatePrincipalPolicy of the user: got %v, want %v", decisions, want)
	}

	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	wantIAMRefusal(t, "DeleteUser with inline policies", err, "DeleteConflict", http.StatusConflict, "Cannot delete entity, must delete policies first.")
	deleteUser(t, c, user)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	ok(t, err, "DeletePolicy once detached")
}

// TestIAMUserTeardown runs AWS's documented deletion of a user, and
// aws-sdk-java-v2 IAMUtil's, on a user with an access key, inline and
// attached policies: the user's groups (idpool has none) and other
// credentials (none either) list empty, its password is NoSuchEntity,
// and once it is deleted every listing is NoSuchEntity.
func TestIAMUserTeardown(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	user := uniqueName("IamIntegrationTests")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), Path: aws.String("/IntegrationTests/IAM/")})
	ok(t, err, "CreateUser")
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	ok(t, err, "CreateAccessKey")
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)})
	ok(t, err, "PutUserPolicy")
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	ok(t, err, "AttachUserPolicy")

	groups, err := c.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/IntegrationTests/IAM/")})
	ok(t, err, "ListGroups")
	if len(groups.Groups) != 0 {
		t.Errorf("ListGroups: got %d groups, want none", len(groups.Groups))
	}
	var found bool
	for p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{PathPrefix: aws.String("/IntegrationTests/IAM/")}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListUsers")
		found = found || slices.ContainsFunc(page.Users, func(u iamtypes.User) bool { return aws.ToString(u.UserName) == user })
	}
	if !found {
		t.Fatalf("ListUsers under the test path: no %s", user)
	}
	deleteUser(t, c, user)

	missing := []struct {
		name string
		call func() error
	}{
		{"ListGroupsForUser", func() error {
			_, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
			return err
		}},
		{"ListSigningCertificates", func() error {
			_, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String(user)})
			return err
		}},
		{"ListSSHPublicKeys", func() error {
			_, err := c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String(user)})
			return err
		}},
		{"ListServiceSpecificCredentials", func() error {
			_, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String(user)})
			return err
		}},
		{"ListMFADevices", func() error {
			_, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(user)})
			return err
		}},
		{"GetLoginProfile", func() error {
			_, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(user)})
			return err
		}},
		{"ListUserPolicies", func() error {
			_, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(user)})
			return err
		}},
		{"ListAttachedUserPolicies", func() error {
			_, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user)})
			return err
		}},
	}
	for _, tt := range missing {
		t.Run(tt.name+" of the deleted user", func(t *testing.T) {
			wantIAMRefusal(t, tt.name, tt.call(), "NoSuchEntity", http.StatusNotFound, "The user with name "+user+" cannot be found.")
		})
	}
}

// deleteUser deletes a user the way AWS's guide does it with the CLI
// ("Deleting an IAM user (AWS CLI)"), through the SDK's paginators: its
// access keys, signing certificates, SSH keys, service-specific
// credentials and MFA devices (idpool lists none of those but the keys),
// its password (none: NoSuchEntity), its groups (none), its inline and
// attached policies, then the user.
func deleteUser(t *testing.T, c *iam.Client, user string) {
	t.Helper()
	ctx := context.Background()
	name := aws.String(user)
	for p := iam.NewListAccessKeysPaginator(c, &iam.ListAccessKeysInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListAccessKeys")
		for _, k := range page.AccessKeyMetadata {
			_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: k.AccessKeyId})
			ok(t, err, "DeleteAccessKey")
		}
	}
	none := func(call string, n int, err error) {
		t.Helper()
		ok(t, err, call)
		if n != 0 {
			t.Errorf("%s: got %d items, want none", call, n)
		}
	}
	for p := iam.NewListSigningCertificatesPaginator(c, &iam.ListSigningCertificatesInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		none("ListSigningCertificates", len(page.Certificates), err)
	}
	for p := iam.NewListSSHPublicKeysPaginator(c, &iam.ListSSHPublicKeysInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		none("ListSSHPublicKeys", len(page.SSHPublicKeys), err)
	}
	creds, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: name})
	none("ListServiceSpecificCredentials", len(creds.ServiceSpecificCredentials), err)
	for p := iam.NewListMFADevicesPaginator(c, &iam.ListMFADevicesInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		none("ListMFADevices", len(page.MFADevices), err)
	}
	// Terraform's aws_iam_user with force_destroy lists the account's
	// virtual MFA devices assigned to the user, and fails on anything but
	// NoSuchEntity.
	for p := iam.NewListVirtualMFADevicesPaginator(c, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		none("ListVirtualMFADevices", len(page.VirtualMFADevices), err)
	}
	_, err = c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: name})
	wantIAMRefusal(t, "GetLoginProfile", err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User "+user+" cannot be found.")
	_, err = c.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: name})
	wantIAMRefusal(t, "DeleteLoginProfile", err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User "+user+" cannot be found.")
	for p := iam.NewListGroupsForUserPaginator(c, &iam.ListGroupsForUserInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		none("ListGroupsForUser", len(page.Groups), err)
	}
	for p := iam.NewListUserPoliciesPaginator(c, &iam.ListUserPoliciesInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListUserPolicies")
		for _, n := range page.PolicyNames {
			_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String(n)})
			ok(t, err, "DeleteUserPolicy "+n)
		}
	}
	for p := iam.NewListAttachedUserPoliciesPaginator(c, &iam.ListAttachedUserPoliciesInput{UserName: name}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		ok(t, err, "ListAttachedUserPolicies")
		for _, a := range page.AttachedPolicies {
			_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: name, PolicyArn: a.PolicyArn})
			ok(t, err, "DetachUserPolicy "+aws.ToString(a.PolicyArn))
		}
	}
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
	ok(t, err, "DeleteUser")
}

// TestIAMVirtualMFADevices: ListVirtualMFADevices answers an empty list
// whatever AssignmentStatus asks, as a new server holds no MFA devices, and
// refuses a status that is not one of the model's.
func TestIAMVirtualMFADevices(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	for _, status := range []iamtypes.AssignmentStatusType{"", iamtypes.AssignmentStatusTypeAssigned, iamtypes.AssignmentStatusTypeUnassigned, iamtypes.AssignmentStatusTypeAny} {
		t.Run("status "+string(status), func(t *testing.T) {
			out, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status})
			ok(t, err, "ListVirtualMFADevices")
			if len(out.VirtualMFADevices) != 0 || out.IsTruncated {
				t.Errorf("ListVirtualMFADevices: got %d devices (truncated %v), want none", len(out.VirtualMFADevices), out.IsTruncated)
			}
		})
	}
	_, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: "Bogus"})
	wantIAMRefusal(t, "ListVirtualMFADevices of status Bogus", err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]")
}
