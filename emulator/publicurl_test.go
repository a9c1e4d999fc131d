package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/idpool/idpool/emulator/outbound"
)

// TestPublicURLRestart: a server on a database whose outbound issuer the
// first enable made through a proxy that rewrote the Host (nginx's
// default sends the upstream's address) answers under --public-url once
// restarted with it, in IAM's answers, in the issuer's documents and in
// the Cognito discovery document's jwks_uri, also after a reset and a new
// enable, and keeps the issuer's id; restarted without it, the issuer is
// the stored one again, as a database of an earlier version answers.
// Before, the first enable's URL won over --public-url for good, and the
// discovery document's jwks_uri took the request's scheme and Host.
func TestPublicURLRestart(t *testing.T) {
	const upstream = "127.0.0.1:9350" // the Host nginx's default proxy_pass sends
	db := filepath.Join(t.TempDir(), "idpool.db")
	steps := []struct {
		name, publicURL string
		reset           bool   // POST /_idpool/reset before the call
		action          string // the IAM call that names the issuer
		wantBase        string // of the issuer
		wantJWKS        string // the Cognito discovery's jwks_uri
	}{
		{"first enable through the proxy", "", false, "EnableOutboundWebIdentityFederation",
			"http://" + upstream, "http://" + upstream + "/.well-known/jwks_uri"},
		{"restart with --public-url", "https://idpool.example.com", false, "GetOutboundWebIdentityFederationInfo",
			"https://idpool.example.com", "https://idpool.example.com/.well-known/jwks_uri"},
		{"reset and enable again", "https://idpool.example.com", true, "EnableOutboundWebIdentityFederation",
			"https://idpool.example.com", "https://idpool.example.com/.well-known/jwks_uri"},
		{"restart with a --public-url with a path", "https://proxy.example:8443/idpool", false, "GetOutboundWebIdentityFederationInfo",
			"https://proxy.example:8443/idpool", "https://proxy.example:8443/idpool/.well-known/jwks_uri"},
		{"restart without --public-url", "", false, "GetOutboundWebIdentityFederationInfo",
			"http://" + upstream, "http://" + upstream + "/.well-known/jwks_uri"},
	}
	id := ""
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			srv, err := New(t.Context(), Config{DB: db, PublicURL: st.publicURL}, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer srv.Close()
			h := srv.Handler()
			if st.reset {
				if rec := serve(h, http.MethodPost, "http://"+upstream+"/_idpool/reset", nil); rec.Code != http.StatusOK {
					t.Fatalf("reset: got %d %s, want 200", rec.Code, rec.Body)
				}
			}
			issuer := iamIssuer(t, h, upstream, st.action)
			if id == "" {
				id = strings.TrimPrefix(issuer, st.wantBase+outbound.PathPrefix)
			}
			if want := st.wantBase + outbound.PathPrefix + id; issuer != want {
				t.Errorf("%s: got issuer %q, want %q", st.action, issuer, want)
			}
			var conf struct {
				Issuer  string `json:"issuer"`
				JWKSURI string `json:"jwks_uri"`
			}
			getJSON(t, h, "http://"+upstream+outbound.PathPrefix+id+outbound.ConfigurationPath, &conf)
			if conf.Issuer != issuer || conf.JWKSURI != issuer+outbound.JWKSPath {
				t.Errorf("the issuer's configuration: got issuer %q, jwks_uri %q, want %q, %q", conf.Issuer, conf.JWKSURI, issuer, issuer+outbound.JWKSPath)
			}
			getJSON(t, h, "http://"+upstream+"/.well-known/openid-configuration", &conf)
			if conf.Issuer != DefaultIssuer || conf.JWKSURI != st.wantJWKS {
				t.Errorf("the Cognito discovery document: got issuer %q, jwks_uri %q, want %q, %q", conf.Issuer, conf.JWKSURI, DefaultIssuer, st.wantJWKS)
			}
		})
	}
}

// iamIssuer calls IAM's action, signed by the SDK's signer with keys the
// permissive server takes, to h under the Host host, and returns the
// IssuerIdentifier of its answer.
func iamIssuer(t *testing.T, h http.Handler, host, action string) string {
	t.Helper()
	body := "Action=" + action + "&Version=2010-05-08"
	r := httptest.NewRequest(http.MethodPost, "http://"+host+"/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "iam", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	_, issuer, _ := strings.Cut(rec.Body.String(), "<IssuerIdentifier>")
	issuer, _, found := strings.Cut(issuer, "</IssuerIdentifier>")
	if rec.Code != http.StatusOK || !found {
		t.Fatalf("%s: got %d %s, want 200 with an IssuerIdentifier", action, rec.Code, rec.Body)
	}
	return issuer
}

// serve sends h a request of method to target, with Host the target's.
func serve(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// getJSON GETs target of h, which must answer 200, into v.
func getJSON(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	rec := serve(h, http.MethodGet, target, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: got %d %s, want 200", target, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, rec.Body)
	}
}

// TestRebindAdvice: the DNS-rebinding guard's refusal advises the
// --public-url that names the host as the client reached it: https when
// the request came over TLS or the browser's Origin is https, and both
// schemes when the request does not tell (a proxy that ends TLS sends
// plain http). Before, it advised http:// behind every such proxy.
func TestRebindAdvice(t *testing.T) {
	srv, err := New(t.Context(), Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer srv.Close()
	const host = "idpool.dev.example:8443"
	tests := []struct {
		name, target, origin string
		want, notWant        string
	}{
		{"plain http, no Origin", "http://" + host + "/_idpool/console/", "",
			"--public-url http://" + host + " (IDPOOL_PUBLIC_URL), or https://" + host + " if your clients reach idpool over https", ""},
		{"over TLS", "https://" + host + "/_idpool/console/", "",
			"--public-url https://" + host + " (IDPOOL_PUBLIC_URL)", "http://"},
		{"through a TLS proxy, Origin https", "http://" + host + "/_idpool/console/", "https://" + host,
			"--public-url https://" + host + " (IDPOOL_PUBLIC_URL)", "http://"},
		{"Origin http", "http://" + host + "/_idpool/console/", "http://" + host,
			"--public-url http://" + host + " (IDPOOL_PUBLIC_URL)", "https://"},
		{"an opaque Origin", "http://" + host + "/_idpool/console/", "null",
			"--public-url http://" + host + " (IDPOOL_PUBLIC_URL), or https://" + host, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.origin != "" {
				header.Set("Origin", tt.origin)
			}
			rec := serve(srv.Handler(), http.MethodGet, tt.target, header)
			var got struct{ Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusForbidden {
				t.Fatalf("got %d %s, want 403 with a message", rec.Code, rec.Body)
			}
			if !strings.Contains(got.Message, tt.want) || tt.notWant != "" && strings.Contains(got.Message, tt.notWant) {
				t.Errorf("got %q, want it to say %q and not %q", got.Message, tt.want, tt.notWant)
			}
		})
	}
}
