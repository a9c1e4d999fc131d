package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMListsLeaveOut: IAM's list operations leave out the members the
// model documents as answered by the Get operation only, so code that
// reads them from a list finds them absent here as on AWS. ListPolicies
// has no Description (the model's Policy.Description: "It is not included
// in the response to the ListPolicies operation"; aws/aws-sdk-ruby#894) nor
// Tags; ListRoles no RoleLastUsed, PermissionsBoundary or Tags (the model's
// ListRoles documentation); ListUsers no PermissionsBoundary or Tags (the
// model's ListUsers documentation). GetPolicy, GetRole and GetUser keep
// them.
func TestIAMListsLeaveOut(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	path := "/" + uniqueName("listed") + "/"
	tags := []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}
	p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Listed")), Path: aws.String(path),
		Description: aws.String("described"), Tags: tags,
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	boundary := p.Policy.Arn
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Listed")), Path: aws.String(path),
		AssumeRolePolicyDocument: aws.String(ec2Trust(t)), PermissionsBoundary: boundary, Tags: tags})
	ok(t, err, "CreateRole")
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("Listed")), Path: aws.String(path),
		PermissionsBoundary: boundary, Tags: tags})
	ok(t, err, "CreateUser")

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: boundary})
	ok(t, err, "GetPolicy")
	if d := aws.ToString(got.Policy.Description); d != "described" {
		t.Errorf("GetPolicy: got Description %q, want %q", d, "described")
	}

	tests := []struct {
		name string
		left func(t *testing.T) []string // the members the list answered that it should leave out
	}{
		{"ListPolicies", func(t *testing.T) []string {
			out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{PathPrefix: aws.String(path)})
			ok(t, err, "ListPolicies")
			if len(out.Policies) != 1 {
				t.Fatalf("ListPolicies: got %d policies, want 1", len(out.Policies))
			}
			return present(map[string]bool{"Description": out.Policies[0].Description != nil, "Tags": len(out.Policies[0].Tags) > 0})
		}},
		{"ListRoles", func(t *testing.T) []string {
			out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(path)})
			ok(t, err, "ListRoles")
			if len(out.Roles) != 1 {
				t.Fatalf("ListRoles: got %d roles, want 1", len(out.Roles))
			}
			r := out.Roles[0]
			return present(map[string]bool{"RoleLastUsed": r.RoleLastUsed != nil, "PermissionsBoundary": r.PermissionsBoundary != nil, "Tags": len(r.Tags) > 0})
		}},
		{"ListUsers", func(t *testing.T) []string {
			out, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String(path)})
			ok(t, err, "ListUsers")
			if len(out.Users) != 1 {
				t.Fatalf("ListUsers: got %d users, want 1", len(out.Users))
			}
			u := out.Users[0]
			return present(map[string]bool{"PermissionsBoundary": u.PermissionsBoundary != nil, "Tags": len(u.Tags) > 0})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.left(t); len(got) > 0 {
				t.Errorf("%s: got members %v, want none of them", tt.name, got)
			}
		})
	}
}

// present lists the names members maps to true, in no set order.
func present(members map[string]bool) []string {
	var out []string
	for name, there := range members {
		if there {
			out = append(out, name)
		}
	}
	return out
}
