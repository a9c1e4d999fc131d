package providers

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// heldByIAM is a Source holding an IAM OpenID Connect provider of the
// Logins key of each of list but those of keys except, as the fixtures
// make one of each provider they declare.
func heldByIAM(t testing.TB, list []Provider, except ...string) mapSource {
	t.Helper()
	m := make(mapSource)
	for _, p := range list {
		key, _ := loginsKey(p.Name)
		if !builtin(key) && !slices.Contains(except, key) {
			m[key] = Provider{Name: "https://" + key, ClientIDs: p.ClientIDs}
		}
	}
	return m
}

// TestSTSDeclaredNeedsIAM: STS takes a declared provider's tokens only
// while IAM holds an OpenID Connect provider of its key, whatever kind
// of provider it is: deleted through IAM, a generic OIDC provider's
// tokens are refused as AWS refuses them ("No OpenIDConnect provider
// found in your account for <iss>"), and taken again once it is made
// again. Google's need none, as STS knows it built in.
func TestSTSDeclaredNeedsIAM(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const (
		oidcIss  = "https://oidc.example.com"
		poolKey  = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
		localIss = "http://localhost:9229/us-east-1_abc"
	)
	list := []Provider{
		{Name: oidcIss, JWKS: jwks(t, k)},
		{Name: poolKey, Issuer: localIss, JWKS: jwks(t, k)},
		{Name: "appleid.apple.com", JWKS: jwks(t, k)},
		{Name: "accounts.google.com", JWKS: jwks(t, k)},
	}
	reg, err := New(list, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := heldByIAM(t, list)
	reg.SetSource(src)
	tests := []struct {
		name, iss, key string
		reason         string // of the refusal once IAM holds no provider of key
	}{
		{"generic OIDC provider", oidcIss, "oidc.example.com", "or reset to the fixtures, which declare it"},
		{"user pool with a local issuer", localIss, poolKey, `or say "IamProvider": true in its fixture Providers entry`},
		{"Apple", "https://appleid.apple.com", "appleid.apple.com", `or say "IamProvider": true in its fixture Providers entry`},
	}
	for _, strict := range []bool{false, true} {
		v := reg.ForSTS(account, strict)
		verify := func(t *testing.T, ctx context.Context, iss string) error {
			t.Helper()
			jwt, err := tokens.Parse(k.sign(t, claims(iss, "app", nil)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.VerifyWebIdentity(ctx, jwt)
			return err
		}
		for _, tt := range tests {
			t.Run(tt.name+strictName(strict), func(t *testing.T) {
				wantErr(t, verify(t, context.Background(), tt.iss), nil)
				held := src[tt.key]
				delete(src, tt.key) // DeleteOpenIDConnectProvider
				ctx := protocol.WithRequestID(context.Background(), "req")
				err := verify(t, ctx, tt.iss)
				wantWire(t, err, sts.CodeInvalidIdentityToken, http.StatusBadRequest, "No OpenIDConnect provider found in your account for "+tt.iss)
				if got, want := protocol.RequestFrom(ctx).Reason, "oidc-provider/"+tt.key; !strings.Contains(got, want) || !strings.Contains(got, tt.reason) {
					t.Errorf("got reason %q, want it to name %s and hold %q", got, want, tt.reason)
				}
				src[tt.key] = held // CreateOpenIDConnectProvider
				wantErr(t, verify(t, context.Background(), tt.iss), nil)
			})
		}
		t.Run("Google, built in"+strictName(strict), func(t *testing.T) {
			wantErr(t, verify(t, context.Background(), "https://accounts.google.com"), nil)
		})
	}
}

func strictName(strict bool) string {
	if strict {
		return ", strict"
	}
	return ""
}
