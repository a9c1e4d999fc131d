package emulator

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"

	"github.com/idpool/idpool/fixtures"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{
			name: "defaults",
			want: Config{DB: "./idpool.db", Region: "us-east-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "rfc"},
		},
		{
			name: "environment over defaults",
			env:  map[string]string{"IDPOOL_DB": ":memory:", "IDPOOL_REGION": "eu-west-1", "IDPOOL_ACCOUNT_ID": "111111111111", "IDPOOL_ISSUER": "http://localhost:9230", "IDPOOL_FIXTURES": "/fixtures", "IDPOOL_STRICT": "true"},
			want: Config{DB: ":memory:", Region: "eu-west-1", AccountID: "111111111111", Issuer: "http://localhost:9230", JWKSEncoding: "rfc", Fixtures: "/fixtures", Strict: true},
		},
		{
			name: "trusted proxies from the environment",
			env:  map[string]string{"IDPOOL_TRUSTED_PROXIES": "10.0.0.0/8, ::1"},
			want: Config{DB: "./idpool.db", Region: "us-east-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "rfc", TrustedProxies: "10.0.0.0/8, ::1"},
		},
		{
			name: "trusted proxies flag over environment",
			args: []string{"--trusted-proxies", "172.16.0.0/12"},
			env:  map[string]string{"IDPOOL_TRUSTED_PROXIES": "bogus"},
			want: Config{DB: "./idpool.db", Region: "us-east-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "rfc", TrustedProxies: "172.16.0.0/12"},
		},
		{
			name: "jwks encoding from the environment",
			env:  map[string]string{"IDPOOL_JWKS_ENCODING": "aws"},
			want: Config{DB: "./idpool.db", Region: "us-east-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "aws"},
		},
		{
			name: "jwks encoding flag over environment",
			args: []string{"--jwks-encoding=rfc"},
			env:  map[string]string{"IDPOOL_JWKS_ENCODING": "aws"},
			want: Config{DB: "./idpool.db", Region: "us-east-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "rfc"},
		},
		{
			name: "flags over environment",
			args: []string{"--db=:memory:", "--region", "ap-northeast-1", "--strict=false"},
			env:  map[string]string{"IDPOOL_REGION": "eu-west-1", "IDPOOL_STRICT": "1"},
			want: Config{DB: ":memory:", Region: "ap-northeast-1", AccountID: "123456789012", Issuer: DefaultIssuer, JWKSEncoding: "rfc"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.args, env(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: got %v, want nil", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load([]string{"-h"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
	if _, err := Load([]string{"--nope"}, env(nil)); err == nil {
		t.Error("unknown flag: got nil error")
	}
	if c, err := Load(nil, env(map[string]string{"IDPOOL_STRICT": "maybe"})); err != nil || c.Validate() == nil {
		t.Errorf("IDPOOL_STRICT=maybe: got Load error %v and Validate nil, want Validate to fail", err)
	}
	if c, err := Load([]string{"--strict"}, env(map[string]string{"IDPOOL_STRICT": "maybe"})); err != nil || c.Validate() != nil || !c.Strict {
		t.Errorf("IDPOOL_STRICT=maybe --strict: got %v, %v, Strict %v, want the flag to win", err, c.Validate(), c.Strict)
	}
	if _, err := Load([]string{"extra"}, env(nil)); err == nil {
		t.Error("extra argument: got nil error")
	}
}

func TestValidate(t *testing.T) {
	good, _ := Load(nil, env(nil))
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"empty db", func(c *Config) { c.DB = "" }, "db"},
		{"region", func(c *Config) { c.Region = "US_EAST" }, "region"},
		{"account", func(c *Config) { c.AccountID = "123" }, "account-id"},
		{"fixtures twice", func(c *Config) { c.Fixtures = "a.json"; c.Fixture = &fixtures.Fixture{} }, "fixtures"},
		{"issuer", func(c *Config) { c.Issuer = "cognito" }, "issuer"},
		{"issuer slash", func(c *Config) { c.Issuer = "https://x/" }, "issuer"},
		{"jwks encoding", func(c *Config) { c.JWKSEncoding = "base64" }, `jwks-encoding "base64": want rfc or aws`},
		{"jwks encoding case", func(c *Config) { c.JWKSEncoding = "AWS" }, `jwks-encoding "AWS"`},
		{"trusted proxies", func(c *Config) { c.TrustedProxies = "127.0.0.1, proxy" }, `trusted-proxies "proxy": want an IP address`},
		{"trusted proxies prefix", func(c *Config) { c.TrustedProxies = "10.0.0.1/8" }, `trusted-proxies "10.0.0.1/8": want 10.0.0.0/8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

// TestValidatePublicURL: the public URL, the base of the outbound issuer,
// must be an http or https URL with a host and without user info, query,
// fragment or trailing slash; among the refused are those a probe started
// idpool with, whose issuer then served no discovery.
func TestValidatePublicURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // what the error says is wanted; "" for valid
	}{
		{"http://localhost:9230", ""},
		{"https://idpool.example", ""},
		{"https://proxy.example/idpool", ""},
		{"HTTP://localhost:9230", ""},
		{"http://[::1]:9230", ""},
		{"http://x?y", "without a query"},
		{"http://x?", "without a query"},
		{"http://x#f", "without a fragment"},
		{"http://x#", "without a fragment"},
		{"ftp://x", "http or https"},
		{"mailto://x", "http or https"},
		{"localhost:9230", "http or https"},
		{"/relative", "http or https"},
		{"http://u:p@x", "without user info"},
		{"http://u@x", "without user info"},
		{"http://", "with a host"},
		{"http://:9230", "with a host"},
		{"http:x", "with a host"},
		{"http://localhost:9230/", "without a trailing slash"},
		{"http://x/a/", "without a trailing slash"},
		{"http://x y", "http or https"},
		{"http://localhost:99999", "a port from 1 to 65535"},
		{"http://x:0", "a port from 1 to 65535"},
		{"http://x:", "a port after the colon"},
		{"http://localhost:9230/ a", "a path of URL characters only"},
		{"http://localhost:9230/a%20b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := Config{DB: ":memory:", PublicURL: tt.url}.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), "public-url") || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error naming public-url and saying %q", err, tt.want)
			}
		})
	}
}

// TestValidateZero: the zero Config with a store choice is valid, as Go
// tests that embed the emulator write it.
func TestValidateZero(t *testing.T) {
	if err := (Config{DB: ":memory:"}).Validate(); err != nil {
		t.Errorf("Config{DB: \":memory:\"}: got %v, want nil", err)
	}
	if err := (Config{}).Validate(); err == nil || !strings.Contains(err.Error(), "db") {
		t.Errorf("Config{}: got %v, want an error naming db", err)
	}
}
