package conformance

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	jose "github.com/go-jose/go-jose/v4"
)

// TestJWKSEncodingAWS: started with IDPOOL_JWKS_ENCODING=aws (the
// --jwks-encoding flag), idpool serves its key set at both paths as
// Cognito Identity's own key set was in 2020 (copied in lestrrat-go/jwx
// jwk/jwk_test.go, TestGitHubIssue136): n in padded standard base64 after a
// zero byte, e "AQAB". go-jose, as go-oidc and keyfunc use it, refuses
// that document, as it refuses AWS's; decoded as AWS's form must be, the
// keys verify the tokens GetOpenIdToken returns, also after a rotation.
func TestJWKSEncodingAWS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testServerEnv(t, map[string]string{"IDPOOL_JWKS_ENCODING": "aws"})
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	guest := s.guestID(t, pool)
	token := func() string {
		t.Helper()
		out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
		ok(t, err, "GetOpenIdToken")
		return aws.ToString(out.Token)
	}

	before := token()
	if res := s.post(t, "/_idpool/keys/rotate", ""); res.status != http.StatusOK {
		t.Fatalf("rotate: got status %d, want 200 (%s)", res.status, res.body)
	}
	after := token()
	for _, path := range []string{"/.well-known/jwks_uri", "/.well-known/jwks.json"} {
		t.Run(path, func(t *testing.T) {
			res := s.get(t, path)
			if res.status != http.StatusOK {
				t.Fatalf("got status %d, want 200 (%s)", res.status, res.body)
			}
			var goJose jose.JSONWebKeySet
			if err := json.Unmarshal(res.body, &goJose); err == nil {
				t.Errorf("go-jose unmarshal: got no error, want AWS's form refused as on AWS\n%s", res.body)
			}
			keys := awsFormKeys(t, res.body)
			if len(keys) != 2 {
				t.Errorf("got %d keys, want 2 (the rotated-out one kept)", len(keys))
			}
			for _, tok := range []string{before, after} {
				verifyWith(t, keys, tok)
			}
		})
	}
}

// awsFormKeys decodes a key set whose n and e are in AWS's form, failing t
// on any other form.
func awsFormKeys(t *testing.T, body []byte) map[string]*rsa.PublicKey {
	t.Helper()
	var set struct {
		Keys []struct{ Kty, Alg, Use, Kid, N, E string } `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatalf("parse JWKS: %v\n%s", err, body)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		n, err := base64.StdEncoding.Strict().DecodeString(k.N)
		if err != nil || len(n) != 257 || n[0] != 0 || !strings.HasSuffix(k.N, "=") {
			t.Errorf("key %s n %q: got %d bytes (%v), want 257 bytes of padded standard base64 starting with a zero byte", k.Kid, k.N, len(n), err)
			continue
		}
		if k.E != "AQAB" || k.Kty != "RSA" || k.Alg != "RS512" || k.Use != "sig" {
			t.Errorf("key %s: got kty %q alg %q use %q e %q, want RSA RS512 sig AQAB", k.Kid, k.Kty, k.Alg, k.Use, k.E)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	}
	return keys
}

// verifyWith checks the RS512 signature of token with the key its kid names.
func verifyWith(t *testing.T, keys map[string]*rsa.PublicKey, token string) {
	t.Helper()
	segs := strings.Split(token, ".")
	if len(segs) != 3 {
		t.Fatalf("token: got %d segments, want 3", len(segs))
	}
	var h struct{ Kid string }
	if err := decodeJSONSegment(segs[0], &h); err != nil {
		t.Fatalf("token header: %v", err)
	}
	pub := keys[h.Kid]
	if pub == nil {
		t.Fatalf("kid %q: not in the key set", h.Kid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(segs[2])
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	digest := sha512.Sum512([]byte(segs[0] + "." + segs[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, digest[:], sig); err != nil {
		t.Errorf("verify with the published key %q: %v", h.Kid, err)
	}
}
