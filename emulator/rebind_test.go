package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestControlHosts: the console and the test controls answer only under a
// Host that no other site can point at the server (DNS rebinding: a page
// of attacker.example whose name now resolves to 127.0.0.1 sends its own
// name as Host, and no Origin on a GET), and refuse every other one with
// a 403 that names --public-url. The documents other programs fetch by
// any name, and the AWS services, answer under every Host.
func TestControlHosts(t *testing.T) {
	servers := map[string]*Server{}
	server := func(t *testing.T, publicURL string) *Server {
		t.Helper()
		if srv, ok := servers[publicURL]; ok {
			return srv
		}
		srv, err := New(t.Context(), Config{DB: ":memory:", PublicURL: publicURL}, nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		servers[publicURL] = srv
		return srv
	}
	defer func() {
		for _, srv := range servers {
			srv.Close()
		}
	}()

	const publicURL = "https://idpool.dev.example:8443"
	tests := []struct {
		name, host, publicURL string
		allowed               bool
	}{
		{"IPv4 loopback with port", "127.0.0.1:9230", "", true},
		{"IPv4 loopback without port", "127.0.0.1", "", true},
		{"an address of the LAN", "192.168.1.20:9230", "", true},
		{"every interface", "0.0.0.0:9230", "", true},
		{"IPv6 loopback", "[::1]:9230", "", true},
		{"IPv6 address without port", "[fd00::5]", "", true},
		{"localhost", "localhost:9230", "", true},
		{"localhost in capitals", "LOCALHOST", "", true},
		{"localhost with a trailing dot", "localhost.:9230", "", true},
		{"a .localhost name", "app.localhost:5173", "", true},
		{"a Compose service", "idpool:9230", "", true},
		{"the host from a container", "host.docker.internal:9230", "", true},
		{"a name under .internal in upper case", "Host.Containers.INTERNAL", "", true},
		{"a name that ends like internal", "attacker.notinternal:9230", "", false},
		{"a one-label name without port", "idpool", "", true},
		{"the host of --public-url", "idpool.dev.example:8443", publicURL, true},
		{"the host of --public-url on another port", "IDPOOL.dev.example", publicURL, true},
		{"the host of --public-url, unset", "idpool.dev.example:8443", "", false},
		{"another site", "attacker.example:9230", "", false},
		{"another site without port", "attacker.example", "", false},
		{"another site with a trailing dot", "attacker.example.:9230", "", false},
		{"another site while --public-url is set", "attacker.example:9230", publicURL, false},
		{"a wildcard DNS name of the loopback", "127.0.0.1.nip.io:9230", "", false},
		{"a name that starts like localhost", "localhost.attacker.example:9230", "", false},
		{"a name in brackets", "[attacker.example]:9230", "", false},
		{"a subdomain of --public-url's host", "evil.idpool.dev.example", publicURL, false},
	}
	// Reads of the console and its JSON, and a control that changes
	// state, without Origin, as a rebound page's same-origin fetch sends.
	paths := []struct{ method, path string }{
		{http.MethodGet, "/_idpool/console/"},
		{http.MethodGet, "/_idpool/console/identities/us-east-1:aaaaaaaa-0000-0000-0000-000000000001"},
		{http.MethodGet, "/_idpool/credentials/ASIAXXXXXXXXXXXXXXXX"},
		{http.MethodPost, "/_idpool/keys/rotate"},
		{http.MethodGet, "/_idpool/nothing"},
	}
	for _, tt := range tests {
		for _, p := range paths {
			t.Run(tt.name+"/"+p.method+" "+p.path, func(t *testing.T) {
				srv := server(t, tt.publicURL)
				req := httptest.NewRequest(p.method, p.path, nil)
				req.Host = tt.host
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, req)
				refused := rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), "--public-url")
				if refused == tt.allowed {
					t.Errorf("Host %q: got %d %s, want allowed %v", tt.host, rec.Code, rec.Body, tt.allowed)
				}
			})
		}
	}

	// Under another site's name: what other programs fetch by the name
	// they were given, and the services SDKs call by their endpoint's.
	public := []struct {
		name, method, path, target string
		want                       int
	}{
		{"health", http.MethodGet, healthPath, "", http.StatusOK},
		{"outbound discovery", http.MethodGet, "/_idpool/outbound/3f0c0000-0000-4000-8000-000000000000/.well-known/openid-configuration", "", http.StatusNotFound},
		{"outbound keys", http.MethodGet, "/_idpool/outbound/3f0c0000-0000-4000-8000-000000000000/.well-known/jwks.json", "", http.StatusNotFound},
		{"token discovery", http.MethodGet, "/.well-known/openid-configuration", "", http.StatusOK},
		{"Cognito Identity", http.MethodPost, "/", "AWSCognitoIdentityService.GetId", http.StatusBadRequest},
	}
	for _, tt := range public {
		t.Run("public/"+tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{"IdentityPoolId":"us-east-1:00000000-0000-4000-8000-000000000000"}`))
			req.Host = "attacker.example:9230"
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			}
			rec := httptest.NewRecorder()
			server(t, "").Handler().ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
		})
	}
	// A path that is not clean is redirected to its clean form, which is
	// checked in turn; it does not pass for an outbound document.
	t.Run("public/a path that climbs out of the outbound issuer", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/_idpool/outbound/x/../../console/.well-known/jwks.json", nil)
		req.Host = "attacker.example:9230"
		rec := httptest.NewRecorder()
		server(t, "").Handler().ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			t.Errorf("got %d %s, want a redirect or a refusal", rec.Code, rec.Body)
		}
	})
}
