package iam

import (
	"context"
	"errors"

	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

func noSuchRole(name string) error {
	return errNoSuch("The role with name %s cannot be found.", name)
}

// trustPolicy checks a role's trust policy as IAM of partition does when
// it is set: its grammar, its principals' partition, then its size. The
// caller checks, in its transaction, that the principals it names exist
// (s.checkPrincipals).
func trustPolicy(doc, partition string) (*policy.Document, error) {
	d, err := policy.CheckTrust([]byte(doc))
	if err != nil {
		return nil, malformed(err)
	}
	if err := d.CheckPartition(partition); err != nil {
		return nil, malformed(err)
	}
	return d, trustSize(doc)
}

// checkPrincipals checks, inside a transaction, that the IAM roles and
// users of the account that trust policy d names exist, taking those of
// kept as they are (CheckPrincipals).
func (s *Service) checkPrincipals(ctx context.Context, r storage.Reader, d *policy.Document, kept []string) error {
	return CheckPrincipals(d, s.cfg.AccountID, kept, func(kind, name string) (string, error) {
		var held string
		var err error
		switch kind {
		case "role":
			var e storage.Role
			e, err = r.GetRole(ctx, name)
			held = e.ARN
		case "user":
			var e storage.User
			e, err = r.GetUser(ctx, name)
			held = e.ARN
		}
		if errors.Is(err, storage.ErrNotFound) {
			return "", nil
		}
		return held, err
	})
}

// malformed is a parse failure of the policy package as IAM answers it:
// MalformedPolicyDocument with the reason.
func malformed(err error) error {
	if err == nil {
		return nil
	}
	var m *policy.MalformedError
	if errors.As(err, &m) {
		return errMalformed("%s", m.Reason)
	}
	return errMalformed("%s", err.Error())
}

func sessionDuration(d *int32) (int32, error) {
	if d == nil {
		return DefaultSessionDuration, nil
	}
	// IAM leaves the value out of its validation messages (see
	// shape.IAM).
	const msg = "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value %s than or equal to %d"
	switch {
	case *d < minSessionDuration:
		return 0, protocol.BadRequest("ValidationError", msg, "greater", minSessionDuration)
	case *d > maxSessionDuration:
		return 0, protocol.BadRequest("ValidationError", msg, "less", maxSessionDuration)
	}
	return *d, nil
}

// wireRole is r as IAM answers it; withDetail adds what GetRole and
// CreateRole answer and ListRoles does not: its tags and boundary. Tags
// are left out when there are none, as AWS leaves them.
func wireRole(r storage.Role, withDetail bool) Role {
	out := Role{
		Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN,
		CreateDate:               protocol.At(r.CreatedAt),
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicy),
	}
	if r.Description != "" {
		out.Description = &r.Description
	}
	if r.MaxSessionDuration != 0 {
		out.MaxSessionDuration = &r.MaxSessionDuration
	}
	if withDetail {
		out.Tags = wireTags(r.Tags)
		if r.Boundary != "" {
			out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: BoundaryPolicy, PermissionsBoundaryArn: r.Boundary}
		}
	}
	return out
}

// checkBoundary checks, inside a transaction, that arn can be a role's or
// a user's permissions boundary, as IAM does: an ARN (policyARNInput), that of a
// managed policy (InvalidInput otherwise) that exists (NoSuchEntity otherwise). idpool
// holds no AWS managed policies, so any well-formed ARN of one is taken;
// such a boundary allows nothing (see principalPolicies).
func (s *Service) checkBoundary(ctx context.Context, r storage.Reader, arn string) error {
	if err := policyARNInput(arn); err != nil {
		return err
	}
	if !PolicyARN(arn) {
		return errInvalid("ARN %s is not valid.", arn)
	}
	_, err := r.GetManagedPolicy(ctx, arn)
	if s.awsManaged(ctx, arn) && errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	// AWS's text for a boundary it does not hold (test_iam_roles.snapshot.json
	// put-nonexistent-policy-error, create-role-nonexistent-policy-error).
	return translate(err, errNoSuch("Scope ARN: %s does not exist or is not attachable.", arn), nil)
}

// CreateRole creates a role with its trust policy, within the account's
// quota of 1,000 roles (rolesQuota).
func (s *Service) CreateRole(ctx context.Context, in *CreateRoleInput) (*CreateRoleOutput, error) {
	p, err := path(in.Path)
	if err != nil {
		return nil, err
	}
	trust, err := trustPolicy(in.AssumeRolePolicyDocument, s.partition(ctx))
	if err != nil {
		return nil, err
	}
	d, err := sessionDuration(in.MaxSessionDuration)
	if err != nil {
		return nil, err
	}
	ts, err := foldKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	r := storage.Role{
		Name: in.RoleName, Path: p, ID: newID("AROA", 17), ARN: s.arn(ctx, "role"+p+in.RoleName),
		AssumeRolePolicy: in.AssumeRolePolicyDocument, MaxSessionDuration: d, Tags: ts,
		CreatedAt: s.now().UTC(),
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.PermissionsBoundary != nil {
		r.Boundary = *in.PermissionsBoundary
	}
	err = s.update(ctx, func(tx storage.Tx) error {
		if err := s.checkPrincipals(ctx, tx, trust, nil); err != nil {
			return err
		}
		if r.Boundary != "" {
			if err := s.checkBoundary(ctx, tx, r.Boundary); err != nil {
				return err
			}
		}
		return rolesQuota.create(ctx, tx, func() error { return tx.CreateRole(ctx, r) })
	})
	if err := translate(err, nil, errExists("Role with name %s already exists.", in.RoleName)); err != nil {
		return nil, err
	}
	// CreateRole answers neither MaxSessionDuration nor Description, even
	// given, as AWS does (test_iam_roles.snapshot.json
	// test_create_role_defaults, test_list_roles_pagination create-role-N).
	out := wireRole(r, true)
	out.MaxSessionDuration, out.Description = nil, nil
	return &CreateRoleOutput{Role: out}, nil
}

// GetRole returns a role.
func (s *Service) GetRole(ctx context.Context, in *GetRoleInput) (*GetRoleOutput, error) {
	r, err := s.store.GetRole(ctx, in.RoleName)
	if err != nil {
		return nil, translate(err, noSuchRole(in.RoleName), nil)
	}
	out := &GetRoleOutput{Role: wireRole(r, true)}
	out.Role.RoleLastUsed = s.roleLastUsed(r.ID)
	return out, nil
}

// ListRoles lists the roles whose path starts with PathPrefix.
func (s *Service) ListRoles(ctx context.Context, in *ListRolesInput) (*ListRolesOutput, error) {
	got, more, next, err := storedPage("ListRoles", func(r storage.Role) string { return r.Name }, in.Marker, in.MaxItems, func(after string, limit int) ([]storage.Role, error) {
		return s.store.PageRoles(ctx, namePage(after, in.PathPrefix, limit))
	})
	if err != nil {
		return nil, err
	}
	out := &ListRolesOutput{IsTruncated: more, Marker: next, Roles: []Role{}}
	for _, r := range got {
		out.Roles = append(out.Roles, wireRole(r, false))
	}
	return out, nil
}

func slicesFilter[T any](vs []T, keep func(T) bool) []T {
	var out []T
	for _, v := range vs {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// DeleteRole deletes a role that has no policies left, as IAM requires,
// and forgets its last use.
func (s *Service) DeleteRole(ctx context.Context, in *DeleteRoleInput) (*Empty, error) {
	var id string
	err := s.update(ctx, func(tx storage.Tx) error {
		r, err := roleOwner.read(ctx, tx, in.RoleName)
		if err != nil {
			return err
		}
		if err := roleOwner.inUse(&r); err != nil {
			return err
		}
		id = r.ID
		return tx.DeleteRole(ctx, r.Name)
	})
	if err == nil {
		s.forget(id)
	}
	return nil, err
}

// modifyRole runs fn on the stored role in one transaction and stores
// what fn left in it.
func (s *Service) modifyRole(ctx context.Context, name string, fn func(tx storage.Tx, r *storage.Role) error) error {
	return roleOwner.modify(ctx, s, name, fn)
}

// UpdateRole changes a role's description and maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, in *UpdateRoleInput) (*Empty, error) {
	return &Empty{}, s.modifyRole(ctx, in.RoleName, func(_ storage.Tx, r *storage.Role) error {
		if in.MaxSessionDuration != nil {
			d, err := sessionDuration(in.MaxSessionDuration)
			if err != nil {
				return err
			}
			r.MaxSessionDuration = d
		}
		if in.Description != nil {
			r.Description = *in.Description
		}
		return nil
	})
}

// UpdateRoleDescription changes a role's description alone, as UpdateRole
// does given only a Description (an empty one clears it), and answers the
// updated role. The answer is the role as GetRole shows it, tags and
// boundary included, without RoleLastUsed: AWS's documented example
// answer (CLI reference, update-role-description) has no last use, and
// the model's Role leaves it optional.
func (s *Service) UpdateRoleDescription(ctx context.Context, in *UpdateRoleDescriptionInput) (*UpdateRoleDescriptionOutput, error) {
	var got storage.Role
	err := s.modifyRole(ctx, in.RoleName, func(_ storage.Tx, r *storage.Role) error {
		r.Description = in.Description
		got = *r
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Its answer leaves MaxSessionDuration out, as AWS's does
	// (test_iam_roles.snapshot.json test_update_role
	// update-role-description-response).
	out := wireRole(got, true)
	out.MaxSessionDuration = nil
	return &UpdateRoleDescriptionOutput{Role: out}, nil
}

// PutRolePermissionsBoundary sets or replaces a role's permissions
// boundary: a managed policy that caps what the role's identity policies
// allow its sessions.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, in *PutRolePermissionsBoundaryInput) (*Empty, error) {
	return nil, roleOwner.putBoundary(ctx, s, in.RoleName, in.PermissionsBoundary)
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, in *DeleteRolePermissionsBoundaryInput) (*Empty, error) {
	return nil, roleOwner.deleteBoundary(ctx, s, in.RoleName)
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, in *UpdateAssumeRolePolicyInput) (*Empty, error) {
	trust, err := trustPolicy(in.PolicyDocument, s.partition(ctx))
	if err != nil {
		return nil, err
	}
	return nil, s.modifyRole(ctx, in.RoleName, func(tx storage.Tx, r *storage.Role) error {
		var kept []string
		if held, err := policy.Parse([]byte(r.AssumeRolePolicy)); err == nil {
			kept = held.AWSPrincipals()
		}
		if err := s.checkPrincipals(ctx, tx, trust, kept); err != nil {
			return err
		}
		r.AssumeRolePolicy = in.PolicyDocument
		return nil
	})
}

// TagRole adds or replaces tags of a role.
func (s *Service) TagRole(ctx context.Context, in *TagRoleInput) (*Empty, error) {
	return nil, roleOwner.tag(ctx, s, in.RoleName, in.Tags)
}

// UntagRole removes tags of a role by key; unknown keys are ignored.
func (s *Service) UntagRole(ctx context.Context, in *UntagRoleInput) (*Empty, error) {
	return nil, roleOwner.untag(ctx, s, in.RoleName, in.TagKeys)
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, in *ListRoleTagsInput) (*ListRoleTagsOutput, error) {
	return roleOwner.listTags(ctx, s, "ListRoleTags", in.RoleName, in.Marker, in.MaxItems)
}

// PutRolePolicy adds or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, in *PutRolePolicyInput) (*Empty, error) {
	return nil, roleOwner.putPolicy(ctx, s, in.RoleName, in.PolicyName, in.PolicyDocument)
}

// GetRolePolicy returns an inline policy of a role.
func (s *Service) GetRolePolicy(ctx context.Context, in *GetRolePolicyInput) (*GetRolePolicyOutput, error) {
	name, doc, err := roleOwner.getPolicy(ctx, s, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetRolePolicyOutput{RoleName: name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, in *ListRolePoliciesInput) (*ListRolePoliciesOutput, error) {
	return roleOwner.listPolicies(ctx, s, "ListRolePolicies", in.RoleName, in.Marker, in.MaxItems)
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, in *DeleteRolePolicyInput) (*Empty, error) {
	return nil, roleOwner.deletePolicy(ctx, s, in.RoleName, in.PolicyName)
}
