package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	jose "github.com/go-jose/go-jose/v4"
)

// localOIDC is an OpenID provider with an http issuer, as a local stack
// runs one (oidc-provider, Keycloak, dex, cognito-local): its issuer is
// its URL, or its URL and a user pool id as path; under each it serves
// /.well-known/openid-configuration and the key set it names.
type localOIDC struct {
	*httptest.Server
	key *rsa.PrivateKey
	kid string
	// keys is the key set served, key's public half under kid until a
	// test serves another.
	keys atomic.Pointer[jose.JSONWebKeySet]
}

func newLocalOIDC(t *testing.T) *localOIDC {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &localOIDC{key: key, kid: "local-1"}
	p.serve(jose.JSONWebKey{Key: key.Public(), KeyID: p.kid, Algorithm: "RS256", Use: "sig"})
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if prefix, ok := strings.CutSuffix(r.URL.Path, "/.well-known/openid-configuration"); ok {
			json.NewEncoder(w).Encode(map[string]string{"issuer": p.URL + prefix, "jwks_uri": p.URL + prefix + "/.well-known/jwks.json"})
			return
		}
		if strings.HasSuffix(r.URL.Path, "/.well-known/jwks.json") {
			json.NewEncoder(w).Encode(p.keys.Load())
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// serve makes the provider serve keys as its key set from now on.
func (p *localOIDC) serve(keys ...jose.JSONWebKey) {
	p.keys.Store(&jose.JSONWebKeySet{Keys: keys})
}

// host is the provider's issuer without the scheme: its Logins key and
// the suffix of its IAM OIDC provider ARN.
func (p *localOIDC) host() string { return strings.TrimPrefix(p.URL, "http://") }

// token signs an ID token of issuer (the provider's URL plus path) for
// aud and sub, valid for an hour.
func (p *localOIDC) token(t *testing.T, path, aud, sub string) string {
	t.Helper()
	now := time.Now()
	return signJWT(t, p.key, p.kid, map[string]any{"iss": p.URL + path, "aud": aud, "sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
}

// signJWT signs claims RS256 with key under key id kid.
func signJWT(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	return signClaims(t, key, jose.RS256, "JWT", kid, claims)
}

// signClaims signs claims with key (an RSA or EC private key) and alg,
// with typ and kid in the header; an empty kid is left out.
func signClaims(t *testing.T, key any, alg jose.SignatureAlgorithm, typ, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// changePayload replaces a token's payload, keeping its signature: what a
// client forging claims sends.
func changePayload(t *testing.T, token, sub string) string {
	t.Helper()
	h, _, sig, claims := tokenParts(t, token)
	claims["sub"] = sub
	return h + "." + encodeSegment(t, claims) + "." + sig
}

const (
	localApp  = "localapp1"
	localPool = "us-east-1_Local1" // the user pool cognito-local serves
)

// TestLocalOIDCPermissive: with no configuration, a token of an http
// issuer is a login of the pool's OIDC provider and of its user pool
// (under the AWS key and the key Amplify derives), and STS knows the
// issuer by discovery.
func TestLocalOIDCPermissive(t *testing.T) {
	p := newLocalOIDC(t)
	s := testServerEnv(t, nil)
	ctx := context.Background()
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{
		AllowUnauthenticatedIdentities: false,
		OpenIdConnectProviderARNs:      []string{"arn:aws:iam::" + s.accountID + ":oidc-provider/" + p.host()},
		CognitoIdentityProviders:       []types.CognitoIdentityProvider{{ProviderName: aws.String(userPool), ClientId: aws.String(localApp)}},
	}, map[string]string{"authenticated": "arn:aws:iam::" + s.accountID + ":role/Auth"})

	oidc := map[string]string{p.host(): p.token(t, "", "any-app", "oidc-user-1")}
	id := s.loginID(t, pool, oidc)
	s.enhancedCreds(t, id, oidc)

	local := p.token(t, "/"+localPool, localApp, "pool-user-1")
	awsKey := s.loginID(t, pool, map[string]string{userPool: local})
	amplify := s.loginID(t, pool, map[string]string{p.host() + "/" + localPool: local})
	if awsKey != amplify {
		t.Errorf("GetId: got %s under the AWS key and %s under the Amplify key, want one identity", awsKey, amplify)
	}
	s.enhancedCreds(t, amplify, map[string]string{p.host() + "/" + localPool: local})

	_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool),
		Logins: map[string]string{userPool: p.token(t, "/"+localPool, "other-app", "pool-user-1")}})
	// AWS: a user pool token of an app client the pool does not configure
	// is one of a provider it does not support
	// (amazon-archives/amazon-cognito-identity-js#7).
	wantAPIError(t, err, "NotAuthorizedException", msgUnsupported)

	out, err := s.assumeWeb(p.token(t, "", "sts-app", "oidc-user-1"), "arn:aws:iam::"+s.accountID+":role/Web", "local", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	if got, want := aws.ToString(out.Provider), "arn:aws:iam::"+s.accountID+":oidc-provider/"+p.host(); got != want {
		t.Errorf("AssumeRoleWithWebIdentity: got Provider %s, want %s", got, want)
	}
	// Discovery found the key set: a changed payload is refused.
	_, err = s.assumeWeb(changePayload(t, p.token(t, "", "sts-app", "oidc-user-1"), "intruder-1"), "arn:aws:iam::"+s.accountID+":role/Web", "local", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Token signature verification failed")
}

// localWorld writes a fixture declaring p by its http issuer (the key set
// found by discovery) and its cognito-local user pool under the AWS key,
// a pool configuring both, a role trusting p's OIDC provider and one
// trusting another, and returns its path and fixed pool id.
func localWorld(t *testing.T, p *localOIDC) (path, pool string) {
	t.Helper()
	pool = "us-east-1:0f0f0f0f-1111-2222-3333-555555555555"
	trust := func(provider string) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{p.host() + ":aud": localApp}},
		}}}
	}
	oidcARN := "arn:aws:iam::123456789012:oidc-provider/" + p.host()
	fx := map[string]any{
		"AccountId": "123456789012",
		"Region":    "us-east-1",
		"Providers": []any{
			map[string]any{"Name": p.URL, "ClientIds": []string{localApp}},
			map[string]any{"Name": "cognito-idp.us-east-1.amazonaws.com/" + localPool, "Issuer": p.URL + "/" + localPool},
		},
		"Roles": []any{
			map[string]any{"Arn": "arn:aws:iam::123456789012:role/LocalOIDC", "AssumeRolePolicyDocument": trust(oidcARN)},
			map[string]any{"Arn": "arn:aws:iam::123456789012:role/OtherOIDC", "AssumeRolePolicyDocument": trust("arn:aws:iam::123456789012:oidc-provider/other.example.com")},
			cognitoRole("123456789012", "Auth"),
		},
		"IdentityPools": []any{map[string]any{
			"IdentityPoolId":                 pool,
			"IdentityPoolName":               "local",
			"AllowUnauthenticatedIdentities": false,
			"OpenIdConnectProviderARNs":      []string{oidcARN},
			"CognitoIdentityProviders":       []any{map[string]any{"ProviderName": "cognito-idp.us-east-1.amazonaws.com/" + localPool, "ClientId": localApp}},
			"Roles":                          map[string]string{"authenticated": "arn:aws:iam::123456789012:role/Auth"},
		}},
	}
	b, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "local.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, pool
}

// TestLocalOIDCStrict: in strict mode a declared http issuer, verified
// through discovery, serves Cognito Identity and STS; a wrong audience, a
// changed payload, an undeclared issuer and a role that does not trust the
// provider are refused with AWS's codes.
func TestLocalOIDCStrict(t *testing.T) {
	p := newLocalOIDC(t)
	stranger := newLocalOIDC(t)
	path, pool := localWorld(t, p)
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool

	good := p.token(t, "", localApp, "oidc-user-1")
	id := s.loginID(t, pool, map[string]string{p.host(): good})
	s.enhancedCreds(t, id, map[string]string{p.host(): good})

	local := p.token(t, "/"+localPool, localApp, "pool-user-1")
	awsKey := s.loginID(t, pool, map[string]string{userPool: local})
	if amplify := s.loginID(t, pool, map[string]string{p.host() + "/" + localPool: local}); amplify != awsKey {
		t.Errorf("GetId: got %s under the AWS key and %s under the Amplify key, want one identity", awsKey, amplify)
	}

	refusals := []struct {
		name, key, token, msg string
	}{
		{"wrong audience", p.host(), p.token(t, "", "other-app", "oidc-user-1"), "Invalid login token. Incorrect token audience."},
		{"changed payload", p.host(), changePayload(t, good, "intruder-1"), "Invalid login token. Couldn't verify signed token."},
		{"user pool, changed payload", userPool, changePayload(t, local, "intruder-1"), "Invalid login token. Couldn't verify signed token."},
		{"user pool, signed by a stranger", userPool, stranger.token(t, "/"+localPool, localApp, "pool-user-1"), "Invalid login token. Couldn't verify signed token."},
		{"user pool, other app client", userPool, p.token(t, "/"+localPool, "other-app", "pool-user-1"), msgUnsupported},
		{"user pool, iss of another pool", userPool, p.token(t, "/us-east-1_Other1", localApp, "pool-user-1"), "Invalid login token. Issuer doesn't match providerName"},
	}
	for _, tt := range refusals {
		t.Run("GetId "+tt.name, func(t *testing.T) {
			_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{tt.key: tt.token}})
			wantAPIError(t, err, "NotAuthorizedException", tt.msg)
		})
	}

	const role = "arn:aws:iam::123456789012:role/LocalOIDC"
	out, err := s.assumeWeb(good, role, "local", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	if got, want := aws.ToString(out.Provider), "arn:aws:iam::123456789012:oidc-provider/"+p.host(); got != want {
		t.Errorf("AssumeRoleWithWebIdentity: got Provider %s, want %s", got, want)
	}
	sts := []struct {
		name, token, role, code string
		status                  int
		msg                     string
	}{
		{"wrong audience", p.token(t, "", "other-app", "oidc-user-1"), role, codeInvalidToken, http.StatusBadRequest, "Incorrect token audience"},
		{"changed payload", changePayload(t, good, "intruder-1"), role, codeInvalidToken, http.StatusBadRequest, "Token signature verification failed"},
		{"undeclared issuer", stranger.token(t, "", localApp, "oidc-user-1"), role, codeInvalidToken, http.StatusBadRequest,
			fmt.Sprintf("No OpenIDConnect provider found in your account for %s", stranger.URL)},
		{"role trusts another provider", good, "arn:aws:iam::123456789012:role/OtherOIDC", "AccessDenied", http.StatusForbidden,
			"Not authorized to perform sts:AssumeRoleWithWebIdentity"},
	}
	for _, tt := range sts {
		t.Run("AssumeRoleWithWebIdentity "+tt.name, func(t *testing.T) {
			_, err := s.assumeWeb(tt.token, tt.role, "local", nil)
			wantSTSError(t, err, tt.code, tt.status, tt.msg)
		})
	}
}
