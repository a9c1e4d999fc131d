package providers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/protocol"
)

// t0 is the tests' start time.
var t0 = time.Unix(1_800_000_000, 0).UTC()

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// signer is a test provider key.
type signer struct {
	kid  string
	alg  jose.SignatureAlgorithm
	priv any
}

func rsaKey(t testing.TB, kid string, alg jose.SignatureAlgorithm) signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid: kid, alg: alg, priv: k}
}

func ecKey(t testing.TB, kid string, alg jose.SignatureAlgorithm) signer {
	t.Helper()
	c := map[jose.SignatureAlgorithm]elliptic.Curve{jose.ES256: elliptic.P256(), jose.ES384: elliptic.P384(), jose.ES512: elliptic.P521()}[alg]
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid: kid, alg: alg, priv: k}
}

func (s signer) public() any {
	switch k := s.priv.(type) {
	case *rsa.PrivateKey:
		return &k.PublicKey
	case *ecdsa.PrivateKey:
		return &k.PublicKey
	}
	panic("unknown key type")
}

// jwk is the public JWK of s, without alg.
func (s signer) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: s.public(), KeyID: s.kid, Use: "sig"}
}

// jwks builds a JWKS document of the signers' public keys.
func jwks(t testing.TB, ss ...signer) []byte {
	t.Helper()
	var set jose.JSONWebKeySet
	for _, s := range ss {
		set.Keys = append(set.Keys, s.jwk())
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign signs claims with s, naming s.kid in the header when it is set.
func (s signer) sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	return s.signAs(t, s.kid, claims)
}

// signAs signs claims with s but names kid in the header.
func (s signer) signAs(t testing.TB, kid string, claims map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: s.alg, Key: s.priv}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := sg.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var enc = base64.RawURLEncoding

// compact assembles a token from a header, claims and signature bytes.
func compact(t testing.TB, header, claims map[string]any, sig []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + enc.EncodeToString(sig)
}

// hs256 signs claims with HMAC-SHA256 keyed with the DER of s's public
// key: the classic algorithm-confusion attack.
func (s signer) hs256(t testing.TB, claims map[string]any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(s.public())
	if err != nil {
		t.Fatal(err)
	}
	unsigned := compact(t, map[string]any{"alg": "HS256", "kid": s.kid}, claims, nil)
	unsigned = strings.TrimSuffix(unsigned, ".")
	m := hmac.New(sha256.New, der)
	m.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(m.Sum(nil))
}

// tamper replaces the payload of a signed token, keeping its signature.
func tamper(t testing.TB, token string, claims map[string]any) string {
	t.Helper()
	parts := strings.Split(token, ".")
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + enc.EncodeToString(c) + "." + parts[2]
}

// claims returns valid claims of issuer iss for audience aud, expiring an
// hour after t0, with the extra claims merged in (a nil value deletes).
func claims(iss, aud string, extra map[string]any) map[string]any {
	c := map[string]any{
		"iss": iss,
		"sub": "user-123456",
		"aud": aud,
		"iat": t0.Unix(),
		"exp": t0.Add(time.Hour).Unix(),
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// jwksServer serves a key set that tests can swap, or fail, and counts
// its requests.
type jwksServer struct {
	*httptest.Server
	body    atomic.Pointer[[]byte]
	status  atomic.Int32
	fetches atomic.Int32
	delay   time.Duration
}

func newJWKSServer(t testing.TB, body []byte) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.set(body)
	s.status.Store(http.StatusOK)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		if code := int(s.status.Load()); code != http.StatusOK {
			http.Error(w, "unavailable", code)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(*s.body.Load())
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(body []byte) { s.body.Store(&body) }

func (s *jwksServer) count() int { return int(s.fetches.Load()) }

// wantErr fails unless err matches want (nil meaning no error).
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// wantWire fails unless err is a *protocol.Error with that code, status
// and message.
func wantWire(t testing.TB, err error, code string, status int, msg string) {
	t.Helper()
	pe, ok := protocol.As(err)
	if !ok {
		t.Fatalf("got error %v, want a %s protocol error", err, code)
	}
	if pe.Code != code || pe.Status != status || pe.Message != msg {
		t.Fatalf("got %s (%d) %q, want %s (%d) %q", pe.Code, pe.Status, pe.Message, code, status, msg)
	}
}
