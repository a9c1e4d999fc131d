package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
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

// TestEdgeLogLine: a request a codec routed is logged by its operation,
// any other by method and path.
func TestEdgeLogLine(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tests := []struct {
		name, path, op string
		want           []string
		wantNot        string
	}{
		{"routed", "/", "GetId", []string{"op=GetId", "status=200"}, "path="},
		{"not routed", "/identitypools/p/unknown", "", []string{"method=GET", "path=/identitypools/p/unknown", "status=200"}, "op="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.op != "" {
					protocol.SetOperation(r.Context(), tt.op)
				}
			}), logger)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tt.path, nil))
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
