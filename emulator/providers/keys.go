package providers

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// pubKey is one verification key of a set.
type pubKey struct {
	kid string
	// alg is the key's own "alg", "" when the JWK names none; a token must
	// then use it.
	alg string
	pub any // *rsa.PublicKey or *ecdsa.PublicKey
}

// keySet is a parsed key set. It is immutable.
type keySet struct {
	keys []*pubKey
	// skipped describes the keys left out as unusable, for the error of a
	// token no key verifies.
	skipped []string
}

// candidates returns the keys that may have signed a token of alg naming
// kid: the keys of that kid, or every key when the token names none
// (RFC 7517 makes kid optional, and a set may hold, say, one RSA and one
// EC key without one). named is false when no key has that kid. Of those,
// only the keys whose type, curve and own alg suit alg are returned.
func (s *keySet) candidates(kid, alg string) (fit []*pubKey, named bool) {
	for _, k := range s.keys {
		if kid != "" && k.kid != kid {
			continue
		}
		named = true
		if (k.alg == "" || k.alg == alg) && suits(alg, k.pub) {
			fit = append(fit, k)
		}
	}
	return fit, named
}

// parseSet parses a JWKS document or a single JWK. It keeps the RSA and EC
// (P-256, P-384, P-521) signature keys, using the public half of private
// ones, and skips the others (symmetric, encryption, OKP keys): HMAC and
// EdDSA signatures are never accepted; skipped lists them. A document that
// is not a key set or a JWK is an error, and so is an RSA or EC key that is
// not a valid JSON Web Key, or one idpool cannot use (a curve go-jose
// lacks, a short RSA key, an alg that does not suit it), unless lenient: a
// provider's fetched set is read leniently, so that such a key is skipped
// rather than take down the keys that work. A set with no usable key is
// not an error (its provider was reached, it just holds no key a token
// could be verified with). Several keys may share a kid, or have none.
func parseSet(b []byte, lenient bool) (*keySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
		Kty  string            `json:"kty"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	raws := doc.Keys
	if raws == nil {
		if doc.Kty == "" {
			return nil, errors.New(`not a JSON Web Key Set: no "keys"`)
		}
		raws = []json.RawMessage{b}
	}
	ks := &keySet{}
	// refuse is the set's error for a key idpool cannot use, or, when
	// lenient, nil with the key skipped.
	refuse := func(err error) error {
		if !lenient {
			return err
		}
		ks.skipped = append(ks.skipped, err.Error())
		return nil
	}
	for i, raw := range raws {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			// go-jose refuses key types it does not know, which are
			// skipped; a broken RSA or EC key is skipped only when lenient.
			var probe struct {
				Kty string `json:"kty"`
			}
			if json.Unmarshal(raw, &probe) == nil && probe.Kty != "RSA" && probe.Kty != "EC" {
				ks.skipped = append(ks.skipped, fmt.Sprintf("key %d: kty %q", i, probe.Kty))
				continue
			}
			if err := refuse(fmt.Errorf("key %d: %w", i, err)); err != nil {
				return nil, err
			}
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			ks.skipped = append(ks.skipped, fmt.Sprintf("key %q: use %q", k.KeyID, k.Use))
			continue
		}
		pk := &pubKey{kid: k.KeyID, alg: k.Algorithm}
		switch key := k.Key.(type) {
		case *rsa.PublicKey:
			pk.pub = key
		case *rsa.PrivateKey:
			pk.pub = &key.PublicKey
		case *ecdsa.PublicKey:
			pk.pub = key
		case *ecdsa.PrivateKey:
			pk.pub = &key.PublicKey
		default:
			ks.skipped = append(ks.skipped, fmt.Sprintf("key %q: a %T", k.KeyID, k.Key))
			continue
		}
		if rk, ok := pk.pub.(*rsa.PublicKey); ok && (rk.N.BitLen() < minRSABits || rk.E < 3) {
			// Go's RSA verification refuses such keys anyway; say so now.
			if err := refuse(fmt.Errorf("key %q: RSA modulus of %d bits or exponent %d is too small", k.KeyID, rk.N.BitLen(), rk.E)); err != nil {
				return nil, err
			}
			continue
		}
		if pk.alg != "" && !allowed(pk.alg) {
			ks.skipped = append(ks.skipped, fmt.Sprintf("key %q: alg %q", k.KeyID, pk.alg))
			continue
		}
		if pk.alg != "" && !suits(pk.alg, pk.pub) {
			if err := refuse(fmt.Errorf("key %q: alg %q does not suit the key", k.KeyID, pk.alg)); err != nil {
				return nil, err
			}
			continue
		}
		ks.keys = append(ks.keys, pk)
	}
	return ks, nil
}

// unusable says why a set holds no key, nil when it holds one.
func (s *keySet) unusable() error {
	switch {
	case len(s.keys) > 0:
		return nil
	case len(s.skipped) > 0:
		return fmt.Errorf("no RSA or EC signature key (skipped %s)", strings.Join(s.skipped, ", "))
	}
	return errors.New("no keys")
}

// minRSABits is the smallest RSA modulus accepted.
const minRSABits = 1024

// algs are the signature algorithms AWS accepts for web identity tokens.
var algs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

func allowed(alg string) bool {
	switch jose.SignatureAlgorithm(alg) {
	case jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512:
		return true
	}
	return false
}

// suits reports whether alg signs with key pub: RS* with an RSA key, ES256,
// ES384 and ES512 with a P-256, P-384 and P-521 key.
func suits(alg string, pub any) bool {
	switch jose.SignatureAlgorithm(alg) {
	case jose.RS256, jose.RS384, jose.RS512:
		_, ok := pub.(*rsa.PublicKey)
		return ok
	case jose.ES256:
		return curve(pub) == elliptic.P256()
	case jose.ES384:
		return curve(pub) == elliptic.P384()
	case jose.ES512:
		return curve(pub) == elliptic.P521()
	}
	return false
}

func curve(pub any) elliptic.Curve {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		return k.Curve
	}
	return nil
}

// remote is a key set fetched from a URL.
type remote struct {
	// url is the key set's URL, or, when discover is set, the issuer whose
	// discovery document names it.
	url      string
	discover bool
	// offline, when set, is why url is never fetched: an https issuer
	// that only IAM, not a fixture, names, which idpool, offline, does
	// not reach. Each fetch fails with it at once.
	offline string
	// reach, when not nil, is the rule of every URL a fetch asks for (the
	// discovery document, the jwks_uri it names, each redirect): an error
	// says why a URL is not reached. It is set for the http key sets of
	// providers only IAM holds (sourceEntry).
	reach func(*neturl.URL) error
	// sem admits one fetch at a time; others wait for its outcome.
	sem   chan struct{}
	state atomic.Pointer[fetchState]
}

// fetchState is the outcome of the latest fetch. Each fetch stores a new
// one, so a waiter can tell whether a fetch happened while it waited.
type fetchState struct {
	keys  *keySet   // the latest set fetched, nil until a fetch succeeds
	got   time.Time // when keys were fetched
	tried time.Time // when the latest fetch began
	err   error     // the latest fetch's error, nil when it succeeded
	// missKid and missAt are the kid and time of the latest fetch made
	// because no key of the set verified a token (missAt is zero when
	// there was none): they limit such fetches (refresh).
	missKid string
	missAt  time.Time
	// note says how the discovery document that named the key set's URL
	// disagrees with the issuer it was read for, "" when it agrees: a
	// verification the set fails adds it.
	note string
}

func newRemote(url string, discover bool) *remote {
	return &remote{url: url, discover: discover, sem: make(chan struct{}, 1)}
}

// current returns the provider's key set, fetching it when it has none yet
// or its set is older than CacheTTL. A stale set is returned, with no
// error, when fetching it again fails or is not yet due.
func (r *Registry) current(ctx context.Context, rm *remote) (*keySet, error) {
	st := rm.state.Load()
	if st != nil && st.keys != nil && r.fetchNow().Sub(st.got) < CacheTTL {
		return st.keys, nil
	}
	ks, err := r.refresh(ctx, rm, st, nil)
	if ks != nil {
		return ks, nil
	}
	return nil, err
}

// refresh fetches the set again unless the fetch is not due or another
// caller fetched it since the caller read seen. It returns the newest set,
// possibly stale (or nil if none was ever fetched), and the error of the
// fetch that produced the current state.
//
// miss, when not nil, is the kid (maybe "") of a token no key of the set
// verifies: its kid is missing, or the key under it no longer signs, as
// when a local provider restarts with a new key, under a new kid or the
// same one. Such a fetch is due however recently the set was fetched for
// other reasons, so that a provider's new keys are picked up at once.
// Only repeats are limited, so that a flood of tokens of bogus kids
// cannot hammer the provider: one follows the previous such fetch by at
// least RefetchFloor, and, for the same kid, by RefetchInterval.
func (r *Registry) refresh(ctx context.Context, rm *remote, seen *fetchState, miss *string) (*keySet, error) {
	select {
	case rm.sem <- struct{}{}:
	case <-ctx.Done():
		return keysOf(seen), fmt.Errorf("%w: %s: %w", ErrFetch, rm.url, ctx.Err())
	}
	defer func() { <-rm.sem }()
	st := rm.state.Load()
	if st != seen {
		// Another caller fetched while this one waited: use its outcome.
		return st.keys, st.err
	}
	now := r.fetchNow()
	if st != nil && !due(st, now, miss) {
		if st.keys != nil && miss == nil && now.Sub(st.got) < CacheTTL {
			return st.keys, nil
		}
		return st.keys, st.err
	}
	ks, note, err := r.fetch(ctx, rm)
	next := &fetchState{keys: ks, got: now, tried: now, err: err, note: note}
	if st != nil {
		next.missKid, next.missAt = st.missKid, st.missAt
	}
	if miss != nil {
		next.missKid, next.missAt = *miss, now
	}
	if err != nil {
		r.log.WarnContext(ctx, "fetching a provider key set failed", "url", rm.url, "err", err)
		next.keys, next.got = keysOf(st), time.Time{}
		if st != nil {
			next.got = st.got
		}
	} else {
		r.log.DebugContext(ctx, "provider key set fetched", "url", rm.url, "keys", len(ks.keys))
	}
	rm.state.Store(next)
	return next.keys, err
}

// due reports whether a fetch of a set whose latest fetch is st is due
// at now, for a token of kid *miss that no key of it verifies, or, with
// miss nil, because the set may be stale. A set never fetched is fetched
// again RetryInterval after the latest failure; a stale one
// RefetchInterval after it; a missed kid's, as refresh says.
func due(st *fetchState, now time.Time, miss *string) bool {
	switch {
	case st.keys == nil:
		return now.Sub(st.tried) >= RetryInterval
	case miss == nil:
		return now.Sub(st.got) >= CacheTTL && now.Sub(st.tried) >= RefetchInterval
	case st.missAt.IsZero():
		return true
	case now.Sub(st.missAt) < RefetchFloor:
		return false
	}
	return *miss != st.missKid || now.Sub(st.missAt) >= RefetchInterval
}

func keysOf(st *fetchState) *keySet {
	if st == nil {
		return nil
	}
	return st.keys
}

// fetch GETs and parses a provider's key set, first reading its URL from
// the issuer's discovery document when rm.discover is set. The document is
// read again at each fetch, so a provider that moves its jwks_uri is
// followed. note says how the document disagrees with the issuer, as
// jwksURI says; a failure to fetch the set it names says so too. Its errors
// wrap ErrFetch. The requests outlive the caller's cancellation (their
// outcome is shared with other callers) but not fetchTimeout, which
// bounds both.
func (r *Registry) fetch(ctx context.Context, rm *remote) (ks *keySet, note string, err error) {
	if rm.offline != "" {
		return nil, "", fmt.Errorf("%w: %s", ErrFetch, rm.offline)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	url := rm.url
	if rm.discover {
		if url, note, err = r.jwksURI(ctx, rm); err != nil {
			return nil, "", err
		}
	}
	b, err := r.get(ctx, rm, url)
	if err != nil {
		if note != "" {
			err = fmt.Errorf("%w (%s)", err, note)
		}
		return nil, note, err
	}
	ks, err = parseSet(b, true)
	if err != nil {
		return nil, note, fmt.Errorf("%w: %s: %w", ErrFetch, url, err)
	}
	if err := ks.unusable(); err != nil {
		// Kept: its tokens then fail as signed by an unknown key, which is
		// the token's problem, not an outage to retry.
		r.log.WarnContext(ctx, "a provider key set holds no usable key", "url", url, "err", err)
	}
	return ks, note, nil
}

// discoveryPath is where an OpenID provider publishes its configuration,
// relative to its issuer (OpenID Connect Discovery 1.0 §4).
const discoveryPath = "/.well-known/openid-configuration"

// userPoolKeysPath is where a Cognito user pool publishes its key set,
// relative to its issuer, without a discovery document to name it (the
// Cognito Developer Guide's "Verifying a JSON Web Token").
const userPoolKeysPath = "/.well-known/jwks.json"

// jwksURI reads the jwks_uri of the discovery document of rm's issuer. note, when
// the document's issuer is not the one it was read for, says so, naming
// both: OpenID Connect Discovery §4.3 wants them equal, but idpool still
// uses the jwks_uri, since a local provider behind another host name (a
// Compose service name, a proxy) names its issuer as its clients reach
// it, and its keys verify all the same; the note then explains a jwks_uri
// that cannot be reached, such as one of the host name the document
// names, or keys that do not verify.
func (r *Registry) jwksURI(ctx context.Context, rm *remote) (uri, note string, err error) {
	issuer := rm.url
	doc := strings.TrimSuffix(issuer, "/") + discoveryPath
	b, err := r.get(ctx, rm, doc)
	if err != nil {
		return "", "", err
	}
	var cfg struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", "", fmt.Errorf("%w: %s: not a discovery document: %w", ErrFetch, doc, err)
	}
	if strings.TrimSuffix(cfg.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		note = fmt.Sprintf("the discovery document %s names issuer %q, not %q, the issuer idpool read it for, which OpenID Connect Discovery wants it to be: the provider is configured for another URL than the one its tokens name (jwks_uri %s)", doc, cfg.Issuer, issuer, cfg.JWKSURI)
		r.log.WarnContext(ctx, "a provider's discovery document names another issuer", "document", doc, "issuer", cfg.Issuer, "want", issuer)
	}
	if !isURL(cfg.JWKSURI) {
		return "", "", fmt.Errorf("%w: %s: jwks_uri %q is not an absolute http or https URL", ErrFetch, doc, cfg.JWKSURI)
	}
	return cfg.JWKSURI, note, nil
}

// get GETs a JSON document of at most maxSetSize bytes for rm, whose
// reach rule url must pass; the registry's client checks the redirects
// (checkRedirect). Its errors wrap ErrFetch.
func (r *Registry) get(ctx context.Context, rm *remote, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, url, err)
	}
	if rm.reach != nil {
		if err := rm.reach(req.URL); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFetch, err)
		}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s: status %s", ErrFetch, url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSetSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, url, err)
	}
	if len(b) > maxSetSize {
		return nil, fmt.Errorf("%w: %s: document larger than %d bytes", ErrFetch, url, maxSetSize)
	}
	return bytes.TrimSpace(b), nil
}

// maxRedirects bounds the redirects one request follows, as net/http's
// default does.
const maxRedirects = 10

// checkRedirect is the CheckRedirect of the registry's client: a redirect
// is followed only to the same scheme and host (with its port) as the
// request it answers, so that a provider cannot send idpool to another
// host, or from http to https, past the rules that chose which URLs it
// fetches (Registry.get, remote.reach); then next, the client's own
// check, when it has one.
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		from := via[0].URL
		if req.URL.Scheme != from.Scheme || !strings.EqualFold(req.URL.Host, from.Host) {
			return fmt.Errorf("redirect from %s to %s refused: idpool follows a provider's redirects only within its scheme and host", from.Redacted(), req.URL.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}
