package conformance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"
)

// localClaims are the claims of an ID token of p for localApp, valid for
// an hour, with extra merged in.
func localClaims(p *localOIDC, sub string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": p.URL, "aud": localApp, "sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	maps.Copy(c, extra)
	return c
}

// localRole is the role of localWorld that trusts its provider.
const localRole = "arn:aws:iam::123456789012:role/LocalOIDC"

// strictLocal starts a strict server whose fixtures declare p (localWorld)
// and returns it with the pool that configures p.
func strictLocal(t *testing.T, p *localOIDC) (*server, string) {
	t.Helper()
	path, pool := localWorld(t, p)
	return testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"}), pool
}

// TestLocalOIDCKeysWithoutKID: a declared provider whose key set holds an
// RSA and an EC key, neither with a kid (RFC 7517 makes it optional), as
// jose mock issuers serve: its tokens, which name no kid either, pass GetId
// and STS in strict mode, and a stranger's is refused as a token error,
// not as an unreachable provider.
func TestLocalOIDCKeysWithoutKID(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(jose.JSONWebKey{Key: p.key.Public(), Use: "sig"}, jose.JSONWebKey{Key: ec.Public(), Use: "sig"})
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, pool := strictLocal(t, p)

	rs := signClaims(t, p.key, jose.RS256, "JWT", "", localClaims(p, "oidc-user-rs", nil))
	es := signClaims(t, ec, jose.ES256, "JWT", "", localClaims(p, "oidc-user-es", nil))
	for name, tok := range map[string]string{"RS256": rs, "ES256": es} {
		id := s.loginID(t, pool, map[string]string{p.host(): tok})
		s.enhancedCreds(t, id, map[string]string{p.host(): tok})
		_, err := s.assumeWeb(tok, localRole, "nokid", nil)
		ok(t, err, "AssumeRoleWithWebIdentity "+name)
	}

	forged := signClaims(t, stranger, jose.RS256, "JWT", "", localClaims(p, "oidc-user-rs", nil))
	_, err = s.anon.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{p.host(): forged}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
	_, err = s.assumeWeb(forged, localRole, "nokid", nil)
	wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Token signature verification failed")
}

// TestLocalOIDCAudienceAndExpiry: the audience of a declared provider's
// token is its azp when it has one, else its aud, for GetId and STS alike;
// STS accepts a token up to five minutes past its exp, as IAM documents.
func TestLocalOIDCAudienceAndExpiry(t *testing.T) {
	t.Parallel()
	p := newLocalOIDC(t)
	s, pool := strictLocal(t, p)
	sign := func(extra map[string]any) string {
		return signJWT(t, p.key, p.kid, localClaims(p, "oidc-user-1", extra))
	}
	now := time.Now()

	tests := []struct {
		name       string
		token      string
		getIDMsg   string // GetId's NotAuthorizedException message; "" for success
		stsCode    string // AssumeRoleWithWebIdentity's error code; "" for success
		stsMessage string
	}{
		{name: "azp is the client", token: sign(map[string]any{"aud": "api", "azp": localApp})},
		{name: "aud is the client, azp another", token: sign(map[string]any{"azp": "zzz"}),
			getIDMsg: "Invalid login token. Incorrect token audience.", stsCode: codeInvalidToken, stsMessage: "Incorrect token audience"},
		{name: "expired two minutes ago", token: sign(map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})},
		{name: "expired six minutes ago", token: sign(map[string]any{"exp": now.Add(-6 * time.Minute).Unix()}),
			getIDMsg: "Invalid login token. Token expired: ", stsCode: codeExpiredToken, stsMessage: msgTokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.anon.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{p.host(): tt.token}})
			if tt.getIDMsg == "" {
				ok(t, err, "GetId")
			} else {
				wantAPIError(t, err, "NotAuthorizedException", "")
				wantMessagePrefix(t, err, tt.getIDMsg)
			}
			_, err = s.assumeWeb(tt.token, localRole, "aud", nil)
			if tt.stsCode == "" {
				ok(t, err, "AssumeRoleWithWebIdentity")
				return
			}
			wantSTSError(t, err, tt.stsCode, http.StatusBadRequest, "")
			wantMessagePrefix(t, err, tt.stsMessage)
		})
	}
}

// wantMessagePrefix fails t unless err is an API error whose message
// starts with prefix.
func wantMessagePrefix(t *testing.T, err error, prefix string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) || !strings.HasPrefix(api.ErrorMessage(), prefix) {
		t.Errorf("got error %v, want a message starting with %q", err, prefix)
	}
}
