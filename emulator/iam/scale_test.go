package iam

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
