package emulator

import (
	"reflect"
	"testing"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// TestPassedRoles: the roles a Cognito Identity request passes are read as
// its operation reads them: SetIdentityPoolRoles' Roles values and
// RoleMappings rules' RoleARN, by their exact names, the last copy of a
// repeated member, once each; other operations declare no such member and
// pass none, and a value that is no role ARN (which the operation
// refuses) is not asked about.
func TestPassedRoles(t *testing.T) {
	const (
		a = "arn:aws:iam::123456789012:role/A"
		b = "arn:aws:iam::123456789012:role/app/B"
		c = "arn:aws:iam::123456789012:role/C"
	)
	rules := func(arns ...string) string {
		body := `{"graph.facebook.com":{"Type":"Rules","AmbiguousRoleResolution":"Deny","RulesConfiguration":{"Rules":[`
		for i, arn := range arns {
			if i > 0 {
				body += ","
			}
			body += `{"Claim":"sub","MatchType":"Equals","Value":"x","RoleARN":"` + arn + `"}`
		}
		return body + `]}}}`
	}
	tests := []struct {
		name, op, body string
		want           []string
	}{
		{"both roles", "SetIdentityPoolRoles", `{"Roles":{"authenticated":"` + b + `","unauthenticated":"` + a + `"}}`, []string{a, b}},
		{"the same role twice", "SetIdentityPoolRoles", `{"Roles":{"authenticated":"` + a + `","unauthenticated":"` + a + `"}}`, []string{a}},
		{"a rule's role", "SetIdentityPoolRoles", `{"Roles":{"authenticated":"` + a + `"},"RoleMappings":` + rules(c, b) + `}`, []string{a, c, b}},
		{"the last copy of Roles", "SetIdentityPoolRoles", `{"Roles":{"authenticated":"` + a + `"},"Roles":{"authenticated":"` + b + `"}}`, []string{b}},
		{"the last copy of a rule's RoleARN", "SetIdentityPoolRoles",
			`{"RoleMappings":{"p":{"RulesConfiguration":{"Rules":[{"RoleARN":"` + a + `","RoleARN":"` + c + `"}]}}}}`, []string{c}},
		{"Roles in another case", "SetIdentityPoolRoles", `{"roles":{"authenticated":"` + a + `"},"Roles":{"authenticated":"` + b + `"}}`, []string{b}},
		{"RoleARN in another case", "SetIdentityPoolRoles", `{"RoleMappings":{"p":{"RulesConfiguration":{"Rules":[{"roleArn":"` + a + `"}]}}}}`, nil},
		{"a role name", "SetIdentityPoolRoles", `{"Roles":{"authenticated":"A","unauthenticated":"` + c + `"}}`, []string{c}},
		{"a value of another type", "SetIdentityPoolRoles", `{"Roles":{"authenticated":["` + a + `"]},"RoleMappings":[]}`, nil},
		{"undeclared Roles", "UpdateIdentityPool", `{"Roles":{"authenticated":"` + a + `"},"RoleMappings":` + rules(b) + `}`, nil},
		{"undeclared in CreateIdentityPool", "CreateIdentityPool", `{"Roles":{"authenticated":"` + a + `"}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := protocol.ParseJSONObject([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := passedRoles(tt.op, in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPassedRole: a passed role is decided on by the ARN IAM holds when
// IAM holds it under another case of its name, in the partition the
// request names it in; a role of another path or account, or one IAM
// does not hold, by the ARN the request gives.
func TestPassedRole(t *testing.T) {
	srv := iamServer(t, storage.Role{Name: "Admin", Path: "/ops/", ARN: "arn:aws:iam::123456789012:role/ops/Admin"},
		storage.User{Name: "Dev", Path: "/", ARN: "arn:aws:iam::123456789012:user/Dev"})
	tests := []struct{ role, want string }{
		{"arn:aws:iam::123456789012:role/ops/ADMIN", "arn:aws:iam::123456789012:role/ops/Admin"},
		{"arn:aws-cn:iam::123456789012:role/ops/admin", "arn:aws-cn:iam::123456789012:role/ops/Admin"},
		{"arn:aws:iam::123456789012:role/ADMIN", "arn:aws:iam::123456789012:role/ADMIN"},
		{"arn:aws:iam::999999999999:role/ops/ADMIN", "arn:aws:iam::999999999999:role/ops/ADMIN"},
		{"arn:aws:iam::123456789012:role/Missing", "arn:aws:iam::123456789012:role/Missing"},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			got, err := srv.passedRole(t.Context(), tt.role)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
