package emulator_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator"
)

// TestFixtureWarningsLogged: a strict server started from a fixture file
// (--strict --fixtures app.json) that loads but will be refused at request
// time (no key that signs, a pool role IAM does not hold, a role trusting
// a mistyped pool id) logs at start one warning per entry, naming the
// fixture file and the entry's path, and starts all the same.
func TestFixtureWarningsLogged(t *testing.T) {
	const pool = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	path := filepath.Join(t.TempDir(), "app.json")
	content := `{
  "Roles": [{"Arn": "arn:aws:iam::123456789012:role/Auth", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:0f0f0f0f-1111-2222-3333-44444444444"}}}]}}],
  "IdentityPools": [{"IdentityPoolId": "` + pool + `", "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true,
    "Roles": {"authenticated": "arn:aws:iam::123456789012:role/Auth", "unauthenticated": "arn:aws:iam::123456789012:role/Guest"}}]
}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	s, err := emulator.New(t.Context(), emulator.Config{DB: ":memory:", Fixtures: path, Strict: true}, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatalf("start: got %v, want the server started", err)
	}
	t.Cleanup(func() { s.Close() })
	var warnings []string
	for line := range strings.Lines(log.String()) {
		if strings.Contains(line, "level=WARN") {
			warnings = append(warnings, line)
		}
	}
	for _, want := range []string{
		path + ": DeveloperCredentials: ",
		path + `: Roles[0].AssumeRolePolicyDocument: \"arn:aws:iam::123456789012:role/Auth\" trusts Cognito Identity only for identity pools that neither`,
		path + `: IdentityPools[0].Roles.unauthenticated: \"arn:aws:iam::123456789012:role/Guest\" is a role that neither`,
	} {
		n := 0
		for _, w := range warnings {
			if strings.Contains(w, want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("warnings of %q: got %d in %q, want 1", want, n, warnings)
		}
	}
	if len(warnings) != 3 {
		t.Errorf("warnings: got %d (%q), want 3", len(warnings), warnings)
	}
}

// TestFixtureOtherAccountWarning: a fixture without AccountId whose roles
// all name one account that is not the server's, as an export of another
// account's server written without its account does, is loaded with a
// warning saying which AccountId to give; a fixture that sets AccountId,
// or declares a role of the server's account beside another account's,
// loads without it.
func TestFixtureOtherAccountWarning(t *testing.T) {
	role := func(arn string) string {
		return `{"Arn": "` + arn + `", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]}}`
	}
	const want = `the fixtures declare no AccountId and every role they declare is of account 111111111111, not of the server's account 123456789012`
	tests := []struct {
		name, fixture string
		warn          bool
	}{
		{"roles of one other account", `{"Roles": [` + role("arn:aws:iam::111111111111:role/A") + `, ` + role("arn:aws:iam::111111111111:role/B") + `]}`, true},
		{"the same with AccountId", `{"AccountId": "111111111111", "Roles": [` + role("arn:aws:iam::111111111111:role/A") + `]}`, false},
		{"a role of the server's account beside", `{"Roles": [` + role("arn:aws:iam::111111111111:role/A") + `, ` + role("arn:aws:iam::123456789012:role/Own") + `]}`, false},
		{"no roles", `{}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "export.json")
			if err := os.WriteFile(path, []byte(tt.fixture), 0o600); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			s, err := emulator.New(t.Context(), emulator.Config{DB: ":memory:", Fixtures: path}, slog.New(slog.NewTextHandler(&log, nil)))
			if err != nil {
				t.Fatalf("start: got %v, want the server started", err)
			}
			t.Cleanup(func() { s.Close() })
			got := strings.Contains(log.String(), want) && strings.Contains(log.String(), `add \"AccountId\": \"111111111111\"`)
			if got != tt.warn {
				t.Errorf("the warning: got %v, want %v; log %q", got, tt.warn, log.String())
			}
		})
	}
}
