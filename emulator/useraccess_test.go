package emulator

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestIAMTarget: the resource an IAM request is authorized on is the role
// or user it names, with the path IAM holds (any case of the name), else
// the policy, provider or principal it names or creates, else for the
// operations on the caller's own user the caller, else "*". Its refusal
// names a role, user or policy operated on as AWS does: "role <name>",
// "user <name>", "policy <ARN>" (CreatePolicy "policy <name>"), and a role
// or user created by its ARN.
func TestIAMTarget(t *testing.T) {
	srv := iamServer(t, storage.Role{Name: "Reader", Path: "/app/", ARN: "arn:aws:iam::123456789012:role/app/Reader"},
		storage.User{Name: "Dev", Path: "/team/", ARN: "arn:aws:iam::123456789012:user/team/Dev"})
	caller := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/me"}
	const prefix = "arn:aws:iam::123456789012:"
	tests := []struct {
		op, form, want string
		shown          string // "": want
	}{
		{"GetRole", "RoleName=reader", prefix + "role/app/Reader", "role reader"},
		{"GetRole", "RoleName=Missing", prefix + "role/Missing", "role Missing"},
		{"CreateRole", "RoleName=New&Path=/svc/", prefix + "role/svc/New", ""},
		{"AttachRolePolicy", "RoleName=Reader&PolicyArn=arn:aws:iam::aws:policy/ReadOnlyAccess", prefix + "role/app/Reader", "role Reader"},
		{"PutUserPolicy", "UserName=dev&PolicyName=p", prefix + "user/team/Dev", "user dev"},
		{"CreateUser", "UserName=New", prefix + "user/New", ""},
		{"GetPolicy", "PolicyArn=" + prefix + "policy/P", prefix + "policy/P", "policy " + prefix + "policy/P"},
		{"CreatePolicy", "PolicyName=P&Path=/x/", prefix + "policy/x/P", "policy P"},
		{"GetOpenIDConnectProvider", "OpenIDConnectProviderArn=" + prefix + "oidc-provider/idp.example", prefix + "oidc-provider/idp.example", ""},
		{"CreateOpenIDConnectProvider", "Url=https://idp.example/tenant", prefix + "oidc-provider/idp.example/tenant", ""},
		{"SimulatePrincipalPolicy", "PolicySourceArn=" + prefix + "role/app/Reader", prefix + "role/app/Reader", ""},
		{"ListAccessKeys", "", caller.ARN, "user me"},
		{"ListRoles", "PathPrefix=/app/", prefix + "role/app/", ""},
		{"ListRoles", "", prefix + "role/", ""},
		{"ListUsers", "", prefix + "user/", ""},
		{"ListPolicies", "PathPrefix=/app/", "*", "policy path /app/"},
		{"ListOpenIDConnectProviders", "", "*", ""},
		{"SimulateCustomPolicy", "", "*", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.form, func(t *testing.T) {
			form, err := url.ParseQuery(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			if tt.shown == "" {
				tt.shown = tt.want
			}
			if got, shown := srv.iamTarget(t.Context(), tt.op, form, caller); got != tt.want || shown != tt.shown {
				t.Errorf("got %s (shown %s), want %s (shown %s)", got, shown, tt.want, tt.shown)
			}
		})
	}
}

// iamServer returns a server of account 123456789012 whose store holds
// role and user, closed when t ends.
func iamServer(t *testing.T, role storage.Role, user storage.User) *Server {
	t.Helper()
	store, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	err = store.Update(t.Context(), func(tx storage.Tx) error {
		if err := tx.CreateRole(t.Context(), role); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), user)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), Config{Store: store, AccountID: "123456789012"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestIAMKeys: iam:PolicyARN for the attachments; iam:PermissionsBoundary
// the boundary set by the operations that set one, and the boundary the
// role or user acted on has for those that list it; aws:ResourceTag/<key>
// (and iam:ResourceTag/<key> for a role or user) the tags of the entity
// acted on, none for one created; aws:RequestTag/<key> and aws:TagKeys the
// tags a request gives, aws:TagKeys the keys an Untag… one removes.
func TestIAMKeys(t *testing.T) {
	const (
		p    = "arn:aws:iam::123456789012:policy/P"
		b    = "arn:aws:iam::123456789012:policy/B"
		role = "arn:aws:iam::123456789012:role/app/Reader"
		user = "arn:aws:iam::123456789012:user/Dev"
	)
	srv := iamServer(t, storage.Role{Name: "Reader", Path: "/app/", ARN: role, Boundary: b, Tags: []storage.Tag{{Key: "env", Value: "prod"}}},
		storage.User{Name: "Dev", Path: "/", ARN: user})
	tagged := map[string][]string{"aws:ResourceTag/env": {"prod"}, "iam:ResourceTag/env": {"prod"}}
	with := func(m map[string][]string, k string, v ...string) map[string][]string {
		out := map[string][]string{k: v}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name, op, target string
		form             url.Values
		want             map[string][]string
	}{
		{"AttachUserPolicy", "AttachUserPolicy", user, url.Values{"PolicyArn": {p}}, map[string][]string{"iam:PolicyARN": {p}}},
		{"DetachRolePolicy", "DetachRolePolicy", role, url.Values{"PolicyArn": {p}},
			with(with(tagged, "iam:PolicyARN", p), "iam:PermissionsBoundary", b)},
		{"CreateRole with a boundary", "CreateRole", role, url.Values{"PermissionsBoundary": {p}}, map[string][]string{"iam:PermissionsBoundary": {p}}},
		{"PutRolePermissionsBoundary", "PutRolePermissionsBoundary", role, url.Values{"PermissionsBoundary": {p}},
			with(tagged, "iam:PermissionsBoundary", p)},
		{"DeleteRolePermissionsBoundary", "DeleteRolePermissionsBoundary", role, url.Values{}, with(tagged, "iam:PermissionsBoundary", b)},
		{"PutRolePolicy", "PutRolePolicy", role, url.Values{}, with(tagged, "iam:PermissionsBoundary", b)},
		{"PutUserPolicy of a user without boundary", "PutUserPolicy", user, url.Values{}, map[string][]string{}},
		{"ListRolePolicies", "ListRolePolicies", role, url.Values{}, tagged},
		{"CreateRole without a boundary", "CreateRole", role, url.Values{}, map[string][]string{}},
		{"GetPolicy", "GetPolicy", p, url.Values{"PolicyArn": {p}}, map[string][]string{}},
		{"CreateUser with tags", "CreateUser", user, url.Values{"Tags.member.1.Key": {"team"}, "Tags.member.1.Value": {"dev"},
			"Tags.member.2.Key": {"cost"}, "Tags.member.2.Value": {"1"}},
			map[string][]string{"aws:TagKeys": {"team", "cost"}, "aws:RequestTag/team": {"dev"}, "aws:RequestTag/cost": {"1"}}},
		{"UntagRole", "UntagRole", role, url.Values{"TagKeys.member.1": {"env"}}, with(tagged, "aws:TagKeys", "env")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][]string{}
			if err := srv.iamKeys(t.Context(), tt.op, tt.form, tt.target, got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIsUser: an IAM user's ARN, with or without a path, is a user's;
// the root, a role session and a role are not.
func TestIsUser(t *testing.T) {
	tests := []struct {
		arn  string
		want bool
	}{
		{"arn:aws:iam::123456789012:user/dev", true},
		{"arn:aws-cn:iam::123456789012:user/team/dev", true},
		{"arn:aws:iam::123456789012:root", false},
		{"arn:aws:sts::123456789012:assumed-role/user/s", false},
		{"arn:aws:iam::123456789012:role/user/dev", false},
	}
	for _, tt := range tests {
		if got := isUser(&protocol.Principal{ARN: tt.arn}); got != tt.want {
			t.Errorf("isUser(%s): got %v, want %v", tt.arn, got, tt.want)
		}
	}
	if isUser(nil) {
		t.Error("isUser(nil): got true, want false")
	}
}
