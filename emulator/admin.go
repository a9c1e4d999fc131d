package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// The test controls under /_idpool/ answer JSON; their errors are
// {"message": "..."} with a plain HTTP status, since no AWS SDK calls them.

// localOrigin refuses a browser's request from a page of another site, so
// that no page on the Internet the tester has open can wipe or rotate the
// local idpool. Pages served from this machine (localhost, a loopback
// address) may call the controls, and so may every client that is not a
// browser: those send no Origin. A page whose origin merely matches the
// Host header may not: a name an attacker rebinds to 127.0.0.1 would be
// one (DNS rebinding), and no page of idpool's calls the controls.
func localOrigin(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && !isLocalOrigin(o) {
			// The page may read the refusal, which says what to do, and
			// nothing else: the browser shows a bare CORS failure
			// otherwise. A preflight (a JSON body) is refused by edge
			// before any of this, as corsOrigin approves none for it.
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Add("Vary", "Origin")
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "idpool's test controls refuse a browser's request from the page of " +
				o + ": only pages served from a loopback address of this machine (localhost, *.localhost, 127.0.0.1, [::1]) may call them; call them from the test runner instead (it sends no Origin)"})
			return
		}
		next(w, r)
	})
}

// isLocalOrigin reports whether a browser's Origin names a page of this
// machine. An opaque origin ("null": a sandboxed frame, a file) is not
// local.
func isLocalOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	name := strings.ToLower(u.Hostname())
	if localhostName(name) {
		return true
	}
	ip, err := netip.ParseAddr(name)
	return err == nil && ip.IsLoopback()
}

// localhostName reports whether a lower-case host name is localhost or one
// of its subdomains, which resolvers and browsers answer with a loopback
// address themselves (RFC 6761), never asking DNS.
func localhostName(name string) bool {
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}

// rebindGuard refuses a request under /_idpool/ (the console, its JSON and
// the test controls) whose Host is a name that an attacker's DNS could
// point at this server: a page of attacker.example whose name is rebound
// to 127.0.0.1 after it loaded reads idpool's answers as its own origin's,
// with GETs that carry no Origin (DNS rebinding), so localOrigin and the
// console's cross-origin check cannot tell it from the console's own
// pages. Only the Host names what the browser believes it is talking to.
// It lets through the names whose answers an attacker cannot set (see
// unrebindable): an IP address, localhost and *.localhost, a name of one
// label (a Docker Compose service, idpool; in public DNS it would be a
// top-level domain), a name under .internal, and the host of publicURL
// (--public-url), whoever resolves it, since the tester chose it. The
// port is not looked at.
//
// The documents other programs fetch by whatever name they were given
// stay open to every Host (see publicPath); so do the AWS services
// outside /_idpool/, whose SDKs send the endpoint's name.
func rebindGuard(next http.Handler, publicURL string) http.Handler {
	public := ""
	if u, err := url.Parse(publicURL); err == nil {
		public = hostName(u.Host)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/_idpool/") && !publicPath(p) && !unrebindable(r.Host, public) {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "idpool's console and test controls refuse a request for the host " +
				r.Host + ", which another site's page could have pointed at this server (DNS rebinding): they answer under an IP address, " +
				"localhost, a *.localhost name, a name of one label (a Compose service), a name under .internal and the host of --public-url; to allow this one, " +
				"start idpool with " + publicURLAdvice(r)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// publicURLAdvice returns the --public-url setting that names the host of
// r as its client reached it, for rebindGuard's refusal. The scheme is
// the client's when r tells it: https when r came over TLS, the scheme of
// the browser's Origin when it sent one. Else both are offered: behind a
// proxy that ends TLS, r is plain http though the client's was https.
func publicURLAdvice(r *http.Request) string {
	scheme := ""
	if u, err := url.Parse(r.Header.Get("Origin")); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		scheme = u.Scheme
	}
	if r.TLS != nil {
		scheme = "https"
	}
	if scheme != "" {
		return "--public-url " + scheme + "://" + r.Host + " (IDPOOL_PUBLIC_URL)"
	}
	return "--public-url http://" + r.Host + " (IDPOOL_PUBLIC_URL), or https://" + r.Host + " if your clients reach idpool over https (through a proxy that ends TLS)"
}

// unrebindable reports whether a request's Host names this server as no
// other site can (see rebindGuard): public is the lower-case host name of
// --public-url, or "". No name is no name to rebind: only a client that is
// not a browser sends none. A name under .internal (host.docker.internal,
// host.containers.internal: how a container reaches its host) is one too:
// ICANN reserved the top-level domain for private use, and public DNS
// answers no name under it.
func unrebindable(host, public string) bool {
	name := hostName(host)
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	return name == "" || name == public || localhostName(name) || !strings.Contains(name, ".") ||
		strings.HasSuffix(name, ".internal")
}

// hostName returns the host name of a Host header or URL host (without its
// port and the brackets of an IPv6 address) in lower case and without the
// trailing dot of a fully qualified name, which names the same host:
// "LOCALHOST." is localhost.
func hostName(host string) string {
	name := (&url.URL{Host: host}).Hostname()
	return strings.TrimSuffix(strings.ToLower(name), ".")
}

// publicPath reports whether path is one of the documents under /_idpool/
// that other programs fetch by whatever host name they were given, and
// that a page of another site may read: the health check (Docker's,
// Compose's, a load balancer's; it tells only whether the store is open)
// and the outbound issuer's discovery document and key set, which the
// external services that verify its tokens fetch under the issuer's
// name. ServeMux answers a path that is not clean (one with "..") with a
// redirect to its clean form, which is checked in turn.
func publicPath(path string) bool {
	if path == healthPath {
		return true
	}
	rest, ok := strings.CutPrefix(path, outbound.PathPrefix)
	if !ok {
		return false
	}
	id, doc, _ := strings.Cut(rest, "/")
	doc = "/" + doc
	return id != "" && (doc == outbound.ConfigurationPath || doc == outbound.JWKSPath)
}

// health answers 200 once the store is open, and 503 when the store's
// Check fails: the SQLite store's fails once it is closed (Server.Close),
// when every other request fails too, and when its database file was
// deleted or replaced under it, so that a container is marked unhealthy
// before more writes are lost. A Store without a Check method (one a Go
// program passes in) is healthy.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.store.(interface{ Check() error }); ok {
		if err := c.Check(); err != nil {
			s.adminError(w, r, http.StatusServiceUnavailable, err.Error(), err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// jwks publishes the public keys of idpool's OpenID tokens.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	b, err := s.tokens.JWKS(r.Context())
	if err != nil {
		s.adminError(w, r, http.StatusServiceUnavailable, "signing keys unavailable", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// discovery publishes the OpenID configuration, pointing at this server's
// own JWKS so that generic OIDC verifiers find the keys: under
// --public-url when it is set, the URL other programs reach idpool at
// (behind a TLS proxy the request is plain http, and under a path the
// proxy strips its path is not the request's); else under the scheme and
// host of the request.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	base := s.cfg.PublicURL
	if base == "" {
		base = requestBase(r)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.tokens.Discovery(base))
}

// requestBase returns the scheme and host r was made to
// ("http://localhost:9230"), as idpool sees them: https when it came over
// TLS, to idpool or to a trusted proxy that said so (--trusted-proxies);
// a proxy in front may also have changed the Host, which --public-url
// corrects.
func requestBase(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	if req := protocol.RequestFrom(r.Context()); req != nil && req.Secure {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// reset brings the store back to what a fresh start from the same
// fixtures gives (see resetStore).
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	err := s.resetStore(r.Context())
	var fe *fixtures.Error
	switch {
	case errors.As(err, &fe):
		// A fixture that can no longer be applied as it was read (a file
		// edited or removed since start, above all): the tester's to mend
		// (restart idpool), and nothing was written.
		s.adminError(w, r, http.StatusConflict, "reset refused: "+fe.Error(), nil)
		return
	case err != nil:
		s.adminError(w, r, http.StatusInternalServerError, "reset failed", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

// resetStore deletes every pool (with its identities and datasets) and
// every IAM entity, and applies the fixtures again, in one transaction
// for a fixture of at most a thousand identities, datasets and devices
// (fixtures.Fixture.Reset says what a reader sees of a larger one): no
// reader sees a fixture pool missing, nor a run-time pool or IAM entity
// beside the fixture's. Signing keys, server keys and revocations stay,
// so tokens and credentials issued before still verify, and those
// expired stay expired. The pools' counts of sync sessions, kept in
// memory, go too: the fixtures seed the same pool ids again. They go even
// when the reset fails, as its first transaction may have committed, and
// so do the roles' last uses (the fixtures' roles keep their RoleIds).
// Outbound identity federation is turned off, in the reset's first
// transaction; its issuer and keys stay, as signing keys do. A reset that
// a crash interrupts is completed by the next start with fixtures, and
// kept as it was left by a start without (fixtures.Fixture.Reset).
func (s *Server) resetStore(ctx context.Context) error {
	err := s.applyFixtures(ctx)
	s.syncSvc.ForgetSessions()
	s.iamSvc.ForgetUsage()
	return err
}

// credentialsInfo is who temporary credentials are, for local services
// that receive requests signed with them.
type credentialsInfo struct {
	AccessKeyId     string
	Arn             string
	UserId          string
	Account         string
	RoleArn         string   `json:",omitempty"`
	RoleSessionName string   `json:",omitempty"`
	IdentityId      string   `json:",omitempty"`
	IdentityPoolId  string   `json:",omitempty"`
	Provider        string   `json:",omitempty"`
	Subject         string   `json:",omitempty"`
	Amr             []string `json:",omitempty"`
	Expiration      string
	Expired         bool
}

// credentials tells who the credentials of an access key id are.
func (s *Server) credentials(w http.ResponseWriter, r *http.Request) {
	c, ok := s.issued(w, r)
	if !ok {
		return
	}
	p := sts.Principal(c)
	_, err := s.creds.Open(c.SessionToken)
	writeJSON(w, http.StatusOK, credentialsInfo{
		AccessKeyId:     c.AccessKeyID,
		Arn:             p.ARN,
		UserId:          p.UserID,
		Account:         p.Account,
		RoleArn:         c.Session.RoleARN,
		RoleSessionName: c.Session.SessionName,
		IdentityId:      c.Session.IdentityID,
		IdentityPoolId:  c.Session.PoolID,
		Provider:        c.Session.Provider,
		Subject:         c.Session.Subject,
		Amr:             c.Session.AMR,
		Expiration:      c.Expiration.UTC().Format(protocol.ISO8601),
		Expired:         errors.Is(err, creds.ErrExpired),
	})
}

// expireCredentials makes the credentials of an access key id expired now.
func (s *Server) expireCredentials(w http.ResponseWriter, r *http.Request) {
	c, ok := s.issued(w, r)
	if !ok {
		return
	}
	if err := s.revoked.Revoke(r.Context(), storage.RevokedCredentials, c.AccessKeyID, c.Expiration); err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "expiring the credentials failed", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// issued finds the credentials of the {id} path value. idpool keeps no
// record of what it issued (the session token is the record), so it finds
// them among the credentials issued or used most recently, or from the
// session token given as ?SessionToken= (or X-Amz-Security-Token), which
// works for any credentials idpool issued, across restarts. It answers 404
// when neither finds them.
func (s *Server) issued(w http.ResponseWriter, r *http.Request) (creds.Credentials, bool) {
	id := r.PathValue("id")
	tok := r.URL.Query().Get("SessionToken")
	if tok == "" {
		tok = r.Header.Get("X-Amz-Security-Token")
	}
	var (
		c   creds.Credentials
		err error
	)
	if tok != "" {
		c, err = s.creds.Open(tok)
		if err == nil || errors.Is(err, creds.ErrExpired) {
			c, err = s.creds.Lookup(c.AccessKeyID)
		}
	} else {
		c, err = s.creds.Lookup(id)
	}
	if err != nil && !errors.Is(err, creds.ErrExpired) || c.AccessKeyID != id {
		s.adminError(w, r, http.StatusNotFound, "no credentials with access key id "+id+" are known here; pass their session token as ?SessionToken=", nil)
		return creds.Credentials{}, false
	}
	return c, true
}

// expireToken makes one of idpool's OpenID tokens expired now: STS and
// GetCredentialsForIdentity refuse it from then on. Body: {"Token": "…"}.
func (s *Server) expireToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ Token string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Token == "" {
		s.adminError(w, r, http.StatusBadRequest, `want a JSON body {"Token": "<an OpenID token idpool issued>"}`, nil)
		return
	}
	c, err := s.tokens.Verify(r.Context(), in.Token)
	if err != nil {
		s.adminError(w, r, http.StatusBadRequest, "not a valid token issued here: "+err.Error(), nil)
		return
	}
	if err := s.revoked.Revoke(r.Context(), storage.RevokedToken, tokenID(in.Token), c.Expiry); err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "expiring the token failed", err)
		return
	}
	// A token signed again for the same identity within the second of
	// this one's iat is the same bytes (iat and exp are whole seconds), so
	// it would be born expired. The control answers once the clock has left
	// that second, so that every token issued after the answer is a new
	// one. It waits at most a second, once: a frozen test clock
	// (idpooltest.WithClock) never leaves the second, and there the same
	// claims are the same token.
	if wait := c.IssuedAt.Truncate(time.Second).Add(time.Second).Sub(s.now()); wait > 0 {
		select {
		case <-time.After(wait):
		case <-r.Context().Done():
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// rotateKey makes a new signing key active; tokens signed with the old
// ones keep verifying, and the keys retired more than a token's longest
// lifetime ago are deleted (tokens.Issuer.Rotate).
func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := s.tokens.Rotate(ctx); err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "rotating the signing key failed", err)
		return
	}
	kid, err := s.tokens.ActiveKeyID(ctx)
	if err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "rotating the signing key failed", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"KeyId": kid})
}

// unknownControl answers a request under /_idpool/ that no control or
// console page serves.
func (s *Server) unknownControl(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]string{
		"message": "idpool serves no " + r.Method + " " + r.URL.Path + " (see the README's test controls, and --console)"})
}

// adminError answers a test-control error; err, when set, is logged with
// the request id and never shown.
func (s *Server) adminError(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if err != nil {
		s.logger.Error(msg, "id", protocol.RequestID(r.Context()), "err", err)
	}
	writeJSON(w, status, map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
