package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCORSByPath: the AWS services and the public documents under
// /_idpool/ allow every origin, as before; the console allows none, not
// even in the refusal of a cross-site action or to a preflight; the test
// controls allow only the pages of this machine, which may call them, and
// show another site's page only their refusal.
func TestCORSByPath(t *testing.T) {
	h := memoryServer(t)
	const (
		evil  = "http://evil.example"
		local = "http://localhost:3000"
		key   = "ASIAXXXXXXXXXXXXXXXX"
	)
	tests := []struct {
		name, method, path, origin string
		// wantStatus is 0 when the status is not the point.
		wantStatus int
		wantAllow  string
	}{
		// The console.
		{"cross-site console action refused", http.MethodPost, "/_idpool/console/reset", evil, http.StatusForbidden, ""},
		{"console page to another site", http.MethodGet, "/_idpool/console/", evil, http.StatusOK, ""},
		{"console page to a local page", http.MethodGet, "/_idpool/console/", local, http.StatusOK, ""},
		{"console preflight from another site", http.MethodOptions, "/_idpool/console/reset", evil, http.StatusForbidden, ""},
		{"console preflight from a local page", http.MethodOptions, "/_idpool/console/identities/x/delete", local, http.StatusForbidden, ""},
		{"console root preflight", http.MethodOptions, "/_idpool/console", evil, http.StatusForbidden, ""},
		// The test controls.
		{"credentials to another site", http.MethodGet, "/_idpool/credentials/" + key, evil, 0, ""},
		{"credentials to a local page", http.MethodGet, "/_idpool/credentials/" + key, local, 0, local},
		{"control preflight from another site", http.MethodOptions, "/_idpool/tokens/expire", evil, http.StatusForbidden, ""},
		{"control preflight from a local page", http.MethodOptions, "/_idpool/tokens/expire", local, http.StatusOK, local},
		{"control preflight from an opaque origin", http.MethodOptions, "/_idpool/reset", "null", http.StatusForbidden, ""},
		// The page reads why: the refusal says to call the control from
		// the test runner.
		{"control refused to another site", http.MethodPost, "/_idpool/reset", evil, http.StatusForbidden, evil},
		// The public documents.
		{"health check", http.MethodGet, healthPath, evil, http.StatusOK, "*"},
		{"outbound discovery", http.MethodGet, "/_idpool/outbound/abc/.well-known/openid-configuration", evil, 0, "*"},
		{"outbound key set preflight", http.MethodOptions, "/_idpool/outbound/abc/.well-known/jwks.json", evil, http.StatusOK, "*"},
		{"idpool's key set", http.MethodGet, "/.well-known/jwks.json", evil, http.StatusOK, "*"},
		// The services, unchanged.
		{"Cognito Identity", http.MethodPost, "/", evil, 0, "*"},
		{"Cognito Identity preflight", http.MethodOptions, "/", evil, http.StatusOK, "*"},
		{"Cognito Sync preflight", http.MethodOptions, "/identitypools/p/identities/i/datasets", evil, http.StatusOK, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://idpool:9230"+tt.path, strings.NewReader(""))
			req.Header.Set("Origin", tt.origin)
			if tt.method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", http.MethodPost)
				req.Header.Set("Access-Control-Request-Headers", "content-type")
			}
			if tt.origin == evil {
				req.Header.Set("Sec-Fetch-Site", "cross-site")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			hdr := rec.Header()
			if tt.wantStatus != 0 && rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := hdr.Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, tt.wantAllow)
			}
			if tt.wantAllow == "" {
				for name := range hdr {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("got header %s: %q, want no CORS header", name, hdr.Get(name))
					}
				}
			}
			if tt.method == http.MethodOptions {
				if got, want := hdr.Get("Access-Control-Allow-Methods") != "", tt.wantAllow != ""; got != want {
					t.Errorf("preflight approved: got %v, want %v", got, want)
				}
			}
			if got, want := strings.Contains(strings.Join(hdr.Values("Vary"), ","), "Origin"), tt.wantAllow != "" && tt.wantAllow != "*"; got != want {
				t.Errorf("Vary: Origin: got %v, want %v", got, want)
			}
		})
	}
}
