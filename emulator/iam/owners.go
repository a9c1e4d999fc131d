package iam

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/idpool/idpool/storage"
)

// owner is a kind of IAM entity that holds permission policies of its
// own, inline and attached: roles and users (E is storage.Role or
// storage.User). IAM's operations on those policies are the same for both
// kinds (PutRolePolicy and PutUserPolicy, AttachRolePolicy and
// AttachUserPolicy, …), with the kind's name in their texts and the
// kind's quotas: each runs once, here, through its kind's owner.
type owner[E any] struct {
	// kind is the kind as IAM's texts name it: "role", "user".
	kind string
	// quota names the quota of attached policies in IAM's text.
	quota string
	// maxInline is the quota of the entity's inline policies together,
	// as policySize counts them.
	maxInline int
	noSuch    func(name string) error
	get       func(ctx context.Context, r storage.Reader, name string) (E, error)
	put       func(ctx context.Context, tx storage.Tx, e E) error
	// own returns the entity's name as stored and its policies, to read
	// and to change in place.
	own func(e *E) (name string, inline *map[string]string, attached *[]string)
	// tags returns the entity's tags, to read and to change in place;
	// their keys are unique whatever their case (foldKeys) for both kinds.
	tags func(e *E) *[]storage.Tag
	// boundary returns the ARN of the entity's permissions boundary ("" for
	// none), to read and to change in place.
	boundary func(e *E) *string
	// arn returns the entity's ARN.
	arn func(e *E) string
}

var roleOwner = owner[storage.Role]{
	kind: "role", quota: "PoliciesPerRole", maxInline: maxRolePolicies, noSuch: noSuchRole,
	get: func(ctx context.Context, r storage.Reader, name string) (storage.Role, error) {
		return r.GetRole(ctx, name)
	},
	put:      func(ctx context.Context, tx storage.Tx, r storage.Role) error { return tx.UpdateRole(ctx, r) },
	own:      func(r *storage.Role) (string, *map[string]string, *[]string) { return r.Name, &r.Policies, &r.Attached },
	tags:     func(r *storage.Role) *[]storage.Tag { return &r.Tags },
	boundary: func(r *storage.Role) *string { return &r.Boundary },
	arn:      func(r *storage.Role) string { return r.ARN },
}

var userOwner = owner[storage.User]{
	kind: "user", quota: "PoliciesPerUser", maxInline: maxUserPolicies, noSuch: noSuchUser,
	get: func(ctx context.Context, r storage.Reader, name string) (storage.User, error) {
		return r.GetUser(ctx, name)
	},
	put:      func(ctx context.Context, tx storage.Tx, u storage.User) error { return tx.UpdateUser(ctx, u) },
	own:      func(u *storage.User) (string, *map[string]string, *[]string) { return u.Name, &u.Policies, &u.Attached },
	tags:     func(u *storage.User) *[]storage.Tag { return &u.Tags },
	boundary: func(u *storage.User) *string { return &u.Boundary },
	arn:      func(u *storage.User) string { return u.ARN },
}

// read returns the entity of that name, NoSuchEntity when IAM holds none.
func (o owner[E]) read(ctx context.Context, r storage.Reader, name string) (E, error) {
	e, err := o.get(ctx, r, name)
	return e, translate(err, o.noSuch(name), nil)
}

// modify runs fn on the stored entity in one transaction and stores what
// fn left in it.
func (o owner[E]) modify(ctx context.Context, s *Service, name string, fn func(tx storage.Tx, e *E) error) error {
	return s.update(ctx, func(tx storage.Tx) error {
		e, err := o.read(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(tx, &e); err != nil {
			return err
		}
		return o.put(ctx, tx, e)
	})
}

// inUse refuses to delete an entity that still has policies, as IAM does:
// inline ones first, then attached ones.
func (o owner[E]) inUse(e *E) error {
	_, inline, attached := o.own(e)
	if len(*inline) > 0 {
		return errConflict("Cannot delete entity, must delete policies first.")
	}
	if len(*attached) > 0 {
		return errConflict("Cannot delete entity, must detach all policies first.")
	}
	return nil
}

func (o owner[E]) noSuchPolicy(name string) error {
	return errNoSuch("The %s policy with name %s cannot be found.", o.kind, name)
}

// putPolicy adds or replaces an inline policy (PutRolePolicy,
// PutUserPolicy): a permission policy as identityPolicy checks it, within
// the kind's quota of inline policies together (only the documents count,
// not the policies' names).
func (o owner[E]) putPolicy(ctx context.Context, s *Service, name, policyName, doc string) error {
	if err := identityPolicy(doc, s.partition(ctx)); err != nil {
		return err
	}
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		stored, inline, _ := o.own(e)
		if *inline == nil {
			*inline = map[string]string{}
		}
		(*inline)[policyName] = doc
		n := 0
		for _, d := range *inline {
			n += policySize(d)
		}
		if n > o.maxInline {
			return errLimit("Maximum policy size of %d bytes exceeded for %s %s", o.maxInline, o.kind, stored)
		}
		return nil
	})
}

// getPolicy returns the entity's name as stored and one of its inline
// policies, URL-encoded as IAM returns it.
func (o owner[E]) getPolicy(ctx context.Context, s *Service, name, policyName string) (string, string, error) {
	e, err := o.read(ctx, s.store, name)
	if err != nil {
		return "", "", err
	}
	stored, inline, _ := o.own(&e)
	doc, ok := (*inline)[policyName]
	if !ok {
		return "", "", o.noSuchPolicy(policyName)
	}
	return stored, encodeDocument(doc), nil
}

// listPolicies answers the names of the entity's inline policies, paged
// by op's markers.
func (o owner[E]) listPolicies(ctx context.Context, s *Service, op, name string, marker *string, maxItems *int32) (*ListRolePoliciesOutput, error) {
	e, err := o.read(ctx, s.store, name)
	if err != nil {
		return nil, err
	}
	_, inline, _ := o.own(&e)
	names := slices.Collect(maps.Keys(*inline))
	got, more, next, err := page(op, names, func(n string) string { return n }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return &ListRolePoliciesOutput{PolicyNames: append([]string{}, got...), IsTruncated: more, Marker: next}, nil
}

// deletePolicy deletes one of the entity's inline policies.
func (o owner[E]) deletePolicy(ctx context.Context, s *Service, name, policyName string) error {
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		_, inline, _ := o.own(e)
		if _, ok := (*inline)[policyName]; !ok {
			return o.noSuchPolicy(policyName)
		}
		delete(*inline, policyName)
		return nil
	})
}

// attach attaches a managed policy: a customer managed one IAM holds, or
// an AWS managed one (see AWSManaged), within the kind's quota. One
// attached already stays as it is.
func (o owner[E]) attach(ctx context.Context, s *Service, name, arn string) error {
	if err := policyARNInput(arn); err != nil {
		return err
	}
	awsManaged := s.awsManaged(ctx, arn)
	return o.modify(ctx, s, name, func(tx storage.Tx, e *E) error {
		if _, err := tx.GetManagedPolicy(ctx, arn); err != nil && !(awsManaged && errors.Is(err, storage.ErrNotFound)) {
			return translate(err, notAttachable(arn), nil)
		}
		_, _, attached := o.own(e)
		if slices.Contains(*attached, arn) {
			return nil
		}
		if len(*attached) >= maxAttached {
			return errLimit("Cannot exceed quota for %s: %d", o.quota, maxAttached)
		}
		*attached = append(*attached, arn)
		return nil
	})
}

// detach detaches a managed policy; one not attached is NoSuchEntity.
func (o owner[E]) detach(ctx context.Context, s *Service, name, arn string) error {
	if err := policyARNInput(arn); err != nil {
		return err
	}
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		_, _, attached := o.own(e)
		i := slices.Index(*attached, arn)
		if i < 0 {
			return noSuchPolicy(arn)
		}
		*attached = slices.Delete(*attached, i, i+1)
		return nil
	})
}

// listAttached answers the managed policies attached to the entity whose
// path starts with prefix, by name, paged by op's markers.
func (o owner[E]) listAttached(ctx context.Context, s *Service, op, name string, prefix, marker *string, maxItems *int32) (*ListAttachedRolePoliciesOutput, error) {
	e, err := o.read(ctx, s.store, name)
	if err != nil {
		return nil, err
	}
	_, _, attached := o.own(&e)
	var all []AttachedPolicy
	for _, a := range *attached {
		p, err := s.store.GetManagedPolicy(ctx, a)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			// A policy IAM does not hold (an AWS managed policy, or one
			// fixtures attach): named and placed by its ARN.
			p = storage.ManagedPolicy{ARN: a, Name: a[strings.LastIndexByte(a, '/')+1:], Path: "/"}
			if PolicyARN(a) {
				p.Path, p.Name = policyPathName(a)
			}
		case err != nil:
			return nil, err
		}
		if prefix == nil || strings.HasPrefix(p.Path, *prefix) {
			all = append(all, AttachedPolicy{PolicyName: p.Name, PolicyArn: p.ARN})
		}
	}
	got, more, next, err := page(op, all, func(p AttachedPolicy) string { return nameKey(p.PolicyName, p.PolicyArn) }, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedRolePoliciesOutput{AttachedPolicies: append([]AttachedPolicy{}, got...), IsTruncated: more, Marker: next}, nil
}

// tag adds or replaces tags of the entity (TagRole, TagUser).
func (o owner[E]) tag(ctx context.Context, s *Service, name string, tags []Tag) error {
	add, err := foldKeys.check(tags)
	if err != nil {
		return err
	}
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		ts := o.tags(e)
		*ts, err = foldKeys.merge(*ts, add)
		return err
	})
}

// untag removes tags of the entity by key (UntagRole, UntagUser); unknown
// keys are ignored.
func (o owner[E]) untag(ctx context.Context, s *Service, name string, keys []string) error {
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		ts := o.tags(e)
		*ts = foldKeys.without(*ts, keys)
		return nil
	})
}

// listTags answers the entity's tags, paged by op's markers (ListRoleTags,
// ListUserTags).
func (o owner[E]) listTags(ctx context.Context, s *Service, op, name string, marker *string, maxItems *int32) (*ListTagsOutput, error) {
	e, err := o.read(ctx, s.store, name)
	if err != nil {
		return nil, err
	}
	return tagPage(op, *o.tags(&e), marker, maxItems)
}

// putBoundary sets or replaces the entity's permissions boundary
// (PutRolePermissionsBoundary, PutUserPermissionsBoundary), as checkBoundary
// checks it.
func (o owner[E]) putBoundary(ctx context.Context, s *Service, name, arn string) error {
	return o.modify(ctx, s, name, func(tx storage.Tx, e *E) error {
		if err := s.checkBoundary(ctx, tx, arn); err != nil {
			return err
		}
		*o.boundary(e) = arn
		return nil
	})
}

// deleteBoundary removes the entity's permissions boundary; IAM answers an
// entity without one as it answers one with it.
func (o owner[E]) deleteBoundary(ctx context.Context, s *Service, name string) error {
	return o.modify(ctx, s, name, func(_ storage.Tx, e *E) error {
		*o.boundary(e) = ""
		return nil
	})
}
