package tokens

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/storage"
)

const (
	poolID     = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	identityID = "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"
	poolARN    = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/" + poolID
)

// newIssuer returns an Issuer over a fresh fake store whose first key
// exists (New's background work has finished).
func newIssuer(t *testing.T, cfg Config) (*Issuer, *fakeStore, *clock) {
	t.Helper()
	s := &fakeStore{}
	c := newClock()
	i, err := New(context.Background(), s, cfg, c.Now, rand.Reader, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := i.JWKS(context.Background()); err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	return i, s, c
}

// decodeSegment decodes one base64url segment of a compact JWS as JSON,
// keeping numbers exact.
func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("segment %q: %v", seg, err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("segment %s: %v", b, err)
	}
	return m
}

func TestSignVerifiesWithJOSE(t *testing.T) {
	i, _, clk := newIssuer(t, Config{Region: "eu-west-1"})
	iat := clk.Now()
	tests := []struct {
		name   string
		claims Claims
		want   map[string]any // the exact payload, numbers as json.Number
	}{
		{
			name: "guest",
			claims: Claims{Subject: identityID, Audience: poolID, AMR: []string{"unauthenticated"},
				IssuedAt: iat, Expiry: iat.Add(600 * time.Second)},
			want: map[string]any{
				"sub": identityID, "aud": poolID, "amr": []any{"unauthenticated"}, "iss": DefaultIssuer,
				"iat": json.Number("1748274572"), "exp": json.Number("1748275172"),
			},
		},
		{
			name: "developer with pool ARN, sub-second times truncated",
			claims: Claims{Subject: identityID, Audience: poolID,
				AMR:      []string{"authenticated", "login.app", "login.app:" + poolID + ":ben"},
				PoolARN:  poolARN,
				IssuedAt: iat.Add(900 * time.Millisecond), Expiry: iat.Add(900*time.Second + 500*time.Millisecond)},
			want: map[string]any{
				"sub": identityID, "aud": poolID, "iss": DefaultIssuer,
				"amr":        []any{"authenticated", "login.app", "login.app:" + poolID + ":ben"},
				ClaimPoolARN: poolARN,
				"iat":        json.Number("1748274572"), "exp": json.Number("1748275472"),
			},
		},
		{
			name: "principal tags as arrays",
			claims: Claims{Subject: identityID, Audience: poolID, AMR: []string{"authenticated"},
				PrincipalTags: map[string]string{"actor": "djonser", "repository": "catnekaise/example-repo"},
				PoolARN:       poolARN, IssuedAt: iat, Expiry: iat.Add(time.Hour)},
			want: map[string]any{
				"sub": identityID, "aud": poolID, "amr": []any{"authenticated"}, "iss": DefaultIssuer,
				ClaimPoolARN: poolARN,
				ClaimTags: map[string]any{"principal_tags": map[string]any{
					"actor": []any{"djonser"}, "repository": []any{"catnekaise/example-repo"}}},
				"iat": json.Number("1748274572"), "exp": json.Number("1748278172"),
			},
		},
		{
			name:   "nil amr written as an empty array, zero iat from the clock",
			claims: Claims{Subject: identityID, Audience: poolID, Expiry: iat.Add(time.Minute)},
			want: map[string]any{
				"sub": identityID, "aud": poolID, "amr": []any{}, "iss": DefaultIssuer,
				"iat": json.Number("1748274572"), "exp": json.Number("1748274632"),
			},
		},
	}
	ctx := context.Background()
	jwksBytes, err := i.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksBytes, &set); err != nil {
		t.Fatalf("JWKS does not parse as a key set: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := i.Sign(ctx, tt.claims)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			segs := strings.Split(tok, ".")
			if len(segs) != 3 {
				t.Fatalf("got %d segments, want 3", len(segs))
			}
			header := decodeSegment(t, segs[0])
			wantHeader := map[string]any{"kid": "eu-west-1-1", "typ": "JWS", "alg": "RS512"}
			if !reflect.DeepEqual(header, wantHeader) {
				t.Errorf("header: got %v, want %v", header, wantHeader)
			}

			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS512})
			if err != nil {
				t.Fatalf("go-jose parse: %v", err)
			}
			keys := set.Key(jws.Signatures[0].Header.KeyID)
			if len(keys) != 1 {
				t.Fatalf("JWKS keys for kid %q: got %d, want 1", jws.Signatures[0].Header.KeyID, len(keys))
			}
			body, err := jws.Verify(keys[0])
			if err != nil {
				t.Fatalf("go-jose verify with the JWKS key: %v", err)
			}
			if !bytes.Equal(body, mustDecode(t, segs[1])) {
				t.Errorf("verified payload differs from the token's")
			}
			if got := decodeSegment(t, segs[1]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("payload: got %v, want %v", got, tt.want)
			}

			c, err := i.Verify(ctx, tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := tt.claims
			want.Issuer = DefaultIssuer
			if want.IssuedAt.IsZero() {
				want.IssuedAt = iat
			}
			want.IssuedAt = want.IssuedAt.Truncate(time.Second)
			want.Expiry = want.Expiry.Truncate(time.Second)
			if want.AMR == nil {
				want.AMR = []string{}
			}
			if !claimsEqual(c, &want) {
				t.Errorf("Verify: got %+v, want %+v", *c, want)
			}
		})
	}
}

func mustDecode(t *testing.T, seg string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func claimsEqual(a, b *Claims) bool {
	return a.Subject == b.Subject && a.Audience == b.Audience && slices.Equal(a.AMR, b.AMR) &&
		a.PoolARN == b.PoolARN && reflect.DeepEqual(a.PrincipalTags, b.PrincipalTags) &&
		a.IssuedAt.Equal(b.IssuedAt) && a.Expiry.Equal(b.Expiry) && a.Issuer == b.Issuer
}

func TestSignRefusesIncompleteClaims(t *testing.T) {
	i, _, clk := newIssuer(t, Config{})
	now := clk.Now()
	tests := []struct {
		name string
		c    Claims
	}{
		{"no subject", Claims{Audience: poolID, Expiry: now.Add(time.Minute)}},
		{"no audience", Claims{Subject: identityID, Expiry: now.Add(time.Minute)}},
		{"no expiry", Claims{Subject: identityID, Audience: poolID}},
		{"expiry before issue", Claims{Subject: identityID, Audience: poolID, IssuedAt: now, Expiry: now.Add(-time.Second)}},
		{"longer than MaxLifetime", Claims{Subject: identityID, Audience: poolID, Expiry: now.Add(MaxLifetime + time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := i.Sign(context.Background(), tt.c); err == nil {
				t.Errorf("got token %q, want an error", tok)
			}
		})
	}
}

// craft builds a compact JWS from a header and claims, signed by sign.
func craft(t *testing.T, header, claims any, sign func(input []byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input)))
}

func rs512Signer(t *testing.T, k *rsa.PrivateKey) func([]byte) []byte {
	return func(input []byte) []byte {
		sum := sha512.Sum512(input)
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA512, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
}

func TestVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	i, s, clk := newIssuer(t, Config{})
	now := clk.Now()
	good := Claims{Subject: identityID, Audience: poolID, AMR: []string{"unauthenticated"},
		IssuedAt: now, Expiry: now.Add(10 * time.Minute)}
	tok, err := i.Sign(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(tok, ".")
	kid := "us-east-1-1"
	ours, err := x509.ParsePKCS8PrivateKey(s.snapshot()[0].PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	ourKey := ours.(*rsa.PrivateKey)
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"sub": identityID, "aud": poolID, "amr": []string{"unauthenticated"},
		"iss": DefaultIssuer, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	header := map[string]any{"kid": kid, "typ": "JWS", "alg": "RS512"}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range m {
			out[kk] = vv
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tampered := decodeSegment(t, segs[1])
	tampered["sub"] = "us-east-1:00000000-0000-0000-0000-000000000000"
	tb, _ := json.Marshal(tampered)

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrMalformed},
		{"garbage", "not a token", ErrMalformed},
		{"two segments", segs[0] + "." + segs[1], ErrMalformed},
		{"four segments", tok + ".AAAA", ErrMalformed},
		{"JSON serialization", `{"payload":"` + segs[1] + `","protected":"` + segs[0] + `","signature":"` + segs[2] + `"}`, ErrMalformed},
		{"line break inside", segs[0] + ".\n" + segs[1] + "." + segs[2], ErrMalformed},
		{"padded segment", segs[0] + "=." + segs[1] + "." + segs[2], ErrMalformed},
		{"header not JSON", "bm90IGpzb24." + segs[1] + "." + segs[2], ErrMalformed},
		{"too long", strings.Repeat("A", maxTokenSize) + "." + segs[1] + "." + segs[2], ErrMalformed},
		{"tampered payload", segs[0] + "." + base64.RawURLEncoding.EncodeToString(tb) + "." + segs[2], ErrSignature},
		{"signature cut", segs[0] + "." + segs[1] + "." + segs[2][:len(segs[2])-8], ErrSignature},
		{"alg none", craft(t, with(header, "alg", "none"), claims, func([]byte) []byte { return nil }), ErrSignature},
		{"HS256 keyed with the public key", craft(t, with(header, "alg", "HS256"), claims, func(in []byte) []byte {
			m := hmac.New(sha256.New, x509.MarshalPKCS1PublicKey(&ourKey.PublicKey))
			m.Write(in)
			return m.Sum(nil)
		}), ErrSignature},
		{"RS256 with our key", craft(t, with(header, "alg", "RS256"), claims, func(in []byte) []byte {
			sum := sha256.Sum256(in)
			sig, _ := rsa.SignPKCS1v15(nil, ourKey, crypto.SHA256, sum[:])
			return sig
		}), ErrSignature},
		{"unknown kid", craft(t, with(header, "kid", "us-east-1-99"), claims, rs512Signer(t, stranger)), ErrUnknownKey},
		{"no kid", craft(t, with(header, "kid", nil), claims, rs512Signer(t, ourKey)), ErrUnknownKey},
		// An unknown kid with idpool's iss and a past exp is refused as
		// expired, signature unchecked (a deleted key's token); anything
		// else with an unknown kid stays of an unknown key.
		{"unknown kid, expired", craft(t, with(header, "kid", "us-east-1-99"), with(claims, "exp", now.Add(-time.Second).Unix()), rs512Signer(t, stranger)), ErrExpired},
		{"unknown kid, expires now", craft(t, with(header, "kid", "us-east-1-99"), with(claims, "exp", now.Unix()), rs512Signer(t, stranger)), ErrExpired},
		{"unknown kid, expired, another issuer", craft(t, with(header, "kid", "us-east-1-99"), with(with(claims, "exp", now.Add(-time.Second).Unix()), "iss", "https://accounts.google.com"), rs512Signer(t, stranger)), ErrUnknownKey},
		{"unknown kid, no exp", craft(t, with(header, "kid", "us-east-1-99"), with(claims, "exp", nil), rs512Signer(t, stranger)), ErrUnknownKey},
		{"unknown kid, claims not an object", craft(t, with(header, "kid", "us-east-1-99"), []string{"x"}, rs512Signer(t, stranger)), ErrUnknownKey},
		{"our kid, another key", craft(t, header, claims, rs512Signer(t, stranger)), ErrSignature},
		{"claims not an object", craft(t, header, []string{"x"}, rs512Signer(t, ourKey)), ErrMalformed},
		{"aud as an array", craft(t, header, with(claims, "aud", []string{poolID}), rs512Signer(t, ourKey)), ErrMalformed},
		{"wrong issuer", craft(t, header, with(claims, "iss", "https://accounts.google.com"), rs512Signer(t, ourKey)), ErrIssuer},
		{"issuer with trailing slash", craft(t, header, with(claims, "iss", DefaultIssuer+"/"), rs512Signer(t, ourKey)), ErrIssuer},
		{"expired", craft(t, header, with(claims, "exp", now.Add(-time.Second).Unix()), rs512Signer(t, ourKey)), ErrExpired},
		{"expires now", craft(t, header, with(claims, "exp", now.Unix()), rs512Signer(t, ourKey)), ErrExpired},
		{"no exp", craft(t, header, with(claims, "exp", nil), rs512Signer(t, ourKey)), ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := i.Verify(ctx, tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v (claims %+v), want %v", err, c, tt.want)
			}
			if c != nil {
				t.Errorf("got claims %+v with the error, want nil", c)
			}
		})
	}

	t.Run("hand-made RS512 token verifies", func(t *testing.T) {
		c, err := i.Verify(ctx, craft(t, header, claims, rs512Signer(t, ourKey)))
		if err != nil || c.Subject != identityID {
			t.Fatalf("got %+v, %v, want subject %s", c, err, identityID)
		}
	})
	t.Run("expiry error carries both times", func(t *testing.T) {
		clk.Advance(11 * time.Minute)
		defer clk.Advance(-11 * time.Minute)
		_, err := i.Verify(ctx, tok)
		var exp *ExpiredError
		if !errors.As(err, &exp) {
			t.Fatalf("got %v, want an *ExpiredError", err)
		}
		if !exp.Expiry.Equal(good.Expiry) || !exp.Now.Equal(clk.Now()) {
			t.Errorf("got expiry %v now %v, want %v and %v", exp.Expiry, exp.Now, good.Expiry, clk.Now())
		}
		want := "current date/time 1748275232 must be before the expiration date/time 1748275172"
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got message %q, want it to contain %q", err, want)
		}
	})
}

func TestIssuerConfig(t *testing.T) {
	ctx := context.Background()
	i, s, clk := newIssuer(t, Config{Issuer: "http://localhost:9230", Region: "ap-northeast-1"})
	now := clk.Now()
	tok, err := i.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: now.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := i.Verify(ctx, tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.Issuer != "http://localhost:9230" {
		t.Errorf("iss: got %q, want %q", c.Issuer, "http://localhost:9230")
	}
	if kid, _ := i.ActiveKeyID(ctx); kid != "ap-northeast-1-1" {
		t.Errorf("kid: got %q, want %q", kid, "ap-northeast-1-1")
	}

	// An Issuer over the same keys but the default iss refuses the token.
	other, err := New(ctx, s, Config{Region: "ap-northeast-1"}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Verify(ctx, tok); !errors.Is(err, ErrIssuer) {
		t.Errorf("got %v, want ErrIssuer", err)
	}
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	i, s, clk := newIssuer(t, Config{})
	now := clk.Now()
	claims := Claims{Subject: identityID, Audience: poolID, AMR: []string{"unauthenticated"}, Expiry: now.Add(time.Hour)}
	before, err := i.Sign(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	jwks1, _ := i.JWKS(ctx)
	if err := i.Rotate(ctx); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	after, err := i.Sign(ctx, claims)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeSegment(t, strings.Split(after, ".")[0])["kid"]; got != "us-east-1-2" {
		t.Errorf("new token kid: got %v, want us-east-1-2", got)
	}
	for name, tok := range map[string]string{"old": before, "new": after} {
		if _, err := i.Verify(ctx, tok); err != nil {
			t.Errorf("%s token: got %v, want it to verify", name, err)
		}
	}
	jwks2, _ := i.JWKS(ctx)
	if bytes.Equal(jwks1, jwks2) {
		t.Errorf("JWKS unchanged after rotation")
	}
	if got, want := jwksKIDs(t, jwks2), []string{"us-east-1-2", "us-east-1-1"}; !slices.Equal(got, want) {
		t.Errorf("JWKS kids: got %v, want %v", got, want)
	}
	stored := s.snapshot()
	if len(stored) != 2 || stored[0].Active || !stored[1].Active {
		t.Errorf("stored keys: got %+v, want us-east-1-1 inactive then us-east-1-2 active", stored)
	}

	// A restart over the same store signs with the rotated key and still
	// verifies the old token.
	again, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	if kid, _ := again.ActiveKeyID(ctx); kid != "us-east-1-2" {
		t.Errorf("active kid after restart: got %q, want us-east-1-2", kid)
	}
	if _, err := again.Verify(ctx, before); err != nil {
		t.Errorf("old token after restart: %v", err)
	}
	if j, _ := again.JWKS(ctx); !bytes.Equal(j, jwks2) {
		t.Errorf("JWKS after restart: got %s, want %s", j, jwks2)
	}
}

// TestRotateDeletesExpiredKeys: each rotation deletes the keys retired
// more than MaxLifetime before it, which verify no valid token, and keeps
// those retired since, whose tokens keep verifying, the key it retires,
// and the keys Config.Keep names, however old.
func TestRotateDeletesExpiredKeys(t *testing.T) {
	ctx := context.Background()
	s := &fakeStore{}
	clk := newClock()
	t0 := clk.Now()
	// The fixture's key, stored active before the Issuer starts.
	fixture, err := generateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s.keys = []storage.SigningKey{{ID: "fixture", PrivateKey: fixture.der, CreatedAt: t0, Active: true}}
	i, err := New(ctx, s, Config{Keep: []string{"fixture"}}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	// A token that lives as long as any can, signed just before its key
	// (us-east-1-2) is retired at 25h.
	var long string

	steps := []struct {
		name string
		at   time.Time
		// before runs just before the rotation.
		before func(t *testing.T)
		// want is the JWKS's kids after it, the active key first.
		want []string
	}{
		{"retires the fixture's key", at(0), nil, []string{"us-east-1-1", "fixture"}},
		{"retires the first", at(time.Hour), nil, []string{"us-east-1-2", "us-east-1-1", "fixture"}},
		{"keeps a key retired exactly MaxLifetime ago", at(25 * time.Hour), func(t *testing.T) {
			clk.Set(at(25*time.Hour - time.Second))
			var err error
			long, err = i.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(MaxLifetime)})
			if err != nil {
				t.Fatal(err)
			}
		}, []string{"us-east-1-3", "us-east-1-2", "us-east-1-1", "fixture"}},
		{"deletes a key retired longer ago, keeps one retired 23 hours ago", at(48 * time.Hour), nil,
			[]string{"us-east-1-4", "us-east-1-3", "us-east-1-2", "fixture"}},
		{"deletes the key of the longest token once it expired", at(49*time.Hour + time.Second), func(t *testing.T) {
			clk.Set(at(49*time.Hour - 2*time.Second))
			if _, err := i.Verify(ctx, long); err != nil {
				t.Errorf("a token of the key retired almost 24 hours ago, before its exp: got %v, want it to verify", err)
			}
		}, []string{"us-east-1-5", "us-east-1-4", "us-east-1-3", "fixture"}},
		{"keeps the key it retires after a long time active", at(1000 * time.Hour), nil,
			[]string{"us-east-1-6", "us-east-1-5", "fixture"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(t)
			}
			clk.Set(st.at)
			if err := i.Rotate(ctx); err != nil {
				t.Fatalf("Rotate: %v", err)
			}
			jwks, err := i.JWKS(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := jwksKIDs(t, jwks); !slices.Equal(got, st.want) {
				t.Errorf("JWKS kids: got %v, want %v", got, st.want)
			}
			var stored []string
			for _, k := range s.snapshot() {
				stored = append(stored, k.ID)
			}
			slices.Sort(stored)
			want := slices.Sorted(slices.Values(st.want))
			if !slices.Equal(stored, want) {
				t.Errorf("stored kids: got %v, want %v", stored, want)
			}
		})
	}
}

// TestVerifyExpiredTokenOfDeletedKey: a token whose key Rotate deleted
// is refused as expired, with the same *ExpiredError as before the
// deletion, not as of an unknown key.
func TestVerifyExpiredTokenOfDeletedKey(t *testing.T) {
	ctx := context.Background()
	i, _, clk := newIssuer(t, Config{})
	kid, err := i.ActiveKeyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expiry := clk.Now().Add(10 * time.Minute)
	tok, err := i.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: expiry})
	if err != nil {
		t.Fatal(err)
	}
	if err := i.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(MaxLifetime + time.Hour)
	want := &ExpiredError{Expiry: expiry, Now: clk.Now()}
	checkExpired := func(t *testing.T) {
		t.Helper()
		_, err := i.Verify(ctx, tok)
		var got *ExpiredError
		if !errors.As(err, &got) {
			t.Fatalf("got %v, want %v", err, want)
		}
		if got.Error() != want.Error() {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	checkExpired(t)
	if err := i.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	jwks, err := i.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kids := jwksKIDs(t, jwks); slices.Contains(kids, kid) {
		t.Fatalf("JWKS kids: got %v, want %s deleted", kids, kid)
	}
	checkExpired(t)
}

func TestVerifyPicksUpKeysRotatedElsewhere(t *testing.T) {
	ctx := context.Background()
	i, s, clk := newIssuer(t, Config{})
	other, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	tok, err := other.Sign(ctx, Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := i.Verify(ctx, tok); err != nil {
		t.Fatalf("got %v, want the token of the rotated key to verify after a reload", err)
	}
	if kid, _ := i.ActiveKeyID(ctx); kid != "us-east-1-2" {
		t.Errorf("active kid: got %q, want us-east-1-2", kid)
	}
}

func jwksKIDs(t *testing.T, b []byte) []string {
	t.Helper()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.Kid)
	}
	return out
}

func TestJWKSShape(t *testing.T) {
	ctx := context.Background()
	i, _, _ := newIssuer(t, Config{})
	b, err := i.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatalf("got %s: %v", b, err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("got %d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	for name, want := range map[string]string{"kty": "RSA", "alg": "RS512", "use": "sig", "kid": "us-east-1-1", "e": "AQAB"} {
		if k[name] != want {
			t.Errorf("%s: got %q, want %q", name, k[name], want)
		}
	}
	if len(k) != 6 {
		t.Errorf("members: got %v, want kty alg use kid n e", k)
	}
	n, err := base64.RawURLEncoding.DecodeString(k["n"])
	if err != nil || len(n) != 256 || n[0] == 0 {
		t.Errorf("n: got %d bytes (%v), want 256 unpadded base64url bytes without a leading zero", len(n), err)
	}
	b2, _ := i.JWKS(ctx)
	if &b[0] != &b2[0] {
		t.Errorf("JWKS rebuilt between calls, want the cached bytes")
	}
}

func TestDiscovery(t *testing.T) {
	i, _, _ := newIssuer(t, Config{})
	for _, base := range []string{"http://localhost:9230", "http://localhost:9230/"} {
		t.Run(base, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(i.Discovery(base), &d); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"issuer":                                DefaultIssuer,
				"jwks_uri":                              "http://localhost:9230/.well-known/jwks_uri",
				"response_types_supported":              []any{"id_token"},
				"subject_types_supported":               []any{"public"},
				"id_token_signing_alg_values_supported": []any{"RS512"},
				"claims_supported":                      []any{"sub", "aud", "amr", "iss", "exp", "iat", ClaimPoolARN, ClaimTags},
			}
			if !reflect.DeepEqual(d, want) {
				t.Errorf("got %v, want %v", d, want)
			}
		})
	}
}

func TestNewGeneratesKeyInBackground(t *testing.T) {
	gate := make(chan struct{})
	s := &fakeStore{gate: gate}
	clk := newClock()
	ready := make(chan *Issuer, 1)
	go func() {
		i, err := New(context.Background(), s, Config{}, clk.Now, rand.Reader, nil)
		if err != nil {
			t.Errorf("New: %v", err)
		}
		ready <- i
	}()
	var i *Issuer
	select {
	case i = <-ready:
	case <-time.After(5 * time.Second):
		close(gate)
		t.Fatal("New waited for the key to be stored, want it to return at once")
	}
	if i == nil {
		t.FailNow()
	}
	claims := Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(time.Minute)}

	t.Run("deadline honoured", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := i.Sign(ctx, claims); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Sign: got %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("cancellation honoured", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := i.JWKS(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("JWKS: got %v, want context.Canceled", err)
		}
		if _, err := i.Verify(ctx, "a.b.c"); !errors.Is(err, context.Canceled) {
			t.Errorf("Verify: got %v, want context.Canceled", err)
		}
	})
	t.Run("Sign waits for the key", func(t *testing.T) {
		if got := len(s.snapshot()); got != 0 {
			t.Fatalf("got %d keys stored behind the closed gate, want 0", got)
		}
		done := make(chan error, 1)
		go func() {
			_, err := i.Sign(context.Background(), claims)
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("Sign returned %v before the key was stored", err)
		case <-time.After(20 * time.Millisecond):
		}
		close(gate)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Sign still waiting after the key was stored")
		}
		if got := len(s.snapshot()); got != 1 {
			t.Errorf("got %d stored keys, want 1", got)
		}
	})
}

// TestCloseWaitsForTheFirstKey: a caller that gave up on the first key
// leaves its creation running; Close waits for it, so that nothing writes
// to the store once its owner closes it, and no attempt starts afterwards.
func TestCloseWaitsForTheFirstKey(t *testing.T) {
	gate := make(chan struct{})
	s := &fakeStore{gate: gate}
	clk := newClock()
	i, err := New(context.Background(), s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := i.JWKS(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("JWKS: got %v, want context.DeadlineExceeded", err)
	}
	closed := make(chan struct{})
	go func() {
		i.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while the first key was still being stored")
	case <-time.After(20 * time.Millisecond):
	}
	close(gate)
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waiting after the key was stored")
	}
	if got := len(s.snapshot()); got != 1 {
		t.Errorf("got %d stored keys, want the attempt's 1", got)
	}

	fresh, err := New(context.Background(), &fakeStore{}, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Close()
	if _, err := fresh.JWKS(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("JWKS after Close: got %v, want ErrClosed", err)
	}
}

func TestFirstKeyFailureIsReturnedThenRetried(t *testing.T) {
	boom := errors.New("disk full")
	s := &fakeStore{failUpdates: 1, updateErr: boom}
	clk := newClock()
	i, err := New(context.Background(), s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	claims := Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(time.Minute)}
	if _, err := i.Sign(context.Background(), claims); !errors.Is(err, boom) {
		t.Fatalf("first Sign: got %v, want %v", err, boom)
	}
	if _, err := i.Sign(context.Background(), claims); err != nil {
		t.Fatalf("second Sign: got %v, want a retry that succeeds", err)
	}
	if got := len(s.snapshot()); got != 1 {
		t.Errorf("got %d stored keys, want 1", got)
	}
}

func TestFirstKeyRace(t *testing.T) {
	winner, err := generateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	winnerKey := storage.SigningKey{ID: "us-east-1-1", PrivateKey: winner.der, CreatedAt: time.Unix(1, 0), Active: true}
	otherWrites := func(s *fakeStore) {
		if len(s.keys) == 0 {
			s.keys = append(s.keys, winnerKey)
		}
	}
	tests := []struct {
		name  string
		store *fakeStore
		// wantWinner: the key must be the one the other writer stored.
		wantWinner bool
	}{
		{"two Issuers, one store", &fakeStore{}, false},
		{"other writer commits before our transaction", &fakeStore{beforeTx: otherWrites}, true},
		{"create conflict after a stale read", &fakeStore{beforeTx: otherWrites, stale: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			a, err := New(ctx, tt.store, Config{}, clk.Now, rand.Reader, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := New(ctx, tt.store, Config{}, clk.Now, rand.Reader, nil)
			if err != nil {
				t.Fatal(err)
			}
			claims := Claims{Subject: identityID, Audience: poolID, Expiry: clk.Now().Add(time.Minute)}
			ta, err := a.Sign(ctx, claims)
			if err != nil {
				t.Fatalf("a.Sign: %v", err)
			}
			tb, err := b.Sign(ctx, claims)
			if err != nil {
				t.Fatalf("b.Sign: %v", err)
			}
			if _, err := a.Verify(ctx, tb); err != nil {
				t.Errorf("a verifies b's token: %v", err)
			}
			if _, err := b.Verify(ctx, ta); err != nil {
				t.Errorf("b verifies a's token: %v", err)
			}
			stored := tt.store.snapshot()
			if len(stored) != 1 {
				t.Fatalf("got %d stored keys, want 1", len(stored))
			}
			ja, _ := a.JWKS(ctx)
			jb, _ := b.JWKS(ctx)
			if !bytes.Equal(ja, jb) {
				t.Errorf("JWKS differ: %s vs %s", ja, jb)
			}
			if tt.wantWinner {
				want, _ := marshalJWKS([]*key{{id: "us-east-1-1", pub: winner.pub}}, JWKSEncodingRFC)
				if !bytes.Equal(ja, want) {
					t.Errorf("JWKS: got %s, want the winner's %s", ja, want)
				}
			}
		})
	}
}

func TestNewWithStoredKeys(t *testing.T) {
	ctx := context.Background()
	k, err := generateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := generateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallDER, _ := x509.MarshalPKCS8PrivateKey(small)
	tests := []struct {
		name       string
		keys       []storage.SigningKey
		wantActive string
		wantErr    bool
	}{
		{"active key used", []storage.SigningKey{
			{ID: "fixture-a", PrivateKey: k.der, Active: true},
			{ID: "fixture-b", PrivateKey: k2.der},
		}, "fixture-a", false},
		{"newest when none is active", []storage.SigningKey{
			{ID: "fixture-a", PrivateKey: k.der},
			{ID: "fixture-b", PrivateKey: k2.der},
		}, "fixture-b", false},
		{"not PKCS#8", []storage.SigningKey{{ID: "bad", PrivateKey: []byte("junk"), Active: true}}, "", true},
		{"too small", []storage.SigningKey{{ID: "small", PrivateKey: smallDER, Active: true}}, "", true},
		{"duplicate kid", []storage.SigningKey{
			{ID: "x", PrivateKey: k.der}, {ID: "x", PrivateKey: k2.der, Active: true},
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &fakeStore{keys: tt.keys}
			i, err := New(ctx, s, Config{}, newClock().Now, rand.Reader, nil)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got an Issuer, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.updates != 0 {
				t.Errorf("got %d updates, want none when keys exist", s.updates)
			}
			if got, _ := i.ActiveKeyID(ctx); got != tt.wantActive {
				t.Errorf("active: got %q, want %q", got, tt.wantActive)
			}
			j, _ := i.JWKS(ctx)
			if got := jwksKIDs(t, j); len(got) != 2 || got[0] != tt.wantActive {
				t.Errorf("JWKS kids: got %v, want the active %q first", got, tt.wantActive)
			}
		})
	}
}

func TestNextKID(t *testing.T) {
	keys := func(ids ...string) []storage.SigningKey {
		var out []storage.SigningKey
		for _, id := range ids {
			out = append(out, storage.SigningKey{ID: id})
		}
		return out
	}
	tests := []struct {
		name string
		keys []storage.SigningKey
		want string
	}{
		{"first", nil, "us-east-1-1"},
		{"after one", keys("us-east-1-1"), "us-east-1-2"},
		{"after the largest", keys("us-east-1-7", "us-east-1-3"), "us-east-1-8"},
		{"other regions and names ignored", keys("eu-west-1-9", "us-east-11", "custom"), "us-east-1-1"},
		{"non-numeric suffix ignored", keys("us-east-1-x"), "us-east-1-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextKID("us-east-1", tt.keys); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSigningRate(t *testing.T) {
	rate, err := SigningRate(context.Background(), 200*time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rate <= 0 {
		t.Errorf("got %v signatures/s, want > 0", rate)
	}
	t.Logf("raw RS512 signing ceiling: %.0f signatures/s on %d workers", rate, runtime.GOMAXPROCS(0))
	if _, err := SigningRate(context.Background(), 0, 1); err == nil {
		t.Errorf("got no error for a zero duration")
	}
}

func BenchmarkSign(b *testing.B) {
	ctx := context.Background()
	s := &fakeStore{}
	clk := newClock()
	i, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		b.Fatal(err)
	}
	claims := Claims{Subject: identityID, Audience: poolID, PoolARN: poolARN,
		AMR:      []string{"authenticated", "login.app", "login.app:" + poolID + ":ben"},
		IssuedAt: clk.Now(), Expiry: clk.Now().Add(15 * time.Minute)}
	if _, err := i.Sign(ctx, claims); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := i.Sign(ctx, claims); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	s := &fakeStore{}
	clk := newClock()
	i, err := New(ctx, s, Config{}, clk.Now, rand.Reader, nil)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := i.Sign(ctx, Claims{Subject: identityID, Audience: poolID, PoolARN: poolARN,
		AMR:      []string{"authenticated", "login.app", "login.app:" + poolID + ":ben"},
		IssuedAt: clk.Now(), Expiry: clk.Now().Add(15 * time.Minute)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := i.Verify(ctx, tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
