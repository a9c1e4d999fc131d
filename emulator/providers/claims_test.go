package providers

import (
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/sts"
)

// TestSTSProviderClaims: STS gives a trust policy GitHub's documented
// claims (and Google's oaud) of a provider known by its name, also when
// it is declared with a local Issuer; it takes a Google token whose aud
// or azp the declared client ids list, reporting azp as the audience;
// and it refuses a session tag of more than one value.
func TestSTSProviderClaims(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const (
		github = "token.actions.githubusercontent.com"
		ghIss  = "http://127.0.0.1:9871"
	)
	list := []Provider{
		{Name: github, Issuer: ghIss, JWKS: jwks(t, k), ClientIDs: []string{"sts.amazonaws.com"}},
		{Name: "accounts.google.com", JWKS: jwks(t, k), ClientIDs: []string{"web-client"}},
		{Name: "ci.example.com", JWKS: jwks(t, k)},
	}
	reg, err := New(list, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.SetSource(heldByIAM(t, list))
	exp := t0.Add(time.Hour).Truncate(time.Second)
	ghARN := "arn:aws:iam::" + account + ":oidc-provider/" + github
	ghClaims := map[string]any{
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "actor": "octocat", "actor_id": "583231",
		"repository": "octo-org/octo-repo", "repository_id": "1296269", "repository_owner_id": "9919",
		"workflow": "CI", "ref": "refs/heads/main", "job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",
		"run_id": "42", "enterprise_id": 7,
	}
	tests := []struct {
		name  string
		token string
		want  *sts.WebIdentity
		code  string
		msg   string
	}{
		{name: "GitHub at a local issuer: its documented claims, named by the provider",
			token: k.sign(t, claims(ghIss, "sts.amazonaws.com", ghClaims)),
			want: &sts.WebIdentity{Issuer: ghIss, Provider: ghARN, Subject: "repo:octo-org/octo-repo:ref:refs/heads/main",
				Audience: "sts.amazonaws.com", Expiry: exp, Claims: map[string][]string{
					"actor": {"octocat"}, "actor_id": {"583231"}, "repository": {"octo-org/octo-repo"}, "repository_id": {"1296269"},
					"workflow": {"CI"}, "ref": {"refs/heads/main"}, "enterprise_id": {"7"},
					"job_workflow_ref": {"octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main"}}}},
		{name: "GitHub token without the claims: no keys",
			token: k.sign(t, claims(ghIss, "sts.amazonaws.com", nil)),
			want:  &sts.WebIdentity{Issuer: ghIss, Provider: ghARN, Subject: "user-123456", Audience: "sts.amazonaws.com", Expiry: exp}},
		{name: "another provider's claims of the same names give no keys",
			token: k.sign(t, claims("https://ci.example.com", "a", ghClaims)),
			want: &sts.WebIdentity{Issuer: "https://ci.example.com", Provider: "arn:aws:iam::" + account + ":oidc-provider/ci.example.com",
				Subject: "repo:octo-org/octo-repo:ref:refs/heads/main", Audience: "a", Expiry: exp}},
		{name: "Google Android sign-in: aud listed, azp not",
			token: k.sign(t, claims("https://accounts.google.com", "web-client", map[string]any{"azp": "android-client"})),
			want: &sts.WebIdentity{Issuer: "https://accounts.google.com", Provider: "accounts.google.com", Subject: "user-123456",
				Audience: "android-client", Expiry: exp, Claims: map[string][]string{"oaud": {"web-client"}}}},
		{name: "Google: azp listed, aud not",
			token: k.sign(t, claims("https://accounts.google.com", "sts.amazonaws.com", map[string]any{"azp": "web-client"})),
			want: &sts.WebIdentity{Issuer: "https://accounts.google.com", Provider: "accounts.google.com", Subject: "user-123456",
				Audience: "web-client", Expiry: exp, Claims: map[string][]string{"oaud": {"sts.amazonaws.com"}}}},
		{name: "Google: neither listed",
			token: k.sign(t, claims("https://accounts.google.com", "other", map[string]any{"azp": "android-client"})),
			code:  sts.CodeInvalidIdentityToken, msg: "Incorrect token audience"},
		{name: "a tag of two values",
			token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
				"principal_tags": map[string]any{"team": []string{"a", "b"}}}})),
			code: sts.CodeValidation, msg: "Unable to validate tags"},
		{name: "a tag of one value",
			token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
				"principal_tags": map[string]any{"team": []string{"a"}}}})),
			want: &sts.WebIdentity{Issuer: ghIss, Provider: ghARN, Subject: "user-123456", Audience: "sts.amazonaws.com", Expiry: exp,
				PrincipalTags: map[string]string{"team": "a"}}},
	}
	v := reg.ForSTS(account, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantWebIdentity(t, v, tt.token, tt.want, tt.code, 400, tt.msg)
		})
	}
}
