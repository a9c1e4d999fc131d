package outbound

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// newFederation returns a federation on a new in-memory store, with
// publicURL as its public URL.
func newFederation(t *testing.T, publicURL string) *Federation {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Unix(1_800_000_000, 0) }
	return New(st, publicURL, now, rand.Reader)
}

// TestLifecycle: Info and Disable before the first enable are
// ErrDisabled; Enable makes the issuer under the request's base, a second
// Enable is ErrEnabled; Disable disables, a second Disable is
// ErrDisabled; Info tells the issuer while the feature is enabled and is
// ErrDisabled once it is disabled, as AWS's
// GetOutboundWebIdentityFederationInfo is FeatureDisabled then; enabling
// again gives the same issuer.
func TestLifecycle(t *testing.T) {
	f := newFederation(t, "")
	ctx := WithRequestBase(t.Context(), "http://127.0.0.1:9230")
	steps := []struct {
		name    string
		do      func() error
		err     error
		infoErr error
	}{
		{name: "enable", do: func() error { _, err := f.Enable(ctx); return err }},
		{name: "enable again", do: func() error { _, err := f.Enable(ctx); return err }, err: ErrEnabled},
		{name: "disable", do: func() error { return f.Disable(ctx) }, infoErr: ErrDisabled},
		{name: "disable again", do: func() error { return f.Disable(ctx) }, err: ErrDisabled, infoErr: ErrDisabled},
		{name: "turn off when off", do: func() error { return f.TurnOff(ctx) }, infoErr: ErrDisabled},
		{name: "enable after disable", do: func() error { _, err := f.Enable(ctx); return err }},
		{name: "turn off", do: func() error { return f.TurnOff(ctx) }, infoErr: ErrDisabled},
		{name: "enable after turn off", do: func() error { _, err := f.Enable(ctx); return err }},
	}
	if _, err := f.Info(ctx); !errors.Is(err, ErrDisabled) {
		t.Fatalf("Info before the first enable: got %v, want %v", err, ErrDisabled)
	}
	if err := f.Disable(ctx); !errors.Is(err, ErrDisabled) {
		t.Fatalf("Disable before the first enable: got %v, want %v", err, ErrDisabled)
	}
	var issuer string
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); !errors.Is(err, st.err) {
				t.Fatalf("got %v, want %v", err, st.err)
			}
			got, err := f.Info(ctx)
			if !errors.Is(err, st.infoErr) {
				t.Fatalf("Info: got %q, %v, want error %v", got, err, st.infoErr)
			}
			if err != nil {
				return
			}
			if issuer == "" {
				issuer = got
			}
			if got != issuer {
				t.Errorf("Info: got issuer %q, want %q, the first enable's", got, issuer)
			}
		})
	}
	if !strings.HasPrefix(issuer, "http://127.0.0.1:9230"+PathPrefix) || len(issuer) != len("http://127.0.0.1:9230"+PathPrefix)+36 {
		t.Errorf("issuer: got %q, want http://127.0.0.1:9230%s<uuid>", issuer, PathPrefix)
	}
}

// TestPublicURL: a public URL is the issuer's base, whatever the request's;
// without either, Enable fails and makes no issuer.
func TestPublicURL(t *testing.T) {
	none := newFederation(t, "")
	if issuer, err := none.Enable(t.Context()); err == nil {
		t.Errorf("Enable without a base: got %q, want an error", issuer)
	}
	if _, err := none.Info(t.Context()); !errors.Is(err, ErrDisabled) {
		t.Errorf("Info after an Enable without a base: got %v, want %v", err, ErrDisabled)
	}
	f := newFederation(t, "https://idpool.example")
	issuer, err := f.Enable(WithRequestBase(t.Context(), "http://127.0.0.1:9230"))
	if err != nil || !strings.HasPrefix(issuer, "https://idpool.example"+PathPrefix) {
		t.Errorf("Enable: got %q, %v, want an issuer under https://idpool.example%s", issuer, err, PathPrefix)
	}
}

// TestSign: a token of each algorithm verifies with the JWKS key its kid
// names, carries the issuer and the claims, and names its type JWT;
// signing is refused while disabled, and claims over MaxPayload are
// refused; an unknown algorithm is an error.
func TestSign(t *testing.T) {
	f := newFederation(t, "http://localhost:9230")
	ctx := t.Context()
	if _, err := f.Sign(ctx, RS256, map[string]any{"sub": "x"}); !errors.Is(err, ErrDisabled) {
		t.Fatalf("Sign before enable: got %v, want %v", err, ErrDisabled)
	}
	issuer, err := f.Enable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(issuer, "http://localhost:9230"+PathPrefix)
	keys := jwks(t, f, id)
	for _, tc := range []struct {
		name, alg string
		claims    map[string]any
		err       error
	}{
		{name: "RS256", alg: RS256, claims: map[string]any{"sub": "arn:aws:iam::123456789012:root"}},
		{name: "ES384", alg: ES384, claims: map[string]any{"sub": "arn:aws:iam::123456789012:root"}},
		{name: "too large", alg: RS256, claims: map[string]any{"big": strings.Repeat("x", MaxPayload)}, err: ErrPayloadTooLarge},
		{name: "just fits", alg: ES384, claims: map[string]any{"big": strings.Repeat("x", MaxPayload-len(`{"big":"","iss":""}`)-len(issuer))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := f.Sign(ctx, tc.alg, tc.claims)
			if !errors.Is(err, tc.err) {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(tc.alg)})
			if err != nil {
				t.Fatal(err)
			}
			h := jws.Signatures[0].Header
			if typ := h.ExtraHeaders["typ"]; typ != "JWT" {
				t.Errorf("typ: got %v, want JWT", typ)
			}
			k := keys.Key(h.KeyID)
			if len(k) != 1 || k[0].Algorithm != tc.alg {
				t.Fatalf("JWKS keys of kid %q: got %+v, want one of %s", h.KeyID, k, tc.alg)
			}
			payload, err := jws.Verify(k[0].Key)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var got map[string]any
			json.Unmarshal(payload, &got)
			if got["iss"] != issuer || got["sub"] != tc.claims["sub"] {
				t.Errorf("claims: got %v, want iss %s and sub %v", got, issuer, tc.claims["sub"])
			}
		})
	}
	if err := f.Disable(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Sign(ctx, ES384, map[string]any{}); !errors.Is(err, ErrDisabled) {
		t.Errorf("Sign after disable: got %v, want %v", err, ErrDisabled)
	}
	if got := jwks(t, f, id); len(got.Keys) != 2 {
		t.Errorf("JWKS after disable: got %d keys, want the 2 still", len(got.Keys))
	}
}

// jwks returns the issuer id's JWKS, after checking that each key has
// its kid, alg and use sig.
func jwks(t *testing.T, f *Federation, id string) jose.JSONWebKeySet {
	t.Helper()
	b, err := f.JWKS(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatalf("JWKS %s: %v", b, err)
	}
	algs := map[string]bool{}
	for _, k := range set.Keys {
		if k.KeyID == "" || k.Use != "sig" || !k.IsPublic() {
			t.Errorf("JWKS key %+v: want a public key with a kid and use sig", k)
		}
		algs[k.Algorithm] = true
	}
	if len(set.Keys) != 2 || !algs[RS256] || !algs[ES384] {
		t.Errorf("JWKS: got %s, want an RS256 and an ES384 key", b)
	}
	return set
}

// TestDocuments: the configuration names the issuer and its jwks.json;
// an id that is not the issuer's, or any before the first enable, is
// ErrUnknownIssuer.
func TestDocuments(t *testing.T) {
	f := newFederation(t, "http://localhost:9230")
	ctx := t.Context()
	for name, doc := range map[string]func(context.Context, string) ([]byte, error){"Configuration": f.Configuration, "JWKS": f.JWKS} {
		if _, err := doc(ctx, "x"); !errors.Is(err, ErrUnknownIssuer) {
			t.Errorf("%s before enable: got %v, want %v", name, err, ErrUnknownIssuer)
		}
	}
	issuer, err := f.Enable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := issuer[strings.LastIndex(issuer, "/")+1:]
	b, err := f.Configuration(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Issuer != issuer || doc.JWKSURI != issuer+JWKSPath || len(doc.Algs) != 2 {
		t.Errorf("Configuration: got %s, want issuer %s, jwks_uri %s%s and both algorithms", b, issuer, issuer, JWKSPath)
	}
	for name, doc := range map[string]func(context.Context, string) ([]byte, error){"Configuration": f.Configuration, "JWKS": f.JWKS} {
		if _, err := doc(ctx, id+"x"); !errors.Is(err, ErrUnknownIssuer) {
			t.Errorf("%s of another id: got %v, want %v", name, err, ErrUnknownIssuer)
		}
	}
}

// TestKeysKept: the keys made at the first enable are the ones of every
// later enable: they are never rotated.
func TestKeysKept(t *testing.T) {
	f := newFederation(t, "http://localhost:9230")
	ctx := t.Context()
	var first []storage.OutboundKey
	for i := range 3 {
		if _, err := f.Enable(ctx); err != nil {
			t.Fatal(err)
		}
		keys, err := f.store.OutboundKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = keys
		}
		if len(keys) != 2 || keys[0].ID != first[0].ID || keys[1].ID != first[1].ID {
			t.Errorf("keys after enable %d: got %d keys, want the first enable's 2", i+1, len(keys))
		}
		if err := f.Disable(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
