package iam

import (
	"context"
	"errors"

	"github.com/idpool/idpool/storage"
)

// Values of ListEntitiesForPolicy's filters: the model's EntityType of a
// role, a user and a group, and its PolicyUsageType values.
const (
	entityRole       = "Role"
	entityUser       = "User"
	entityGroup      = "Group"
	usagePermissions = "PermissionsPolicy"
	usageBoundary    = "PermissionsBoundary"
)

// entity is a role, a user or a group that ListEntitiesForPolicy lists
// (kind is its EntityType), with its paging key: its kind, then its name,
// so that the three kinds page together.
type entity struct {
	path, key, name, id string
	kind                string
}

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

// credentialsOwner is the user whose other credentials (signing
// certificates, MFA devices, SSH keys, service-specific credentials, a
// password) an operation lists: the one named, else the caller's own (see
// keyOwner). idpool holds none of them but MFA devices (mfa.go), so the
// other listings answer empty lists
// for a user IAM holds, as AWS's documented user teardown and the SDKs'
// integration tests read them, and NoSuchEntity for another.
func (s *Service) credentialsOwner(ctx context.Context, name *string) (storage.User, error) {
	n, err := keyOwner(ctx, name)
	if err != nil {
		return storage.User{}, err
	}
	return userOwner.read(ctx, s.store, n)
}

// ListSigningCertificates lists a user's X.509 signing certificates: none.
func (s *Service) ListSigningCertificates(ctx context.Context, in *CredentialListInput) (*ListSigningCertificatesOutput, error) {
	if _, err := s.credentialsOwner(ctx, in.UserName); err != nil {
		return nil, err
	}
	return &ListSigningCertificatesOutput{Certificates: []SigningCertificate{}}, nil
}

// ListSSHPublicKeys lists a user's SSH public keys: none.
func (s *Service) ListSSHPublicKeys(ctx context.Context, in *CredentialListInput) (*ListSSHPublicKeysOutput, error) {
	if _, err := s.credentialsOwner(ctx, in.UserName); err != nil {
		return nil, err
	}
	return &ListSSHPublicKeysOutput{SSHPublicKeys: []SSHPublicKeyMetadata{}}, nil
}

// ListServiceSpecificCredentials lists a user's service-specific
// credentials, or with AllUsers those of every user: none.
func (s *Service) ListServiceSpecificCredentials(ctx context.Context, in *ListServiceSpecificCredentialsInput) (*ListServiceSpecificCredentialsOutput, error) {
	if in.AllUsers == nil || !*in.AllUsers {
		if _, err := s.credentialsOwner(ctx, in.UserName); err != nil {
			return nil, err
		}
	}
	return &ListServiceSpecificCredentialsOutput{ServiceSpecificCredentials: []ServiceSpecificCredentialMetadata{}}, nil
}

// GetLoginProfile answers a user's console password, which no user of
// idpool's has: NoSuchEntity with IAM's text for a user without one
// (test_iam_users.snapshot.json get-deleted-login-profile-error).
func (s *Service) GetLoginProfile(ctx context.Context, in *GetLoginProfileInput) (*Empty, error) {
	return nil, s.noLoginProfile(ctx, in.UserName)
}

// DeleteLoginProfile deletes a user's console password, which no user of
// idpool's has: NoSuchEntity as for GetLoginProfile
// (test_iam_users.snapshot.json delete-nonexistent-login-profile-error),
// which the SDKs' teardowns and AWS's documented one call and ignore.
func (s *Service) DeleteLoginProfile(ctx context.Context, in *DeleteLoginProfileInput) (*Empty, error) {
	return nil, s.noLoginProfile(ctx, in.UserName)
}

// noLoginProfile is IAM's answer about the password of a user without
// one, or NoSuchEntity for the user.
func (s *Service) noLoginProfile(ctx context.Context, name *string) error {
	u, err := s.credentialsOwner(ctx, name)
	if err != nil {
		return err
	}
	return errNoSuch("Login Profile for User %s cannot be found.", u.Name)
}

// ListEntitiesForPolicy lists the entities a managed policy is attached
// to, or is the permissions boundary of, as PolicyUsageFilter asks (both
// when absent): roles, and users, which take managed policies but no
// boundary in idpool, and groups, which take managed policies alone. The
// entities are those whose path starts with PathPrefix, groups, roles
// then users, each by name, paged together by Marker and MaxItems. An
// EntityFilter of Role, User or Group lists that kind alone;
// LocalManagedPolicy and AWSManagedPolicy name no kind of entity the
// answer holds and list nothing. An AWS managed policy's ARN is answered though idpool holds no
// such policy, as a role or user may attach one (see AWSManaged); any
// other policy IAM does not hold is NoSuchEntity.
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
	kind := func(k string) bool { return in.EntityFilter == nil || *in.EntityFilter == k }
	usage := func(attached, boundary bool) bool {
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
	// The store answers the policy's own entities, by kind then name.
	es, err := s.store.PolicyEntities(ctx, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	kinds := map[string]string{storage.KindGroup: entityGroup, storage.KindRole: entityRole, storage.KindUser: entityUser}
	var all []entity
	for _, e := range es {
		if k := kinds[e.Kind]; kind(k) && usage(e.Attached, e.Boundary) {
			all = append(all, entity{path: e.Path, key: e.Kind + "/" + e.Name, name: e.Name, id: e.ID, kind: k})
		}
	}
	got, more, next, err := pageByPath("ListEntitiesForPolicy", all, func(e entity) (string, string) { return e.path, e.key }, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	for _, e := range got {
		switch e.kind {
		case entityGroup:
			out.PolicyGroups = append(out.PolicyGroups, PolicyGroup{GroupName: e.name, GroupId: e.id})
		case entityUser:
			out.PolicyUsers = append(out.PolicyUsers, PolicyUser{UserName: e.name, UserId: e.id})
		default:
			out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleName: e.name, RoleId: e.id})
		}
	}
	out.IsTruncated, out.Marker = more, next
	return out, nil
}
