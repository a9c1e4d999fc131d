package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	jose "github.com/go-jose/go-jose/v4"
)

// jwks fetches the server's published keys over HTTP.
func (s *server) jwks(t *testing.T) jose.JSONWebKeySet {
	t.Helper()
	res := s.get(t, "/.well-known/jwks_uri")
	if res.status != http.StatusOK {
		t.Fatalf("GET /.well-known/jwks_uri: got status %d, want 200 (%s)", res.status, res.body)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(res.body, &set); err != nil {
		t.Fatalf("parse JWKS: %v\n%s", err, res.body)
	}
	if len(set.Keys) == 0 {
		t.Fatal("JWKS has no keys")
	}
	return set
}

// verified is a token checked against the published keys: its protected
// header and its claims, numbers kept as json.Number so that their form
// can be checked.
type verified struct {
	header map[string]any
	claims map[string]any
}

// verify checks token with go-jose against the server's JWKS, fetched now,
// and returns its header and claims.
func (s *server) verify(t *testing.T, token string) verified {
	t.Helper()
	set := s.jwks(t)
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS512})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	if len(jws.Signatures) != 1 {
		t.Fatalf("got %d signatures, want 1", len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	if h.KeyID == "" {
		t.Fatal("token header has no kid")
	}
	keys := set.Key(h.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q: got %d keys in the JWKS, want 1", h.KeyID, len(keys))
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatalf("verify with the published key %q: %v", h.KeyID, err)
	}

	// The raw header, to see exactly what was sent.
	var v verified
	seg := strings.SplitN(token, ".", 3)
	if err := decodeJSONSegment(seg[0], &v.header); err != nil {
		t.Fatalf("token header: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&v.claims); err != nil {
		t.Fatalf("token claims: %v", err)
	}
	return v
}

func decodeJSONSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// checkCommon checks what every idpool token has: the header, iss, aud,
// sub, integer iat/exp about now with the given lifetime.
func (s *server) checkCommon(t *testing.T, v verified, pool, id string, lifetime int64) {
	t.Helper()
	if got := v.header["typ"]; got != "JWS" {
		t.Errorf("header typ: got %v, want JWS", got)
	}
	if got := v.header["alg"]; got != "RS512" {
		t.Errorf("header alg: got %v, want RS512", got)
	}
	if kid, _ := v.header["kid"].(string); kid == "" {
		t.Errorf("header kid: got %v, want a key id", v.header["kid"])
	}
	for claim, want := range map[string]string{"iss": s.issuer, "aud": pool, "sub": id} {
		if got, isString := v.claims[claim].(string); !isString || got != want {
			t.Errorf("claim %s: got %#v, want the string %q", claim, v.claims[claim], want)
		}
	}
	iat, iatOK := integer(v.claims["iat"])
	exp, expOK := integer(v.claims["exp"])
	if !iatOK || !expOK {
		t.Fatalf("iat %v, exp %v: want integer NumericDates", v.claims["iat"], v.claims["exp"])
	}
	if d := exp - iat; d != lifetime {
		t.Errorf("exp-iat: got %d, want %d", d, lifetime)
	}
	if d := time.Since(time.Unix(iat, 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("iat %d is %v away from now", iat, d)
	}
}

func integer(v any) (int64, bool) {
	n, isNumber := v.(json.Number)
	if !isNumber || strings.ContainsAny(n.String(), ".eE") {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

func stringList(v any) ([]string, bool) {
	raw, isList := v.([]any)
	if !isList {
		return nil, false
	}
	out := make([]string, len(raw))
	for i, e := range raw {
		s, isString := e.(string)
		if !isString {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

const (
	poolARNClaim = "https://cognito-identity.amazonaws.com/identity-pool-arn"
	tagsClaim    = "https://aws.amazon.com/tags"
)

func TestOpenIDTokens(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, s.fullPool(dev))
	arn := s.poolARN(pool)

	guest := s.guestID(t, pool)
	google := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "tok-g")})
	oidc := s.loginID(t, pool, map[string]string{oidcKey: oidcToken(t, "tok-o")})

	type result struct {
		id, token string
	}
	openID := func(id string, logins map[string]string) func(t *testing.T) result {
		return func(t *testing.T) result {
			out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id), Logins: logins})
			ok(t, err, "GetOpenIdToken")
			return result{aws.ToString(out.IdentityId), aws.ToString(out.Token)}
		}
	}
	developer := func(user string, duration *int64, tags map[string]string) func(t *testing.T) result {
		return func(t *testing.T) result {
			out, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: user}, TokenDuration: duration, PrincipalTags: tags,
			})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			return result{aws.ToString(out.IdentityId), aws.ToString(out.Token)}
		}
	}

	tests := []struct {
		name     string
		get      func(t *testing.T) result
		id       string // "" for a developer identity, unknown before the call
		lifetime int64
		amr      func(id string) []string
		poolARN  bool
		tags     map[string][]string
	}{
		{
			name: "guest", get: openID(guest, nil), id: guest, lifetime: 600,
			amr: func(string) []string { return []string{"unauthenticated"} },
		},
		{
			name: "google login", get: openID(google, map[string]string{googleKey: googleToken(t, "tok-g")}), id: google, lifetime: 600,
			amr: func(string) []string {
				return []string{"authenticated", googleKey, googleKey + ":" + googleClient + ":tok-g"}
			},
			poolARN: true,
		},
		{
			name: "oidc login", get: openID(oidc, map[string]string{oidcKey: oidcToken(t, "tok-o")}), id: oidc, lifetime: 600,
			amr:     func(string) []string { return []string{"authenticated", oidcKey, s.oidcARN() + ":OIDC:tok-o"} },
			poolARN: true,
		},
		{
			name: "developer default duration", get: developer("dev-a", nil, nil), lifetime: 900,
			amr:     func(string) []string { return []string{"authenticated", dev, dev + ":" + pool + ":dev-a"} },
			poolARN: true,
		},
		{
			name: "developer TokenDuration and principal tags", get: developer("dev-b", aws.Int64(3600), map[string]string{"team": "blue", "level": "7"}), lifetime: 3600,
			amr:     func(string) []string { return []string{"authenticated", dev, dev + ":" + pool + ":dev-b"} },
			poolARN: true,
			tags:    map[string][]string{"team": {"blue"}, "level": {"7"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.get(t)
			if tt.id != "" && r.id != tt.id {
				t.Errorf("got IdentityId %s, want %s", r.id, tt.id)
			}
			v := s.verify(t, r.token)
			s.checkCommon(t, v, pool, r.id, tt.lifetime)
			if amr, isList := stringList(v.claims["amr"]); !isList || !reflect.DeepEqual(amr, tt.amr(r.id)) {
				t.Errorf("amr: got %#v, want %q", v.claims["amr"], tt.amr(r.id))
			}
			got, has := v.claims[poolARNClaim]
			if tt.poolARN && got != arn {
				t.Errorf("%s: got %#v, want %q", poolARNClaim, got, arn)
			}
			if !tt.poolARN && has {
				t.Errorf("%s: got %#v in an unauthenticated token, want none", poolARNClaim, got)
			}
			raw, has := v.claims[tagsClaim]
			if tt.tags == nil {
				if has {
					t.Errorf("%s: got %#v, want none", tagsClaim, raw)
				}
				return
			}
			obj, _ := raw.(map[string]any)
			pt, _ := obj["principal_tags"].(map[string]any)
			gotTags := map[string][]string{}
			for k, v := range pt {
				l, isList := stringList(v)
				if !isList {
					t.Errorf("principal tag %s: got %#v, want a list of strings", k, v)
				}
				gotTags[k] = l
			}
			if !reflect.DeepEqual(gotTags, tt.tags) {
				t.Errorf("%s: got %#v, want principal_tags %v", tagsClaim, raw, tt.tags)
			}
		})
	}

	t.Run("TokenDuration limits", func(t *testing.T) {
		out, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "dev-max"}, TokenDuration: aws.Int64(86400),
		})
		ok(t, err, "TokenDuration 86400")
		s.checkCommon(t, s.verify(t, aws.ToString(out.Token)), pool, aws.ToString(out.IdentityId), 86400)
		_, err = s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "dev-max"}, TokenDuration: aws.Int64(86401),
		})
		wantAPIError(t, err, codeValidation, "1 validation error detected: Value '86401' at 'tokenDuration' failed to satisfy constraint: Member must have value less than or equal to 86400")
	})

	t.Run("merged identity token names the survivor", func(t *testing.T) {
		g := s.guestID(t, pool)
		r := openID(g, map[string]string{googleKey: googleToken(t, "tok-g")})(t)
		if r.id != google {
			t.Fatalf("got %s, want survivor %s", r.id, google)
		}
		s.checkCommon(t, s.verify(t, r.token), pool, google, 600)
	})
}

func TestTokenSurvivesRestart(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	s.needRestart(t)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	guest := s.guestID(t, pool)
	out, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
	ok(t, err, "GetOpenIdToken")
	before := s.verify(t, aws.ToString(out.Token))

	s.restart(t)

	after := s.verify(t, aws.ToString(out.Token))
	if !reflect.DeepEqual(before.claims, after.claims) {
		t.Errorf("claims changed across restart: %v, then %v", before.claims, after.claims)
	}
	// New tokens still verify (the key was reloaded, not lost).
	out, err = s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
	ok(t, err, "GetOpenIdToken after restart")
	s.checkCommon(t, s.verify(t, aws.ToString(out.Token)), pool, guest, 600)
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	res := s.get(t, "/.well-known/openid-configuration")
	if res.status != http.StatusOK {
		t.Fatalf("got status %d, want 200 (%s)", res.status, res.body)
	}
	var doc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatalf("parse: %v\n%s", err, res.body)
	}
	if doc.Issuer != s.issuer {
		t.Errorf("issuer: got %q, want %q", doc.Issuer, s.issuer)
	}
	if !strings.HasSuffix(doc.JWKSURI, "/.well-known/jwks_uri") {
		t.Errorf("jwks_uri: got %q, want …/.well-known/jwks_uri", doc.JWKSURI)
	}
	if !reflect.DeepEqual(doc.Algs, []string{"RS512"}) {
		t.Errorf("id_token_signing_alg_values_supported: got %v, want [RS512]", doc.Algs)
	}

	// The document's jwks_uri must serve the key set (in-process it names
	// this very server).
	if s.restartFn != nil {
		res, err := http.Get(doc.JWKSURI)
		if err != nil {
			t.Fatalf("GET jwks_uri: %v", err)
		}
		defer res.Body.Close()
		var set jose.JSONWebKeySet
		if err := json.NewDecoder(res.Body).Decode(&set); err != nil || len(set.Keys) == 0 {
			t.Errorf("jwks_uri %s: got %d keys (%v), want a key set", doc.JWKSURI, len(set.Keys), err)
		}
	}
	for _, k := range s.jwks(t).Keys {
		if k.Algorithm != "RS512" || k.Use != "sig" || k.KeyID == "" || !k.Valid() || !k.IsPublic() {
			t.Errorf("JWKS key %q: got alg %q use %q public %v, want a public RS512 signing key", k.KeyID, k.Algorithm, k.Use, k.IsPublic())
		}
	}
}
