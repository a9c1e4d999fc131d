package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	jose "github.com/go-jose/go-jose/v4"
)

// activityReasons returns the console's activity page of op, unescaped,
// where the reasons of refused calls show.
func (s *server) activityReasons(t *testing.T, op string) string {
	t.Helper()
	res := s.get(t, "/_idpool/console/activity?op="+op)
	if res.status != http.StatusOK {
		t.Fatalf("activity of %s: got %d, want 200", op, res.status)
	}
	return html.UnescapeString(string(res.body))
}

// TestLocalOIDCNewKeyAtOnce: a provider restarted with a new key, under a
// new kid or its old one (as this repository's own oidc-server.mjs stack
// does), has its new tokens taken at once by GetId and STS, although
// idpool fetched its key set a moment before; they had been refused for
// up to 10 seconds ("Couldn't verify signed token"). The old key's
// tokens are refused then.
func TestLocalOIDCNewKeyAtOnce(t *testing.T) {
	t.Parallel()
	for kid, old := range map[string]string{
		"local-1": "Token signature verification failed",
		"local-2": "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
	} {
		t.Run("kid "+kid, func(t *testing.T) {
			t.Parallel()
			p := newLocalOIDC(t)
			s, pool := strictLocal(t, p)
			s.loginID(t, pool, map[string]string{p.host(): p.token(t, "", localApp, "oidc-user-1")})

			fresh, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			p.serve(jose.JSONWebKey{Key: fresh.Public(), KeyID: kid, Algorithm: "RS256", Use: "sig"})
			tok := signJWT(t, fresh, kid, localClaims(p, "oidc-user-1", nil))
			s.loginID(t, pool, map[string]string{p.host(): tok})
			_, err = s.assumeWeb(tok, localRole, "rotated", nil)
			ok(t, err, "AssumeRoleWithWebIdentity with the new key")
			_, err = s.assumeWeb(p.token(t, "", localApp, "oidc-user-1"), localRole, "old", nil)
			wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, old)
		})
	}
}

// TestIAMProviderHTTPSURLOfHTTPIssuer: IAM's provider made with the https
// URL AWS requires (as set-up scripts make it) takes a local provider's
// http tokens, found by discovery from the token's iss, for GetId and STS;
// and a fixture provider named by its bare key discovers from its http
// tokens' iss too. Both had tried https and failed
// (ExternalServiceException, InvalidIdentityToken).
func TestIAMProviderHTTPSURLOfHTTPIssuer(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	ctx := context.Background()

	t.Run("IAM provider", func(t *testing.T) {
		s := testServerEnv(t, nil)
		arn := "arn:aws:iam::123456789012:oidc-provider/" + p.host()
		_, err := s.iamWith(developerKeys()).CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
			Url: aws.String("https://" + p.host()), ClientIDList: []string{localApp}})
		ok(t, err, "CreateOpenIDConnectProvider")
		pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("https_url"),
			AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: []string{arn}})
		tok := p.token(t, "", localApp, "oidc-user-1")
		s.loginID(t, pool, map[string]string{p.host(): tok})
		role := s.createRole(t, "HTTPSURL", map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": arn},
			"Action": "sts:AssumeRoleWithWebIdentity"})
		_, err = s.assumeWeb(tok, role, "https-url", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
	})

	t.Run("fixture provider by key", func(t *testing.T) {
		const realm = "/realms/keyform"
		key := p.host() + realm
		pool := "us-east-1:0f0f0f0f-1111-2222-3333-777777777777"
		path := writeJSON(t, t.TempDir(), "keyform.json", map[string]any{
			"Providers": []any{map[string]any{"Name": key, "ClientIds": []string{localApp}}},
			"IdentityPools": []any{map[string]any{"IdentityPoolId": pool, "IdentityPoolName": "keyform", "AllowUnauthenticatedIdentities": false,
				"OpenIdConnectProviderARNs": []string{"arn:aws:iam::123456789012:oidc-provider/" + key}}},
		})
		s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
		s.loginID(t, pool, map[string]string{key: p.token(t, realm, localApp, "oidc-user-1")})
	})
}

// TestDeclaredUserPoolKeysAtIssuer: a user pool declared as the README
// says, strict, whose local stand-in runs on another port than the one
// its discovery document names (cognito-local names 9229 whatever its
// port), takes its logins: idpool fetches <Issuer>/.well-known/jwks.json,
// where user pools publish their keys. It had followed the document's
// jwks_uri, which nothing served (ExternalServiceException).
func TestDeclaredUserPoolKeysAtIssuer(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var discoveries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/" + localPool + "/.well-known/jwks.json":
			json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "pool-1", Algorithm: "RS256", Use: "sig"}}})
		case "/" + localPool + "/.well-known/openid-configuration":
			// A port of this test's range where nothing listens.
			discoveries.Add(1)
			fmt.Fprintf(w, `{"issuer":"http://127.0.0.1:9949/%s","jwks_uri":"http://127.0.0.1:9949/%s/.well-known/jwks.json"}`, localPool, localPool)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	userPool := "cognito-idp.us-east-1.amazonaws.com/" + localPool
	const pool = "us-east-1:0f0f0f0f-1111-2222-3333-888888888888"
	path := writeJSON(t, t.TempDir(), "userpool.json", map[string]any{
		"Providers": []any{map[string]any{"Name": userPool, "Issuer": srv.URL + "/" + localPool, "ClientIds": []string{localApp}}},
		"IdentityPools": []any{map[string]any{"IdentityPoolId": pool, "IdentityPoolName": "userpool", "AllowUnauthenticatedIdentities": false,
			"CognitoIdentityProviders": []any{map[string]any{"ProviderName": userPool, "ClientId": localApp}}}},
	})
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	now := time.Now()
	tok := signJWT(t, key, "pool-1", map[string]any{"iss": srv.URL + "/" + localPool, "aud": localApp, "sub": "pool-user-1",
		"token_use": "id", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	s.loginID(t, pool, map[string]string{userPool: tok})
	if n := discoveries.Load(); n != 0 {
		t.Errorf("got %d discovery requests, want none", n)
	}
}

// githubIssuer is GitHub Actions' OIDC issuer, which the tests declare
// inline keys of and never reach.
const githubIssuer = "https://token.actions.githubusercontent.com"

// TestKeysOnlyHTTPSProvider: a fixture that declares an https issuer's
// keys with "IamProvider": false leaves its IAM provider to the set-up:
// CreateOpenIDConnectProvider as GitHub's and AWS's guides give it
// succeeds (it had answered EntityAlreadyExists), STS refuses the
// issuer's tokens until then, and takes them after, verified offline with
// the declared keys.
func TestKeysOnlyHTTPSProvider(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	path := writeJSON(t, t.TempDir(), "github.json", map[string]any{
		"Providers": []any{map[string]any{"Name": githubIssuer, "IamProvider": false,
			"Jwks": jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "gh-1", Algorithm: "RS256", Use: "sig"}}}}},
		"Roles": []any{map[string]any{"Arn": "arn:aws:iam::123456789012:role/GitHubDeploy", "AssumeRolePolicyDocument": map[string]any{
			"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": arn},
				"Action": "sts:AssumeRoleWithWebIdentity", "Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}}}}},
	})
	withDeveloperKeys(t, path)
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	now := time.Now()
	tok := signJWT(t, key, "gh-1", map[string]any{"iss": githubIssuer, "aud": "sts.amazonaws.com",
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	const role = "arn:aws:iam::123456789012:role/GitHubDeploy"

	_, err = s.assumeWeb(tok, role, "gh", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "No OpenIDConnect provider found in your account for "+githubIssuer)
	_, err = s.iamWith(developerKeys()).CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(githubIssuer), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}})
	ok(t, err, "CreateOpenIDConnectProvider")
	_, err = s.assumeWeb(tok, role, "gh", nil)
	ok(t, err, "AssumeRoleWithWebIdentity once IAM holds the provider")
}

// TestUndeclaredHTTPSIssuerNotReached: an https issuer that only IAM
// names (CreateOpenIDConnectProvider, no fixture) is never reached, as
// the README promises, and the refusal's reason says how to declare its
// keys; idpool had connected to it.
func TestUndeclaredHTTPSIssuerNotReached(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	host := ln.Addr().String()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := testServerEnv(t, nil)
	role := s.iamProviderRole(t, host, "Offline")
	now := time.Now()
	tok := signJWT(t, key, "k", map[string]any{"iss": "https://" + host, "aud": localApp, "sub": "offline-user",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	_, err = s.assumeWeb(tok, role, "offline", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
	if n := conns.Load(); n != 0 {
		t.Errorf("got %d connections to the https issuer, want none", n)
	}
	if page := s.activityReasons(t, "AssumeRoleWithWebIdentity"); !strings.Contains(page, "declare its keys in the fixtures' Providers") {
		t.Errorf("got activity %s, want the reason to say how to declare the issuer's keys", page)
	}
}

// TestWebIdentityNearMissProvider: a token whose iss differs from the
// provider a role trusts only by a trailing "/" or by 127.0.0.1 for
// localhost is refused (AccessDenied, as AWS), with a reason that names
// the token's provider and the trusted one; it had said only "principal
// not trusted".
func TestWebIdentityNearMissProvider(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	_, port, _ := net.SplitHostPort(p.host())
	const realm = "/realms/ts0"
	trusted := "localhost:" + port + realm
	s := testServerEnv(t, nil)
	arn := "arn:aws:iam::123456789012:oidc-provider/" + trusted
	role := s.iamProviderRole(t, trusted, "NearMiss")
	tests := []struct{ name, iss, says string }{
		{"trailing slash", "http://localhost:" + port + realm + "/", `only by a trailing "/"`},
		{"127.0.0.1 for localhost", "http://127.0.0.1:" + port + realm, "only by its host, 127.0.0.1 where the principal has localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Now()
			tok := signJWT(t, p.key, p.kid, map[string]any{"iss": tt.iss, "aud": localApp, "sub": "near-miss-user",
				"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
			_, err := s.assumeWeb(tok, role, "near", nil)
			wantSTSError(t, err, "AccessDenied", http.StatusForbidden, "")
			page := s.activityReasons(t, "AssumeRoleWithWebIdentity")
			provider := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(strings.TrimPrefix(tt.iss, "http://"), "https://")
			for _, want := range []string{"the token's provider is " + provider, "not the trusted principal " + arn, tt.says} {
				if !strings.Contains(page, want) {
					t.Errorf("got activity without %q", want)
				}
			}
		})
	}
}

// TestIAMProviderRedirectNotFollowed: IAM's provider made with the https
// URL of a local host whose server answers with a redirect to another
// port, serving there a discovery document and the key set of an
// attacker's key, does not take that key's http token: the redirect to
// another host is refused, strict or not. idpool had followed it and
// issued credentials.
func TestIAMProviderRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	attacker := newLocalOIDC(t)
	var redirects atomic.Int32
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirects.Add(1)
		http.Redirect(w, r, attacker.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(moved.Close)
	host := strings.TrimPrefix(moved.URL, "http://")
	for _, strict := range []string{"false", "true"} {
		t.Run("strict "+strict, func(t *testing.T) {
			// Strict IAM takes only declared developer keys.
			path := writeJSON(t, t.TempDir(), "keys.json", map[string]any{
				"DeveloperCredentials": []any{map[string]string{"AccessKeyId": accessKey, "SecretAccessKey": secretKey}}})
			s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": strict})
			role := s.iamProviderRole(t, host, "Redirected")
			now := time.Now()
			tok := signJWT(t, attacker.key, attacker.kid, map[string]any{"iss": moved.URL, "aud": localApp, "sub": "redirected-user",
				"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
			_, err := s.assumeWeb(tok, role, "redirected", nil)
			wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
			if page := s.activityReasons(t, "AssumeRoleWithWebIdentity"); !strings.Contains(page, "redirect from") {
				t.Errorf("got activity %s, want the reason to say the redirect was refused", page)
			}
		})
	}
	if redirects.Load() == 0 {
		t.Error("got no request to the provider, want its redirect refused")
	}
}

// iamProviderRole makes, with the developer keys, IAM's OpenID Connect
// provider of URL https://<key> for localApp, as a set-up script makes
// it, and a role of a name starting with prefix that trusts it for
// AssumeRoleWithWebIdentity; it returns the role's ARN.
func (s *server) iamProviderRole(t *testing.T, key, prefix string) string {
	t.Helper()
	_, err := s.iamWith(developerKeys()).CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + key), ClientIDList: []string{localApp}})
	ok(t, err, "CreateOpenIDConnectProvider")
	return s.createRole(t, prefix, map[string]any{"Effect": "Allow",
		"Principal": map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/" + key},
		"Action":    "sts:AssumeRoleWithWebIdentity"})
}
