package idpooltest

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/idpool/idpool/emulator"
	"github.com/idpool/idpool/fixtures"
)

// Region is the region of the server's pools unless a fixture or
// WithRegion sets another.
const Region = emulator.DefaultRegion

// The keys AWSConfig signs with when no fixture declares developer
// credentials: idpool accepts any well-formed signature outside strict
// mode.
const (
	AccessKeyID     = "AKIAIDPOOLTEST000000"
	SecretAccessKey = "idpooltest-secret"
)

// Server is a running idpool on a loopback port.
type Server struct {
	hs     *httptest.Server
	emu    *emulator.Server
	region string
	creds  aws.Credentials
	logs   *logTail // nil when the caller gave a logger
}

// Option configures a Server.
type Option func(*options)

type options struct {
	cfg    emulator.Config
	paths  []string
	logger *slog.Logger
	tls    bool
}

// WithFixtureFile applies the fixture file, or directory of *.json fixture
// files, at path (see the fixtures package for the format). It may be
// given once: several files go in one directory.
func WithFixtureFile(path string) Option {
	return func(o *options) { o.paths = append(o.paths, path) }
}

// WithFixture applies f, a fixture built in Go.
func WithFixture(f *fixtures.Fixture) Option {
	return func(o *options) { o.cfg.Fixture = f }
}

// WithStrict turns strict mode on: developer operations must be signed by
// one of the fixture's DeveloperCredentials or IAM users' AccessKeys
// (AWSConfig uses the first of them; a user's key may do only what the
// user's Policies and ManagedPolicyArns allow, as on AWS), and logins of
// providers without a key set are refused.
func WithStrict() Option {
	return func(o *options) { o.cfg.Strict = true }
}

// WithClock gives the server a clock other than time.Now. It times
// tokens, credentials, the SigV4 check and the Date header of every
// answer. SDKs sign with the real time and idpool, like AWS, allows 15
// minutes between the two (5 for Cognito Sync). On a clock further away,
// an SDK that corrects its clock skew from the Date header of a refused
// signature, as the AWS SDKs for Go v2 and JavaScript v3 do with retries
// on, signs its retry in the server's time, and the call succeeds; other
// clients' requests signed with credentials idpool issued (and, in strict
// mode, with the fixture's keys) fail. Outside strict mode the developer's
// keys are not checked, so their requests pass.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.cfg.Now = now }
}

// WithLogger sends the server's log to l. Without it, the server keeps
// the end of its log (see Server.Log), which New writes to the test's
// output if the test fails.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithRegion sets the region of pool and identity ids (default
// us-east-1); a fixture's Region wins.
func WithRegion(region string) Option {
	return func(o *options) { o.cfg.Region = region }
}

// WithJWKSEncoding sets how the key set at JWKSURL writes each key's n and
// e: "rfc" (the default), RFC 7518's base64url, or "aws", the padded
// standard base64 with a leading zero byte that Cognito Identity's own key
// set used, which go-jose, go-oidc and keyfunc refuse. Test your verifier
// with "aws" to know it accepts AWS's keys. New and Start refuse any other
// value.
func WithJWKSEncoding(encoding string) Option {
	return func(o *options) { o.cfg.JWKSEncoding = encoding }
}

// WithTLS serves HTTPS, HTTP/2 and HTTP/1.1, as idpool serve --tls-cert
// does, with httptest's self-signed certificate for 127.0.0.1: URL and
// JWKSURL are https, the
// server sees every request as TLS (aws:SecureTransport true, https in
// the discovery document's jwks_uri and the outbound issuer), and
// AWSConfig and Client trust the certificate. Other clients (another
// SDK, a key set fetched by a verifier) need Client, or Certificate as
// their root.
func WithTLS() Option {
	return func(o *options) { o.tls = true }
}

// New starts a server for the test t and closes it when t ends. It fails
// t if the server cannot start, for example on an invalid fixture.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("idpooltest: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if l := s.Log(); t.Failed() && l != "" {
			t.Logf("idpool log:\n%s", l)
		}
	})
	return s
}

// Start starts a server; the caller must Close it. It is New for code
// without a *testing.T, such as TestMain. Without WithLogger, the server
// keeps the end of its log for Log to return, and shows it nowhere:
//
//	func TestMain(m *testing.M) {
//		srv, err := idpooltest.Start(idpooltest.WithFixtureFile("testdata/pools.json"))
//		if err != nil {
//			log.Fatal(err)
//		}
//		server = srv // a package variable the tests use
//		code := m.Run()
//		srv.Close()
//		if code != 0 {
//			fmt.Fprintf(os.Stderr, "idpool log:\n%s", srv.Log())
//		}
//		os.Exit(code)
//	}
func Start(opts ...Option) (*Server, error) {
	o := options{cfg: emulator.Config{DB: ":memory:"}}
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case len(o.paths) > 1:
		return nil, fmt.Errorf("WithFixtureFile given %d times: put the files in one directory and give it once", len(o.paths))
	case len(o.paths) == 1 && o.cfg.Fixture != nil:
		return nil, fmt.Errorf("both WithFixtureFile and WithFixture")
	case len(o.paths) == 1:
		f, err := fixtures.Load(o.paths[0])
		if err != nil {
			return nil, err
		}
		o.cfg.Fixture = f
	}
	s := &Server{creds: aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, Source: "idpooltest"}}
	logger := o.logger
	if logger == nil {
		s.logs = &logTail{max: logTailSize}
		logger = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	emu, err := emulator.New(context.Background(), o.cfg, logger)
	if err != nil {
		return nil, err
	}
	s.emu = emu
	s.region = emulator.DefaultRegion
	if o.cfg.Region != "" {
		s.region = o.cfg.Region
	}
	if f := o.cfg.Fixture; f != nil {
		if f.Region != "" {
			s.region = f.Region
		}
		if d, ok := firstKey(f); ok {
			s.creds.AccessKeyID, s.creds.SecretAccessKey = d.AccessKeyId, d.SecretAccessKey
		}
	}
	s.hs = httptest.NewUnstartedServer(emu.Handler())
	// serve's own settings: its timeouts, its HTTP/2 windows, and
	// net/http's errors (a TLS handshake a client refused) in the
	// server's log rather than raw on the test's output.
	s.hs.Config = emulator.NewHTTPServer(emu.Handler(), logger)
	if o.tls {
		// HTTP/2 as serve offers it, which Go's SDKs negotiate.
		s.hs.EnableHTTP2 = true
		s.hs.StartTLS()
	} else {
		s.hs.Start()
	}
	return s, nil
}

// firstKey is the key AWSConfig signs with: the fixture's first
// DeveloperCredentials, else its first IAM user's first access key.
func firstKey(f *fixtures.Fixture) (fixtures.DeveloperCredential, bool) {
	if len(f.DeveloperCredentials) > 0 {
		return f.DeveloperCredentials[0], true
	}
	for _, u := range f.Users {
		if len(u.AccessKeys) > 0 {
			return u.AccessKeys[0], true
		}
	}
	return fixtures.DeveloperCredential{}, false
}

// URL is the server's base URL, http://127.0.0.1:port (https with
// WithTLS), for an SDK's endpoint setting or AWS_ENDPOINT_URL.
func (s *Server) URL() string { return s.hs.URL }

// Client returns an HTTP client for the server, which trusts its
// certificate when it serves HTTPS (WithTLS): the one AWSConfig sends
// with, for other clients such as the v1 SDK's Cognito Sync
// (aws.Config.HTTPClient) or a key set fetched from JWKSURL.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// Certificate returns the certificate of a server started WithTLS, to
// trust as a root (x509.CertPool.AddCert); nil without WithTLS.
func (s *Server) Certificate() *x509.Certificate { return s.hs.Certificate() }

// Region is the region of the server's pools.
func (s *Server) Region() string { return s.region }

// AWSConfig returns a configuration of the AWS SDK for Go v2 aimed at the
// server: its region, its URL as the base endpoint of every service, and
// static keys (the fixture's first DeveloperCredentials, else its first IAM
// user's first access key, if any). Clients built from it with
// NewFromConfig need no further options.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.region,
		BaseEndpoint: aws.String(s.hs.URL),
		Credentials:  credentials.StaticCredentialsProvider{Value: s.creds},
		HTTPClient:   s.hs.Client(),
	}
}

// Close stops the server and releases its store. It waits for requests in
// flight, and ends the console's live streams, which would otherwise hold
// it until their clients leave.
func (s *Server) Close() {
	s.emu.EndStreams()
	s.hs.Close()
	s.emu.Close()
}

// logTailSize bounds the log a server started without WithLogger keeps:
// its most recent lines within this many bytes. A suite's server may
// answer millions of requests, a line each, and only the last ones help
// explain a failure.
const logTailSize = 64 << 10

// Log returns the end of the server's log: its most recent lines within
// 64 KiB (a single longer line is kept whole), after a line saying how
// many earlier lines were dropped, if any. It is empty when WithLogger
// sent the log elsewhere. New writes it to the test's output when the
// test fails; a TestMain that Starts a server prints it itself (see
// Start). Read after Close, it holds the lines of every request answered,
// as Close waits for those in flight.
func (s *Server) Log() string {
	if s.logs == nil {
		return ""
	}
	return s.logs.String()
}

// logTail keeps the most recent lines of the server's log within max
// bytes, written from request goroutines. slog's handlers write one
// record, one line, per Write, so each Write is kept or dropped whole.
type logTail struct {
	mu           sync.Mutex
	max          int
	lines        [][]byte // oldest first
	size         int      // the bytes of lines
	dropped      int      // lines dropped
	droppedBytes int
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, bytes.Clone(p))
	l.size += len(p)
	for l.size > l.max && len(l.lines) > 1 {
		n := len(l.lines[0])
		l.lines[0] = nil // let it go before append copies the slice
		l.lines = l.lines[1:]
		l.size -= n
		l.dropped++
		l.droppedBytes += n
	}
	return len(p), nil
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	if l.dropped > 0 {
		fmt.Fprintf(&b, "[idpooltest: %d earlier lines (%d bytes) dropped; the log keeps its last %d KiB]\n", l.dropped, l.droppedBytes, l.max>>10)
	}
	for _, line := range l.lines {
		b.Write(line)
	}
	return b.String()
}
