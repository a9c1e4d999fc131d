package providers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/idpool/idpool/emulator/identity"
)

// Provider is an external identity provider whose tokens idpool verifies.
type Provider struct {
	// Name is the provider's issuer URL (http://localhost:9229/us-east-1_abc,
	// https://login.example.com/realms/dev) or its Logins key, which is the
	// issuer without its scheme, as AWS writes IAM OIDC provider ARNs. A
	// name written with a scheme is the exact issuer its tokens carry; a
	// bare key accepts tokens whose iss is "https://" or "http://" + key.
	Name string
	// Issuer, when set, is the exact iss the provider's tokens carry,
	// instead of the one Name implies: it lets the Logins key
	// cognito-idp.us-east-1.amazonaws.com/us-east-1_abc accept the tokens
	// cognito-local issues as http://localhost:9229/us-east-1_abc.
	Issuer string
	// JWKS is an inline key set: a JWKS document ({"keys":[…]}) or a single
	// JWK. At most one of JWKS and JWKSURL is set; with neither, the key
	// set is found by OpenID Connect discovery from the issuer a token
	// carries, as IAM does for an OIDC provider, or, for a user pool, at
	// <issuer>/.well-known/jwks.json.
	JWKS []byte
	// JWKSURL is the http or https URL the key set is fetched from.
	JWKSURL string
	// ClientIDs, when not empty, are the audiences the provider's tokens
	// must name: their azp when they carry one, else one of their aud.
	ClientIDs []string
}

// Cache timing of fetched key sets.
const (
	// CacheTTL is how long a fetched key set is used before it is fetched
	// again.
	CacheTTL = 10 * time.Minute
	// RefetchInterval is the least time between two fetches of one
	// provider's set made for the same kid that no key of the set
	// verifies, and between two attempts to fetch a stale set while the
	// provider cannot be reached. The first fetch for a kid is made at
	// once, however recently the set was fetched.
	RefetchInterval = 10 * time.Second
	// RefetchFloor is the least time between two fetches of one
	// provider's set made for kids that no key of the set verifies, so
	// that tokens of ever new bogus kids cannot hammer the provider.
	RefetchFloor = time.Second
	// RetryInterval is the least time between two fetches of a provider
	// whose set has never been fetched successfully; within it, callers get
	// the last failure.
	RetryInterval = time.Second
	// fetchTimeout bounds one fetch when the client sets no timeout.
	fetchTimeout = 10 * time.Second
	// maxSetSize bounds a fetched key set or discovery document.
	maxSetSize = 1 << 20
	// maxDiscovered bounds the undeclared issuers STS discovers in
	// permissive mode.
	maxDiscovered = 64
	// maxAdded bounds the entries kept of the Source's providers. An
	// entry stays until its provider is looked up again after IAM deleted
	// it, which a suite that makes a provider for a new issuer per test
	// never does: unbounded, each deleted provider kept its key set (about
	// 1.3 KB) for the server's life. Past the bound every entry goes, and
	// the live ones are made again, their key sets fetched again, when
	// next used; AWS's quota of 100 OpenID Connect providers an account
	// keeps that from happening to a set-up AWS accepts.
	maxAdded = 256
)

// Registry holds the providers' key sets and verifies their tokens. It is
// safe for concurrent use.
type Registry struct {
	client *http.Client
	// now is the clock of token times (exp, nbf); fetchNow, the real
	// clock unless a test sets it, times the fetches: a server whose
	// token clock is fixed (idpooltest.WithClock) still retries a provider
	// that was down and picks up a rotated key.
	now      func() time.Time
	fetchNow func() time.Time
	log      *slog.Logger
	// byKey maps a provider's Logins key (its name without scheme) to the
	// provider, and byIssuer each iss a provider accepts to it. They are
	// not modified after New.
	byKey    map[string]*entry
	byIssuer map[string]*entry
	// found holds the undeclared issuers discovered for STS in permissive
	// mode, at most maxDiscovered of them, each with the count of its last
	// use, so that the least recently used goes when the table is full
	// (local stacks start their issuer on a new port each run).
	mu    sync.Mutex
	found map[string]*discovered
	uses  uint64
	// source supplies the providers declared after New (IAM's), read when
	// the fixed ones miss; added holds the entries made of them, by
	// Logins key, so that their fetched key sets are kept (guarded by mu).
	source Source
	added  map[string]*entry
}

// Source supplies providers declared after New, such as IAM's OpenID
// Connect providers, which can be created and deleted at any time. It is
// read on every lookup the providers given to New miss.
type Source interface {
	// Provider returns the provider of a Logins key (an issuer without
	// its scheme); ok is false when there is none.
	Provider(ctx context.Context, key string) (p Provider, ok bool, err error)
}

// SetSource makes r consult s; it must be called before r is used.
func (r *Registry) SetSource(s Source) { r.source = s }

// fromSource returns the entry of the source's provider for Logins key
// key, nil when it has none. err, logged here, is the source's failure,
// which says nothing of whether it holds the provider: callers answer it
// as their internal error, not as a provider the account lacks. The entry
// made for a provider is kept while its definition stays the same.
func (r *Registry) fromSource(ctx context.Context, key string) (*entry, error) {
	if r.source == nil || key == "" {
		return nil, nil
	}
	p, ok, err := r.source.Provider(ctx, key)
	if err != nil {
		r.log.ErrorContext(ctx, "provider lookup", "key", key, "err", err)
		return nil, fmt.Errorf("providers: look up provider %s: %w", key, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ok {
		delete(r.added, key)
		return nil, nil
	}
	if e := r.added[key]; e != nil && e.name == p.Name && slices.Equal(e.clientIDs, p.ClientIDs) {
		return e, nil
	}
	e, err := sourceEntry(key, p)
	if err != nil {
		// IAM checked the provider's URL and client ids when it made it:
		// one it holds that no entry can be made of is idpool's fault.
		r.log.ErrorContext(ctx, "provider lookup", "key", key, "err", err)
		return nil, fmt.Errorf("providers: provider %s: %w", key, err)
	}
	if r.added == nil {
		r.added = make(map[string]*entry)
	}
	if len(r.added) >= maxAdded {
		clear(r.added)
	}
	r.added[key] = e
	return e, nil
}

// sourceEntry makes the entry of the source's provider p of Logins key
// key. An IAM provider is named by its https:// URL, as AWS requires,
// while a local provider's tokens carry http://: one whose URL is the key
// with a scheme, and whose host is local (localHost: a loopback or
// private address, localhost, a single-label name such as a Compose
// service's), takes both, as a provider declared by its key does, each
// token's key set found from its own iss. A provider of a public host
// name takes only its URL's issuer: idpool, offline, never reaches an
// https issuer that no fixture declares (README "Logins"), and a token
// saying http:// instead must not make it reach that host over plain
// http. The https set of such a provider fails at once, with what to
// declare instead; its http set fetches only http URLs (discovery
// document, jwks_uri, redirects alike), and for a local host's twin, only
// of local hosts.
func sourceEntry(key string, p Provider) (*entry, error) {
	name := p.Name
	k, scheme := loginsKey(name)
	twin := scheme == "https://" && localHost(key)
	if k == key && (scheme == "http://" || twin) && p.Issuer == "" && p.JWKS == nil && p.JWKSURL == "" {
		p.Name = key
	}
	e, err := newEntry(p)
	if err != nil {
		return nil, err
	}
	e.name = name
	for _, rm := range []*remote{e.remote, e.plain} {
		switch {
		case rm == nil:
		case strings.HasPrefix(rm.url, "https://"):
			rm.offline = offlineReason(name, key)
		default:
			rm.reach = undeclaredReach(name, twin)
		}
	}
	return e, nil
}

// undeclaredReach returns the rule of the URLs the http key set of IAM's
// provider url fetches: none of https, which only a fixture lets idpool
// reach, and, when local (the http twin of an https URL), none but of a
// local host, so that a discovery document cannot send idpool to the
// network either.
func undeclaredReach(url string, local bool) func(*neturl.URL) error {
	return func(u *neturl.URL) error {
		switch {
		case u.Scheme != "http":
			return fmt.Errorf("idpool does not reach %s for IAM's OpenID Connect provider %s, as no fixture declares it: only http URLs are fetched for a provider only IAM holds", u.Redacted(), url)
		case local && !localHost(u.Host):
			return fmt.Errorf("idpool does not reach %s for IAM's OpenID Connect provider %s, as no fixture declares it: the http issuer of a provider only IAM holds by its https URL fetches only from local hosts (loopback, private addresses, single-label names)", u.Redacted(), url)
		}
		return nil
	}
}

// localHost reports whether the host of key (host[:port][/path], as a
// Logins key or a URL's Host) is local: localhost or a name under
// .localhost, a name under .internal (host.docker.internal: how a
// container reaches its host; ICANN keeps the domain for private use), a
// loopback address (127.0.0.0/8, ::1), a private one (RFC 1918,
// fc00::/7), or a single-label name, as Compose services and hosts of a
// local network are named. A public DNS name, dotted, never is, nor a
// single label of digits (some resolvers read 134744072 or 0x8080808 as
// an IPv4 address). Case and a fully qualified name's trailing dot do not
// matter.
func localHost(key string) bool {
	u, err := neturl.Parse("http://" + key)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		return ip.IsLoopback() || ip.IsPrivate()
	}
	switch {
	case host == "" || numericLabel(host):
		return false
	case host == "localhost", strings.HasSuffix(host, ".localhost"), strings.HasSuffix(host, ".internal"):
		return true
	}
	return !strings.Contains(host, ".")
}

// numericLabel reports whether host is one label of decimal digits or a
// 0x hexadecimal number, which inet_aton-style resolvers take for an IPv4
// address.
func numericLabel(host string) bool {
	digits := strings.TrimPrefix(host, "0x")
	hex := len(digits) < len(host)
	if digits == "" || strings.Contains(host, ".") {
		return false
	}
	for _, r := range digits {
		if !(r >= '0' && r <= '9' || hex && (r >= 'a' && r <= 'f')) {
			return false
		}
	}
	return true
}

// offlineReason says why the https key set of IAM's provider url, of
// Logins key key, is not fetched, and how to give idpool its keys.
func offlineReason(url, key string) string {
	return fmt.Sprintf("idpool does not reach %s, the https issuer of IAM's OpenID Connect provider %s, as no fixture declares it: "+
		`declare its keys in the fixtures' Providers, {"Name": %q, "Jwks": {"keys": […]}} (or a "JwksUrl" idpool can reach), `+
		`with "IamProvider": false to leave creating the IAM provider to your set-up`, "https://"+key, key, url)
}

// iamHeld returns declared provider e as STS and Cognito Identity take it
// while IAM holds an OpenID Connect provider of its key: with the client
// ids of IAM's provider, whatever the fixture said, as AWS checks a
// token's audience against the IAM provider's ClientIDList (spec
// cognito-identity.md §3; the IAM User Guide's "Create an OpenID Connect
// (OIDC) identity provider in IAM"), so that Add- and
// RemoveClientIDFromOpenIDConnectProvider take effect at once. It is nil
// when IAM holds none; err is the source's failure. The entry returned
// shares e's key set, which is thus fetched once.
func (r *Registry) iamHeld(ctx context.Context, e *entry) (*entry, error) {
	held, err := r.fromSource(ctx, e.key)
	if held == nil || err != nil {
		return nil, err
	}
	if slices.Equal(held.clientIDs, e.clientIDs) {
		return e, nil
	}
	c := *e
	c.clientIDs = held.clientIDs
	return &c, nil
}

// poolVerified reports whether Cognito Identity verifies the logins
// under Logins key key itself, never through an IAM OpenID Connect
// provider of that key: a user pool's, which a pool lists in
// CognitoIdentityProviders, a social provider's of
// SupportedLoginProviders, and a SAML provider's ARN. Only the logins of
// a key a pool takes through OpenIdConnectProviderARNs are verified by
// IAM's provider, as only that list names IAM providers; AWS never uses
// one to verify a user pool's logins (spec cognito-identity.md §3).
func poolVerified(key string) bool {
	return identity.SocialProvider(key) || identity.UserPoolProviderName(key) || strings.HasPrefix(key, "arn:")
}

// entry is one provider as the registry keeps it.
type entry struct {
	name      string   // Provider.Name as configured
	key       string   // the Logins key: name without its scheme
	issuers   []string // accepted iss values
	clientIDs []string
	static    *keySet // the inline set; nil for a fetched one
	// remote is the fetched set, nil for an inline one: the one of
	// JWKSURL, or, found from an issuer, that of issuers[0]; plain, when
	// not nil, is the one found from issuers[1], the http:// issuer of a
	// provider named by its bare key, for its tokens of that iss.
	remote *remote
	plain  *remote
}

// remoteFor returns the fetched set that verifies e's tokens of iss: the
// one found from the http:// issuer when iss is that issuer (with one "/"
// more, as Cognito Identity takes it), else e.remote. So a provider named
// by its bare key finds its keys from the issuer its tokens carry, http
// or https, and a token of another iss (refused by the issuer check)
// makes no request to a URL of its choosing.
func (e *entry) remoteFor(iss string) *remote {
	if e.plain != nil && strings.TrimSuffix(iss, "/") == e.issuers[1] {
		return e.plain
	}
	return e.remote
}

// accepts reports whether iss is one of e's issuers or, with slash, one
// of them as Cognito Identity compares issuers (identity.SameIssuer).
func (e *entry) accepts(iss string, slash bool) bool {
	for _, want := range e.issuers {
		if iss == want || slash && identity.SameIssuer(iss, want) {
			return true
		}
	}
	return false
}

// New returns a registry of list. Inline key sets are parsed now, and an
// error names the provider whose set or configuration is invalid; sets at a
// URL are fetched on first use with a copy of client (a client with a
// 10-second timeout when nil) that follows redirects only within a scheme
// and host (checkRedirect). now is the clock of token times (time.Now
// when nil); fetches are timed by the real clock. logger may be nil.
func New(list []Provider, client *http.Client, now func() time.Time, logger *slog.Logger) (*Registry, error) {
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	// A copy, so that the caller's client keeps its own redirect rule.
	c := *client
	c.CheckRedirect = checkRedirect(client.CheckRedirect)
	client = &c
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &Registry{client: client, now: now, fetchNow: time.Now, log: logger, byKey: make(map[string]*entry, len(list)),
		byIssuer: make(map[string]*entry, len(list)), found: make(map[string]*discovered)}
	for i, p := range list {
		e, err := newEntry(p)
		if err != nil {
			if p.Name == "" {
				return nil, fmt.Errorf("providers: provider %d: %w", i, err)
			}
			return nil, fmt.Errorf("providers: provider %q: %w", p.Name, err)
		}
		if prev, dup := r.byKey[e.key]; dup {
			return nil, fmt.Errorf("providers: provider %q: same Logins key %q as provider %q", p.Name, e.key, prev.name)
		}
		r.byKey[e.key] = e
		for _, iss := range e.issuers {
			if prev, dup := r.byIssuer[iss]; dup {
				return nil, fmt.Errorf("providers: provider %q: same issuer %q as provider %q", p.Name, iss, prev.name)
			}
			r.byIssuer[iss] = e
		}
	}
	return r, nil
}

func newEntry(p Provider) (*entry, error) {
	if p.Name == "" {
		return nil, errors.New("no name")
	}
	key, scheme := loginsKey(p.Name)
	if key == "" || strings.ContainsAny(key, " \t\r\n") {
		return nil, errors.New("name is not an issuer host")
	}
	e := &entry{name: p.Name, key: key, clientIDs: p.ClientIDs}
	switch {
	case p.Issuer != "":
		if !isURL(p.Issuer) {
			return nil, fmt.Errorf("issuer %q is not an absolute http or https URL", p.Issuer)
		}
		e.issuers = []string{p.Issuer}
	case scheme != "":
		e.issuers = []string{p.Name}
	default:
		// A bare key accepts both schemes: local issuers are often http.
		e.issuers = []string{"https://" + key, "http://" + key}
		if key == "accounts.google.com" {
			// Google writes iss with or without the scheme.
			e.issuers = append(e.issuers, key)
		}
	}
	for _, c := range p.ClientIDs {
		if c == "" {
			return nil, errors.New("empty client id")
		}
	}
	switch {
	case len(p.JWKS) > 0 && p.JWKSURL != "":
		return nil, errors.New("both an inline key set and a key set URL")
	case len(p.JWKS) > 0:
		ks, err := parseSet(p.JWKS, false)
		if err == nil {
			err = ks.unusable()
		}
		if err != nil {
			return nil, fmt.Errorf("inline key set: %w", err)
		}
		e.static = ks
	case p.JWKSURL != "":
		if !isURL(p.JWKSURL) {
			return nil, fmt.Errorf("key set URL %q is not an absolute http or https URL", p.JWKSURL)
		}
		e.remote = newRemote(p.JWKSURL, false)
	case identity.UserPoolProviderName(key):
		// A user pool publishes its keys at <issuer>/.well-known/jwks.json
		// and no discovery document that a local stand-in would have to
		// get right (cognito-local's names its own default port).
		e.remote = newRemote(strings.TrimSuffix(e.issuers[0], "/")+userPoolKeysPath, false)
		if len(e.issuers) > 1 {
			e.plain = newRemote(e.issuers[1]+userPoolKeysPath, false)
		}
	default:
		// Discovery from the issuer the tokens carry: a bare key's
		// https:// issuer, or its http:// one (plain).
		e.remote = newRemote(e.issuers[0], true)
		if len(e.issuers) > 1 {
			e.plain = newRemote(e.issuers[1], true)
		}
	}
	return e, nil
}

// isURL reports whether s is an absolute http or https URL with a host.
func isURL(s string) bool {
	u, err := neturl.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// loginsKey splits an http or https scheme off name.
func loginsKey(name string) (key, scheme string) {
	for _, s := range []string{"https://", "http://"} {
		if k, ok := strings.CutPrefix(name, s); ok {
			return k, s
		}
	}
	return name, ""
}

// Has reports whether a provider of that name (Logins key or issuer) is
// configured.
func (r *Registry) Has(name string) bool {
	return r.lookup(context.Background(), name) != nil
}

// lookup is find with the source's failure logged only.
func (r *Registry) lookup(ctx context.Context, name string) *entry {
	e, _ := r.find(ctx, name)
	return e
}

// find returns the provider of a name (Logins key or issuer): the one
// declared under that key, else the source's, else nil; err is the
// source's failure.
func (r *Registry) find(ctx context.Context, name string) (*entry, error) {
	key, _ := loginsKey(name)
	if e := r.byKey[key]; e != nil {
		return e, nil
	}
	return r.fromSource(ctx, key)
}

// byIss finds the provider of a token's iss: the one that accepts that
// exact iss, else the one whose Logins key it names (whose issuer check
// then fails), else nil; err is the source's failure.
func (r *Registry) byIss(ctx context.Context, iss string) (*entry, error) {
	if e := r.byIssuer[iss]; e != nil {
		return e, nil
	}
	return r.find(ctx, iss)
}

// discover returns the provider of an undeclared http issuer, whose key
// set is found by discovery, or nil when iss is not such a URL. Only http
// issuers are discovered: they are the local stacks' (AWS itself refuses
// them), while an https issuer is a real provider that idpool, offline,
// must not try to reach unless it is declared. At most maxDiscovered
// issuers are held: a new one replaces, of those whose key set was never
// fetched (an issuer that is not there, still timed by RetryInterval while
// held), else of all, the one least recently used.
func (r *Registry) discover(iss string) *entry {
	if !strings.HasPrefix(iss, "http://") || !isURL(iss) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.uses++
	if d := r.found[iss]; d != nil {
		d.used = r.uses
		return d.e
	}
	if len(r.found) >= maxDiscovered {
		var oldest *discovered
		oldestFailed := false
		for _, d := range r.found {
			st := d.e.remote.state.Load()
			failed := st == nil || st.keys == nil
			if oldest == nil || failed && !oldestFailed || failed == oldestFailed && d.used < oldest.used {
				oldest, oldestFailed = d, failed
			}
		}
		delete(r.found, oldest.e.name)
	}
	key, _ := loginsKey(iss)
	e := &entry{name: iss, key: key, issuers: []string{iss}, remote: newRemote(iss, true)}
	r.found[iss] = &discovered{e: e, used: r.uses}
	return e
}

// discovered is an issuer of Registry.found, with the count of its last
// use (guarded by the registry's mu).
type discovered struct {
	e    *entry
	used uint64
}
