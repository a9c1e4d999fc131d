package iam

import (
	"context"
	"errors"
	"slices"

	"github.com/idpool/idpool/storage"
)

// Values of ListEntitiesForPolicy's filters: the model's EntityType of a
// role, and its PolicyUsageType values.
const (
	entityRole       = "Role"
	usagePermissions = "PermissionsPolicy"
	usageBoundary    = "PermissionsBoundary"
)

// roleKey is the paging key of a role ListEntitiesForPolicy lists: its
// kind, then its name, so that the marker would stay one if users or
// groups were listed beside roles.
func roleKey(name string) string { return "role/" + name }

// ListInstanceProfilesForRole lists the instance profiles a role is in.
// idpool runs no EC2 and holds no instance profile, so an existing role is
// in none: the empty list IAM answers for such a role, which lets AWS's
// documented role teardown (and boto3's Role.instance_profiles) run.
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, in *ListInstanceProfilesForRoleInput) (*ListInstanceProfilesForRoleOutput, error) {
	if _, err := s.store.GetRole(ctx, in.RoleName); err != nil {
		return nil, translate(err, noSuchRole(in.RoleName), nil)
	}
	return &ListInstanceProfilesForRoleOutput{InstanceProfiles: []InstanceProfile{}}, nil
}

// ListEntitiesForPolicy lists the entities a managed policy is attached
// to, or is the permissions boundary of, as PolicyUsageFilter asks (both
// when absent). Only roles can be: idpool has no groups, and its users
// take no managed policy, so PolicyGroups and PolicyUsers are empty. The
// roles are those whose path starts with PathPrefix, by name, paged by
// Marker and MaxItems. An EntityFilter of User or Group lists no role;
// LocalManagedPolicy and AWSManagedPolicy name no kind of entity the
// answer holds and list nothing. An AWS managed policy's ARN is answered
// though idpool holds no such policy, as a role may attach one (see
// AWSManaged); any other policy IAM does not hold is NoSuchEntity.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, in *ListEntitiesForPolicyInput) (*ListEntitiesForPolicyOutput, error) {
	if !PolicyARN(in.PolicyArn) {
		return nil, errInvalid("ARN %s is not valid.", in.PolicyArn)
	}
	_, err := s.store.GetManagedPolicy(ctx, in.PolicyArn)
	if !(s.awsManaged(ctx, in.PolicyArn) && errors.Is(err, storage.ErrNotFound)) {
		if err := translate(err, notAttachable(in.PolicyArn), nil); err != nil {
			return nil, err
		}
	}
	out := &ListEntitiesForPolicyOutput{PolicyGroups: []PolicyGroup{}, PolicyUsers: []PolicyUser{}, PolicyRoles: []PolicyRole{}}
	if in.EntityFilter != nil && *in.EntityFilter != entityRole {
		return out, nil
	}
	roles, err := s.store.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	uses := func(r storage.Role) bool {
		attached := slices.Contains(r.Attached, in.PolicyArn)
		boundary := r.Boundary == in.PolicyArn
		switch {
		case in.PolicyUsageFilter == nil:
			return attached || boundary
		case *in.PolicyUsageFilter == usagePermissions:
			return attached
		case *in.PolicyUsageFilter == usageBoundary:
			return boundary
		}
		return false
	}
	roles = slicesFilter(roles, uses)
	got, more, next, err := pageByPath("ListEntitiesForPolicy", roles, func(r storage.Role) (string, string) { return r.Path, roleKey(r.Name) }, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	for _, r := range got {
		out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleName: r.Name, RoleId: r.ID})
	}
	out.IsTruncated, out.Marker = more, next
	return out, nil
}
