package idpooltest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator"
	"github.com/idpool/idpool/emulator/idpooltest"
)

// composeGuest is the unauthenticated role of composePool.
const composeGuest = "arn:aws:iam::123456789012:role/AppGuest"

// TestJWKSURL: a token of GetOpenIdToken verifies with the keys fetched
// from JWKSURL, with AWS's issuer, the pool as audience and the identity
// as subject, as the Server's doc comment says to verify it.
func TestJWKSURL(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"))
	id, token := openIDToken(t, srv, poolID)
	if got, want := srv.JWKSURL(), srv.URL()+"/.well-known/jwks_uri"; got != want {
		t.Errorf("JWKSURL: got %q, want %q", got, want)
	}
	c := verifyToken(t, srv.JWKSURL(), token)
	tests := []struct{ claim, got, want string }{
		{"iss", c.Iss, emulator.DefaultIssuer},
		{"aud", c.Aud, poolID},
		{"sub", c.Sub, id},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("claim %s: got %q, want %q", tt.claim, tt.got, tt.want)
		}
	}
}

// claims are those of idpool's tokens that TestJWKSURL checks.
type claims struct {
	Iss, Sub string
	Aud      string
}

// verifyToken verifies token's RS512 signature with a key of the set at
// jwksURL, and returns its claims.
func verifyToken(t *testing.T, jwksURL, token string) claims {
	t.Helper()
	res, err := http.Get(jwksURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var keys jose.JSONWebKeySet
	if err := json.NewDecoder(res.Body).Decode(&keys); err != nil {
		t.Fatalf("key set at %s: %v", jwksURL, err)
	}
	jws := parseToken(t, token)
	kid := jws.Signatures[0].Header.KeyID
	found := keys.Key(kid)
	if len(found) == 0 {
		t.Fatalf("key %q: got none in the set at %s, want it", kid, jwksURL)
	}
	payload, err := jws.Verify(found[0])
	if err != nil {
		t.Fatalf("signature: got %v, want it verified", err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatalf("claims %s: %v", payload, err)
	}
	return c
}

// openIDToken returns a new guest identity of pool and its OpenID token.
func openIDToken(t *testing.T, srv *idpooltest.Server, pool string) (string, string) {
	t.Helper()
	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())
	id, err := ci.GetId(t.Context(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool)})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	out, err := ci.GetOpenIdToken(t.Context(), &cognitoidentity.GetOpenIdTokenInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetOpenIdToken: %v", err)
	}
	return aws.ToString(id.IdentityId), aws.ToString(out.Token)
}

// TestReset: Reset takes away what tests wrote, a pool and an identity,
// and keeps the fixture's pool.
func TestReset(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"))
	ctx := t.Context()
	ci := cognitoidentity.NewFromConfig(srv.AWSConfig())
	pool, err := ci.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("mine"), AllowUnauthenticatedIdentities: true})
	if err != nil {
		t.Fatalf("CreateIdentityPool: %v", err)
	}
	id, _ := openIDToken(t, srv, poolID)
	if err := srv.Reset(ctx); err != nil {
		t.Fatalf("Reset: got %v, want nil", err)
	}
	_, err = ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: pool.IdentityPoolId})
	wantCode(t, "DescribeIdentityPool of the pool created before Reset", err, "ResourceNotFoundException")
	_, err = ci.DescribeIdentity(ctx, &cognitoidentity.DescribeIdentityInput{IdentityId: aws.String(id)})
	wantCode(t, "DescribeIdentity of the identity made before Reset", err, "ResourceNotFoundException")
	if _, err := ci.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(poolID)}); err != nil {
		t.Errorf("DescribeIdentityPool of the fixture's pool after Reset: got %v, want it kept", err)
	}
}

// TestExpire: ExpireToken and ExpireCredentials make STS refuse the
// token and the credentials, which it took before.
func TestExpire(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("../../conformance/testdata/compose"))
	ctx := t.Context()
	cfg := srv.AWSConfig()
	id, token := openIDToken(t, srv, composePool)

	anon := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	assume := func() error {
		_, err := anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(composeGuest), RoleSessionName: aws.String("session"), WebIdentityToken: aws.String(token)})
		return err
	}
	if err := assume(); err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity before ExpireToken: %v", err)
	}
	if err := srv.ExpireToken(ctx, token); err != nil {
		t.Fatalf("ExpireToken: got %v, want nil", err)
	}
	wantCode(t, "AssumeRoleWithWebIdentity after ExpireToken", assume(), "ExpiredTokenException")

	out, err := cognitoidentity.NewFromConfig(cfg).GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	c := out.Credentials
	signed := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretKey, *c.SessionToken)
	})
	caller := func() error {
		_, err := signed.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}
	if err := caller(); err != nil {
		t.Fatalf("GetCallerIdentity before ExpireCredentials: %v", err)
	}
	if err := srv.ExpireCredentials(ctx, *c.AccessKeyId, *c.SessionToken); err != nil {
		t.Fatalf("ExpireCredentials: got %v, want nil", err)
	}
	wantCode(t, "GetCallerIdentity after ExpireCredentials", caller(), "ExpiredToken")
}

// TestRotateKey: after RotateKey, new tokens are signed by another key of
// the set at JWKSURL, and those signed before still verify.
func TestRotateKey(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithFixtureFile("testdata/pools.json"))
	_, before := openIDToken(t, srv, poolID)
	if err := srv.RotateKey(t.Context()); err != nil {
		t.Fatalf("RotateKey: got %v, want nil", err)
	}
	_, after := openIDToken(t, srv, poolID)
	if kb, ka := parseToken(t, before).Signatures[0].Header.KeyID, parseToken(t, after).Signatures[0].Header.KeyID; kb == ka {
		t.Errorf("key of a token after RotateKey: got %q, want another than before's", ka)
	}
	for _, tok := range []string{before, after} {
		verifyToken(t, srv.JWKSURL(), tok)
	}
}

// parseToken parses an RS512 token of compact serialization, as idpool's
// are, without verifying it.
func parseToken(t *testing.T, token string) *jose.JSONWebSignature {
	t.Helper()
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS512})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return jws
}

// TestControlErrors: a control's refusal is an error with its status and
// message, and a closed server's is an error too.
func TestControlErrors(t *testing.T) {
	srv, err := idpooltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	closed, err := idpooltest.Start()
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	ctx := t.Context()
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"ExpireToken of no token", srv.ExpireToken(ctx, "not.a.token"), []string{"/_idpool/tokens/expire", "400", "not a valid token"}},
		{"ExpireCredentials of unknown keys", srv.ExpireCredentials(ctx, "ASIAUNKNOWN000000000", ""), []string{"404", "no credentials with access key id ASIAUNKNOWN000000000"}},
		{"Reset of a closed server", closed.Reset(ctx), []string{"/_idpool/reset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatalf("got nil, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(tt.err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", tt.err, w)
				}
			}
		})
	}
}

// wantCode fails t unless err is an API error of code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}
