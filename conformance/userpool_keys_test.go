package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestDeclaredUserPoolKeysAndSTS drives a server whose fixture declares a
// cognito-local user pool (localWorld), in permissive mode:
//   - a Logins key ending in /<userPoolId> that is not the token's iss is
//     refused as AWS refuses it, "Invalid login token. Issuer doesn't match
//     providerName" ((null)/<pool>, aws-amplify/aws-sdk-ios#438; a
//     misspelled region, aws-amplify/aws-sdk-android#444), while the key
//     Amplify derives from the iss still passes;
//   - STS takes the user pool's ID token only once IAM holds an OpenID
//     Connect provider of it, as on AWS
//     (aws-actions/configure-aws-credentials#721), and then names it as
//     the session's Provider.
func TestDeclaredUserPoolKeysAndSTS(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	path, pool := localWorld(t, p)
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool
	local := p.token(t, "/"+localPool, localApp, "pool-user-1")

	s.loginID(t, pool, map[string]string{userPool: local})
	s.loginID(t, pool, map[string]string{p.host() + "/" + localPool: local})
	for _, key := range []string{"(null)/" + localPool, "cognito-idp.us_east_1.amazonaws.com/" + localPool, "https://" + userPool, "evil.example/" + localPool} {
		t.Run("GetId under "+key, func(t *testing.T) {
			_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{key: local}})
			wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName")
		})
	}

	const role = "arn:aws:iam::123456789012:role/UserPoolWeb" // undeclared: trusts everyone in permissive mode
	_, err := s.assumeWeb(local, role, "pool", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "No OpenIDConnect provider found in your account for "+p.URL+"/"+localPool)

	_, err = s.iamWith(developerKeys()).CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + userPool), ClientIDList: []string{localApp}})
	ok(t, err, "CreateOpenIDConnectProvider")
	out, err := s.assumeWeb(local, role, "pool", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	if got, want := aws.ToString(out.Provider), "arn:aws:iam::123456789012:oidc-provider/"+userPool; got != want {
		t.Errorf("AssumeRoleWithWebIdentity: got Provider %s, want %s", got, want)
	}
}
