package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// withIamProvider rewrites the fixture at path (localWorld's) so that its
// user pool, Providers[1], says "IamProvider": true, with its app client
// as ClientIds.
func withIamProvider(t *testing.T, path string) {
	t.Helper()
	editFixture(t, path, func(fx map[string]any) {
		pool := fx["Providers"].([]any)[1].(map[string]any)
		pool["IamProvider"], pool["ClientIds"] = true, []string{localApp}
	})
}

// TestFixtureUserPoolIamProvider drives a server whose fixture declares
// a cognito-local user pool with "IamProvider": true, in permissive mode:
//   - IAM holds the user pool's OpenID Connect provider from the start,
//     as CreateOpenIDConnectProvider would make it (Url the AWS issuer,
//     ClientIDList the fixture's ClientIds), so that STS takes the user
//     pool's ID token and names that provider, as on AWS once it exists
//     (aws-actions/configure-aws-credentials#721);
//   - deleting a declared provider through IAM, the user pool's or a
//     generic OIDC provider's, makes STS refuse its tokens as AWS refuses
//     a deleted provider's ("No OpenIDConnect provider found in your
//     account for <iss>"), discovery of the local issuer included; making
//     it again through IAM lets them in again.
func TestFixtureUserPoolIamProvider(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	path, _ := localWorld(t, p)
	withIamProvider(t, path)
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool
	const role = "arn:aws:iam::123456789012:role/UserPoolWeb" // undeclared: trusts everyone in permissive mode

	got, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("arn:aws:iam::123456789012:oidc-provider/" + userPool)})
	ok(t, err, "GetOpenIDConnectProvider")
	if aws.ToString(got.Url) != userPool || !slices.Equal(got.ClientIDList, []string{localApp}) {
		t.Errorf("GetOpenIDConnectProvider: got Url %s, ClientIDList %v; want %s, [%s]", aws.ToString(got.Url), got.ClientIDList, userPool, localApp)
	}

	providers := []struct {
		name, key, url, iss, token string
		clientIDs                  []string
	}{
		{"user pool", userPool, "https://" + userPool, p.URL + "/" + localPool, p.token(t, "/"+localPool, localApp, "pool-user-1"), []string{localApp}},
		{"generic OIDC provider", p.host(), p.URL, p.URL, p.token(t, "", localApp, "oidc-user-1"), []string{localApp}},
	}
	for _, pr := range providers {
		arn := "arn:aws:iam::123456789012:oidc-provider/" + pr.key
		out, err := s.assumeWeb(pr.token, role, "web", nil)
		ok(t, err, pr.name+": AssumeRoleWithWebIdentity")
		if got := aws.ToString(out.Provider); got != arn {
			t.Errorf("%s: AssumeRoleWithWebIdentity: got Provider %s, want %s", pr.name, got, arn)
		}

		_, err = c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		ok(t, err, pr.name+": DeleteOpenIDConnectProvider")
		_, err = s.assumeWeb(pr.token, role, "web", nil)
		wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "No OpenIDConnect provider found in your account for "+pr.iss)

		_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(pr.url), ClientIDList: pr.clientIDs})
		ok(t, err, pr.name+": CreateOpenIDConnectProvider")
		out, err = s.assumeWeb(pr.token, role, "web", nil)
		ok(t, err, pr.name+": AssumeRoleWithWebIdentity after CreateOpenIDConnectProvider")
		if got := aws.ToString(out.Provider); got != arn {
			t.Errorf("%s: AssumeRoleWithWebIdentity after CreateOpenIDConnectProvider: got Provider %s, want %s", pr.name, got, arn)
		}
	}
}
