package iam

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"testing"

	"github.com/idpool/idpool/storage"
)

// errWholeTable is what a listing of a whole IAM table answers in
// TestNoWholeTableReads.
var errWholeTable = errors.New("a whole IAM table read")

// pagedStore is a store whose reads, in and out of transactions, refuse
// the whole tables of roles, users, groups and managed policies: what an
// operation whose cost must not grow with their number may not read.
type pagedStore struct{ storage.Store }

type pagedTx struct{ storage.Tx }

func (pagedStore) ListRoles(context.Context) ([]storage.Role, error)   { return nil, errWholeTable }
func (pagedStore) ListUsers(context.Context) ([]storage.User, error)   { return nil, errWholeTable }
func (pagedStore) ListGroups(context.Context) ([]storage.Group, error) { return nil, errWholeTable }
func (pagedStore) ListManagedPolicies(context.Context) ([]storage.ManagedPolicy, error) {
	return nil, errWholeTable
}
func (pagedTx) ListRoles(context.Context) ([]storage.Role, error)   { return nil, errWholeTable }
func (pagedTx) ListUsers(context.Context) ([]storage.User, error)   { return nil, errWholeTable }
func (pagedTx) ListGroups(context.Context) ([]storage.Group, error) { return nil, errWholeTable }
func (pagedTx) ListManagedPolicies(context.Context) ([]storage.ManagedPolicy, error) {
	return nil, errWholeTable
}

func (s pagedStore) Update(ctx context.Context, fn func(storage.Tx) error) error {
	return s.Store.Update(ctx, func(tx storage.Tx) error { return fn(pagedTx{tx}) })
}

// TestNoWholeTableReads: the operations on managed policies and the
// listings by name read no whole table of roles, users, groups or
// policies (so their cost stays flat as IAM holds thousands of each, as
// its quotas allow), and answer as they did when they read them.
func TestNoWholeTableReads(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	doc := heldDocument("s3:GetObject", "*")
	var arns []string
	for _, name := range []string{"b", "A"} {
		p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: name, PolicyDocument: doc})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, p.Policy.Arn)
		if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "r" + name, AssumeRolePolicyDocument: trust}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "u" + name}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: "g" + name}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "rA", PolicyArn: arns[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AttachGroupPolicy(ctx, &GroupPolicyARNInput{GroupName: "gb", PolicyArn: arns[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutUserPermissionsBoundary(ctx, &PutUserPermissionsBoundaryInput{UserName: "ub", PermissionsBoundary: arns[0]}); err != nil {
		t.Fatal(err)
	}
	s.store = pagedStore{s.store}
	one := ptr(int32(1))
	tests := []struct {
		name string
		call func() (any, error)
		want func(any) string // "" when the answer is the one wanted; nil for a refusal
		code string           // the refusal's code (409)
	}{
		{"GetPolicy", func() (any, error) { return s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: arns[0]}) }, func(v any) string {
			p := v.(*GetPolicyOutput).Policy
			return check(p.AttachmentCount == 2 && p.PermissionsBoundaryUsageCount == 1, "AttachmentCount 2, PermissionsBoundaryUsageCount 1", p)
		}, ""},
		{"ListPolicies", func() (any, error) { return s.ListPolicies(ctx, &ListPoliciesInput{MaxItems: one}) }, func(v any) string {
			o := v.(*ListPoliciesOutput)
			return check(len(o.Policies) == 1 && o.Policies[0].PolicyName == "A" && o.IsTruncated, "A of A, b", o)
		}, ""},
		{"ListPolicies attached", func() (any, error) { return s.ListPolicies(ctx, &ListPoliciesInput{OnlyAttached: ptr(true)}) }, func(v any) string {
			o := v.(*ListPoliciesOutput)
			return check(len(o.Policies) == 1 && o.Policies[0].PolicyName == "b" && o.Policies[0].AttachmentCount == 2, "b attached twice", o)
		}, ""},
		{"ListEntitiesForPolicy", func() (any, error) {
			return s.ListEntitiesForPolicy(ctx, &ListEntitiesForPolicyInput{PolicyArn: arns[0]})
		}, func(v any) string {
			o := v.(*ListEntitiesForPolicyOutput)
			return check(len(o.PolicyGroups) == 1 && len(o.PolicyRoles) == 1 && len(o.PolicyUsers) == 1, "gb, rA and ub", o)
		}, ""},
		{"CreatePolicy of a name taken", func() (any, error) {
			return s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "B", PolicyDocument: doc})
		}, nil, "EntityAlreadyExists"},
		{"DeletePolicy attached", func() (any, error) { return s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: arns[0]}) }, nil, "DeleteConflict"},
		{"DeletePolicy", func() (any, error) { return s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: arns[1]}) }, func(any) string { return "" }, ""},
		{"ListRoles", func() (any, error) { return s.ListRoles(ctx, &ListRolesInput{MaxItems: one}) }, func(v any) string {
			o := v.(*ListRolesOutput)
			return check(len(o.Roles) == 1 && o.Roles[0].RoleName == "rA", "rA", o)
		}, ""},
		{"ListUsers", func() (any, error) { return s.ListUsers(ctx, &ListUsersInput{}) }, func(v any) string {
			o := v.(*ListUsersOutput)
			return check(len(o.Users) == 2 && o.Users[0].UserName == "uA", "uA, ub", o)
		}, ""},
		{"ListGroups", func() (any, error) { return s.ListGroups(ctx, &ListGroupsInput{PathPrefix: ptr("/")}) }, func(v any) string {
			o := v.(*ListGroupsOutput)
			return check(len(o.Groups) == 2 && o.Groups[0].GroupName == "gA", "gA, gb", o)
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.call()
			if errors.Is(err, errWholeTable) {
				t.Fatalf("got %v, want no whole table read", err)
			}
			if tc.want == nil { // a refusal of IAM's
				wantCode(t, err, tc.code, http.StatusConflict)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if msg := tc.want(got); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// check is "" when ok, else a message of what was got and wanted.
func check(ok bool, want string, got any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("got %+v, want %s", got, want)
}

// TestStoredPagesAsInMemory: ListRoles, ListUsers, ListGroups and
// ListPolicies, which the store pages, answer every page (its items, its
// marker) as page answered it of every entity read whole, whatever the
// case and characters of the names, the path prefix and the page size.
func TestStoredPagesAsInMemory(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "aAbBzZ09+=,.@_-"
	paths := []string{"/", "/a/", "/a/b/", "/B/"}
	for i := range 60 {
		name := fmt.Sprint(i)
		for range 1 + r.IntN(6) {
			name = string(chars[r.IntN(len(chars))]) + name
		}
		path := paths[r.IntN(len(paths))]
		if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: name, Path: &path, AssumeRolePolicyDocument: trust}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: name, Path: &path}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateGroup(ctx, &CreateGroupInput{GroupName: name, Path: &path}); err != nil {
			t.Fatal(err)
		}
		p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: name, Path: &path, PolicyDocument: heldDocument("s3:GetObject", "*")})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: name, PolicyArn: p.Policy.Arn}); err != nil {
				t.Fatal(err)
			}
		}
	}
	roles, err := s.store.ListRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := s.store.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	policies, err := s.store.ListManagedPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]struct {
		stored, whole func(prefix, marker *string, n *int32) (pageAnswer, error)
	}{
		"ListRoles": {
			func(prefix, marker *string, n *int32) (pageAnswer, error) {
				o, err := s.ListRoles(ctx, &ListRolesInput{PathPrefix: prefix, Marker: marker, MaxItems: n})
				return answered(o, err, func(o *ListRolesOutput) ([]string, bool, *string) {
					return names(o.Roles, func(r Role) string { return r.RoleName }), o.IsTruncated, o.Marker
				})
			},
			wholePage("ListRoles", roles, func(r storage.Role) (string, string, string) { return r.Path, r.Name, r.Name }),
		},
		"ListUsers": {
			func(prefix, marker *string, n *int32) (pageAnswer, error) {
				o, err := s.ListUsers(ctx, &ListUsersInput{PathPrefix: prefix, Marker: marker, MaxItems: n})
				return answered(o, err, func(o *ListUsersOutput) ([]string, bool, *string) {
					return names(o.Users, func(u User) string { return u.UserName }), o.IsTruncated, o.Marker
				})
			},
			wholePage("ListUsers", users, func(u storage.User) (string, string, string) { return u.Path, u.Name, u.Name }),
		},
		"ListGroups": {
			func(prefix, marker *string, n *int32) (pageAnswer, error) {
				o, err := s.ListGroups(ctx, &ListGroupsInput{PathPrefix: prefix, Marker: marker, MaxItems: n})
				return answered(o, err, func(o *ListGroupsOutput) ([]string, bool, *string) {
					return names(o.Groups, func(g Group) string { return g.GroupName }), o.IsTruncated, o.Marker
				})
			},
			wholePage("ListGroups", groups, func(g storage.Group) (string, string, string) { return g.Path, g.Name, g.Name }),
		},
		"ListPolicies": {
			func(prefix, marker *string, n *int32) (pageAnswer, error) {
				o, err := s.ListPolicies(ctx, &ListPoliciesInput{PathPrefix: prefix, Marker: marker, MaxItems: n})
				return answered(o, err, func(o *ListPoliciesOutput) ([]string, bool, *string) {
					return names(o.Policies, func(p Policy) string { return p.PolicyName }), o.IsTruncated, o.Marker
				})
			},
			wholePage("ListPolicies", policies, func(p storage.ManagedPolicy) (string, string, string) {
				return p.Path, nameKey(p.Name, p.ARN), p.Name
			}),
		},
	}
	for op, f := range ops {
		for _, prefix := range []*string{nil, ptr("/"), ptr("/a/"), ptr("/B/"), ptr("/none/")} {
			for _, n := range []*int32{nil, ptr(int32(1)), ptr(int32(7)), ptr(int32(1000))} {
				var marker *string
				for page := 0; ; page++ {
					got, err := f.stored(prefix, marker, n)
					if err != nil {
						t.Fatalf("%s page %d: %v", op, page, err)
					}
					want, err := f.whole(prefix, marker, n)
					if err != nil {
						t.Fatalf("%s page %d in memory: %v", op, page, err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s prefix %v max %v page %d: got %v, want %v", op, prefix, n, page, got, want)
					}
					if !got.more {
						break
					}
					marker = got.marker
				}
			}
		}
	}
}

// pageAnswer is a page's names, whether more follow, and its marker.
type pageAnswer struct {
	names  []string
	more   bool
	marker *string
}

// answered is the pageAnswer of an operation's output o, or its error.
func answered[O any](o *O, err error, page func(*O) ([]string, bool, *string)) (pageAnswer, error) {
	if err != nil {
		return pageAnswer{}, err
	}
	names, more, marker := page(o)
	return pageAnswer{names, more, marker}, nil
}

// wholePage answers a page of op as page answered it of items read whole:
// of the items whose path starts with the prefix, by sort key; item
// gives an item's path, sort key and name.
func wholePage[T any](op string, items []T, item func(T) (path, key, name string)) func(prefix, marker *string, n *int32) (pageAnswer, error) {
	return func(prefix, marker *string, n *int32) (pageAnswer, error) {
		pathKey := func(v T) (string, string) { p, k, _ := item(v); return p, k }
		got, more, next, err := pageByPath(op, items, pathKey, prefix, marker, n)
		return pageAnswer{names(got, func(v T) string { _, _, n := item(v); return n }), more, next}, err
	}
}
