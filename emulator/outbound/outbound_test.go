package outbound

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"slices"
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
		{name: "enable after disable", do: func() error { _, err := f.Enable(ctx); return err }},
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

// TestPublicURLOverStoredIssuer: the public URL a federation runs with
// now is the base of the issuer, whatever base the first enable stored
// (here a proxy's upstream address, as nginx's default Host sends it),
// in what Enable, Info, Sign and the configuration answer; the id stays
// the stored one, and the documents are served under it. Without a public
// URL the issuer is the stored one, as databases of every version hold
// it. Before, the stored issuer won over any public URL.
func TestPublicURLOverStoredIssuer(t *testing.T) {
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Unix(1_800_000_000, 0) }
	const stored = "http://127.0.0.1:9350"
	first, err := New(st, "", now, rand.Reader).Enable(WithRequestBase(t.Context(), stored))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := strings.CutPrefix(first, stored+PathPrefix)
	if !ok {
		t.Fatalf("first issuer: got %q, want one under %s%s", first, stored, PathPrefix)
	}
	tests := []struct {
		name, publicURL, wantBase string
	}{
		{"no public URL", "", stored},
		{"an https public URL", "https://idpool.example", "https://idpool.example"},
		{"a public URL with a path", "https://proxy.example:8443/idpool", "https://proxy.example:8443/idpool"},
		{"no public URL again", "", stored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(st, tt.publicURL, now, rand.Reader)
			ctx := WithRequestBase(t.Context(), "http://localhost:9230")
			want := tt.wantBase + PathPrefix + id
			if err := f.Disable(ctx); err != nil {
				t.Fatal(err)
			}
			if got, err := f.Enable(ctx); got != want || err != nil {
				t.Errorf("Enable: got %q, %v, want %q", got, err, want)
			}
			if got, err := f.Info(ctx); got != want || err != nil {
				t.Errorf("Info: got %q, %v, want %q", got, err, want)
			}
			var conf struct {
				Issuer  string `json:"issuer"`
				JWKSURI string `json:"jwks_uri"`
			}
			b, err := f.Configuration(ctx, id)
			if err == nil {
				err = json.Unmarshal(b, &conf)
			}
			if err != nil || conf.Issuer != want || conf.JWKSURI != want+JWKSPath {
				t.Errorf("Configuration: got %s, %v, want issuer %q and jwks_uri %q", b, err, want, want+JWKSPath)
			}
			tok, err := f.Sign(ctx, ES384, map[string]any{"sub": "x"})
			if err != nil {
				t.Fatal(err)
			}
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{ES384})
			if err != nil {
				t.Fatal(err)
			}
			var claims struct{ Iss string }
			if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil || claims.Iss != want {
				t.Errorf("Sign: got iss %q, %v, want %q", claims.Iss, err, want)
			}
			jwks(t, f, id)
		})
	}
}

// TestSign: a token of each algorithm verifies with the JWKS key its kid
// (AWS's, by algorithm) names, carries the issuer and the claims, and
// names its type JWT;
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
			if h.KeyID != KeyID(tc.alg) {
				t.Errorf("kid: got %q, want %q", h.KeyID, KeyID(tc.alg))
			}
			k := keys.Key(h.KeyID)
			if len(k) != 1 {
				t.Fatalf("JWKS keys of kid %q: got %+v, want one", h.KeyID, k)
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

// jwks returns the issuer id's JWKS, after checking that it is AWS's:
// the RSA key (kid RSA_0, no alg) and then the P-384 one (kid EC384_0,
// alg ES384), both public with use sig, their members in alphabetical
// order.
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
	var raw struct{ Keys []json.RawMessage }
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kid, alg string
		members  []string
	}{
		{"RSA_0", "", []string{"e", "kid", "kty", "n", "use"}},
		{"EC384_0", ES384, []string{"alg", "crv", "kid", "kty", "use", "x", "y"}},
	}
	if len(set.Keys) != len(want) {
		t.Fatalf("JWKS: got %s, want %d keys", b, len(want))
	}
	for i, w := range want {
		k := set.Keys[i]
		if k.KeyID != w.kid || k.Algorithm != w.alg || k.Use != "sig" || !k.IsPublic() || !k.Valid() {
			t.Errorf("JWKS key %d: got kid %q, alg %q, use %q, public %v, want kid %q, alg %q, use sig, a valid public key",
				i, k.KeyID, k.Algorithm, k.Use, k.IsPublic(), w.kid, w.alg)
		}
		if got := members(t, raw.Keys[i]); !slices.Equal(got, w.members) {
			t.Errorf("JWKS key %d: got members %q, want %q", i, got, w.members)
		}
	}
	return set
}

// members returns the names of the members of the JSON object raw, in
// the order it has them.
func members(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	var names []string
	depth, name := 0, false // name: the next token of depth 1 is a name
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		switch {
		case tok == json.Delim('{') || tok == json.Delim('['):
			depth++
			name = depth == 1
		case tok == json.Delim('}') || tok == json.Delim(']'):
			depth--
			name = depth == 1
		case depth == 1 && name:
			names = append(names, tok.(string))
			name = false
		case depth == 1:
			name = true
		}
	}
}

// TestDocuments: the configuration is AWS's to the byte (the members
// claims_supported, id_token_signing_alg_values_supported, issuer,
// jwks_uri and subject_types_supported in that order, and no
// response_types_supported), under the issuer; an id that is not the
// issuer's, or any before the first enable, is ErrUnknownIssuer.
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
	want := `{"claims_supported":["sub","iss","aud","exp","iat","jti","https://sts.amazonaws.com/"],` +
		`"id_token_signing_alg_values_supported":["RS256","ES384"],` +
		`"issuer":"` + issuer + `","jwks_uri":"` + issuer + `/.well-known/jwks.json",` +
		`"subject_types_supported":["public"]}`
	if string(b) != want {
		t.Errorf("Configuration: got %s, want %s", b, want)
	}
	jwks(t, f, id)
	for name, doc := range map[string]func(context.Context, string) ([]byte, error){"Configuration": f.Configuration, "JWKS": f.JWKS} {
		if _, err := doc(ctx, id+"x"); !errors.Is(err, ErrUnknownIssuer) {
			t.Errorf("%s of another id: got %v, want %v", name, err, ErrUnknownIssuer)
		}
	}
}

// TestStoredKeyOrder: keys stored in another order (the P-384 key first)
// are served as AWS's, RSA first under RSA_0, and sign under their
// algorithm's kid, which the JWKS names.
func TestStoredKeyOrder(t *testing.T) {
	f := newFederation(t, "http://localhost:9230")
	ctx := t.Context()
	keys, err := f.newKeys()
	if err != nil {
		t.Fatal(err)
	}
	keys[1].CreatedAt = keys[0].CreatedAt.Add(-time.Minute)
	const issuer = "http://localhost:9230" + PathPrefix + "legacy"
	err = f.store.Update(ctx, func(tx storage.Tx) error {
		for _, k := range keys {
			if err := tx.CreateOutboundKey(ctx, k); err != nil {
				return err
			}
		}
		return tx.SetOutboundFederation(ctx, storage.OutboundFederation{Issuer: issuer, Enabled: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := f.store.OutboundKeys(ctx); len(stored) != 2 || stored[0].Algorithm != ES384 {
		t.Fatalf("stored keys: got %+v, want the ES384 key first", stored)
	}
	set := jwks(t, f, "legacy")
	for _, alg := range Algorithms {
		t.Run(alg, func(t *testing.T) {
			tok, err := f.Sign(ctx, alg, map[string]any{"sub": "x"})
			if err != nil {
				t.Fatal(err)
			}
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			if err != nil {
				t.Fatal(err)
			}
			kid := jws.Signatures[0].Header.KeyID
			k := set.Key(kid)
			if kid != KeyID(alg) || len(k) != 1 {
				t.Fatalf("kid: got %q, with JWKS keys %+v, want %q, one key", kid, k, KeyID(alg))
			}
			if _, err := jws.Verify(k[0].Key); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
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
		if len(keys) != 2 || !bytes.Equal(keys[0].PrivateKey, first[0].PrivateKey) || !bytes.Equal(keys[1].PrivateKey, first[1].PrivateKey) {
			t.Errorf("keys after enable %d: got %d keys, want the first enable's 2", i+1, len(keys))
		}
		if err := f.Disable(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
