package providers

import (
	"context"
	"errors"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// FuzzVerify checks that no input panics Verify or the adapters, that an
// error always wraps one of the sentinels, and that an accepted token is
// exactly a token the test signed.
func FuzzVerify(f *testing.F) {
	t := f
	k := rsaKey(t, "k", jose.RS256)
	ek := ecKey(t, "e", jose.ES256)
	list := []Provider{{Name: host, JWKS: jwks(t, k, ek), ClientIDs: []string{client}}}
	reg, err := New(list, nil, newClock().now, nil)
	if err != nil {
		f.Fatal(err)
	}
	reg.SetSource(heldByIAM(t, list))
	good := k.sign(t, claims(issuer, client, nil))
	goodEC := ek.sign(t, claims(issuer, client, nil))
	signed := map[string]bool{good: true, goodEC: true}
	for _, s := range []string{
		good,
		goodEC,
		k.hs256(t, claims(issuer, client, nil)),
		compact(t, map[string]any{"alg": "none"}, claims(issuer, client, nil), nil),
		compact(t, map[string]any{"alg": "RS256", "kid": 7}, claims(issuer, client, nil), []byte("sig")),
		compact(t, map[string]any{"alg": "ES256", "kid": "e", "crit": []string{"x"}}, claims(issuer, client, nil), make([]byte, 64)),
		tamper(t, good, map[string]any{"exp": 1e300, "aud": []any{1, nil}}),
		"a.b.c", "..", "", "e30.e30.",
	} {
		f.Add(s)
	}
	sentinels := []error{ErrMalformed, ErrUnknownKey, ErrSignature, ErrIssuer, ErrAudience, ErrExpired, ErrNotYetValid}
	stsV := reg.ForSTS(account, true)
	idV := reg.ForIdentity(true)
	f.Fuzz(func(t *testing.T, token string) {
		ctx := context.Background()
		got, err := reg.Verify(ctx, host, token, nil, time.Minute)
		if err == nil {
			if !signed[token] || got == nil {
				t.Fatalf("accepted token %q that the test did not sign", token)
			}
		} else if !matchesAny(err, sentinels) {
			t.Fatalf("got error %v, want one wrapping a sentinel", err)
		}
		if _, err := idV.VerifyProviderToken(ctx, host, token); err != nil {
			if _, ok := protocol.As(err); !ok {
				t.Fatalf("identity adapter: got non-wire error %v", err)
			}
		}
		if jwt, perr := tokens.Parse(token); perr == nil {
			if _, err := stsV.VerifyWebIdentity(ctx, jwt); err != nil {
				if _, ok := protocol.As(err); !ok {
					t.Fatalf("STS adapter: got non-wire error %v", err)
				}
			}
		}
	})
}

func matchesAny(err error, targets []error) bool {
	for _, s := range targets {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzParseSet checks that no key set document panics the parser, that a
// parsed set holds only RSA or EC keys, and that one with none says why.
func FuzzParseSet(f *testing.F) {
	t := f
	f.Add(jwks(t, rsaKey(t, "r", jose.RS256), ecKey(t, "e", jose.ES384)))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Inline sets are read strictly, fetched ones leniently.
		for _, lenient := range []bool{false, true} {
			ks, err := parseSet(b, lenient)
			if err != nil {
				continue
			}
			if (len(ks.keys) == 0) != (ks.unusable() != nil) {
				t.Fatalf("lenient %v: got %d keys and unusable() %v", lenient, len(ks.keys), ks.unusable())
			}
			for _, k := range ks.keys {
				if !suits("RS256", k.pub) && !suits("ES256", k.pub) && !suits("ES384", k.pub) && !suits("ES512", k.pub) {
					t.Fatalf("lenient %v: got a key of type %T", lenient, k.pub)
				}
			}
		}
	})
}
