package conformance

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// webKeysWorld writes a strict fixture declaring GitHub, Google and a
// cognito-local user pool by their AWS names, each served by p under its
// own path as a local stand-in (the README's "With your OIDC provider"),
// and roles trusting them as their providers' guides write trust
// policies, and returns its path.
func webKeysWorld(t *testing.T, p *localOIDC) string {
	t.Helper()
	const (
		acct = "123456789012"
		gh   = "token.actions.githubusercontent.com"
		up   = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	)
	role := func(name, federated string, cond map[string]any, statements ...any) map[string]any {
		trust := map[string]any{"Effect": "Allow", "Action": []any{"sts:AssumeRoleWithWebIdentity", "sts:TagSession"},
			"Principal": map[string]any{"Federated": federated}}
		if cond != nil {
			trust["Condition"] = cond
		}
		r := map[string]any{
			"Arn":                      "arn:aws:iam::" + acct + ":role/" + name,
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{trust}},
		}
		if len(statements) > 0 {
			r["Policies"] = []any{map[string]any{"PolicyName": "access", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": statements}}}
		}
		return r
	}
	ghARN := "arn:aws:iam::" + acct + ":oidc-provider/" + gh
	fx := map[string]any{
		"AccountId": acct,
		"Region":    "us-east-1",
		"Providers": []any{
			map[string]any{"Name": gh, "Issuer": p.URL + "/gh", "ClientIds": []string{"sts.amazonaws.com"}},
			map[string]any{"Name": "accounts.google.com", "Issuer": p.URL + "/google", "ClientIds": []string{"web-client"}},
			map[string]any{"Name": up, "Issuer": p.URL + "/us-east-1_abc", "ClientIds": []string{localApp}, "IamProvider": true},
		},
		"Roles": []any{
			role("GitHubDeploy", ghARN, map[string]any{
				"StringEquals": map[string]any{gh + ":aud": "sts.amazonaws.com", gh + ":repository_id": "1296269",
					gh + ":job_workflow_ref": "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"},
				"StringLike": map[string]any{gh + ":sub": "repo:octo-org/octo-repo:*"}}),
			// GitHubAccess trusts the provider alone: its session's
			// permission policies are what is tried.
			role("GitHubAccess", ghARN, nil,
				map[string]any{"Sid": "OwnPrefix", "Effect": "Allow", "Action": "s3:GetObject",
					"Resource": "arn:aws:s3:::artifacts/${" + gh + ":sub}/*"},
				map[string]any{"Sid": "OrgRepos", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
					"Condition": map[string]any{"StringLike": map[string]any{gh + ":sub": "repo:octo-org/*"}}},
				map[string]any{"Sid": "FromGitHub", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:FederatedProvider": ghARN}}}),
			role("GoogleAndroid", "accounts.google.com", map[string]any{
				"StringEquals": map[string]any{"accounts.google.com:aud": "android-client", "accounts.google.com:oaud": "web-client"}}),
			role("UserPool", "arn:aws:iam::"+acct+":oidc-provider/"+up, map[string]any{
				"StringEquals": map[string]any{up + ":aud": localApp}}),
		},
	}
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "web-keys.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWebProviderKeys: AssumeRoleWithWebIdentity gives a trust policy the
// keys of a provider declared with a local Issuer under the provider's AWS
// name, GitHub's documented claims among them, and the session's
// permission policies the same <name>:sub and aws:FederatedProvider;
// Google's Android sign-in token (aud the web client, azp the Android
// one) passes with its azp as :aud and its aud as :oaud; a token whose
// session tags STS cannot take is refused.
func TestWebProviderKeys(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": webKeysWorld(t, p), "IDPOOL_STRICT": "true"})
	const sub = "repo:octo-org/octo-repo:ref:refs/heads/main"
	token := func(path, aud, subject string, extra map[string]any) string {
		now := time.Now()
		c := map[string]any{"iss": p.URL + path, "aud": aud, "sub": subject, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return signJWT(t, p.key, p.kid, c)
	}
	github := func(extra map[string]any) string {
		c := map[string]any{"repository": "octo-org/octo-repo", "repository_id": "1296269", "actor": "octocat",
			"job_workflow_ref": "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"}
		for k, v := range extra {
			c[k] = v
		}
		return token("/gh", "sts.amazonaws.com", sub, c)
	}
	tags := func(pt map[string]any) map[string]any {
		return map[string]any{"https://aws.amazon.com/tags": map[string]any{"principal_tags": pt}}
	}
	role := func(name string) string { return "arn:aws:iam::123456789012:role/" + name }

	tests := []struct {
		name   string
		token  string
		role   string
		code   string // "" when AssumeRoleWithWebIdentity succeeds
		status int
		msg    string
	}{
		{name: "GitHub's documented trust policy and claim keys", token: github(nil), role: role("GitHubDeploy")},
		{name: "GitHub: another repository_id", token: github(map[string]any{"repository_id": "999"}), role: role("GitHubDeploy"),
			code: "AccessDenied", status: http.StatusForbidden, msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{name: "GitHub: no repository_id claim", token: github(map[string]any{"repository_id": nil}), role: role("GitHubDeploy"),
			code: "AccessDenied", status: http.StatusForbidden, msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{name: "GitHub: another repository's sub", token: token("/gh", "sts.amazonaws.com", "repo:evil/repo:ref:refs/heads/main", map[string]any{
			"repository_id": "1296269", "job_workflow_ref": "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"}),
			role: role("GitHubDeploy"), code: "AccessDenied", status: http.StatusForbidden, msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{name: "cognito-local user pool under its AWS name", token: token("/us-east-1_abc", localApp, "pool-user", nil), role: role("UserPool")},
		{name: "Google Android sign-in: azp is :aud, aud is :oaud", token: token("/google", "web-client", "110169484474386276334", map[string]any{"azp": "android-client"}),
			role: role("GoogleAndroid")},
		{name: "Google: neither aud nor azp a client", token: token("/google", "other", "110169484474386276334", map[string]any{"azp": "android-client"}),
			role: role("GoogleAndroid"), code: codeInvalidToken, status: http.StatusBadRequest, msg: "Incorrect token audience"},
		{name: "a session tag of two values", token: github(tags(map[string]any{"team": []string{"a", "b"}})), role: role("GitHubAccess"),
			code: "ValidationError", status: http.StatusBadRequest, msg: "Unable to validate tags"},
		{name: "session tag keys differing in case", token: github(tags(map[string]any{"Repo": []string{"a"}, "repo": []string{"b"}})), role: role("GitHubAccess"),
			code: "InvalidParameterValue", status: http.StatusBadRequest, msg: "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.assumeWeb(tt.token, tt.role, "keys", nil)
			if tt.code == "" {
				ok(t, err, "AssumeRoleWithWebIdentity")
				return
			}
			wantSTSError(t, err, tt.code, tt.status, tt.msg)
		})
	}

	// The GitHub session's permission policies see <name>:sub, not keys
	// named after the provider's ARN, and aws:FederatedProvider.
	out, err := s.assumeWeb(github(nil), role("GitHubAccess"), "perms", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	session := fromSTS(t, out.Credentials).SessionToken
	decisions := []struct {
		name, action, resource, want string
	}{
		{"${<name>:sub} in a Resource", "s3:GetObject", "arn:aws:s3:::artifacts/" + sub + "/build.zip", "allowed"},
		{"another repository's prefix", "s3:GetObject", "arn:aws:s3:::artifacts/repo:evil/repo:ref:refs/heads/main/build.zip", "implicitDeny"},
		{"StringLike on <name>:sub", "s3:PutObject", "arn:aws:s3:::artifacts/x", "allowed"},
		{"aws:FederatedProvider is the provider's ARN", "s3:ListBucket", "arn:aws:s3:::artifacts", "allowed"},
	}
	for _, d := range decisions {
		t.Run("session: "+d.name, func(t *testing.T) {
			if got := s.authorizeDecision(t, session, d.action, d.resource, nil); got != d.want {
				t.Errorf("%s on %s: got %s, want %s", d.action, d.resource, got, d.want)
			}
		})
	}
}
