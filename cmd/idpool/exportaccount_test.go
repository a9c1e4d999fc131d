package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator"
)

// storeOf returns a database a server made from the fixture fx.
func storeOf(t *testing.T, fx map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	path, db := filepath.Join(dir, "fx.json"), filepath.Join(dir, "idpool.db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.New(t.Context(), emulator.Config{DB: db, Fixtures: path}, nil)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// fixtureRole is a fixture role of arn that the account trusts.
func fixtureRole(arn string) map[string]any {
	return map[string]any{"Arn": arn, "AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"}}}}}
}

// TestExportAccount: idpool export writes the AccountId of the server
// that wrote the database whenever it knows it, so that a server loading
// the export plays that account and takes the exported roles, whose ARNs
// name it, for its own: the fixtures' AccountId, else the one
// --account-id or IDPOOL_ACCOUNT_ID gives, else the account of the
// store's IAM users, groups, managed policies and providers, which are
// always the server's own. Roles alone tell nothing, of one account or
// several, since a fixture may declare any account's: the export has no
// AccountId, and says so on stderr, naming the roles' accounts.
func TestExportAccount(t *testing.T) {
	withUser := storeOf(t, map[string]any{
		"AccountId": "111111111111",
		"Users":     []any{map[string]any{"UserName": "alice"}},
		"Roles":     []any{fixtureRole("arn:aws:iam::111111111111:role/ASource"), fixtureRole("arn:aws:iam::222222222222:role/BTarget")},
	})
	defaultUser := storeOf(t, map[string]any{
		"Users": []any{map[string]any{"UserName": "alice"}},
		"Roles": []any{fixtureRole("arn:aws:iam::222222222222:role/XGuest")},
	})
	withGroup := storeOf(t, map[string]any{
		"AccountId": "111111111111",
		"Groups":    []any{map[string]any{"GroupName": "devs"}},
		"Roles":     []any{fixtureRole("arn:aws:iam::222222222222:role/XGuest")},
	})
	withPolicy := storeOf(t, map[string]any{
		"AccountId":       "111111111111",
		"ManagedPolicies": []any{map[string]any{"ManagedPolicyName": "read", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}}}},
		"Roles":           []any{fixtureRole("arn:aws:iam::222222222222:role/XGuest")},
	})
	oneAccount := storeOf(t, map[string]any{
		"AccountId": "111111111111",
		"Roles":     []any{fixtureRole("arn:aws:iam::111111111111:role/ASource")},
	})
	otherAccount := storeOf(t, map[string]any{
		"Roles": []any{fixtureRole("arn:aws:iam::222222222222:role/XGuest")},
	})
	twoAccounts := storeOf(t, map[string]any{
		"AccountId": "111111111111",
		"Roles":     []any{fixtureRole("arn:aws:iam::111111111111:role/ASource"), fixtureRole("arn:aws:iam::222222222222:role/BTarget")},
	})
	noIAM := storeOf(t, map[string]any{"AccountId": "111111111111"})
	fixture := filepath.Join(t.TempDir(), "account.json")
	if err := os.WriteFile(fixture, []byte(`{"AccountId": "555555555555"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		db       string
		env      map[string]string
		args     []string
		want     string // the AccountId written; "" for none
		wantWarn string // the accounts the warning names; "" for no warning
	}{
		{"the account of the store's users", withUser, nil, nil, "111111111111", ""},
		{"the default account of the store's users beside another account's role", defaultUser, nil, nil, "123456789012", ""},
		{"the account of the store's groups beside another account's role", withGroup, nil, nil, "111111111111", ""},
		{"the account of the store's managed policies beside another account's role", withPolicy, nil, nil, "111111111111", ""},
		{"--account-id", withUser, nil, []string{"--account-id", "444444444444"}, "444444444444", ""},
		{"IDPOOL_ACCOUNT_ID", withUser, map[string]string{"IDPOOL_ACCOUNT_ID": "444444444444"}, nil, "444444444444", ""},
		{"the fixtures' AccountId over --account-id", withUser, nil, []string{"--account-id", "444444444444", "--fixtures", fixture}, "555555555555", ""},
		{"roles of the server's account alone", oneAccount, nil, nil, "", "111111111111"},
		{"another account's roles alone", otherAccount, nil, nil, "", "222222222222"},
		{"another account's roles alone with --account-id", otherAccount, nil, []string{"--account-id", "123456789012"}, "123456789012", ""},
		{"roles of two accounts alone", twoAccounts, nil, nil, "", "111111111111,222222222222"},
		{"roles of two accounts with --account-id", twoAccounts, nil, []string{"--account-id", "111111111111"}, "111111111111", ""},
		{"no IAM entity", noIAM, nil, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, env(tt.env), append([]string{"export", "--db", tt.db}, tt.args...)...)
			if code != 0 {
				t.Fatalf("export: got exit %d, stderr %q; want 0", code, stderr)
			}
			var got struct{ AccountId string }
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("export: got %q, want a fixture file: %v", stdout, err)
			}
			if got.AccountId != tt.want {
				t.Errorf("AccountId: got %q, want %q", got.AccountId, tt.want)
			}
			warned := strings.Contains(stderr, "the export writes no AccountId")
			switch {
			case warned != (tt.wantWarn != ""):
				t.Errorf("a warning on stderr: got %v, want %v; stderr %q", warned, tt.wantWarn != "", stderr)
			case warned && !strings.Contains(stderr, "accounts="+tt.wantWarn+"\n"):
				t.Errorf("the warning: got %q, want it to name the accounts %s", stderr, tt.wantWarn)
			}
		})
	}
}
