package providers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// fetchEnv is a registry whose one provider's key set is served by srv.
type fetchEnv struct {
	srv *jwksServer
	clk *clock
	reg *Registry
}

func newFetchEnv(t *testing.T, body []byte) *fetchEnv {
	t.Helper()
	e := &fetchEnv{srv: newJWKSServer(t, body), clk: newClock()}
	var err error
	e.reg, err = New([]Provider{{Name: host, JWKSURL: e.srv.URL + "/jwks.json", ClientIDs: []string{client}}}, e.srv.Client(), e.clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.reg.fetchNow = e.clk.now // the fetches' timing, stepped by the test
	return e
}

// verify verifies a token signed by s, valid at the clock's current time.
func (e *fetchEnv) verify(t *testing.T, s signer) error {
	t.Helper()
	now := e.clk.now()
	tok := s.sign(t, claims(issuer, client, map[string]any{"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}))
	_, err := e.reg.Verify(context.Background(), host, tok, nil, 0)
	return err
}

func (e *fetchEnv) wantFetches(t *testing.T, n int) {
	t.Helper()
	if got := e.srv.count(); got != n {
		t.Fatalf("got %d fetches, want %d", got, n)
	}
}

// TestFetchRotation checks when a provider's set is fetched again: after
// CacheTTL, or when no key of it verifies a token: at once for a kid the
// first time, however recently the set was fetched, then at most once per
// RefetchFloor, and for the same kid once per RefetchInterval.
func TestFetchRotation(t *testing.T) {
	k1 := rsaKey(t, "k1", jose.RS256)
	k2 := ecKey(t, "k2", jose.ES256)
	k3 := rsaKey(t, "k3", jose.RS256)
	k3b := rsaKey(t, "k3", jose.RS256) // another key under k3's kid
	k9 := rsaKey(t, "k9", jose.RS256)  // never served
	k8 := rsaKey(t, "k8", jose.RS256)  // never served
	e := newFetchEnv(t, jwks(t, k1))

	// Each step runs in order on the same registry and clock.
	steps := []struct {
		name    string
		advance time.Duration
		rotate  []signer // the set the server serves from this step on
		signer  signer
		want    error
		fetches int // total fetches after the step
	}{
		{name: "nothing fetched before use"},
		{name: "first use with an unknown kid fetches once", signer: k9, want: ErrUnknownKey, fetches: 1},
		{name: "first use fetches", signer: k1, fetches: 1},
		// A provider restarted with a new kid: its tokens pass at once.
		{name: "rotated kid refetched at once after a fetch", advance: time.Second, rotate: []signer{k1, k2}, signer: k2, fetches: 2},
		{name: "new key cached", signer: k2, fetches: 2},
		{name: "another unknown kid within RefetchFloor", advance: RefetchFloor / 2, signer: k9, want: ErrUnknownKey, fetches: 2},
		{name: "another unknown kid after RefetchFloor", advance: RefetchFloor, signer: k9, want: ErrUnknownKey, fetches: 3},
		{name: "same unknown kid is rate limited", advance: RefetchFloor, signer: k9, want: ErrUnknownKey, fetches: 3},
		{name: "yet another unknown kid after RefetchFloor", advance: RefetchFloor, signer: k8, want: ErrUnknownKey, fetches: 4},
		{name: "first unknown kid refetched after RefetchInterval", advance: RefetchInterval, signer: k9, want: ErrUnknownKey, fetches: 5},
		{name: "old key cached", advance: time.Minute, signer: k1, fetches: 5},
		{name: "refetched after the TTL", advance: CacheTTL, rotate: []signer{k3}, signer: k3, fetches: 6},
		{name: "removed key is unknown, refetched once", signer: k1, want: ErrUnknownKey, fetches: 7},
		{name: "removed key again, rate limited", advance: time.Second, signer: k1, want: ErrUnknownKey, fetches: 7},
		// A local mock restarted with a fresh key under a fixed kid.
		{name: "key changed under its kid, refetched at once", advance: time.Second, rotate: []signer{k3b}, signer: k3b, fetches: 8},
		{name: "changed key cached", advance: time.Second, signer: k3b, fetches: 8},
		{name: "replaced key refused, rate limited for its kid", signer: k3, want: ErrSignature, fetches: 8},
		{name: "replaced key refused after RefetchInterval's refetch", advance: RefetchInterval, signer: k3, want: ErrSignature, fetches: 9},
		{name: "replaced key refused again, no fetch", signer: k3, want: ErrSignature, fetches: 9},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clk.advance(s.advance)
			if s.rotate != nil {
				e.srv.set(jwks(t, s.rotate...))
			}
			if s.signer.priv != nil {
				wantErr(t, e.verify(t, s.signer), s.want)
			}
			e.wantFetches(t, s.fetches)
		})
	}
}

func TestFetchFailure(t *testing.T) {
	k1 := rsaKey(t, "k1", jose.RS256)
	k2 := rsaKey(t, "k2", jose.RS256)
	e := newFetchEnv(t, jwks(t, k1))
	e.srv.status.Store(http.StatusServiceUnavailable)

	steps := []struct {
		name    string
		advance time.Duration
		status  int    // the server's status from this step on; 0 keeps it
		body    []byte // the server's body from this step on; nil keeps it
		signer  signer
		want    error
		fetches int
	}{
		{name: "server down", signer: k1, want: ErrFetch, fetches: 1},
		{name: "failure cached briefly", signer: k1, want: ErrFetch, fetches: 1},
		{name: "retried after RetryInterval", advance: RetryInterval, signer: k1, want: ErrFetch, fetches: 2},
		{name: "not a key set", advance: RetryInterval, status: http.StatusOK, body: []byte(`<html>`), signer: k1, want: ErrFetch, fetches: 3},
		{name: "server back", advance: RetryInterval, body: jwks(t, k1), signer: k1, fetches: 4},
		{name: "stale set used while down", advance: CacheTTL, status: http.StatusInternalServerError, signer: k1, fetches: 5},
		{name: "stale set not refetched at once", advance: time.Second, signer: k1, fetches: 5},
		{name: "unknown kid while down is a fetch error", advance: RefetchInterval, signer: k2, want: ErrFetch, fetches: 6},
		{name: "known kid still verifies", signer: k1, fetches: 6},
		{name: "back with the new key", advance: RefetchInterval, status: http.StatusOK, body: jwks(t, k2), signer: k2, fetches: 7},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clk.advance(s.advance)
			if s.status != 0 {
				e.srv.status.Store(int32(s.status))
			}
			if s.body != nil {
				e.srv.set(s.body)
			}
			wantErr(t, e.verify(t, s.signer), s.want)
			e.wantFetches(t, s.fetches)
		})
	}
}

func TestFetchUnreachable(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	srv := newJWKSServer(t, jwks(t, k))
	url := srv.URL
	srv.Close() // nothing listens there any more
	reg, err := New([]Provider{{Name: host, JWKSURL: url}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Verify(context.Background(), host, k.sign(t, claims(issuer, client, nil)), nil, 0)
	wantErr(t, err, ErrFetch)
}

// TestFetchConcurrent checks that callers racing on an empty cache share
// one fetch. Run it with -race.
func TestFetchConcurrent(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	e := newFetchEnv(t, jwks(t, k))
	e.srv.delay = 50 * time.Millisecond
	tok := k.sign(t, claims(issuer, client, nil))
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = e.reg.Verify(context.Background(), host, tok, nil, 0)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: got error %v, want none", i, err)
		}
	}
	e.wantFetches(t, 1)
}

// TestFetchCanceled checks that a caller waiting for another's fetch can
// give up, and that its cancellation does not fail the fetch.
func TestFetchCanceled(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	e := newFetchEnv(t, jwks(t, k))
	e.srv.delay = 200 * time.Millisecond
	tok := k.sign(t, claims(issuer, client, nil))

	first := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		// The fetch in progress outlives its caller's cancellation.
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := e.reg.Verify(ctx, host, tok, nil, 0)
		first <- err
	}()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := e.reg.Verify(ctx, host, tok, nil, 0)
	wantErr(t, err, ErrFetch)
	wantErr(t, <-first, nil)
	// The set fetched for the first caller serves the next ones.
	_, err = e.reg.Verify(context.Background(), host, tok, nil, 0)
	wantErr(t, err, nil)
	e.wantFetches(t, 1)
}

// TestFetchUnusableSet checks that a fetched set with no usable key fails
// its tokens as signed by an unknown key, not as an unreachable provider,
// and that it is fetched again when its keys arrive.
func TestFetchUnusableSet(t *testing.T) {
	k := rsaKey(t, "", jose.RS256)
	e := newFetchEnv(t, []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`))
	err := e.verify(t, k)
	wantErr(t, err, ErrUnknownKey)
	if errors.Is(err, ErrFetch) {
		t.Fatalf("got error %v, want none wrapping ErrFetch", err)
	}
	e.wantFetches(t, 1)

	// A set of keys without kid, one RSA and one EC, as a mock issuer
	// serves: each verifies its own tokens.
	ec := ecKey(t, "", jose.ES256)
	e.srv.set(jwks(t, k, ec))
	e.clk.advance(RefetchInterval)
	wantErr(t, e.verify(t, k), nil)
	wantErr(t, e.verify(t, ec), nil)
	e.wantFetches(t, 2)
}

// TestFetchedSetSkipsKeysItCannotLoad: a fetched key set holding a key
// idpool cannot use still verifies the tokens of its other keys: the provider is reached,
// so refusing them as an outage would be wrong. An inline set with such a
// key is refused when it is declared.
func TestFetchedSetSkipsKeysItCannotLoad(t *testing.T) {
	k := rsaKey(t, "k1", jose.RS256)
	odd := map[string]string{
		"EC key on secp256k1": `{"kty":"EC","crv":"secp256k1","kid":"k2","use":"sig","x":"gfTf8Z5zKk5nH0pZCwYH3CwuWbmzd03yv7j_Js1ejA8","y":"3tN3Yl1hPH0MmTZ3mq-DLbIQ9M96OjU3bS2Y0C2T7wc"}`,
		// A 512-bit modulus (any 64 bytes with the top bit set).
		"512-bit RSA key":                `{"kty":"RSA","kid":"k2","use":"sig","e":"AQAB","n":"` + strings.Repeat("_", 86) + `"}`,
		"alg that does not suit the key": withAlg(t, rsaKey(t, "k2", jose.RS256), "ES256"),
	}
	for name, key := range odd {
		t.Run(name, func(t *testing.T) {
			key = strings.TrimSuffix(strings.TrimPrefix(key, `{"keys":[`), `]}`)
			body := strings.Replace(string(jwks(t, k)), `{"keys":[`, `{"keys":[`+key+`,`, 1)
			srv := newJWKSServer(t, []byte(body))
			reg, err := New([]Provider{{Name: host, JWKSURL: srv.URL}}, srv.Client(), newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reg.Verify(context.Background(), host, k.sign(t, claims(issuer, client, nil)), nil, 0); err != nil {
				t.Errorf("token of the loadable key: got %v, want it verified", err)
			}
			if _, err := New([]Provider{{Name: host, JWKS: []byte(body)}}, nil, newClock().now, nil); err == nil {
				t.Error("the same set inline: got nil, want the key it cannot use refused")
			}
		})
	}
}

// TestFetchTimedByTheRealClock: with the token clock fixed, as
// idpooltest.WithClock fixes it, a provider that was down at its first
// use is fetched again once RetryInterval of real time has passed.
func TestFetchTimedByTheRealClock(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	srv := newJWKSServer(t, jwks(t, k))
	srv.status.Store(http.StatusServiceUnavailable)
	reg, err := New([]Provider{{Name: host, JWKSURL: srv.URL}}, srv.Client(), func() time.Time { return t0 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := k.sign(t, claims(issuer, client, nil))
	if _, err := reg.Verify(context.Background(), host, tok, nil, 0); !errors.Is(err, ErrFetch) {
		t.Fatalf("provider down: got %v, want ErrFetch", err)
	}
	srv.status.Store(http.StatusOK)
	time.Sleep(RetryInterval + 100*time.Millisecond)
	if _, err := reg.Verify(context.Background(), host, tok, nil, 0); err != nil {
		t.Errorf("provider up again, RetryInterval later: got %v, want the token verified", err)
	}
}

// withAlg returns the JWK of s, with alg set to alg.
func withAlg(t *testing.T, s signer, alg string) string {
	t.Helper()
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(jwks(t, s), &set); err != nil {
		t.Fatal(err)
	}
	set.Keys[0]["alg"] = alg
	b, err := json.Marshal(set.Keys[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
