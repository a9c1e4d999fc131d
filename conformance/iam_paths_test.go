package conformance

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The answers below are AWS's, as LocalStack recorded them
// (localstack/localstack tests/aws/services/iam/test_iam_mfa.snapshot.json).

// msgBadPath is IAM's text for a path outside its pattern
// (create-invalid-path-no-leading-slash-error,
// create-invalid-path-no-trailing-slash-error).
const msgBadPath = "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters."

// TestIAMPathEmptySegment: a path with an empty segment is one IAM takes
// (test_virtual_mfa_device_lifecycle[/test//double/]: the device's serial
// number keeps it, and the device lists and deletes as any other), for
// every entity whose path is the model's pathType: MFA devices, users,
// roles and groups, created or moved there, and listed by that prefix.
// CreatePolicy's stricter policyPathType still refuses it.
func TestIAMPathEmptySegment(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	const p = "/test//double/"
	prefix := "arn:aws:iam::" + s.accountID + ":"

	device := uniqueName("mfa")
	made, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(device), Path: aws.String(p)})
	ok(t, err, "CreateVirtualMFADevice")
	serial := aws.ToString(made.VirtualMFADevice.SerialNumber)
	if want := prefix + "mfa" + p + device; serial != want {
		t.Errorf("SerialNumber: got %s, want %s", serial, want)
	}
	listed, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	ok(t, err, "ListVirtualMFADevices")
	if !slices.ContainsFunc(listed.VirtualMFADevices, func(d iamtypes.VirtualMFADevice) bool { return aws.ToString(d.SerialNumber) == serial }) {
		t.Errorf("ListVirtualMFADevices: got %d devices without %s, want it listed", len(listed.VirtualMFADevices), serial)
	}
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	ok(t, err, "DeleteVirtualMFADevice")

	user := uniqueName("u")
	u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user), Path: aws.String(p)})
	ok(t, err, "CreateUser")
	if got, want := aws.ToString(u.User.Arn), prefix+"user"+p+user; got != want || aws.ToString(u.User.Path) != p {
		t.Errorf("CreateUser: got %s at %s, want %s at %s", got, aws.ToString(u.User.Path), want, p)
	}
	role := uniqueName("r")
	r, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), Path: aws.String(p), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
	ok(t, err, "CreateRole")
	if got, want := aws.ToString(r.Role.Arn), prefix+"role"+p+role; got != want {
		t.Errorf("CreateRole: got %s, want %s", got, want)
	}
	group := uniqueName("g")
	g, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group), Path: aws.String(p)})
	ok(t, err, "CreateGroup")
	if got, want := aws.ToString(g.Group.Arn), prefix+"group"+p+group; got != want {
		t.Errorf("CreateGroup: got %s, want %s", got, want)
	}

	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(p)})
	ok(t, err, "ListRoles")
	if len(roles.Roles) != 1 || aws.ToString(roles.Roles[0].RoleName) != role {
		t.Errorf("ListRoles under %s: got %d roles, want %s alone", p, len(roles.Roles), role)
	}
	users, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String(p)})
	ok(t, err, "ListUsers")
	if len(users.Users) != 1 || aws.ToString(users.Users[0].UserName) != user {
		t.Errorf("ListUsers under %s: got %d users, want %s alone", p, len(users.Users), user)
	}
	groups, err := c.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String(p)})
	ok(t, err, "ListGroups")
	if len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != group {
		t.Errorf("ListGroups under %s: got %d groups, want %s alone", p, len(groups.Groups), group)
	}

	const moved = "/a//b/"
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(user), NewPath: aws.String(moved)})
	ok(t, err, "UpdateUser NewPath")
	got, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)})
	ok(t, err, "GetUser")
	if aws.ToString(got.User.Path) != moved {
		t.Errorf("GetUser after UpdateUser: got path %s, want %s", aws.ToString(got.User.Path), moved)
	}
	_, err = c.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String(group), NewPath: aws.String(moved)})
	ok(t, err, "UpdateGroup NewPath")
	gg, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	ok(t, err, "GetGroup")
	if aws.ToString(gg.Group.Path) != moved {
		t.Errorf("GetGroup after UpdateGroup: got path %s, want %s", aws.ToString(gg.Group.Path), moved)
	}

	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("p")), Path: aws.String(p),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))})
	wantIAMRefusal(t, "CreatePolicy under "+p, err, "ValidationError", http.StatusBadRequest,
		`1 validation error detected: Value at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
}

// TestIAMPathRefusals: a path outside IAM's pattern is ValidationError in
// IAM's words, and one too long the model's length constraint alone, for
// CreateVirtualMFADevice as recorded (test_virtual_mfa_device_errors) and
// for the other operations that take the same pathType.
func TestIAMPathRefusals(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	const tooLong = "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"
	user := uniqueName("u")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	calls := map[string]func(path string) error{
		"CreateVirtualMFADevice": func(path string) error {
			_, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(uniqueName("mfa")), Path: aws.String(path)})
			return err
		},
		"CreateUser": func(path string) error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("u")), Path: aws.String(path)})
			return err
		},
		"CreateRole": func(path string) error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("r")), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
			return err
		},
		"CreateGroup": func(path string) error {
			_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(uniqueName("g")), Path: aws.String(path)})
			return err
		},
	}
	tests := []struct {
		name, path, msg string
	}{
		{"no leading slash", "invalid-path/", msgBadPath},
		{"no trailing slash", "/invalid-path", msgBadPath},
		{"too long", "/" + strings.Repeat("a", 512) + "/", tooLong},
	}
	for op, call := range calls {
		for _, tt := range tests {
			t.Run(op+" "+tt.name, func(t *testing.T) {
				wantIAMRefusal(t, op, call(tt.path), "ValidationError", http.StatusBadRequest, tt.msg)
			})
		}
	}
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(user), NewPath: aws.String("invalid-path/")})
	wantIAMRefusal(t, "UpdateUser", err, "ValidationError", http.StatusBadRequest,
		"The specified value for newPath is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
}

// TestIAMPathEmptySegmentExport: a role, a user and a group under a path
// with an empty segment are written by idpool export and load back from
// that file alone, and a pool takes the role, as every role IAM holds.
func TestIAMPathEmptySegmentExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	const p = "/test//double/"
	r, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("R"), Path: aws.String(p), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
	ok(t, err, "CreateRole")
	roleARN := aws.ToString(r.Role.Arn)
	u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("U"), Path: aws.String(p)})
	ok(t, err, "CreateUser")
	g, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("G"), Path: aws.String(p)})
	ok(t, err, "CreateGroup")
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool),
		Roles: map[string]string{"unauthenticated": roleARN}})
	ok(t, err, "SetIdentityPoolRoles of a role under "+p)

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	c = back.iamWith(developerKeys())
	gr, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("R")})
	ok(t, err, "GetRole")
	gu, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("U")})
	ok(t, err, "GetUser")
	gg, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("G")})
	ok(t, err, "GetGroup")
	for _, tt := range []struct{ what, got, want string }{
		{"role", aws.ToString(gr.Role.Arn), roleARN},
		{"user", aws.ToString(gu.User.Arn), aws.ToString(u.User.Arn)},
		{"group", aws.ToString(gg.Group.Arn), aws.ToString(g.Group.Arn)},
	} {
		if tt.got != tt.want {
			t.Errorf("%s after export and restart: got %s, want %s", tt.what, tt.got, tt.want)
		}
	}
	roles, err := back.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetIdentityPoolRoles")
	if got := roles.Roles["unauthenticated"]; got != roleARN {
		t.Errorf("GetIdentityPoolRoles after export and restart: got %q, want %s", got, roleARN)
	}
}
