package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestConsoleSetting: the console is served by default, and --console=false
// or IDPOOL_CONSOLE=false turn it off; a refused request shows in its
// activity with the code the client was told.
func TestConsoleSetting(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		console bool
	}{
		{"default", nil, nil, true},
		{"flag off", []string{"--console=false"}, nil, false},
		{"env off", nil, map[string]string{"IDPOOL_CONSOLE": "false"}, false},
		{"flag wins over env", []string{"--console"}, map[string]string{"IDPOOL_CONSOLE": "false"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.NoConsole == tc.console {
				t.Fatalf("got NoConsole %v, want %v", cfg.NoConsole, !tc.console)
			}
			cfg.DB = ":memory:"
			srv, err := New(t.Context(), cfg, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer srv.Close()
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"IdentityPoolId":"us-east-1:00000000-0000-4000-8000-000000000000"}`))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			srv.Handler().ServeHTTP(httptest.NewRecorder(), req)

			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_idpool/console/activity", nil))
			served := rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), "ResourceNotFoundException") &&
				strings.Contains(rec.Body.String(), "us-east-1:00000000-0000-4000-8000-000000000000")
			if served != tc.console {
				t.Errorf("GET /_idpool/console/activity: got %d, console served %v, want %v\n%s", rec.Code, served, tc.console, rec.Body)
			}
		})
	}
	if _, err := Load(nil, func(k string) string { return map[string]string{"IDPOOL_CONSOLE": "maybe"}[k] }); err == nil {
		t.Errorf("IDPOOL_CONSOLE=maybe: got no error, want one")
	}
}
