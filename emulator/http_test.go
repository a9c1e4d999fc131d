package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEdge(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}), logger)

	tests := []struct {
		name, method, path, origin string
		wantStatus                 int
		wantLogged                 bool
	}{
		{"request logged", http.MethodPost, "/", "", http.StatusTeapot, true},
		{"browser request", http.MethodPost, "/", "http://localhost:3000", http.StatusTeapot, true},
		{"preflight answered", http.MethodOptions, "/", "http://localhost:3000", http.StatusOK, false},
		{"health check not logged at info", http.MethodGet, healthPath, "", http.StatusTeapot, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			w := httptest.NewRecorder()
			r := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header()["x-amzn-RequestId"]; len(got) != 1 || got[0] == "" {
				t.Errorf("x-amzn-RequestId: got %v, want one id in AWS's spelling", got)
			}
			want := ""
			if tt.origin != "" {
				want = "*"
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != want {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, want)
			}
			if logged := strings.Contains(logs.String(), "msg=request"); logged != tt.wantLogged {
				t.Errorf("logged: got %v (%q), want %v", logged, logs.String(), tt.wantLogged)
			}
		})
	}
}

// TestEdgeLogLine: an operation on the root path is logged by name, any
// other request by method and path.
func TestEdgeLogLine(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), logger)
	tests := []struct {
		name, path, target string
		want               []string
		wantNot            string
	}{
		{"JSON operation", "/", "AWSCognitoIdentityService.GetId", []string{"op=GetId", "status=200"}, "path="},
		{"REST request", "/identitypools/p/identities/i/datasets", "", []string{"method=GET", "path=/identitypools/p/identities/i/datasets", "status=200"}, "op="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.target != "" {
				r.Header.Set("X-Amz-Target", tt.target)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			line := logs.String()
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("log line: got %q, want it to contain %q", line, w)
				}
			}
			if strings.Contains(line, tt.wantNot) {
				t.Errorf("log line: got %q, want no %q", line, tt.wantNot)
			}
		})
	}
}
