package iam

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

func noSuchUser(name string) error {
	return errNoSuch("The user with name %s cannot be found.", name)
}

// CreateUser creates a user, within the account's quota of 5,000 users
// (usersQuota).
func (s *Service) CreateUser(ctx context.Context, in *CreateUserInput) (*CreateUserOutput, error) {
	p, err := path(in.Path)
	if err != nil {
		return nil, err
	}
	ts, err := foldKeys.check(in.Tags)
	if err != nil {
		return nil, err
	}
	u := storage.User{
		Name: in.UserName, Path: p, ID: newID("AIDA", 17), ARN: s.arn(ctx, "user"+p+in.UserName),
		Tags: ts, CreatedAt: s.now().UTC(),
	}
	if in.PermissionsBoundary != nil {
		u.Boundary = *in.PermissionsBoundary
	}
	err = s.update(ctx, func(tx storage.Tx) error {
		if u.Boundary != "" {
			if err := s.checkBoundary(ctx, tx, u.Boundary); err != nil {
				return err
			}
		}
		return usersQuota.create(ctx, tx, func() error { return tx.CreateUser(ctx, u) })
	})
	if err := translate(err, nil, errExists("User with name %s already exists.", in.UserName)); err != nil {
		return nil, err
	}
	return &CreateUserOutput{User: wireUser(u)}, nil
}

// wireUser is u as CreateUser and GetUser answer it: with its tags and
// permissions boundary, which ListUsers leaves out.
func wireUser(u storage.User) User {
	out := User{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN, CreateDate: protocol.At(u.CreatedAt), Tags: wireTags(u.Tags)}
	if u.Boundary != "" {
		out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: BoundaryPolicy, PermissionsBoundaryArn: u.Boundary}
	}
	return out
}

// ListUsers lists the users whose path starts with PathPrefix, by name
// and without their tags, as IAM lists them.
func (s *Service) ListUsers(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
	got, more, next, err := storedPage("ListUsers", func(u storage.User) string { return u.Name }, in.Marker, in.MaxItems, func(after string, limit int) ([]storage.User, error) {
		return s.store.PageUsers(ctx, namePage(after, in.PathPrefix, limit))
	})
	if err != nil {
		return nil, err
	}
	out := &ListUsersOutput{IsTruncated: more, Marker: next, Users: []User{}}
	for _, u := range got {
		out.Users = append(out.Users, listedUser(u))
	}
	return out, nil
}

// GetUser returns the user named, or without a name the caller's own
// user: for the account's root (a developer's own keys) the root, with its
// ARN and the account id as UserId and neither path nor name, as IAM
// answers it. Credentials of a role session must name a user.
func (s *Service) GetUser(ctx context.Context, in *GetUserInput) (*GetUserOutput, error) {
	name := in.UserName
	if name == nil {
		p, ok := protocol.PrincipalFrom(ctx)
		if ok && arn.IsRoot(p.ARN) {
			return &GetUserOutput{User: User{UserId: p.Account, Arn: p.ARN, CreateDate: protocol.At(s.started)}}, nil
		}
		user, isUser := "", false
		if ok {
			user, isUser = userName(p.ARN)
		}
		if !isUser {
			return nil, errNoUserName()
		}
		name = &user
	}
	u, err := s.store.GetUser(ctx, *name)
	if err != nil {
		return nil, translate(err, noSuchUser(*name), nil)
	}
	return &GetUserOutput{User: wireUser(u)}, nil
}

// UpdateUser renames a user (NewUserName) or moves it to another path
// (NewPath), as Terraform's aws_iam_user does when its name or path
// changes: its UserId, creation date, access keys, policies, tags and
// boundary follow it, and its ARN takes the new path and name. A name
// another user holds, in any case, is EntityAlreadyExists; a user may take
// its own name in another case.
func (s *Service) UpdateUser(ctx context.Context, in *UpdateUserInput) (*Empty, error) {
	var newPath string
	if in.NewPath != nil {
		p, err := path(in.NewPath)
		if err != nil {
			return nil, err
		}
		newPath = p
	}
	return nil, s.update(ctx, func(tx storage.Tx) error {
		u, err := userOwner.read(ctx, tx, in.UserName)
		if err != nil {
			return err
		}
		old := u.Name
		if in.NewUserName != nil && *in.NewUserName != u.Name {
			if !strings.EqualFold(*in.NewUserName, u.Name) {
				switch _, err := tx.GetUser(ctx, *in.NewUserName); {
				case err == nil:
					return errExists("User with name %s already exists.", *in.NewUserName)
				case !errors.Is(err, storage.ErrNotFound):
					return err
				}
			}
			u.Name = *in.NewUserName
		}
		if in.NewPath != nil {
			u.Path = newPath
		}
		prefix, _, _ := strings.Cut(u.ARN, ":user/")
		u.ARN = prefix + ":user" + u.Path + u.Name
		return storage.ReplaceUser(ctx, tx, old, u, nil)
	})
}

// DeleteUser deletes a user that has no access keys, MFA device or
// policies left and is in no group, as IAM requires, and refuses in that
// order.
func (s *Service) DeleteUser(ctx context.Context, in *DeleteUserInput) (*Empty, error) {
	return nil, s.update(ctx, func(tx storage.Tx) error {
		u, err := userOwner.read(ctx, tx, in.UserName)
		if err != nil {
			return err
		}
		keys, err := tx.ListAccessKeys(ctx, u.Name)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return errConflict("Cannot delete entity, must delete access keys first.")
		}
		switch has, err := userDevice(ctx, tx, u.Name); {
		case err != nil:
			return err
		case has:
			return errConflict("Cannot delete entity, must delete MFA device first.")
		}
		if err := userOwner.inUse(&u); err != nil {
			return err
		}
		switch gs, err := userGroups(ctx, tx, u.Name); {
		case err != nil:
			return err
		case len(gs) > 0:
			return errInGroup()
		}
		return tx.DeleteUser(ctx, u.Name)
	})
}

// PutUserPolicy adds or replaces an inline policy of a user, under the
// rules of PutRolePolicy; a user's inline policies together hold at most
// 2,048 characters, IAM's quota.
func (s *Service) PutUserPolicy(ctx context.Context, in *PutUserPolicyInput) (*Empty, error) {
	return nil, userOwner.putPolicy(ctx, s, in.UserName, in.PolicyName, in.PolicyDocument)
}

// GetUserPolicy returns an inline policy of a user.
func (s *Service) GetUserPolicy(ctx context.Context, in *GetUserPolicyInput) (*GetUserPolicyOutput, error) {
	name, doc, err := userOwner.getPolicy(ctx, s, in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetUserPolicyOutput{UserName: name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// ListUserPolicies lists the names of a user's inline policies.
func (s *Service) ListUserPolicies(ctx context.Context, in *ListUserPoliciesInput) (*ListUserPoliciesOutput, error) {
	return userOwner.listPolicies(ctx, s, "ListUserPolicies", in.UserName, in.Marker, in.MaxItems)
}

// DeleteUserPolicy deletes an inline policy of a user.
func (s *Service) DeleteUserPolicy(ctx context.Context, in *DeleteUserPolicyInput) (*Empty, error) {
	return nil, userOwner.deletePolicy(ctx, s, in.UserName, in.PolicyName)
}

// AttachUserPolicy attaches a managed policy to a user, as
// AttachRolePolicy does to a role: at most ten a user.
func (s *Service) AttachUserPolicy(ctx context.Context, in *AttachUserPolicyInput) (*Empty, error) {
	return nil, userOwner.attach(ctx, s, in.UserName, in.PolicyArn)
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(ctx context.Context, in *DetachUserPolicyInput) (*Empty, error) {
	return nil, userOwner.detach(ctx, s, in.UserName, in.PolicyArn)
}

// ListAttachedUserPolicies lists the managed policies attached to a user.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, in *ListAttachedUserPoliciesInput) (*ListAttachedUserPoliciesOutput, error) {
	return userOwner.listAttached(ctx, s, "ListAttachedUserPolicies", in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
}

// keyOwner is the user an access key operation is about: the one named,
// or else the caller's own user. idpool's callers without a user (the
// root, issued credentials) must name one.
func keyOwner(ctx context.Context, name *string) (string, error) {
	if name != nil {
		return *name, nil
	}
	if p, ok := protocol.PrincipalFrom(ctx); ok {
		if user, ok := userName(p.ARN); ok {
			return user, nil
		}
	}
	return "", errNoUserName()
}

// errNoUserName is IAM's answer to a user operation without UserName from
// credentials that are not a user's.
func errNoUserName() error {
	return protocol.BadRequest("ValidationError", "Must specify userName when calling with non-User credentials")
}

// CreateAccessKey creates an access key for a user, at most two per user.
func (s *Service) CreateAccessKey(ctx context.Context, in *CreateAccessKeyInput) (*CreateAccessKeyOutput, error) {
	name, err := keyOwner(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	var k storage.AccessKey
	err = s.update(ctx, func(tx storage.Tx) error {
		u, err := tx.GetUser(ctx, name)
		if err != nil {
			return translate(err, noSuchUser(name), nil)
		}
		keys, err := tx.ListAccessKeys(ctx, u.Name)
		if err != nil {
			return err
		}
		if len(keys) >= maxAccessKeys {
			return errLimit("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeys)
		}
		k = storage.AccessKey{ID: newID("AKIA", 16), Secret: newSecret(), UserName: u.Name, Status: "Active", CreatedAt: s.now().UTC()}
		return tx.CreateAccessKey(ctx, k)
	})
	if err != nil {
		return nil, err
	}
	return &CreateAccessKeyOutput{AccessKey: AccessKey{
		UserName: k.UserName, AccessKeyId: k.ID, Status: k.Status, SecretAccessKey: k.Secret, CreateDate: protocol.At(k.CreatedAt),
	}}, nil
}

func noSuchKey(id string) error {
	return errNoSuch("The Access Key with id %s cannot be found.", id)
}

// modifyKey runs fn, in one transaction, on the access key id of the user
// that name (or the caller, without one: keyOwner) names: NoSuchEntity
// for a missing user, and for a key IAM does not hold or another user's.
func (s *Service) modifyKey(ctx context.Context, name *string, id string, fn func(tx storage.Tx, k storage.AccessKey) error) error {
	user, err := keyOwner(ctx, name)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx storage.Tx) error {
		if _, err := tx.GetUser(ctx, user); err != nil {
			return translate(err, noSuchUser(user), nil)
		}
		k, err := tx.GetAccessKey(ctx, id)
		if err != nil {
			return translate(err, noSuchKey(id), nil)
		}
		if !strings.EqualFold(k.UserName, user) {
			return noSuchKey(id)
		}
		return fn(tx, k)
	})
}

// DeleteAccessKey deletes an access key of a user, and forgets its last
// use.
func (s *Service) DeleteAccessKey(ctx context.Context, in *DeleteAccessKeyInput) (*Empty, error) {
	err := s.modifyKey(ctx, in.UserName, in.AccessKeyId, func(tx storage.Tx, k storage.AccessKey) error {
		return tx.DeleteAccessKey(ctx, k.ID)
	})
	if err == nil {
		s.forget(in.AccessKeyId)
	}
	return nil, err
}

// UpdateAccessKey sets the status of an access key of a user: an Inactive
// key no longer signs requests (InvalidClientTokenId, as AWS answers it),
// an Active one signs again. The codec takes the model's statuses alone
// (Active, Inactive, Expired); an Expired key, like an Inactive one, signs
// nothing.
func (s *Service) UpdateAccessKey(ctx context.Context, in *UpdateAccessKeyInput) (*Empty, error) {
	return nil, s.modifyKey(ctx, in.UserName, in.AccessKeyId, func(tx storage.Tx, k storage.AccessKey) error {
		k.Status = in.Status
		return tx.UpdateAccessKey(ctx, k)
	})
}

// GetAccessKeyLastUsed answers the user of an access key and its last use,
// which idpool keeps in memory as it keeps a role's (see lastUses). A key
// IAM does not hold is AccessDenied, as AWS answers it
// (test_iam_users.snapshot.json get-last-used-nonexistent-key-error).
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, in *GetAccessKeyLastUsedInput) (*GetAccessKeyLastUsedOutput, error) {
	k, err := s.store.GetAccessKey(ctx, in.AccessKeyId)
	if errors.Is(err, storage.ErrNotFound) {
		caller := ""
		if p, ok := protocol.PrincipalFrom(ctx); ok {
			caller = p.ARN
		}
		return nil, protocol.Errorf(http.StatusForbidden, "AccessDenied",
			"User: %s is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key %s", caller, in.AccessKeyId)
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, k.UserName)
	if err != nil {
		return nil, translate(err, noSuchKey(in.AccessKeyId), nil)
	}
	return &GetAccessKeyLastUsedOutput{UserName: u.Name, AccessKeyLastUsed: s.keyLastUsed(k.ID)}, nil
}

// ListAccessKeys lists a user's access keys, without their secrets.
func (s *Service) ListAccessKeys(ctx context.Context, in *ListAccessKeysInput) (*ListAccessKeysOutput, error) {
	name, err := keyOwner(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetUser(ctx, name); err != nil {
		return nil, translate(err, noSuchUser(name), nil)
	}
	keys, err := s.store.ListAccessKeys(ctx, name)
	if err != nil {
		return nil, err
	}
	got, more, next, err := page("ListAccessKeys", keys, func(k storage.AccessKey) string { return k.ID }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListAccessKeysOutput{AccessKeyMetadata: []AccessKeyMetadata{}, IsTruncated: more, Marker: next}
	for _, k := range got {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, AccessKeyMetadata{
			UserName: k.UserName, AccessKeyId: k.ID, Status: k.Status, CreateDate: protocol.At(k.CreatedAt),
		})
	}
	return out, nil
}

// userName returns the name of the user an ARN names
// (arn:aws:iam::<account>:user/<path><name>).
func userName(arn string) (string, bool) {
	_, res, ok := strings.Cut(arn, ":user/")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	return res[strings.LastIndex(res, "/")+1:], true
}

// TagUser adds or replaces tags of a user, as TagRole does of a role.
func (s *Service) TagUser(ctx context.Context, in *TagUserInput) (*Empty, error) {
	return nil, userOwner.tag(ctx, s, in.UserName, in.Tags)
}

// UntagUser removes tags of a user by key; unknown keys are ignored.
func (s *Service) UntagUser(ctx context.Context, in *UntagUserInput) (*Empty, error) {
	return nil, userOwner.untag(ctx, s, in.UserName, in.TagKeys)
}

// ListUserTags lists a user's tags.
func (s *Service) ListUserTags(ctx context.Context, in *ListUserTagsInput) (*ListTagsOutput, error) {
	return userOwner.listTags(ctx, s, "ListUserTags", in.UserName, in.Marker, in.MaxItems)
}

// PutUserPermissionsBoundary sets or replaces a user's permissions
// boundary, as PutRolePermissionsBoundary does a role's.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, in *PutUserPermissionsBoundaryInput) (*Empty, error) {
	return nil, userOwner.putBoundary(ctx, s, in.UserName, in.PermissionsBoundary)
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, in *DeleteUserPermissionsBoundaryInput) (*Empty, error) {
	return nil, userOwner.deleteBoundary(ctx, s, in.UserName)
}
