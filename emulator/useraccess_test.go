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
	store, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = store.Update(t.Context(), func(tx storage.Tx) error {
		if err := tx.CreateRole(t.Context(), storage.Role{Name: "Reader", Path: "/app/", ARN: "arn:aws:iam::123456789012:role/app/Reader"}); err != nil {
			return err
		}
		return tx.CreateUser(t.Context(), storage.User{Name: "Dev", Path: "/team/", ARN: "arn:aws:iam::123456789012:user/team/Dev"})
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), Config{Store: store, AccountID: "123456789012"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
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

// TestIAMKeys: iam:PolicyARN for the attachments, iam:PermissionsBoundary
// for the boundaries set.
func TestIAMKeys(t *testing.T) {
	const p = "arn:aws:iam::123456789012:policy/P"
	tests := []struct {
		op   string
		form url.Values
		want map[string][]string
	}{
		{"AttachUserPolicy", url.Values{"PolicyArn": {p}}, map[string][]string{"iam:PolicyARN": {p}}},
		{"DetachRolePolicy", url.Values{"PolicyArn": {p}}, map[string][]string{"iam:PolicyARN": {p}}},
		{"CreateRole", url.Values{"PermissionsBoundary": {p}}, map[string][]string{"iam:PermissionsBoundary": {p}}},
		{"PutUserPermissionsBoundary", url.Values{"PermissionsBoundary": {p}}, map[string][]string{"iam:PermissionsBoundary": {p}}},
		{"CreateRole", url.Values{}, map[string][]string{}},
		{"GetPolicy", url.Values{"PolicyArn": {p}}, map[string][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			got := map[string][]string{}
			iamKeys(tt.op, tt.form, got)
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
