package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const (
	host    = "login.example.com"
	issuer  = "https://" + host
	client  = "client-1"
	client2 = "client-2"
)

func TestVerify(t *testing.T) {
	rs256 := rsaKey(t, "rsa-1", jose.RS256)
	rs512 := signer{kid: "rsa-1", alg: jose.RS512, priv: rs256.priv} // same key, other hash
	es256 := ecKey(t, "ec-256", jose.ES256)
	es384 := ecKey(t, "ec-384", jose.ES384)
	es512 := ecKey(t, "ec-521", jose.ES512)
	other := rsaKey(t, "rsa-1", jose.RS256) // another key under a known kid
	// An ES256 signature made with the P-384 key named as the P-256 one.
	wrongCurve := signer{kid: "ec-256", alg: jose.ES384, priv: es384.priv}

	// Keys without kid (RFC 7517 makes it optional), and two keys of one
	// kid, which RFC 7517 allows when their types differ.
	rsaNoKID := rsaKey(t, "", jose.RS256)
	ecNoKID := ecKey(t, "", jose.ES256)
	rsaSame := rsaKey(t, "same", jose.RS256)
	ecSame := ecKey(t, "same", jose.ES256)
	const nokid, same, ecOnly = "nokid.example.com", "same.example.com", "ec.example.com"

	clk := newClock()
	reg, err := New([]Provider{
		{Name: host, JWKS: jwks(t, rs256, es256, es384, es512), ClientIDs: []string{client}},
		{Name: "open.example.com", JWKS: jwks(t, rs256)},
		{Name: nokid, JWKS: jwks(t, rsaNoKID, ecNoKID)},
		{Name: same, JWKS: jwks(t, rsaSame, ecSame)},
		{Name: ecOnly, JWKS: jwks(t, es256)},
	}, nil, clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := claims(issuer, client, nil)
	signed := rs256.sign(t, good)

	tests := []struct {
		name     string
		provider string
		token    string
		extra    []string
		skew     time.Duration
		want     error
	}{
		{name: "RS256", token: signed},
		{name: "RS512", token: rs512.sign(t, good)},
		{name: "ES256", token: es256.sign(t, good)},
		{name: "ES384", token: es384.sign(t, good)},
		{name: "ES512", token: es512.sign(t, good)},
		{name: "provider named by its issuer", provider: issuer, token: signed},
		{name: "signed by another key", token: other.sign(t, good), want: ErrSignature},
		{name: "tampered payload", token: tamper(t, signed, claims(issuer, client, map[string]any{"sub": "someone-else"})), want: ErrSignature},
		{name: "signature stripped", token: signed[:strings.LastIndexByte(signed, '.')+1], want: ErrSignature},
		{name: "alg none", token: compact(t, map[string]any{"alg": "none", "kid": "rsa-1"}, good, nil), want: ErrSignature},
		{name: "HS256 keyed with the public key", token: rs256.hs256(t, good), want: ErrSignature},
		{name: "PS256 is not accepted", token: signer{kid: "rsa-1", alg: jose.PS256, priv: rs256.priv}.sign(t, good), want: ErrSignature},
		{name: "ES alg with an RSA key", token: es256.signAs(t, "rsa-1", good), want: ErrSignature},
		{name: "curve does not suit alg", token: wrongCurve.sign(t, good), want: ErrSignature},
		{name: "unknown kid", token: rs256.signAs(t, "rsa-9", good), want: ErrUnknownKey},
		{name: "no kid, several keys: the RSA one", token: rs256.signAs(t, "", good)},
		{name: "no kid, several keys: an EC one", token: es384.signAs(t, "", good)},
		{name: "no kid, signed by a stranger", token: other.signAs(t, "", good), want: ErrSignature},
		{name: "no kid, no key suits alg", provider: ecOnly, token: rs256.signAs(t, "", claims("https://"+ecOnly, "a", nil)), want: ErrUnknownKey},
		{name: "set without kids: RSA", provider: nokid, token: rsaNoKID.sign(t, claims("https://"+nokid, "a", nil))},
		{name: "set without kids: EC", provider: nokid, token: ecNoKID.sign(t, claims("https://"+nokid, "a", nil))},
		{name: "set without kids: a named kid is unknown", provider: nokid, token: rsaNoKID.signAs(t, "k1", claims("https://"+nokid, "a", nil)), want: ErrUnknownKey},
		{name: "set without kids: tampered", provider: nokid, token: tamper(t, rsaNoKID.sign(t, claims("https://"+nokid, "a", nil)), claims("https://"+nokid, "a", map[string]any{"sub": "x"})), want: ErrSignature},
		{name: "one kid, two keys: RSA", provider: same, token: rsaSame.sign(t, claims("https://"+same, "a", nil))},
		{name: "one kid, two keys: EC", provider: same, token: ecSame.sign(t, claims("https://"+same, "a", nil))},
		{name: "no kid, one key", provider: "open.example.com", token: rs256.signAs(t, "", claims("https://open.example.com", "any", nil))},
		{name: "wrong issuer", token: rs256.sign(t, claims("https://evil.example.com", client, nil)), want: ErrIssuer},
		{name: "issuer without scheme", token: rs256.sign(t, claims(host, client, nil)), want: ErrIssuer},
		{name: "http issuer of a bare name", token: rs256.sign(t, claims("http://"+host, client, nil))},
		{name: "no issuer", token: rs256.sign(t, claims(issuer, client, map[string]any{"iss": nil})), want: ErrIssuer},
		{name: "other audience", token: rs256.sign(t, claims(issuer, client2, nil)), want: ErrAudience},
		{name: "audience in a list", token: rs256.sign(t, claims(issuer, "", map[string]any{"aud": []string{client2, client}}))},
		{name: "azp matches", token: rs256.sign(t, claims(issuer, client2, map[string]any{"azp": client}))},
		{name: "azp does not match", token: rs256.sign(t, claims(issuer, client2, map[string]any{"azp": "x"})), want: ErrAudience},
		{name: "azp decides over a matching aud", token: rs256.sign(t, claims(issuer, client, map[string]any{"azp": "zzz"})), want: ErrAudience},
		{name: "azp decides over a matching aud list", token: rs256.sign(t, claims(issuer, "", map[string]any{"aud": []string{client, client2}, "azp": client2})), want: ErrAudience},
		{name: "azp without aud", token: rs256.sign(t, claims(issuer, "", map[string]any{"aud": nil, "azp": client}))},
		{name: "no audience", token: rs256.sign(t, claims(issuer, "", map[string]any{"aud": nil})), want: ErrAudience},
		{name: "ClientIDs win over extra audiences", token: rs256.sign(t, claims(issuer, client2, nil)), extra: []string{client2}, want: ErrAudience},
		{name: "extra audience matches", provider: "open.example.com", token: rs256.sign(t, claims("https://open.example.com", "pool-app", nil)), extra: []string{"pool-app"}},
		{name: "extra audience does not match", provider: "open.example.com", token: rs256.sign(t, claims("https://open.example.com", "other-app", nil)), extra: []string{"pool-app"}, want: ErrAudience},
		{name: "no client ids: any audience", provider: "open.example.com", token: rs256.sign(t, claims("https://open.example.com", "any-app", nil))},
		{name: "no client ids: azp without aud", provider: "open.example.com", token: rs256.sign(t, claims("https://open.example.com", "", map[string]any{"aud": nil, "azp": "cli"}))},
		// A user pool's access token names its client in client_id and
		// has no aud: it is not an ID token.
		{name: "no client ids: no audience", provider: "open.example.com", token: rs256.sign(t, claims("https://open.example.com", "", map[string]any{"aud": nil, "client_id": "app", "token_use": "access"})), want: ErrAudience},
		{name: "expired within skew", token: rs256.sign(t, claims(issuer, client, map[string]any{"exp": t0.Add(-4 * time.Minute).Unix()})), skew: 5 * time.Minute},
		{name: "expired beyond skew", token: rs256.sign(t, claims(issuer, client, map[string]any{"exp": t0.Add(-6 * time.Minute).Unix()})), skew: 5 * time.Minute, want: ErrExpired},
		{name: "expires now", token: rs256.sign(t, claims(issuer, client, map[string]any{"exp": t0.Unix()})), want: ErrExpired},
		{name: "not yet valid within skew", token: rs256.sign(t, claims(issuer, client, map[string]any{"nbf": t0.Add(4 * time.Minute).Unix()})), skew: 5 * time.Minute},
		{name: "not yet valid beyond skew", token: rs256.sign(t, claims(issuer, client, map[string]any{"nbf": t0.Add(6 * time.Minute).Unix()})), skew: 5 * time.Minute, want: ErrNotYetValid},
		{name: "no exp", token: rs256.sign(t, claims(issuer, client, map[string]any{"exp": nil})), want: ErrMalformed},
		{name: "exp not a number", token: rs256.sign(t, claims(issuer, client, map[string]any{"exp": "tomorrow"})), want: ErrMalformed},
		{name: "not a JWT", token: "opaque-access-token", want: ErrMalformed},
		{name: "four segments", token: signed + ".x", want: ErrMalformed},
		{name: "empty", token: "", want: ErrMalformed},
		{name: "unknown provider", provider: "accounts.google.com", token: signed, want: ErrUnknownProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.provider
			if p == "" {
				p = host
			}
			got, err := reg.Verify(context.Background(), p, tt.token, tt.extra, tt.skew)
			wantErr(t, err, tt.want)
			if tt.want == nil && (got == nil || got.Subject() != "user-123456") {
				t.Fatalf("got token %+v, want one of subject user-123456", got)
			}
			if tt.want != nil && got != nil {
				t.Fatalf("got token %+v with error %v, want none", got, err)
			}
		})
	}
}

func TestVerifyErrorDetails(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	reg, err := New([]Provider{{Name: host, JWKS: jwks(t, k), ClientIDs: []string{client}}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	exp := t0.Add(-time.Hour)
	_, err = reg.Verify(ctx, host, k.sign(t, claims(issuer, client, map[string]any{"exp": exp.Unix()})), nil, 0)
	var te *TimeError
	if !errors.As(err, &te) || te.Claim != "exp" || !te.At.Equal(exp) || !te.Now.Equal(t0) {
		t.Errorf("expired: got %#v, want a TimeError of exp %v at %v", err, exp, t0)
	}
	if errors.Is(err, ErrNotYetValid) {
		t.Errorf("expired: got %v matching ErrNotYetValid", err)
	}

	_, err = reg.Verify(ctx, host, k.sign(t, claims(issuer, "", map[string]any{"aud": nil})), nil, 0)
	var mc *MissingClaimError
	if !errors.As(err, &mc) || mc.Claim != "aud" || errors.Is(err, ErrMalformed) {
		t.Errorf("no aud: got %v, want a MissingClaimError of aud", err)
	}
	_, err = reg.Verify(ctx, host, k.sign(t, claims(issuer, client, map[string]any{"exp": nil})), nil, 0)
	if !errors.As(err, &mc) || mc.Claim != "exp" || errors.Is(err, ErrAudience) {
		t.Errorf("no exp: got %v, want a MissingClaimError of exp", err)
	}
	// The refusal's reason names the client ids the audience must be one
	// of, as identity's own audience check does.
	_, err = reg.Verify(ctx, host, k.sign(t, claims(issuer, "other", nil)), nil, 0)
	if want := fmt.Sprintf("want one of %q", []string{client}); !errors.Is(err, ErrAudience) || !strings.Contains(err.Error(), want) {
		t.Errorf("wrong audience: got %v, want ErrAudience saying %s", err, want)
	}
}

func TestVerifyIssuers(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	set := jwks(t, k)
	reg, err := New([]Provider{
		{Name: "accounts.google.com", JWKS: set},
		{Name: "http://localhost:9229/us-east-1_abc", JWKS: set},
		{Name: "https://secure.example.com/realms/dev", JWKS: set},
	}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, provider, iss string
		want                error
	}{
		{name: "google with scheme", provider: "accounts.google.com", iss: "https://accounts.google.com"},
		{name: "google without scheme", provider: "accounts.google.com", iss: "accounts.google.com"},
		{name: "http name, by key", provider: "localhost:9229/us-east-1_abc", iss: "http://localhost:9229/us-east-1_abc"},
		{name: "http name, by issuer", provider: "http://localhost:9229/us-east-1_abc", iss: "http://localhost:9229/us-east-1_abc"},
		{name: "http name refuses https", provider: "localhost:9229/us-east-1_abc", iss: "https://localhost:9229/us-east-1_abc", want: ErrIssuer},
		{name: "https name with a path", provider: "secure.example.com/realms/dev", iss: "https://secure.example.com/realms/dev"},
		{name: "trailing slash differs", provider: "secure.example.com/realms/dev", iss: "https://secure.example.com/realms/dev/", want: ErrIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reg.Verify(context.Background(), tt.provider, k.sign(t, claims(tt.iss, "a", nil)), nil, 0)
			wantErr(t, err, tt.want)
		})
	}
}

func TestNew(t *testing.T) {
	rk := rsaKey(t, "r", jose.RS256)
	ek := ecKey(t, "e", jose.ES256)
	set := jwks(t, rk)
	single, err := json.Marshal(rk.jwk())
	if err != nil {
		t.Fatal(err)
	}
	private, err := json.Marshal(jose.JSONWebKey{Key: rk.priv, KeyID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	mixed := `{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"},{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},` +
		strings.TrimPrefix(string(jwks(t, ek)), `{"keys":[`)
	withAlg := func(alg string) []byte {
		b, err := json.Marshal(jose.JSONWebKey{Key: rk.public(), KeyID: "r", Algorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		list    []Provider
		wantErr string // a substring of the error; "" for none
		has     []string
	}{
		{name: "inline set", list: []Provider{{Name: host, JWKS: set}}, has: []string{host, issuer}},
		{name: "single JWK", list: []Provider{{Name: host, JWKS: single}}, has: []string{host}},
		{name: "private JWK keeps its public half", list: []Provider{{Name: host, JWKS: private}}, has: []string{host}},
		{name: "unusable keys skipped", list: []Provider{{Name: host, JWKS: []byte(mixed)}}, has: []string{host}},
		{name: "URL set", list: []Provider{{Name: host, JWKSURL: "http://127.0.0.1:1/jwks.json"}}, has: []string{host}},
		{name: "empty list", list: nil},
		{name: "no name", list: []Provider{{JWKS: set}}, wantErr: "provider 0: no name"},
		{name: "no key set: discovery", list: []Provider{{Name: host}}, has: []string{host, issuer}},
		{name: "issuer override", list: []Provider{{Name: host, Issuer: "http://localhost:9229/pool_1"}}, has: []string{host}},
		{name: "issuer not a URL", list: []Provider{{Name: host, Issuer: "localhost:9229/pool_1"}}, wantErr: `issuer "localhost:9229/pool_1" is not an absolute http or https URL`},
		{name: "same issuer twice", list: []Provider{{Name: host, JWKS: set}, {Name: "other.example.com", Issuer: "http://" + host}}, wantErr: "same issuer"},
		{name: "both key sets", list: []Provider{{Name: host, JWKS: set, JWKSURL: "https://x/jwks"}}, wantErr: "both"},
		{name: "bad JSON", list: []Provider{{Name: host, JWKS: []byte("{")}}, wantErr: `"login.example.com": inline key set`},
		{name: "not a key set", list: []Provider{{Name: host, JWKS: []byte(`{"issuer":"x"}`)}}, wantErr: `no "keys"`},
		{name: "only symmetric keys", list: []Provider{{Name: host, JWKS: []byte(`{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]}`)}}, wantErr: "no RSA or EC signature key"},
		{name: "encryption key only", list: []Provider{{Name: host, JWKS: []byte(strings.Replace(string(set), `"use":"sig"`, `"use":"enc"`, 1))}}, wantErr: "no RSA or EC signature key"},
		{name: "broken RSA key", list: []Provider{{Name: host, JWKS: []byte(`{"keys":[{"kty":"RSA","kid":"r","n":"","e":"AQAB"}]}`)}}, wantErr: "too small"},
		{name: "broken EC key", list: []Provider{{Name: host, JWKS: []byte(`{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"AA","y":"AA"}]}`)}}, wantErr: "key 0"},
		{name: "keys of one kid", list: []Provider{{Name: host, JWKS: jwks(t, rk, signer{kid: "r", priv: ek.priv})}}, has: []string{host}},
		{name: "keys without kid", list: []Provider{{Name: host, JWKS: jwks(t, signer{priv: rk.priv}, signer{priv: ek.priv})}}, has: []string{host}},
		{name: "alg does not suit key", list: []Provider{{Name: host, JWKS: withAlg("ES256")}}, wantErr: "does not suit"},
		{name: "HMAC alg on an RSA key skipped", list: []Provider{{Name: host, JWKS: withAlg("HS256")}}, wantErr: "no RSA or EC signature key"},
		{name: "bad URL", list: []Provider{{Name: host, JWKSURL: "file:///etc/jwks"}}, wantErr: "not an absolute http or https URL"},
		{name: "same key twice", list: []Provider{{Name: host, JWKS: set}, {Name: issuer, JWKS: set}}, wantErr: "same Logins key"},
		{name: "empty client id", list: []Provider{{Name: host, JWKS: set, ClientIDs: []string{""}}}, wantErr: "empty client id"},
		{name: "scheme only", list: []Provider{{Name: "https://", JWKS: set}}, wantErr: "not an issuer host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := New(tt.list, nil, nil, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			for _, h := range tt.has {
				if !reg.Has(h) {
					t.Errorf("got Has(%q) false, want true", h)
				}
			}
			if reg.Has("unknown.example.com") {
				t.Errorf("got Has(unknown.example.com) true, want false")
			}
		})
	}
}

// TestVerifyKeyAlg checks that a key declaring its alg refuses tokens of
// another alg, even one its type could verify.
func TestVerifyKeyAlg(t *testing.T) {
	k := rsaKey(t, "r", jose.RS256)
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.public(), KeyID: "r", Algorithm: "RS256"}}})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := New([]Provider{{Name: host, JWKS: b}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := claims(issuer, client, nil)
	if _, err := reg.Verify(context.Background(), host, k.sign(t, good), nil, 0); err != nil {
		t.Fatalf("RS256: got error %v, want none", err)
	}
	rs384 := signer{kid: "r", alg: jose.RS384, priv: k.priv}
	_, err = reg.Verify(context.Background(), host, rs384.sign(t, good), nil, 0)
	wantErr(t, err, ErrSignature)
}

func BenchmarkVerify(b *testing.B) {
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.ES256} {
		b.Run(string(alg), func(b *testing.B) {
			var k signer
			if alg == jose.ES256 {
				k = ecKey(b, "k", alg)
			} else {
				k = rsaKey(b, "k", alg)
			}
			reg, err := New([]Provider{{Name: host, JWKS: jwks(b, k), ClientIDs: []string{client}}}, nil, newClock().now, nil)
			if err != nil {
				b.Fatal(err)
			}
			tok := k.sign(b, claims(issuer, client, nil))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reg.Verify(ctx, host, tok, nil, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
