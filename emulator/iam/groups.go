package iam

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// IAM groups. A group holds users and permission policies of its own,
// inline and attached, which apply to each of its users as the user's own
// do: UserPolicies gathers them with the user's, so that the simulator,
// strict mode and /_idpool/authorize decide a user's requests by both, as
// AWS evaluates a user's and its groups' identity policies together.
// Groups take no tags and no permissions boundary, and are no principal:
// nothing signs as a group.

// maxGroupsPerUser is IAM's quota of the groups a user is in.
const maxGroupsPerUser = 10

func noSuchGroup(name string) error {
	return errNoSuch("The group with name %s cannot be found.", name)
}

func groupExists(name string) error {
	return errExists("Group with name %s already exists.", name)
}

// groupOwner runs the operations on a group's own policies, as roleOwner
// and userOwner do a role's and a user's. A group has neither tags nor a
// boundary: no operation of a group's reads them.
var groupOwner = owner[storage.Group]{
	kind: "group", quota: "PoliciesPerGroup", maxInline: maxGroupPolicies, noSuch: noSuchGroup,
	get: func(ctx context.Context, r storage.Reader, name string) (storage.Group, error) {
		return r.GetGroup(ctx, name)
	},
	put: func(ctx context.Context, tx storage.Tx, g storage.Group) error { return tx.UpdateGroup(ctx, g) },
	own: func(g *storage.Group) (string, *map[string]string, *[]string) {
		return g.Name, &g.Policies, &g.Attached
	},
	arn: func(g *storage.Group) string { return g.ARN },
}

// wireGroup is g as the group operations answer it.
func wireGroup(g storage.Group) Group {
	return Group{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN, CreateDate: protocol.At(g.CreatedAt)}
}

// member reports whether the user named name (any case) is in g, and
// where it is in g.Users.
func member(g storage.Group, name string) (int, bool) {
	i := slices.IndexFunc(g.Users, func(n string) bool { return strings.EqualFold(n, name) })
	return i, i >= 0
}

// userGroups returns the groups the user named name (any case) is in, by
// name.
func userGroups(ctx context.Context, r storage.Reader, name string) ([]storage.Group, error) {
	gs, err := r.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	return slicesFilter(gs, func(g storage.Group) bool { _, in := member(g, name); return in }), nil
}

// CreateGroup creates a group without users or policies, within the
// account's quota of 300 groups (groupsQuota).
func (s *Service) CreateGroup(ctx context.Context, in *CreateGroupInput) (*CreateGroupOutput, error) {
	p, err := path(in.Path)
	if err != nil {
		return nil, err
	}
	g := storage.Group{Name: in.GroupName, Path: p, ID: newID("AGPA", 17), ARN: s.arn(ctx, "group"+p+in.GroupName), CreatedAt: s.now().UTC()}
	err = s.update(ctx, func(tx storage.Tx) error {
		return groupsQuota.create(ctx, tx, func() error { return tx.CreateGroup(ctx, g) })
	})
	if err := translate(err, nil, groupExists(in.GroupName)); err != nil {
		return nil, err
	}
	return &CreateGroupOutput{Group: wireGroup(g)}, nil
}

// GetGroup answers a group and its users, by name and paged by
// Marker and MaxItems, each as ListUsers lists it.
func (s *Service) GetGroup(ctx context.Context, in *GetGroupInput) (*GetGroupOutput, error) {
	var (
		g     storage.Group
		users []storage.User
	)
	// One snapshot, so that the group's users are those it holds.
	err := s.store.View(ctx, func(r storage.Reader) error {
		var err error
		if g, err = groupOwner.read(ctx, r, in.GroupName); err != nil {
			return err
		}
		for _, n := range g.Users {
			u, err := r.GetUser(ctx, n)
			switch {
			case errors.Is(err, storage.ErrNotFound):
				continue // IAM refuses to delete a user in a group; none is missing
			case err != nil:
				return err
			}
			users = append(users, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	got, more, next, err := page("GetGroup", users, func(u storage.User) string { return u.Name }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &GetGroupOutput{Group: wireGroup(g), Users: []User{}, IsTruncated: more, Marker: next}
	for _, u := range got {
		out.Users = append(out.Users, listedUser(u))
	}
	return out, nil
}

// listedUser is u as a listing of users answers it: without its tags and
// boundary.
func listedUser(u storage.User) User {
	w := wireUser(u)
	w.Tags, w.PermissionsBoundary = nil, nil
	return w
}

// ListGroups lists the groups whose path starts with PathPrefix, by name.
func (s *Service) ListGroups(ctx context.Context, in *ListGroupsInput) (*ListGroupsOutput, error) {
	got, more, next, err := storedPage("ListGroups", func(g storage.Group) string { return g.Name }, in.Marker, in.MaxItems, func(after string, limit int) ([]storage.Group, error) {
		return s.store.PageGroups(ctx, namePage(after, in.PathPrefix, limit))
	})
	if err != nil {
		return nil, err
	}
	return groupList(got, more, next), nil
}

// groupList is the answer of ListGroups and ListGroupsForUser.
func groupList(gs []storage.Group, more bool, next *string) *ListGroupsOutput {
	out := &ListGroupsOutput{Groups: []Group{}, IsTruncated: more, Marker: next}
	for _, g := range gs {
		out.Groups = append(out.Groups, wireGroup(g))
	}
	return out
}

// ListGroupsForUser lists the groups a user is in, by name.
func (s *Service) ListGroupsForUser(ctx context.Context, in *ListGroupsForUserInput) (*ListGroupsForUserOutput, error) {
	var gs []storage.Group
	err := s.store.View(ctx, func(r storage.Reader) error {
		u, err := userOwner.read(ctx, r, in.UserName)
		if err != nil {
			return err
		}
		gs, err = userGroups(ctx, r, u.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	got, more, next, err := page("ListGroupsForUser", gs, func(g storage.Group) string { return g.Name }, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return groupList(got, more, next), nil
}

// UpdateGroup renames a group (NewGroupName) or moves it to another path
// (NewPath), as UpdateUser does a user: its GroupId, creation date, users
// and policies follow it, and its ARN takes the new path and name. A name
// another group holds, in any case, is EntityAlreadyExists.
func (s *Service) UpdateGroup(ctx context.Context, in *UpdateGroupInput) (*Empty, error) {
	var newPath string
	if in.NewPath != nil {
		p, err := path(in.NewPath)
		if err != nil {
			return nil, err
		}
		newPath = p
	}
	return nil, s.update(ctx, func(tx storage.Tx) error {
		g, err := groupOwner.read(ctx, tx, in.GroupName)
		if err != nil {
			return err
		}
		old := g.Name
		if in.NewGroupName != nil && *in.NewGroupName != g.Name {
			if !strings.EqualFold(*in.NewGroupName, g.Name) {
				switch _, err := tx.GetGroup(ctx, *in.NewGroupName); {
				case err == nil:
					return groupExists(*in.NewGroupName)
				case !errors.Is(err, storage.ErrNotFound):
					return err
				}
			}
			g.Name = *in.NewGroupName
		}
		if in.NewPath != nil {
			g.Path = newPath
		}
		prefix, _, _ := strings.Cut(g.ARN, ":group/")
		g.ARN = prefix + ":group" + g.Path + g.Name
		// The store keys a group by its name: a renamed one is stored anew.
		if err := tx.DeleteGroup(ctx, old); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, g)
	})
}

// DeleteGroup deletes a group that has no users or policies left, as IAM
// requires, and refuses in that order.
func (s *Service) DeleteGroup(ctx context.Context, in *DeleteGroupInput) (*Empty, error) {
	return nil, s.update(ctx, func(tx storage.Tx) error {
		g, err := groupOwner.read(ctx, tx, in.GroupName)
		if err != nil {
			return err
		}
		if len(g.Users) > 0 {
			return errInGroup()
		}
		if err := groupOwner.inUse(&g); err != nil {
			return err
		}
		return tx.DeleteGroup(ctx, g.Name)
	})
}

// errInGroup is IAM's refusal to delete a group with users, and a user in
// a group: the same words for both.
func errInGroup() error {
	return errConflict("Cannot delete entity, must remove users from group first.")
}

// membership runs fn, in one transaction, on the group and the user a
// request names, and stores the group fn leaves. The user is looked up
// first: AWS answers a request naming neither with the user's
// NoSuchEntity (test_iam_groups.snapshot.json remove-from-unknown-group).
func (s *Service) membership(ctx context.Context, groupName, userName string, fn func(tx storage.Tx, g *storage.Group, u storage.User) error) error {
	return s.update(ctx, func(tx storage.Tx) error {
		u, err := userOwner.read(ctx, tx, userName)
		if err != nil {
			return err
		}
		g, err := groupOwner.read(ctx, tx, groupName)
		if err != nil {
			return err
		}
		if err := fn(tx, &g, u); err != nil {
			return err
		}
		return tx.UpdateGroup(ctx, g)
	})
}

// AddUserToGroup adds a user to a group; a user in it already stays as it
// is. A user is in ten groups at most, IAM's quota.
func (s *Service) AddUserToGroup(ctx context.Context, in *GroupUserInput) (*Empty, error) {
	return nil, s.membership(ctx, in.GroupName, in.UserName, func(tx storage.Tx, g *storage.Group, u storage.User) error {
		if _, in := member(*g, u.Name); in {
			return nil
		}
		gs, err := userGroups(ctx, tx, u.Name)
		if err != nil {
			return err
		}
		if len(gs) >= maxGroupsPerUser {
			return errLimit("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		g.Users = append(g.Users, u.Name)
		return nil
	})
}

// RemoveUserFromGroup removes a user from a group. A user not in it is
// answered as one in it, as AWS does (cloud-custodian/cloud-custodian#4730:
// "in both the cases, there's no error returned").
func (s *Service) RemoveUserFromGroup(ctx context.Context, in *GroupUserInput) (*Empty, error) {
	return nil, s.membership(ctx, in.GroupName, in.UserName, func(_ storage.Tx, g *storage.Group, u storage.User) error {
		if i, in := member(*g, u.Name); in {
			g.Users = slices.Delete(g.Users, i, i+1)
		}
		return nil
	})
}

// PutGroupPolicy adds or replaces an inline policy of a group, under the
// rules of PutRolePolicy; a group's inline policies together hold at most
// 5,120 characters, IAM's quota.
func (s *Service) PutGroupPolicy(ctx context.Context, in *PutGroupPolicyInput) (*Empty, error) {
	return nil, groupOwner.putPolicy(ctx, s, in.GroupName, in.PolicyName, in.PolicyDocument)
}

// GetGroupPolicy returns an inline policy of a group, URL-encoded.
func (s *Service) GetGroupPolicy(ctx context.Context, in *GroupPolicyInput) (*GetGroupPolicyOutput, error) {
	name, doc, err := groupOwner.getPolicy(ctx, s, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &GetGroupPolicyOutput{GroupName: name, PolicyName: in.PolicyName, PolicyDocument: doc}, nil
}

// ListGroupPolicies lists the names of a group's inline policies.
func (s *Service) ListGroupPolicies(ctx context.Context, in *ListGroupPoliciesInput) (*ListRolePoliciesOutput, error) {
	return groupOwner.listPolicies(ctx, s, "ListGroupPolicies", in.GroupName, in.Marker, in.MaxItems)
}

// DeleteGroupPolicy deletes an inline policy of a group.
func (s *Service) DeleteGroupPolicy(ctx context.Context, in *GroupPolicyInput) (*Empty, error) {
	return nil, groupOwner.deletePolicy(ctx, s, in.GroupName, in.PolicyName)
}

// AttachGroupPolicy attaches a managed policy to a group: at most ten a
// group.
func (s *Service) AttachGroupPolicy(ctx context.Context, in *GroupPolicyARNInput) (*Empty, error) {
	return nil, groupOwner.attach(ctx, s, in.GroupName, in.PolicyArn)
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(ctx context.Context, in *GroupPolicyARNInput) (*Empty, error) {
	return nil, groupOwner.detach(ctx, s, in.GroupName, in.PolicyArn)
}

// ListAttachedGroupPolicies lists the managed policies attached to a group.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, in *ListAttachedGroupPoliciesInput) (*ListAttachedRolePoliciesOutput, error) {
	return groupOwner.listAttached(ctx, s, "ListAttachedGroupPolicies", in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
}
