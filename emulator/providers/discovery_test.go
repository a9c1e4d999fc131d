package providers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// oidcServer is an OpenID provider: its issuer is its URL, it serves a
// discovery document and, at /keys, a key set. Tests swap either and
// count the requests of each.
type oidcServer struct {
	*httptest.Server
	doc, keys     atomic.Pointer[[]byte]
	docs, fetches atomic.Int32
	delay         time.Duration
}

func newOIDCServer(t testing.TB, keys []byte) *oidcServer {
	t.Helper()
	s := &oidcServer{}
	s.setKeys(keys)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(s.delay)
		var body []byte
		switch r.URL.Path {
		case discoveryPath:
			s.docs.Add(1)
			body = *s.doc.Load()
		case "/keys":
			s.fetches.Add(1)
			body = *s.keys.Load()
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	s.setDoc(fmt.Sprintf(`{"issuer":%q,"jwks_uri":%q}`, s.URL, s.URL+"/keys"))
	return s
}

func (s *oidcServer) setDoc(doc string) { b := []byte(doc); s.doc.Store(&b) }
func (s *oidcServer) setKeys(b []byte)  { s.keys.Store(&b) }

// wantRequests fails unless the server answered docs discovery documents
// and keys key sets.
func (s *oidcServer) wantRequests(t testing.TB, docs, keys int) {
	t.Helper()
	if d, k := int(s.docs.Load()), int(s.fetches.Load()); d != docs || k != keys {
		t.Fatalf("got %d discovery and %d key set requests, want %d and %d", d, k, docs, keys)
	}
}

// TestDiscovery checks that a provider declared by its http issuer alone
// finds its key set through the discovery document, caches it, and
// discovers again when a token names a kid it lacks.
func TestDiscovery(t *testing.T) {
	k1 := rsaKey(t, "k1", jose.RS256)
	k2 := ecKey(t, "k2", jose.ES256)
	k9 := rsaKey(t, "k9", jose.RS256) // never served
	srv := newOIDCServer(t, jwks(t, k1))
	clk := newClock()
	reg, err := New([]Provider{{Name: srv.URL}}, srv.Client(), clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.fetchNow = clk.now
	steps := []struct {
		name       string
		advance    time.Duration
		rotate     []signer
		signer     signer
		want       error
		docs, keys int
	}{
		{name: "first use discovers", signer: k1, docs: 1, keys: 1},
		{name: "cached", signer: k1, docs: 1, keys: 1},
		{name: "rotated: unknown kid discovers again at once", advance: time.Second, rotate: []signer{k1, k2}, signer: k2, docs: 2, keys: 2},
		{name: "another unknown kid within RefetchFloor", advance: RefetchFloor / 2, signer: k9, want: ErrUnknownKey, docs: 2, keys: 2},
		{name: "another unknown kid after RefetchFloor", advance: RefetchFloor, signer: k9, want: ErrUnknownKey, docs: 3, keys: 3},
		{name: "same unknown kid within RefetchInterval", advance: RefetchFloor, signer: k9, want: ErrUnknownKey, docs: 3, keys: 3},
		{name: "stale after CacheTTL", advance: CacheTTL, signer: k1, docs: 4, keys: 4},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clk.advance(s.advance)
			if s.rotate != nil {
				srv.setKeys(jwks(t, s.rotate...))
			}
			now := clk.now()
			tok := s.signer.sign(t, claims(srv.URL, client, map[string]any{"exp": now.Add(time.Hour).Unix()}))
			_, err := reg.Verify(context.Background(), srv.URL, tok, nil, 0)
			wantErr(t, err, s.want)
			srv.wantRequests(t, s.docs, s.keys)
		})
	}
}

// TestDiscoveryIssuerOverride checks that a Logins key whose provider
// names another issuer discovers from that issuer.
func TestDiscoveryIssuerOverride(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	srv := newOIDCServer(t, jwks(t, k))
	const key = "login.example.com/realms/dev"
	reg, err := New([]Provider{{Name: key, Issuer: srv.URL + "/"}}, srv.Client(), newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Verify(context.Background(), key, k.sign(t, claims(srv.URL+"/", client, nil)), nil, 0)
	wantErr(t, err, nil)
	srv.wantRequests(t, 1, 1)
}

// TestDiscoveryFailure checks that a discovery document or key set that
// cannot be used is a fetch error, never a key set.
func TestDiscoveryFailure(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	tests := []struct {
		name  string
		doc   string // the discovery document; "" keeps the good one
		keys  []byte
		delay time.Duration
	}{
		{name: "not JSON", doc: `<html>`},
		{name: "no jwks_uri", doc: `{"issuer":"x"}`},
		{name: "jwks_uri not http", doc: `{"jwks_uri":"file:///etc/passwd"}`},
		{name: "jwks_uri relative", doc: `{"jwks_uri":"/keys"}`},
		{name: "document too large", doc: `{"jwks_uri":"http://x/keys","pad":"` + strings.Repeat("a", maxSetSize) + `"}`},
		{name: "key set not a key set", keys: []byte(`{"issuer":"x"}`)},
		{name: "key set too large", keys: []byte(`{"keys":[],"pad":"` + strings.Repeat("a", maxSetSize) + `"}`)},
		{name: "timeout", delay: 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := tt.keys
			if keys == nil {
				keys = jwks(t, k)
			}
			srv := newOIDCServer(t, keys)
			if tt.doc != "" {
				srv.setDoc(tt.doc)
			}
			srv.delay = tt.delay
			client := srv.Client()
			client.Timeout = 100 * time.Millisecond
			reg, err := New([]Provider{{Name: srv.URL}}, client, newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = reg.Verify(context.Background(), srv.URL, k.sign(t, claims(srv.URL, "a", nil)), nil, 0)
			wantErr(t, err, ErrFetch)
		})
	}
}

// TestSTSDiscovery checks how STS knows an issuer no provider declares:
// by discovery in permissive mode, never in strict mode.
func TestSTSDiscovery(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	srv := newOIDCServer(t, jwks(t, k))
	gone := newOIDCServer(t, jwks(t, k))
	gone.Close()
	reg, err := New(nil, srv.Client(), newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name   string
		strict bool
		token  string
		msg    string // "" when accepted
	}{
		{name: "permissive discovers", token: k.sign(t, claims(srv.URL, "a", nil))},
		{name: "permissive, bad signature", token: other.sign(t, claims(srv.URL, "a", nil)), msg: "Token signature verification failed"},
		{name: "permissive, unreachable issuer", token: k.sign(t, claims(gone.URL, "a", nil)),
			msg: "No OpenIDConnect provider found in your account for " + gone.URL},
		{name: "permissive, iss not a URL", token: k.sign(t, claims("localhost:1", "a", nil)),
			msg: "No OpenIDConnect provider found in your account for localhost:1"},
		{name: "permissive, https issuer not discovered", token: k.sign(t, claims("https://accounts.google.com", "a", nil)),
			msg: "No OpenIDConnect provider found in your account for https://accounts.google.com"},
		{name: "strict refuses undeclared", strict: true, token: k.sign(t, claims(srv.URL, "a", nil)),
			msg: "No OpenIDConnect provider found in your account for " + srv.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jwt, err := tokens.Parse(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			id, err := reg.ForSTS(account, tt.strict).VerifyWebIdentity(context.Background(), jwt)
			if tt.msg != "" {
				wantWire(t, err, sts.CodeInvalidIdentityToken, http.StatusBadRequest, tt.msg)
				return
			}
			wantErr(t, err, nil)
			if want := "arn:aws:iam::" + account + ":oidc-provider/" + key; id.Provider != want {
				t.Errorf("got provider %q, want %q", id.Provider, want)
			}
		})
	}
	// More unreachable issuers than the table holds push out one another,
	// not the reachable issuer, and a new reachable issuer still gets a
	// place.
	v := reg.ForSTS(account, false)
	verify := func(iss string) error {
		t.Helper()
		jwt, err := tokens.Parse(k.sign(t, claims(iss, "a", nil)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.VerifyWebIdentity(context.Background(), jwt)
		return err
	}
	for i := range maxDiscovered + 1 {
		verify(fmt.Sprintf("%s/%d", gone.URL, i))
	}
	if n := len(reg.found); n != maxDiscovered {
		t.Errorf("got %d discovered issuers, want the bound %d", n, maxDiscovered)
	}
	if err := verify(srv.URL); err != nil {
		t.Errorf("the reachable issuer after the unreachable ones: got %v, want it verified", err)
	}
	if err := verify(newOIDCServer(t, jwks(t, k)).URL); err != nil {
		t.Errorf("a new reachable issuer after the unreachable ones: got %v, want it discovered", err)
	}
}

// TestDiscoveredBound: at most maxDiscovered issuers are held, and a new
// one replaces the one least recently used.
func TestDiscoveredBound(t *testing.T) {
	reg, err := New(nil, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	iss := func(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", 10000+i) }
	for i := range maxDiscovered {
		reg.discover(iss(i))
	}
	reg.discover(iss(0)) // used again: iss(1) is now the least recently used
	if e := reg.discover(iss(maxDiscovered)); e == nil {
		t.Fatal("a new issuer with the table full: got nil, want it discovered")
	}
	if n := len(reg.found); n != maxDiscovered {
		t.Errorf("got %d discovered issuers, want the bound %d", n, maxDiscovered)
	}
	for i, want := range map[int]bool{0: true, 1: false, 2: true, maxDiscovered: true} {
		if _, held := reg.found[iss(i)]; held != want {
			t.Errorf("issuer %s held: got %v, want %v", iss(i), held, want)
		}
	}
}

// TestRefusalLogged checks that a refused token's failed check is logged
// at info with the request id, while the client gets AWS's message only.
func TestRefusalLogged(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	reg, err := New([]Provider{{Name: host, JWKS: jwks(t, k), ClientIDs: []string{client}}}, nil, newClock().now, logger)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token, check, msg string
	}{
		{"issuer", k.sign(t, claims("https://evil.example.com", client, nil)), "issuer", "Invalid login token. Issuer doesn't match providerName"},
		{"audience", k.sign(t, claims(issuer, client2, nil)), "audience", "Invalid login token. Incorrect token audience."},
		{"signature", other.sign(t, claims(issuer, client, nil)), "signature", "Invalid login token. Couldn't verify signed token."},
		{"unknown kid", k.signAs(t, "k9", claims(issuer, client, nil)), `"unknown kid"`, "Invalid login token. Couldn't verify signed token."},
		{"expiry", k.sign(t, claims(issuer, client, map[string]any{"exp": t0.Add(-time.Hour).Unix()})), "expiry",
			fmt.Sprintf("Invalid login token. Token expired: %d >= %d", t0.Unix(), t0.Add(-time.Hour).Unix())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			id := "req-" + strings.ReplaceAll(tt.name, " ", "-")
			ctx := protocol.WithRequestID(context.Background(), id)
			_, err := reg.ForIdentity(false).VerifyProviderToken(ctx, host, tt.token)
			wantWire(t, err, "NotAuthorizedException", http.StatusBadRequest, tt.msg)
			line := buf.String()
			for _, want := range []string{"level=INFO", "request_id=" + id, "check=" + tt.check} {
				if !strings.Contains(line, want) {
					t.Errorf("got log %q, want it to hold %s", line, want)
				}
			}
		})
	}
}
