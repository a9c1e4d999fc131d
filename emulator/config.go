package emulator

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Config is everything idpool's server is started with. Each field has a
// command-line flag and an IDPOOL_* environment variable; flags win.
type Config struct {
	Addr      string // listen address, host:port
	DB        string // SQLite file path, or ":memory:"
	Region    string // default region, of requests that name none
	AccountID string // account of ARNs
	LogLevel  string // debug, info, warn or error
	Issuer    string // iss of idpool's OpenID tokens
	// Fixtures is a fixture file or a directory of them, applied at start
	// and on reset ("" for none).
	Fixtures string
	// Strict verifies every signature against the fixtures' developer
	// credentials and refuses logins of providers without a key set.
	Strict bool
}

// DefaultIssuer is the issuer AWS puts in every Cognito Identity token.
const DefaultIssuer = "https://cognito-identity.amazonaws.com"

type setting struct {
	name, env, def, usage string
	field                 func(*Config) *string
}

var settings = []setting{
	{"addr", "IDPOOL_ADDR", "127.0.0.1:9230", "address to listen on (host:port)", func(c *Config) *string { return &c.Addr }},
	{"db", "IDPOOL_DB", "./idpool.db", `SQLite database file; ":memory:" for a throw-away store`, func(c *Config) *string { return &c.DB }},
	{"region", "IDPOOL_REGION", "us-east-1", "default AWS region, of requests that name none (a signed request's region is its signature's)", func(c *Config) *string { return &c.Region }},
	{"account-id", "IDPOOL_ACCOUNT_ID", "123456789012", "AWS account id used in ARNs", func(c *Config) *string { return &c.AccountID }},
	{"log-level", "IDPOOL_LOG_LEVEL", "info", "log level: debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }},
	{"issuer", "IDPOOL_ISSUER", DefaultIssuer, "iss claim of the OpenID tokens idpool signs", func(c *Config) *string { return &c.Issuer }},
	{"fixtures", "IDPOOL_FIXTURES", "", "fixture file, or directory of *.json fixture files, applied at start and on reset", func(c *Config) *string { return &c.Fixtures }},
}

// strictSetting is the one boolean setting.
var strictSetting = struct{ name, env, usage string }{"strict", "IDPOOL_STRICT",
	"verify every signature against the fixtures' DeveloperCredentials and refuse logins of providers without a key set"}

// Load builds a Config from command-line args (without the program name)
// over environment variables read through getenv, over the defaults. It
// returns flag.ErrHelp for -h/-help. Load does not validate: call Validate.
func Load(args []string, getenv func(string) string) (Config, error) {
	c, fs := flags(getenv)
	if v := getenv(strictSetting.env); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("%s=%q: want true or false", strictSetting.env, v)
		}
		c.Strict = b
	}
	fs.BoolVar(&c.Strict, strictSetting.name, c.Strict, strictSetting.usage+" (env "+strictSetting.env+")")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return *c, nil
}

// Usage returns the description of every flag, with its environment
// variable and default.
func Usage() string {
	c, fs := flags(func(string) string { return "" })
	fs.BoolVar(&c.Strict, strictSetting.name, false, strictSetting.usage+" (env "+strictSetting.env+")")
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}

func flags(getenv func(string) string) (*Config, *flag.FlagSet) {
	c := new(Config)
	fs := flag.NewFlagSet("idpool", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.field(c), s.name, def, s.usage+" (env "+s.env+")")
	}
	return c, fs
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	}
	if c.DB == "" {
		errs = append(errs, errors.New("db: must not be empty"))
	}
	if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q: want a region name like us-east-1", c.Region))
	}
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account-id %q: want 12 digits", c.AccountID))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	if u, err := url.Parse(c.Issuer); err != nil || u.Scheme == "" || u.Host == "" || strings.HasSuffix(c.Issuer, "/") {
		errs = append(errs, fmt.Errorf("issuer %q: want an absolute URL without a trailing slash", c.Issuer))
	}
	return errors.Join(errs...)
}

// Level returns the slog level named by LogLevel.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}
