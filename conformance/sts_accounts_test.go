package conformance

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// accountsFixture writes a fixture declaring the provider p, verified by
// discovery, and roles of idpool's account and of account 999999999999,
// each trusting the provider ARN trusts names.
func accountsFixture(t *testing.T, p *localOIDC, trusts map[string]string) string {
	t.Helper()
	var roles []any
	for role, provider := range trusts {
		roles = append(roles, map[string]any{"Arn": role, "AssumeRolePolicyDocument": map[string]any{
			"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
			}},
		}})
	}
	b, err := json.Marshal(map[string]any{
		"AccountId": "123456789012",
		"Providers": []any{map[string]any{"Name": p.URL, "ClientIds": []string{localApp}}},
		"Roles":     roles,
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "accounts.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSTSProviderOfRoleAccount: STS looks a web identity token's OpenID
// Connect provider up in the account of the role, and reports that
// account's provider ARN; a role whose trust policy names only another
// account's provider gets AWS's answer for an account without one
// (mozilla-iam/mozilla-aws-cli#127), and a role of idpool's account that
// trusts another account's provider is refused by its trust policy.
func TestSTSProviderOfRoleAccount(t *testing.T) {
	p := newLocalOIDC(t)
	own := "arn:aws:iam::123456789012:oidc-provider/" + p.host()
	other := "arn:aws:iam::999999999999:oidc-provider/" + p.host()
	path := accountsFixture(t, p, map[string]string{
		"arn:aws:iam::123456789012:role/Own":         own,
		"arn:aws:iam::123456789012:role/TrustsOther": other,
		"arn:aws:iam::999999999999:role/XAcct":       other,
		"arn:aws:iam::999999999999:role/XAcct2":      own,
	})
	bothModes(t, path, func(t *testing.T, s *server) {
		token := p.token(t, "", localApp, "oidc-user-1")
		for role, want := range map[string]string{
			"arn:aws:iam::123456789012:role/Own":   own,
			"arn:aws:iam::999999999999:role/XAcct": other,
		} {
			out, err := s.assumeWeb(token, role, "s1", nil)
			ok(t, err, "AssumeRoleWithWebIdentity "+role)
			if got := aws.ToString(out.Provider); got != want {
				t.Errorf("%s: got Provider %s, want %s", role, got, want)
			}
		}
		_, err := s.assumeWeb(token, "arn:aws:iam::999999999999:role/XAcct2", "s1", nil)
		wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "No OpenIDConnect provider found in your account for "+p.URL)
		_, err = s.assumeWeb(token, "arn:aws:iam::123456789012:role/TrustsOther", "s1", nil)
		wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	})
}

// bothModes runs test against a permissive and a strict server loaded with
// the fixture at path.
func bothModes(t *testing.T, path string, test func(t *testing.T, s *server)) {
	t.Helper()
	for _, mode := range []string{"permissive", "strict"} {
		t.Run(mode, func(t *testing.T) {
			env := map[string]string{"IDPOOL_FIXTURES": path}
			if mode == "strict" {
				env["IDPOOL_STRICT"] = "true"
			}
			test(t, testServerEnv(t, env))
		})
	}
}
