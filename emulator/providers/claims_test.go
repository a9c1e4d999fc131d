package providers

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
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
		{name: "a tag of a number", token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
			"principal_tags": map[string]any{"Repo": 5}}})),
			code: sts.CodeValidation, msg: "Unable to validate tags"},
		{name: "a tag of a list of a number", token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
			"principal_tags": map[string]any{"Repo": []any{5}}}})),
			code: sts.CodeValidation, msg: "Unable to validate tags"},
		{name: "a tag of a boolean", token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
			"principal_tags": map[string]any{"Repo": true}}})),
			code: sts.CodeValidation, msg: "Unable to validate tags"},
		{name: "a tag of null", token: k.sign(t, claims(ghIss, "sts.amazonaws.com", map[string]any{tagsClaim: map[string]any{
			"principal_tags": map[string]any{"Repo": nil}}})),
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

// TestPrincipalTagsReasons: a tag value that is not a string or a list of
// one string is refused the same way whether a list holds it or not, and
// the reason names what it is. A number had been dropped silently, and a
// list of one number reported as "a list of 1 values".
func TestPrincipalTagsReasons(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  map[string]string
		says  string // the error's reason; none when empty
	}{
		{name: "string", value: "a", want: map[string]string{"Repo": "a"}},
		{name: "list of one string", value: []any{"a"}, want: map[string]string{"Repo": "a"}},
		{name: "empty list", value: []any{}, want: map[string]string{}},
		{name: "number", value: json.Number("5"), says: `principal tag "Repo" in https://aws.amazon.com/tags is a number, not a string`},
		{name: "list of a number", value: []any{json.Number("5")}, says: `principal tag "Repo" in https://aws.amazon.com/tags is a number, not a string`},
		{name: "boolean", value: true, says: "is a boolean, not a string"},
		{name: "list of a boolean", value: []any{false}, says: "is a boolean, not a string"},
		{name: "null", value: nil, says: "is null, not a string"},
		{name: "object", value: map[string]any{}, says: "is an object, not a string"},
		{name: "list of a list", value: []any{[]any{"a"}}, says: "is a list, not a string"},
		{name: "list of two strings", value: []any{"a", "b"}, says: "is a list of 2 values, not of one string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := principalTags(map[string]any{"principal_tags": map[string]any{"Repo": tt.value}})
			if tt.says != "" {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.says) {
					t.Errorf("got error %v, want ErrMalformed saying %s", err, tt.says)
				}
				return
			}
			if err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}
