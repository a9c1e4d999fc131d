package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMRoleTeardown runs AWS's documented deletion of a role with the
// SDK's paginators: remove it from its instance profiles (idpool holds
// none: ListInstanceProfilesForRole answers an empty list), delete its
// inline policies, detach its managed policies, delete it. Once it is
// gone ListInstanceProfilesForRole answers NoSuchEntity.
func TestIAMRoleTeardown(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := roleNameOf(s.createRole(t, "Teardown", s.trustRoot("sts:AssumeRole", nil)))
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)})
	ok(t, err, "PutRolePolicy")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	ok(t, err, "AttachRolePolicy")

	profiles := iam.NewListInstanceProfilesForRolePaginator(c, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(name), MaxItems: aws.Int32(1)})
	pages := 0
	for profiles.HasMorePages() {
		out, err := profiles.NextPage(ctx)
		ok(t, err, "ListInstanceProfilesForRole")
		if len(out.InstanceProfiles) != 0 || out.IsTruncated {
			t.Errorf("ListInstanceProfilesForRole: got %d profiles (IsTruncated %v), want none", len(out.InstanceProfiles), out.IsTruncated)
		}
		pages++
	}
	if pages != 1 {
		t.Errorf("ListInstanceProfilesForRole: got %d pages, want 1", pages)
	}

	inline := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for inline.HasMorePages() {
		out, err := inline.NextPage(ctx)
		ok(t, err, "ListRolePolicies")
		for _, p := range out.PolicyNames {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(p)})
			ok(t, err, "DeleteRolePolicy "+p)
		}
	}
	attached := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for attached.HasMorePages() {
		out, err := attached.NextPage(ctx)
		ok(t, err, "ListAttachedRolePolicies")
		for _, p := range out.AttachedPolicies {
			_, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: p.PolicyArn})
			ok(t, err, "DetachRolePolicy "+aws.ToString(p.PolicyArn))
		}
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	ok(t, err, "DeleteRole")

	_, err = c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(name)})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
}

// TestIAMListEntitiesForPolicy: ListEntitiesForPolicy lists the roles a
// managed policy is attached to and those whose permissions boundary it
// is, by name with their RoleIds, filtered by entity kind, path and usage
// and paged as the model says; then AWS's documented deletion of a
// managed policy (list its entities, detach them, delete its other
// versions, delete it) runs through.
func TestIAMListEntitiesForPolicy(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Shared")), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	arn := p.Policy.Arn
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc), SetAsDefault: true})
	ok(t, err, "CreatePolicyVersion")
	other, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Other")), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy other")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("User"))})
	ok(t, err, "CreateUser")

	trust := policyJSON(t, s.trustRoot("sts:AssumeRole", nil))
	ids := map[string]string{} // role name → RoleId
	// role creates a role at path that attaches the policies attach and
	// has boundary (nil: none) as its permissions boundary.
	role := func(prefix, path string, boundary *string, attach ...*string) string {
		t.Helper()
		name := uniqueName(prefix)
		out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String(path),
			AssumeRolePolicyDocument: aws.String(trust), PermissionsBoundary: boundary})
		ok(t, err, "CreateRole "+name)
		ids[name] = aws.ToString(out.Role.RoleId)
		for _, a := range attach {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: a})
			ok(t, err, "AttachRolePolicy "+name)
		}
		return name
	}
	// Names sort as they are listed: A…, B…, C…, D….
	attachedApp := role("A", "/app/", nil, arn)
	attachedRoot := role("B", "/", nil, arn, other.Policy.Arn)
	boundaryApp := role("C", "/app/", arn)
	both := role("D", "/", arn, arn)
	role("E", "/app/", other.Policy.Arn, other.Policy.Arn)

	all := []string{attachedApp, attachedRoot, boundaryApp, both}
	for _, tt := range []struct {
		name                  string
		filter, prefix, usage *string
		want                  []string
	}{
		{name: "every use", want: all},
		{name: "roles", filter: aws.String("Role"), want: all},
		{name: "users", filter: aws.String("User")},
		{name: "groups", filter: aws.String("Group")},
		{name: "local managed policies", filter: aws.String("LocalManagedPolicy")},
		{name: "permissions policy", usage: aws.String("PermissionsPolicy"), want: []string{attachedApp, attachedRoot, both}},
		{name: "permissions boundary", usage: aws.String("PermissionsBoundary"), want: []string{boundaryApp, both}},
		{name: "path prefix", prefix: aws.String("/app/"), want: []string{attachedApp, boundaryApp}},
		{name: "path prefix and usage", prefix: aws.String("/app/"), usage: aws.String("PermissionsBoundary"), want: []string{boundaryApp}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, max := range []int32{1, 3, 100} {
				pages := iam.NewListEntitiesForPolicyPaginator(c, &iam.ListEntitiesForPolicyInput{PolicyArn: arn,
					EntityFilter: iamtypes.EntityType(aws.ToString(tt.filter)), PathPrefix: tt.prefix,
					PolicyUsageFilter: iamtypes.PolicyUsageType(aws.ToString(tt.usage)), MaxItems: aws.Int32(max)})
				var got []string
				for pages.HasMorePages() {
					out, err := pages.NextPage(ctx)
					ok(t, err, "ListEntitiesForPolicy")
					if len(out.PolicyRoles) > int(max) {
						t.Errorf("MaxItems %d: got a page of %d roles", max, len(out.PolicyRoles))
					}
					if len(out.PolicyUsers) != 0 || len(out.PolicyGroups) != 0 {
						t.Errorf("got users %v and groups %v, want none (idpool attaches policies to roles only)", out.PolicyUsers, out.PolicyGroups)
					}
					for _, r := range out.PolicyRoles {
						if n := aws.ToString(r.RoleName); aws.ToString(r.RoleId) != ids[n] {
							t.Errorf("role %s: got RoleId %q, want %q", n, aws.ToString(r.RoleId), ids[n])
						}
						got = append(got, aws.ToString(r.RoleName))
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("MaxItems %d: got roles %v, want %v", max, got, tt.want)
				}
			}
		})
	}

	// A role may attach an AWS managed policy idpool does not hold; any
	// other policy it does not hold is NoSuchEntity.
	aws1 := aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(both), PolicyArn: aws1})
	ok(t, err, "AttachRolePolicy ReadOnlyAccess")
	out, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws1})
	ok(t, err, "ListEntitiesForPolicy ReadOnlyAccess")
	if len(out.PolicyRoles) != 1 || aws.ToString(out.PolicyRoles[0].RoleName) != both {
		t.Errorf("ListEntitiesForPolicy ReadOnlyAccess: got %v, want %s", out.PolicyRoles, both)
	}
	_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + s.accountID + ":policy/" + uniqueName("Nope"))})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:s3:::not-a-policy/object")})
	wantIAMError(t, err, "InvalidInput", http.StatusBadRequest, new(*iamtypes.InvalidInputException))

	// AWS's documented deletion of a managed policy.
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantIAMError(t, err, "DeleteConflict", http.StatusConflict, new(*iamtypes.DeleteConflictException))
	for _, usage := range []iamtypes.PolicyUsageType{iamtypes.PolicyUsageTypePermissionsPolicy, iamtypes.PolicyUsageTypePermissionsBoundary} {
		pages := iam.NewListEntitiesForPolicyPaginator(c, &iam.ListEntitiesForPolicyInput{PolicyArn: arn, PolicyUsageFilter: usage})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			ok(t, err, "ListEntitiesForPolicy")
			for _, r := range out.PolicyRoles {
				if usage == iamtypes.PolicyUsageTypePermissionsPolicy {
					_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: r.RoleName, PolicyArn: arn})
				} else {
					_, err = c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: r.RoleName})
				}
				ok(t, err, "detach "+aws.ToString(r.RoleName))
			}
		}
	}
	versions, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	ok(t, err, "ListPolicyVersions")
	for _, v := range versions.Versions {
		if !v.IsDefaultVersion {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: v.VersionId})
			ok(t, err, "DeletePolicyVersion "+aws.ToString(v.VersionId))
		}
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	ok(t, err, "DeletePolicy")
	_, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: arn})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
}
