package emulator

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Config is what an emulator is built from. The zero Config with a store
// choice (DB or Store) is a working server: every other field has a
// default, applied by New. The string settings and Strict also have a
// command-line flag and an IDPOOL_* environment variable (see Bind).
type Config struct {
	// DB is the SQLite database file, or ":memory:" for a private
	// in-memory store. Ignored when Store is set.
	DB string
	// Store, when set, is used instead of opening DB. The Server does not
	// close it.
	Store storage.Store

	Region    string // default region, of requests whose signature or ids name none (see the region flag); default us-east-1
	AccountID string // account of ARNs; default 123456789012
	Issuer    string // iss of idpool's OpenID tokens; default DefaultIssuer
	// Fixtures is a fixture file or a directory of them, applied at start
	// and on reset ("" for none). An empty directory is logged and
	// ignored, so that a mount point without files starts a server; so is
	// a missing path not ending in .json, logged as a warning.
	Fixtures string
	// Fixture, when set, is applied instead of reading Fixtures. It must
	// pass Validate.
	Fixture *fixtures.Fixture
	// PublicURL is the URL other programs reach idpool at (flag
	// --public-url, IDPOOL_PUBLIC_URL): the base of the outbound
	// federation's issuer, whatever base its first enable stored, which
	// verifiers of the tokens GetWebIdentityToken signs fetch, and of the
	// jwks_uri of the OpenID discovery document: an http or https URL
	// with a host and without user info, query, fragment or trailing
	// slash (see checkPublicURL). "" takes the scheme and host of the
	// request that first enables outbound federation, and of the request
	// for the discovery document.
	PublicURL string
	// TrustedProxies lists the reverse proxies whose forwarding headers
	// idpool believes (flag --trusted-proxies, IDPOOL_TRUSTED_PROXIES): IP
	// addresses and CIDR prefixes, separated by commas. Only a request
	// whose connection comes from one of them takes its client address
	// from X-Forwarded-For and whether the client came over TLS from
	// X-Forwarded-Proto, which IAM's aws:SourceIp and aws:SecureTransport
	// see (see trustForwarded); every other request's come from its
	// connection. "" trusts no proxy.
	TrustedProxies string
	// JWKSEncoding is how the key set of idpool's OpenID tokens
	// (/.well-known/jwks_uri and /.well-known/jwks.json) writes each key's
	// n and e (flag --jwks-encoding, IDPOOL_JWKS_ENCODING): "rfc" (the
	// default when empty), RFC 7518's unpadded base64url, which every
	// verifier reads, or "aws", the padded standard base64 with a leading
	// zero byte that Cognito Identity's own key set used, which verifiers
	// that decode it strictly (go-jose, go-oidc, keyfunc) refuse (see
	// tokens.JWKSEncodingAWS).
	JWKSEncoding string
	// Strict verifies every signature against the fixtures' developer
	// credentials or an IAM user's access key (a fixture's or one made by
	// CreateAccessKey), and refuses logins of providers without a key set.
	Strict bool
	// NoConsole turns off the web console at /_idpool/console (flag
	// --console=false, IDPOOL_CONSOLE=false).
	NoConsole bool
	// Now is the server's clock (default time.Now): it times tokens,
	// credentials and SigV4 signatures.
	Now func() time.Time

	// badEnv holds the errors of the boolean settings (strict, console)
	// whose environment value is not a bool and that no flag set:
	// Validate reports them.
	badEnv [2]error
}

// Defaults of the settings a zero Config leaves empty.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	// DefaultIssuer is the issuer AWS puts in every Cognito Identity token.
	DefaultIssuer = "https://cognito-identity.amazonaws.com"
)

type setting struct {
	name, env, def, usage string
	field                 func(*Config) *string
}

var settings = []setting{
	{"db", "IDPOOL_DB", "./idpool.db", `SQLite database file; ":memory:" for a throw-away store`, func(c *Config) *string { return &c.DB }},
	{"region", "IDPOOL_REGION", DefaultRegion, "default AWS region: of a request signed for a scope that is no region name (local, aws-global), and of an unsigned one whose ids name none; a signed request is in its signature's region, and one signed with an empty region is refused (IncompleteSignature from STS and IAM, IncompleteSignatureException from Cognito Identity and Cognito Sync), as AWS refuses it, so an SDK must be given a region", func(c *Config) *string { return &c.Region }},
	{"account-id", "IDPOOL_ACCOUNT_ID", DefaultAccountID, "AWS account id used in ARNs", func(c *Config) *string { return &c.AccountID }},
	{"issuer", "IDPOOL_ISSUER", DefaultIssuer, "iss claim of the OpenID tokens idpool signs", func(c *Config) *string { return &c.Issuer }},
	{"public-url", "IDPOOL_PUBLIC_URL", "", "URL other programs reach idpool at; the base of the outbound federation issuer and of the discovery jwks_uri; default: the scheme and host of the request (of the first enable, for the issuer)", func(c *Config) *string { return &c.PublicURL }},
	{"trusted-proxies", "IDPOOL_TRUSTED_PROXIES", "", "comma-separated IP addresses and CIDR prefixes of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto give the client's aws:SourceIp and aws:SecureTransport; default: none, the connection's own", func(c *Config) *string { return &c.TrustedProxies }},
	{"jwks-encoding", "IDPOOL_JWKS_ENCODING", string(tokens.JWKSEncodingRFC), `how the key set of idpool's tokens writes n and e: "rfc" (RFC 7518 base64url) or "aws" (padded standard base64 with a leading zero byte, as Cognito Identity's own key set)`, func(c *Config) *string { return &c.JWKSEncoding }},
	{"fixtures", "IDPOOL_FIXTURES", "", "fixture file, or directory of *.json fixture files, applied at start and on reset", func(c *Config) *string { return &c.Fixtures }},
}

// strictSetting is the one boolean setting.
var strictSetting = struct{ name, env, usage string }{"strict", "IDPOOL_STRICT",
	"verify every signature against the fixtures' DeveloperCredentials or an IAM user's access key, and refuse logins of providers without a key set"}

// consoleSetting turns the console on (the default) or off; Config holds
// its inverse so that the zero Config serves the console.
var consoleSetting = struct{ name, env, usage string }{"console", "IDPOOL_CONSOLE",
	"serve the web console at /_idpool/console"}

// boolFlag is the flag of a boolean setting, stored in *p, negated when
// invert is set. Its default comes from the environment (see Bind); when
// that value is not a bool, *bad holds the error until the flag is set, so
// that the flag wins over the environment and --help still works.
type boolFlag struct {
	p      *bool
	invert bool
	bad    *error
}

func (f boolFlag) String() string {
	if f.p == nil {
		return "false" // the zero flag, which flag.PrintDefaults compares with
	}
	return strconv.FormatBool(*f.p != f.invert)
}

func (f boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*f.p = b != f.invert
	*f.bad = nil
	return nil
}

func (f boolFlag) IsBoolFlag() bool { return true }

// bind defines f on fs as flag name, with its default from the
// environment variable env read through getenv.
func (f boolFlag) bind(fs *flag.FlagSet, getenv func(string) string, name, env, usage string) {
	if v := getenv(env); v != "" {
		if err := f.Set(v); err != nil {
			*f.bad = fmt.Errorf("%s=%q: want true or false", env, v)
		}
	}
	fs.Var(f, name, usage+" (env "+env+")")
}

// Bind defines on fs a flag for each setting of Config, whose default is
// its IDPOOL_* environment variable read through getenv, or else the
// built-in default. Parsing fs fills in the returned Config; flags win
// over the environment, also over a value that is not of the setting's
// type, which Validate reports when no flag replaced it.
func Bind(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := new(Config)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.field(c), s.name, def, s.usage+" (env "+s.env+")")
	}
	boolFlag{p: &c.Strict, bad: &c.badEnv[0]}.bind(fs, getenv, strictSetting.name, strictSetting.env, strictSetting.usage)
	boolFlag{p: &c.NoConsole, invert: true, bad: &c.badEnv[1]}.bind(fs, getenv, consoleSetting.name, consoleSetting.env, consoleSetting.usage)
	return c
}

// Load builds a Config from command-line args (without the program name)
// over environment variables read through getenv, over the defaults. It
// returns flag.ErrHelp for -h/-help. Load does not validate: call Validate.
func Load(args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet("idpool", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Bind(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return *c, nil
}

var accountPattern = regexp.MustCompile(`^\d{12}$`)

// withDefaults returns c with every empty setting set to its default.
func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports every problem with c at once. Empty settings are
// valid: New gives them their defaults.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.DB == "" && c.Store == nil {
		errs = append(errs, errors.New(`db: must not be empty (want a file path, ":memory:", or a Store)`))
	}
	if !protocol.IsRegion(c.Region) {
		errs = append(errs, fmt.Errorf("region %q: want a region name like us-east-1", c.Region))
	}
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account-id %q: want 12 digits", c.AccountID))
	}
	if !absoluteURL(c.Issuer) {
		errs = append(errs, fmt.Errorf("issuer %q: want an absolute URL without a trailing slash", c.Issuer))
	}
	if c.PublicURL != "" {
		if err := checkPublicURL(c.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("public-url %q: %w", c.PublicURL, err))
		}
	}
	if _, err := parseTrustedProxies(c.TrustedProxies); err != nil {
		// err names the item it refuses, which is clearer than the list.
		errs = append(errs, fmt.Errorf("trusted-proxies %w", err))
	}
	if !tokens.JWKSEncoding(c.JWKSEncoding).Valid() {
		errs = append(errs, fmt.Errorf("jwks-encoding %q: want %s or %s", c.JWKSEncoding, tokens.JWKSEncodingRFC, tokens.JWKSEncodingAWS))
	}
	if c.Fixture != nil && c.Fixtures != "" {
		errs = append(errs, errors.New("fixtures: set either a path or a Fixture, not both"))
	}
	errs = append(errs, c.badEnv[:]...)
	return errors.Join(errs...)
}

// absoluteURL reports whether s is an absolute URL (a scheme and a host)
// without a trailing slash, as an issuer must be: its paths are appended.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != "" && !strings.HasSuffix(s, "/")
}

// checkPublicURL reports why s cannot be the public URL, or nil. It is
// the base of the outbound issuer, to which idpool appends
// /_idpool/outbound/<id> and verifiers /.well-known/…: so an http or https
// URL with a host, without user info (which verifiers would not send and
// an issuer should not hold), query or fragment (which would end up
// before the appended path) or trailing slash. A path is allowed, for a
// proxy that serves idpool under one.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("want an http or https URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("want an http or https URL")
	case u.Hostname() == "":
		return errors.New("want a URL with a host")
	case u.User != nil:
		return errors.New("want a URL without user info")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("want a URL without a query")
	case strings.Contains(s, "#"):
		return errors.New("want a URL without a fragment")
	case strings.HasSuffix(s, "/"):
		return errors.New("want a URL without a trailing slash")
	case u.Port() != "" && !validPort(u.Port()):
		return errors.New("want a port from 1 to 65535")
	case strings.HasSuffix(u.Host, ":"):
		return errors.New("want a port after the colon")
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("\"<>\\^`{|}", r) }):
		// A character a URL must escape (a space): verifiers would
		// fetch another URL than the issuer the tokens name.
		return errors.New("want a path of URL characters only")
	}
	return nil
}

// validPort reports whether p is a TCP port a URL may name: 1 to 65535.
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}
