package providers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/idpool/idpool/emulator/tokens"
)

// loopbackOnly is a transport that sends on only the requests to
// 127.0.0.1, the tests' servers: a request to any other host fails
// without leaving the machine (the recorder still records it).
type loopbackOnly struct{}

func (loopbackOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Hostname() != "127.0.0.1" {
		return nil, fmt.Errorf("test: no request to %s may leave the test", req.URL.Host)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// redirector answers every request with a 301 to the same path at to.
func redirector(t *testing.T, to string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestIAMOnlyProviderReach: the http twin of IAM's provider of an https
// URL exists only for a local host, and every URL a provider only IAM
// holds fetches (discovery document, jwks_uri, redirects) stays on http
// and, for the twin, on local hosts; no provider's fetch follows a
// redirect to another host or scheme. A token saying http:// for a
// public https provider had made idpool fetch its discovery document
// over plain http, and a redirect to another port had let an attacker's
// key set verify a token.
func TestIAMOnlyProviderReach(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	attacker := rsaKey(t, "k", jose.RS256)
	good := newOIDCServer(t, jwks(t, k))
	goodKey := strings.TrimPrefix(good.URL, "http://")
	evil := newOIDCServer(t, jwks(t, attacker))
	moved := redirector(t, evil.URL)
	movedKey := strings.TrimPrefix(moved.URL, "http://")
	// Documents whose jwks_uri leaves the rules, and one whose jwks_uri
	// redirects within its host.
	httpsKeys := newOIDCServer(t, jwks(t, k))
	httpsKeys.setDoc(fmt.Sprintf(`{"issuer":%q,"jwks_uri":%q}`, httpsKeys.URL, strings.Replace(httpsKeys.URL, "http://", "https://", 1)+"/keys"))
	publicKeys := newOIDCServer(t, jwks(t, k))
	publicKeys.setDoc(fmt.Sprintf(`{"issuer":%q,"jwks_uri":"http://keys.example.com/keys"}`, publicKeys.URL))
	within := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case discoveryPath:
			fmt.Fprintf(w, `{"issuer":"http://%s","jwks_uri":"http://%s/old-keys"}`, r.Host, r.Host)
		case "/old-keys":
			http.Redirect(w, r, "/keys", http.StatusFound)
		case "/keys":
			w.Write(jwks(t, k))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(within.Close)
	withinKey := strings.TrimPrefix(within.URL, "http://")
	const github = "token.actions.githubusercontent.com"
	iam := func(key string) mapSource { return mapSource{key: {Name: "https://" + key}} }
	tests := []struct {
		name     string
		declared []Provider
		iam      mapSource
		iss      string
		signer   signer
		want     error // nil: taken
		wantText string
		asked    []string
	}{
		{name: "public https provider, http iss", iam: iam(github), iss: "http://" + github, signer: k, want: ErrFetch,
			wantText: "declare its keys"},
		{name: "public https provider, https iss", iam: iam(github), iss: "https://" + github, signer: k, want: ErrFetch,
			wantText: "declare its keys"},
		{name: "local https provider, http iss", iam: iam(goodKey), iss: good.URL, signer: k,
			asked: []string{good.URL + discoveryPath, good.URL + "/keys"}},
		{name: "redirect to another port", iam: iam(movedKey), iss: moved.URL, signer: attacker, want: ErrFetch,
			wantText: "redirect from", asked: []string{moved.URL + discoveryPath}},
		{name: "declared, redirect to another port", declared: []Provider{{Name: moved.URL}}, iss: moved.URL, signer: attacker,
			want: ErrFetch, wantText: "redirect from", asked: []string{moved.URL + discoveryPath}},
		{name: "jwks_uri of https", iam: iam(strings.TrimPrefix(httpsKeys.URL, "http://")), iss: httpsKeys.URL, signer: k,
			want: ErrFetch, wantText: "only http URLs", asked: []string{httpsKeys.URL + discoveryPath}},
		{name: "jwks_uri of a public host", iam: iam(strings.TrimPrefix(publicKeys.URL, "http://")), iss: publicKeys.URL, signer: k,
			want: ErrFetch, wantText: "only from local hosts", asked: []string{publicKeys.URL + discoveryPath}},
		{name: "redirect within the host", iam: iam(withinKey), iss: within.URL, signer: k,
			asked: []string{within.URL + discoveryPath, within.URL + "/old-keys", within.URL + "/keys"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{next: loopbackOnly{}}
			reg, err := New(tt.declared, &http.Client{Transport: rec}, newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.iam != nil {
				reg.SetSource(tt.iam)
			}
			key, _ := loginsKey(tt.iss)
			_, err = reg.Verify(context.Background(), key, tt.signer.sign(t, claims(tt.iss, client0, nil)), nil, 0)
			wantErr(t, err, tt.want)
			if err != nil && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got error %v, want it to say %s", err, tt.wantText)
			}
			if got := rec.asked(); strings.Join(got, " ") != strings.Join(tt.asked, " ") {
				t.Errorf("got requests %q, want %q", got, tt.asked)
			}
		})
	}
}

// TestIAMOnlyPublicProviderHTTPIssSTS: STS, strict or not, makes no
// request for a signed token saying http:// of a public host whose provider
// only IAM holds, by its https URL; it had fetched the host's discovery
// document over plain http.
func TestIAMOnlyPublicProviderHTTPIssSTS(t *testing.T) {
	const github = "token.actions.githubusercontent.com"
	k := rsaKey(t, "k", jose.RS256)
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprint("strict ", strict), func(t *testing.T) {
			rec := &recorder{next: loopbackOnly{}}
			reg, err := New(nil, &http.Client{Transport: rec}, newClock().now, nil)
			if err != nil {
				t.Fatal(err)
			}
			reg.SetSource(mapSource{github: {Name: "https://" + github}})
			tok, err := tokens.Parse(k.sign(t, claims("http://"+github, client0, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reg.ForSTS("123456789012", strict).VerifyWebIdentity(context.Background(), tok); err == nil {
				t.Error("got the token taken, want it refused")
			}
			if got := rec.asked(); len(got) != 0 {
				t.Errorf("got requests %q, want none", got)
			}
		})
	}
}

// TestLocalHost: the hosts whose https IAM provider has an http twin.
func TestLocalHost(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"localhost:9862", true},
		{"LocalHost", true},
		{"idp.localhost:8080/realms/dev", true},
		{"127.0.0.1:9986", true},
		{"127.8.9.10", true},
		{"[::1]:8080", true},
		{"[::ffff:127.0.0.1]:80", true},
		{"10.1.2.3/realm", true},
		{"172.16.0.1", true},
		{"192.168.1.20:5556/dex", true},
		{"[fd00::1]:443", true},
		{"keycloak:8080/realms/dev", true},
		{"dex", true},
		{"token.actions.githubusercontent.com", false},
		{"login.example.com/realms/dev", false},
		{"localhost.example.com", false},
		{"8.8.8.8", false},
		{"172.32.0.1", false},
		{"[2001:db8::1]", false},
		{"169.254.169.254", false},
		{"", false},
		{"host.docker.internal:8080/realms/dev", true},
		{"LOCALHOST.:9862", true},
		{"keycloak.:8080", true},
		{"134744072", false},
		{"0x8080808:80", false},
		{"0x", true},
		{"idp1", true},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := localHost(tt.key); got != tt.want {
				t.Errorf("got localHost(%q) %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}
