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
