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
