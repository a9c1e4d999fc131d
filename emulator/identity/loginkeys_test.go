package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/idpool/idpool/protocol"
)

// reasonOf returns the reason the request of ctx was given.
func reasonOf(ctx context.Context) string {
	if r := protocol.RequestFrom(ctx); r != nil {
		return r.Reason
	}
	return ""
}

// wantReason fails t unless reason holds every one of want.
func wantReason(t *testing.T, reason string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(reason, w) {
			t.Errorf("got reason %q, want it to hold %q", reason, w)
		}
	}
}

// TestDeclaredUserPoolKeys: a user pool declared as a provider vouches for
// its tokens' iss under its own key only. Any other key ending in
// /<userPoolId> must name the token's issuer, as AWS answers "Issuer
// doesn't match providerName" for cognito-idp.eu_west_1.amazonaws.com/<pool>
// (aws-amplify/aws-sdk-android#444), (null)/<pool>
// (aws-amplify/aws-sdk-ios#438) and keys written as URLs; the key Amplify
// derives from cognito-local's iss (localhost:9229/<pool>) still passes.
func TestDeclaredUserPoolKeys(t *testing.T) {
	const local = "http://localhost:9229/us-east-1_TEST" // the declared provider's Issuer
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	// As the registry does for a user pool declared with Issuer local,
	// or with its AWS issuer: it checked iss under the configured key.
	v := verifierFunc(func(_ context.Context, provider, _ string) (bool, error) {
		return provider == testUserPool, nil
	})
	svc := New(Config{Region: testRegion, AccountID: testAccount, Verifier: v}, e.store, e.issuer, e.creds, e.clock.Now, uuid.NewString, nil)
	aws := e.userPoolToken("u1", nil)
	tests := []struct {
		name, key, token, msg string
		reason                []string
	}{
		{name: "AWS key", key: testUserPool, token: aws},
		{name: "AWS key, declared local issuer", key: testUserPool, token: e.userPoolToken("u1", map[string]any{"iss": local})},
		{name: "Amplify's key of cognito-local", key: "localhost:9229/us-east-1_TEST", token: e.userPoolToken("u1", map[string]any{"iss": local})},
		{name: "misspelled region", key: "cognito-idp.eu_west_1.amazonaws.com/us-east-1_TEST", token: aws, msg: msgIssuerMismatch,
			reason: []string{"the token's iss https://" + testUserPool + " is key " + testUserPool}},
		{name: "(null) host", key: "(null)/us-east-1_TEST", token: aws, msg: msgIssuerMismatch},
		{name: "key with a scheme", key: "https://" + testUserPool, token: aws, msg: msgIssuerMismatch,
			reason: []string{"remove the scheme from the Logins key"}},
		{name: "another host", key: "evil.example/us-east-1_TEST", token: aws, msg: msgIssuerMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(e.ctx, "req")
			_, err := svc.GetId(ctx, &GetIdInput{IdentityPoolId: pool, Logins: map[string]string{tt.key: tt.token}})
			wantErr(t, err, codeIf(tt.msg), tt.msg)
			wantReason(t, reasonOf(ctx), tt.reason...)
		})
	}
}

// codeIf is NotAuthorizedException when msg is set, else no error.
func codeIf(msg string) string {
	if msg == "" {
		return ""
	}
	return CodeNotAuthorized
}

// TestUnconfiguredKey: a JWT login under a key the pool does not
// configure is refused as AWS refuses it: "Issuer doesn't match
// providerName" when the key does not name the token's issuer (the three
// threads of TestDeclaredUserPoolKeys, amazon-archives/amazon-cognito-identity-js#40
// for an identity pool id in place of the user pool's), "not from a
// supported provider" when it does (aws-amplify/amplify-js#153, #2067) or
// when the token is no JWT. The reason names the key the token's iss is.
func TestUnconfiguredKey(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	const other = "cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER"
	aws := e.userPoolToken("u1", nil)
	oidc := e.idToken(testOIDC, "any", "o1", nil)
	tests := []struct {
		name, key, token, msg string
		reason                []string
	}{
		{name: "another user pool's key", key: other, token: aws, msg: msgIssuerMismatch,
			reason: []string{"is not a login provider of pool", "the token's iss https://" + testUserPool + " is key " + testUserPool}},
		{name: "identity pool id for the user pool's", key: "cognito-idp.us-east-1.amazonaws.com/" + pool, token: aws, msg: msgIssuerMismatch},
		{name: "Amplify v5 key of another region", key: "cognito-idp.us-west-2.amazonaws.com/us-east-1_TEST", token: aws, msg: msgIssuerMismatch},
		{name: "key of the token's own, unconfigured user pool", key: other, token: e.idToken(other, testClient, "u1", nil), msg: msgUnsupportedLogin,
			reason: []string{"is not a login provider of pool", "is key " + other}},
		{name: "OIDC key with a scheme", key: "https://" + testOIDC, token: oidc, msg: msgIssuerMismatch,
			reason: []string{"is key " + testOIDC, "remove the scheme from the Logins key"}},
		{name: "OIDC key with a trailing slash", key: testOIDC + "/", token: oidc, msg: msgIssuerMismatch,
			reason: []string{"remove the trailing slash from the Logins key"}},
		{name: "opaque token", key: "www.digits.com", token: "opaque", msg: msgUnsupportedLogin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(e.ctx, "req")
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: pool, Logins: map[string]string{tt.key: tt.token}})
			wantErr(t, err, CodeNotAuthorized, tt.msg)
			wantReason(t, reasonOf(ctx), tt.reason...)
		})
	}
}

// TestRefusalReasons: refusals whose message leaves the fix out say it in
// the reason (protocol.SetReason), for the log and the console.
func TestRefusalReasons(t *testing.T) {
	e := newEnv(t)
	full := e.createPool(t, fullPool())
	noGuests := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "members", CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: testUserPool, ClientId: testClient}}})
	empty := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "empty", AllowUnauthenticatedIdentities: true})
	noClassic := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "enhanced", AllowUnauthenticatedIdentities: true, AllowClassicFlow: new(bool)})
	guest := e.getID(t, noClassic, nil)
	access := e.idToken(testUserPool, "", "u1", map[string]any{"token_use": "access", "client_id": testClient})
	elsewhere := "eu-west-1" + strings.TrimPrefix(full, testRegion)
	tests := []struct {
		name   string
		call   func(ctx context.Context) error
		code   string
		reason []string
	}{
		{"GetId of a guest where guests are not allowed", func(ctx context.Context) error {
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: noGuests})
			return err
		}, CodeNotAuthorized, []string{"pool " + noGuests + " does not allow guests (AllowUnauthenticatedIdentities false) and the request has no Logins"}},
		{"GetOpenIdToken where the classic flow is off", func(ctx context.Context) error {
			_, err := e.svc.GetOpenIdToken(ctx, &GetOpenIdTokenInput{IdentityId: guest})
			return err
		}, CodeInvalidParameter, []string{"pool " + noClassic + " has AllowClassicFlow false: use GetCredentialsForIdentity (enhanced flow)"}},
		{"a login to a pool without providers", func(ctx context.Context) error {
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: empty, Logins: map[string]string{testUserPool: e.userPoolToken("u1", nil)}})
			return err
		}, CodeNotAuthorized, []string{"configures no login providers; add " + testUserPool}},
		{"a user pool access token", func(ctx context.Context) error {
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: full, Logins: map[string]string{testUserPool: access}})
			return err
		}, CodeNotAuthorized, []string{"this is a user pool access token (token_use access, client_id " + testClient + "); pass the ID token (IdToken) instead"}},
		{"a pool of this uuid in another region", func(ctx context.Context) error {
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: elsewhere})
			return err
		}, CodeResourceNotFound, []string{"a pool of this uuid exists in " + testRegion + ": is the client's region wrong?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(e.ctx, "req")
			err := tt.call(ctx)
			if p, ok := protocol.As(err); !ok || p.Code != tt.code {
				t.Fatalf("got error %v, want %s", err, tt.code)
			}
			wantReason(t, reasonOf(ctx), tt.reason...)
		})
	}
}
