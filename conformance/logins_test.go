package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestProviderLogins checks how GetId judges login tokens, with AWS's
// messages where they are known.
func TestProviderLogins(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, s.fullPool(dev))
	bare := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})

	// A real idpool token of this pool, to show GetId refuses even those.
	guest := s.guestID(t, pool)
	tok, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
	ok(t, err, "GetOpenIdToken")

	now := time.Now().Unix()
	google := func(claims map[string]any) string {
		c := map[string]any{"iss": "https://" + googleKey, "aud": googleClient, "sub": "user-x"}
		for k, v := range claims {
			c[k] = v
		}
		return providerJWT(t, c)
	}
	tests := []struct {
		name   string
		pool   string
		logins map[string]string
		code   string // "" for success
		msg    string
	}{
		{name: "google", pool: pool, logins: map[string]string{googleKey: google(nil)}},
		{name: "google audience as a list", pool: pool, logins: map[string]string{googleKey: google(map[string]any{"aud": []string{"x", googleClient}, "azp": googleClient})}},
		{name: "oidc", pool: pool, logins: map[string]string{oidcKey: oidcToken(t, "o")}},
		{name: "user pool", pool: pool, logins: map[string]string{userPoolKey: userPoolToken(t, "u")}},
		{name: "expired within the 5 minute skew", pool: pool, logins: map[string]string{googleKey: google(map[string]any{"exp": now - 120, "iat": now - 3720})}},
		{
			name: "expired beyond the skew", pool: pool, code: codeNotAuthorized,
			logins: map[string]string{googleKey: google(map[string]any{"exp": now - 600, "iat": now - 4200})},
		},
		{
			name: "provider the pool does not support", pool: pool, code: codeNotAuthorized, msg: msgUnsupported,
			logins: map[string]string{"www.amazon.com": "amzn-token"},
		},
		{
			name: "pool without providers", pool: bare, code: codeNotAuthorized, msg: msgNoProviders(bare),
			logins: map[string]string{googleKey: google(nil)},
		},
		{
			name: "issuer does not match the key", pool: pool, code: codeNotAuthorized, msg: msgIssuerMismatch,
			logins: map[string]string{googleKey: google(map[string]any{"iss": "https://evil.example.com"})},
		},
		{
			name: "issuer of another configured provider", pool: pool, code: codeNotAuthorized, msg: msgIssuerMismatch,
			logins: map[string]string{oidcKey: google(nil)},
		},
		{
			name: "cognito token", pool: pool, code: codeNotAuthorized, msg: msgCognitoToken,
			logins: map[string]string{cognitoKey: aws.ToString(tok.Token)},
		},
		{
			name: "user pool access token without aud", pool: pool, code: codeNotAuthorized, msg: msgMissingAud,
			logins: map[string]string{userPoolKey: providerJWT(t, map[string]any{
				"iss": "https://" + userPoolKey, "sub": "u", "token_use": "access", "client_id": userPoolApp,
			})},
		},
		{
			name: "audience of another client", pool: pool, code: codeNotAuthorized,
			logins: map[string]string{googleKey: google(map[string]any{"aud": "someone-else"})},
		},
		{
			name: "not a JWT", pool: pool, code: codeNotAuthorized,
			logins: map[string]string{googleKey: "not-a-jwt"},
		},
		{
			name: "developer provider key", pool: pool, code: codeInvalidParam, msg: msgPublicProvider,
			logins: map[string]string{dev: "dev-user"},
		},
		{
			name: "one bad login fails the call", pool: pool, code: codeNotAuthorized, msg: msgUnsupported,
			logins: map[string]string{googleKey: google(nil), "www.amazon.com": "amzn-token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(tt.pool), Logins: tt.logins})
			if tt.code == "" {
				ok(t, err, "GetId")
				if !idPattern.MatchString(aws.ToString(out.IdentityId)) {
					t.Errorf("got IdentityId %q, want region:uuid", aws.ToString(out.IdentityId))
				}
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
}

// TestClassicFlow checks AllowClassicFlow: only an explicit false stops
// GetOpenIdToken.
func TestClassicFlow(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		classic *bool
		code    string
		msg     string
	}{
		{"unset", nil, "", ""},
		{"true", aws.Bool(true), "", ""},
		{"false", aws.Bool(false), codeInvalidParam, msgClassicFlowOff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true, AllowClassicFlow: tt.classic})
			guest := s.guestID(t, pool)
			out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
			if tt.code != "" {
				wantAPIError(t, err, tt.code, tt.msg)
				return
			}
			ok(t, err, "GetOpenIdToken")
			if aws.ToString(out.Token) == "" || aws.ToString(out.IdentityId) != guest {
				t.Errorf("got token %q for %q, want a token for %s", aws.ToString(out.Token), aws.ToString(out.IdentityId), guest)
			}
		})
	}
}

// TestPublicOperationsUnsigned shows the four public operations work with
// no signature at all, while the developer operations need one.
func TestPublicOperationsUnsigned(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": s.roleARN("Guest")},
	})
	ok(t, err, "SetIdentityPoolRoles")

	id := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "pub"), oidcKey: oidcToken(t, "pub")})
	guest := s.guestID(t, pool)
	_, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
	ok(t, err, "GetOpenIdToken unsigned")
	_, err = s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
	ok(t, err, "GetCredentialsForIdentity unsigned")
	_, err = s.anon.UnlinkIdentity(ctx, &cognitoidentity.UnlinkIdentityInput{
		IdentityId: aws.String(id), Logins: map[string]string{googleKey: googleToken(t, "pub")}, LoginsToRemove: []string{oidcKey},
	})
	ok(t, err, "UnlinkIdentity unsigned")

	_, err = s.anon.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
	if err == nil {
		t.Fatal("DescribeIdentityPool without a signature: got no error, want a refusal")
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() < 400 || re.HTTPStatusCode() > 499 {
		t.Errorf("DescribeIdentityPool without a signature: got %v, want a 4xx refusal", err)
	}
	t.Logf("unsigned DescribeIdentityPool: %v", err)
}
