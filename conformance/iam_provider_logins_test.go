package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestDeclaredProviderFollowsIAM: a declared generic OIDC provider is
// verified with what IAM holds of it, by STS and by Cognito Identity for
// a pool whose OpenIdConnectProviderARNs name it, in either mode:
//   - the audience is checked against IAM's ClientIDList, as AWS checks it
//     (spec cognito-identity.md §3), so that after
//     AddClientIDToOpenIDConnectProvider(zzz) and
//     RemoveClientIDFromOpenIDConnectProvider(localApp) a token of aud zzz
//     is taken and one of localApp refused ("Incorrect token audience");
//     the fixture's ClientIds had won;
//   - after DeleteOpenIDConnectProvider, GetId refuses the provider's
//     logins as STS refuses its tokens; it had taken them.
func TestDeclaredProviderFollowsIAM(t *testing.T) {
	t.Parallel()
	for _, strict := range []string{"false", "true"} {
		t.Run("strict="+strict, func(t *testing.T) {
			t.Parallel()
			p := newLocalOIDC(t)
			path, pool := localWorld(t, p)
			withDeveloperKeys(t, path)
			s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": strict})
			ctx := context.Background()
			c := s.iamWith(developerKeys())
			arn := aws.String("arn:aws:iam::123456789012:oidc-provider/" + p.host())
			_, err := c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String("zzz")})
			ok(t, err, "AddClientIDToOpenIDConnectProvider")
			_, err = c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, ClientID: aws.String(localApp)})
			ok(t, err, "RemoveClientIDFromOpenIDConnectProvider")

			added, removed := p.token(t, "", "zzz", "oidc-user-1"), p.token(t, "", localApp, "oidc-user-1")
			if strict == "false" {
				// An undeclared role trusts everyone in permissive mode;
				// the fixture's roles want aud localApp.
				const role = "arn:aws:iam::123456789012:role/Anyone"
				_, err = s.assumeWeb(added, role, "web", nil)
				ok(t, err, "AssumeRoleWithWebIdentity with the added client id")
				_, err = s.assumeWeb(removed, role, "web", nil)
				wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Incorrect token audience")
			}
			s.loginID(t, pool, map[string]string{p.host(): added})
			_, err = s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{p.host(): removed}})
			wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. Incorrect token audience.")

			_, err = c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
			ok(t, err, "DeleteOpenIDConnectProvider")
			_, err = s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{p.host(): added}})
			wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. No OpenIDConnect provider found in your account for "+p.host())
		})
	}
}

// TestUndeclaredUserPoolIAMProvider: a user pool a pool lists in
// CognitoIdentityProviders but no fixture declares (permissive mode)
// keeps taking its logins once IAM holds an OpenID Connect provider of
// it, made with CreateOpenIDConnectProvider as the README advises for
// STS, and after that state is exported and loaded into a fresh server:
// Cognito Identity never verifies a user pool's logins through an IAM
// provider. GetId had failed with ExternalServiceException, idpool
// trying discovery from the offline https issuer.
func TestUndeclaredUserPoolIAMProvider(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool
	const pool = "us-east-1:0f0f0f0f-1111-2222-3333-666666666666"
	path := writeJSON(t, dir, "pool.json", map[string]any{
		"AccountId": "123456789012",
		"Region":    "us-east-1",
		"IdentityPools": []any{map[string]any{
			"IdentityPoolId":                 pool,
			"IdentityPoolName":               "undeclared",
			"AllowUnauthenticatedIdentities": false,
			"CognitoIdentityProviders":       []any{map[string]any{"ProviderName": userPool, "ClientId": localApp}},
		}},
	})
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_DB": db})
	ctx := context.Background()
	logins := map[string]string{userPool: p.token(t, "/"+localPool, localApp, "pool-user-1")}
	id := s.loginID(t, pool, logins)

	_, err := s.iamWith(developerKeys()).CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + userPool), ClientIDList: []string{localApp}})
	ok(t, err, "CreateOpenIDConnectProvider of the user pool")
	if got := s.loginID(t, pool, logins); got != id {
		t.Errorf("GetId after CreateOpenIDConnectProvider: got %s, want %s", got, id)
	}

	file := filepath.Join(dir, "export.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	_, err = back.iamWith(developerKeys()).GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String("arn:aws:iam::123456789012:oidc-provider/" + userPool)})
	ok(t, err, "GetOpenIDConnectProvider of the user pool after the export")
	if got := back.loginID(t, pool, logins); got != id {
		t.Errorf("GetId after the export: got %s, want %s", got, id)
	}
}

// withDeveloperKeys rewrites the fixture at path so that it declares
// developerKeys as DeveloperCredentials, which sign IAM in strict mode.
func withDeveloperKeys(t *testing.T, path string) {
	t.Helper()
	editFixture(t, path, func(fx map[string]any) {
		fx["DeveloperCredentials"] = []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}}
	})
}

// editFixture rewrites the JSON fixture at path as edit changes it.
func editFixture(t *testing.T, path string, edit func(fx map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx map[string]any
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	edit(fx)
	if b, err = json.Marshal(fx); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
