package identity

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/idpool/idpool/protocol"
)

// localOIDCARN is the IAM OIDC provider of a local OpenID provider with an
// http issuer (oidc-provider, Keycloak, dex, mock-oauth2-server).
const localOIDCARN = "arn:aws:iam::123456789012:oidc-provider/localhost:8080"

// TestLocalIssuers checks, in permissive mode with no provider declared,
// the issuers of the login stacks people run locally: cognito-local,
// moto and LocalStack user pools, and http OIDC providers, under the
// Logins key an app written for AWS uses and under the one Amplify
// derives from the token's iss.
func TestLocalIssuers(t *testing.T) {
	const (
		localKey = "localhost:9229/us-east-1_TEST" // what Amplify derives from cognito-local's iss
		localIss = "http://" + localKey
	)
	e := newEnv(t)
	in := fullPool()
	in.OpenIdConnectProviderARNs = append(in.OpenIdConnectProviderARNs, localOIDCARN)
	pool := e.createPool(t, in)
	tok := func(iss, aud string) string {
		return e.idToken("", aud, "local-user-1", map[string]any{"iss": iss})
	}
	tests := []struct {
		name   string
		logins map[string]string
		msg    string // the NotAuthorizedException message; "" for success
		key    string // the Logins key the identity is keyed under
	}{
		{name: "AWS key, cognito-local iss", logins: map[string]string{testUserPool: tok(localIss, testClient)}, key: testUserPool},
		{name: "Amplify key, cognito-local iss", logins: map[string]string{localKey: tok(localIss, testClient)}, key: testUserPool},
		{name: "Amplify key, https iss", logins: map[string]string{localKey: tok("https://"+localKey, testClient)}, key: testUserPool},
		{name: "AWS key, LocalStack iss", logins: map[string]string{testUserPool: tok("http://localhost.localstack.cloud:4566/us-east-1_TEST", testClient)}, key: testUserPool},
		{name: "AWS key, moto iss", logins: map[string]string{testUserPool: tok("https://"+testUserPool, testClient)}, key: testUserPool},
		{name: "AWS key, http AWS iss", logins: map[string]string{testUserPool: tok("http://"+testUserPool, testClient)}, key: testUserPool},
		{name: "OIDC provider, http iss", logins: map[string]string{"localhost:8080": tok("http://localhost:8080", "any")}, key: "localhost:8080"},
		{name: "AWS key, iss of another user pool", logins: map[string]string{testUserPool: tok("http://localhost:9229/us-east-1_OTHER", testClient)},
			msg: msgIssuerMismatch},
		{name: "AWS key, iss without scheme", logins: map[string]string{testUserPool: tok(localKey, testClient)}, msg: msgIssuerMismatch},
		{name: "AWS key, iss of a bare pool id", logins: map[string]string{testUserPool: tok("http:///us-east-1_TEST", testClient)}, msg: msgIssuerMismatch},
		{name: "Amplify key, iss of another host", logins: map[string]string{localKey: tok("http://localhost:9000/us-east-1_TEST", testClient)}, msg: msgIssuerMismatch},
		{name: "Amplify key, wrong client", logins: map[string]string{localKey: tok(localIss, "other-client")}, msg: msgUnsupportedLogin},
		{name: "Amplify key of an unconfigured user pool", logins: map[string]string{"localhost:9229/us-east-1_OTHER": tok("http://localhost:9229/us-east-1_OTHER", testClient)},
			msg: msgUnsupportedLogin},
		// An AWS key names its user pool's region: one of another region
		// is another provider, not a spelling of the configured one (an
		// app whose Amplify v5 region is not the user pool's sends it),
		// and does not name the token's AWS issuer, which AWS answers so
		// (aws-amplify/aws-sdk-android#444).
		{name: "AWS key of another region", logins: map[string]string{"cognito-idp.us-west-2.amazonaws.com/us-east-1_TEST": tok("https://"+testUserPool, testClient)},
			msg: msgIssuerMismatch},
		{name: "configured key of another region than the AWS iss", logins: map[string]string{testUserPool: tok("https://cognito-idp.us-west-2.amazonaws.com/us-east-1_TEST", testClient)},
			msg: msgIssuerMismatch},
		{name: "OIDC provider, iss with a trailing slash", logins: map[string]string{"localhost:8080": tok("http://localhost:8080/", "any")}, key: "localhost:8080"},
		{name: "OIDC provider, iss with two trailing slashes", logins: map[string]string{"localhost:8080": tok("http://localhost:8080//", "any")}, msg: msgIssuerMismatch},
		{name: "OIDC provider, iss of another port", logins: map[string]string{"localhost:8080": tok("http://localhost:8081", "any")}, msg: msgIssuerMismatch},
		{name: "OIDC provider, iss with a path", logins: map[string]string{"localhost:8080": tok("http://localhost:8080/realms/dev", "any")}, msg: msgIssuerMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: tt.logins})
			if tt.msg != "" {
				wantErr(t, err, CodeNotAuthorized, tt.msg)
				return
			}
			wantErr(t, err, "", "")
			logins := e.identity(t, out.IdentityId).Logins
			if len(logins) != 1 || logins[0].Provider != tt.key || logins[0].UserID != "local-user-1" {
				t.Errorf("got logins %+v, want local-user-1 of %s", logins, tt.key)
			}
		})
	}
	// Both spellings of the user pool's key reach one identity, which
	// either can get credentials for.
	e.setRoles(t, pool, nil)
	aws := e.getID(t, pool, map[string]string{testUserPool: tok(localIss, testClient)})
	amplify := e.getID(t, pool, map[string]string{localKey: tok(localIss, testClient)})
	if aws != amplify {
		t.Fatalf("got identities %s (AWS key) and %s (Amplify key), want one", aws, amplify)
	}
	for _, key := range []string{testUserPool, localKey} {
		_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: aws, Logins: map[string]string{key: tok(localIss, testClient)}})
		wantErr(t, err, "", "")
	}
}

// TestVerifiedIssuer checks how identity uses the verifier's answer: an
// iss that the provider declared under the key verified is not checked
// again, other tokens' iss must suit the key, and a refusal stands.
func TestVerifiedIssuer(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	const keycloak = "http://keycloak:8080/realms/dev" // a declared Issuer of testOIDC
	v := verifierFunc(func(ctx context.Context, provider, token string) (bool, error) {
		switch token {
		case "refused":
			return false, notAuthorized(msgBadSignature)
		}
		return provider == testOIDC, nil
	})
	svc := New(Config{Region: testRegion, AccountID: testAccount, Verifier: v}, e.store, e.issuer, e.creds, e.clock.Now, uuid.NewString, nil)
	tok := func(iss string) string { return e.idToken("", "any", "kc-user-1", map[string]any{"iss": iss}) }
	tests := []struct {
		name   string
		logins map[string]string
		msg    string
	}{
		{name: "declared issuer of the key", logins: map[string]string{testOIDC: tok(keycloak)}},
		{name: "unchecked iss must suit the key", logins: map[string]string{"accounts.google.com": e.idToken("", testGoogleApp, "g", map[string]any{"iss": keycloak})},
			msg: msgIssuerMismatch},
		{name: "refused", logins: map[string]string{testOIDC: "refused"}, msg: msgBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: tt.logins})
			if tt.msg != "" {
				wantErr(t, err, CodeNotAuthorized, tt.msg)
				return
			}
			wantErr(t, err, "", "")
		})
	}
}

// TestRefusedClaimLogged checks that a login refused on its claims logs,
// at info with the request id, the check that failed.
func TestRefusedClaimLogged(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc := New(Config{Region: testRegion, AccountID: testAccount}, e.store, e.issuer, e.creds, e.clock.Now, uuid.NewString, logger)
	tests := []struct {
		name, token, check, msg string
	}{
		{"issuer", e.idToken("", testClient, "u1", map[string]any{"iss": "http://localhost:9229/us-east-1_OTHER"}), "check=issuer", msgIssuerMismatch},
		{"audience", e.userPoolToken("u1", map[string]any{"aud": "other"}), "check=audience", msgUnsupportedLogin},
		{"expiry", e.userPoolToken("u1", map[string]any{"exp": e.clock.Now().Add(-time.Hour).Unix()}), "check=expiry", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			ctx := protocol.WithRequestID(e.ctx, "req-"+tt.name)
			_, err := svc.GetId(ctx, &GetIdInput{IdentityPoolId: pool, Logins: map[string]string{testUserPool: tt.token}})
			wantErr(t, err, CodeNotAuthorized, tt.msg)
			for _, want := range []string{"level=INFO", "request_id=req-" + tt.name, tt.check} {
				if !strings.Contains(buf.String(), want) {
					t.Errorf("got log %q, want it to hold %s", buf.String(), want)
				}
			}
		})
	}
}

// TestCognitoKeys: a pool takes idpool's own tokens under
// cognito-identity.amazonaws.com and under its own region's Cognito
// Identity keys, never under another region's.
func TestCognitoKeys(t *testing.T) {
	tests := []struct {
		name, pool, key string
		want            bool
	}{
		{"commercial key in us-east-1", "us-east-1:p", "cognito-identity.amazonaws.com", true},
		{"commercial key in cn-north-1", "cn-north-1:p", "cognito-identity.amazonaws.com", true},
		{"China key in cn-north-1", "cn-north-1:p", "cognito-identity.cn-north-1.amazonaws.com.cn", true},
		{"China key in cn-northwest-1", "cn-northwest-1:p", "cognito-identity.cn-northwest-1.amazonaws.com.cn", true},
		{"another China region's key", "cn-northwest-1:p", "cognito-identity.cn-north-1.amazonaws.com.cn", false},
		{"China key in us-east-1", "us-east-1:p", "cognito-identity.cn-north-1.amazonaws.com.cn", false},
		{"China key without .cn", "cn-north-1:p", "cognito-identity.cn-north-1.amazonaws.com", false},
		{"regional host in us-east-1", "us-east-1:p", "cognito-identity.us-east-1.amazonaws.com", true},
		{"GovCloud principal in us-gov-west-1", "us-gov-west-1:p", "cognito-identity-us-gov.amazonaws.com", true},
		{"GovCloud principal in us-east-1", "us-east-1:p", "cognito-identity-us-gov.amazonaws.com", false},
		{"us-gov-east-1 host", "us-gov-east-1:p", "cognito-identity.us-gov-east-1.amazonaws.com", true},
		{"another provider", "cn-north-1:p", "accounts.google.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cognitoKey(tc.pool, tc.key); got != tc.want {
				t.Errorf("cognitoKey(%q, %q): got %v, want %v", tc.pool, tc.key, got, tc.want)
			}
		})
	}
}
