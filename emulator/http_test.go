package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

func TestEdge(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}), logger, newBodyBudget(), time.Now)

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
			}), logger, newBodyBudget(), time.Now)
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

// TestEdgeLogsRefusals: the log line of a refused request carries the code
// and message the client got, at info; a server fault's line is an error
// and also carries the cause the client was not told.
func TestEdgeLogsRefusals(t *testing.T) {
	tests := []struct {
		name    string
		err     *protocol.Error
		cause   error
		reason  string
		gone    bool // the client went away before the answer
		want    []string
		wantNot []string
	}{
		{"answered", nil, nil, "", false, []string{"level=INFO", "status=200"}, []string{"code=", "message=", "err=", "reason="}},
		{"refused with a reason", protocol.BadRequest("NotAuthorizedException", "Access to Identity 'us-east-1:x' is forbidden."), nil,
			"identity us-east-1:x is disabled: its last login was unlinked", false,
			[]string{`code=NotAuthorizedException message="Access to Identity 'us-east-1:x' is forbidden." reason="identity us-east-1:x is disabled: its last login was unlinked"`}, nil},
		{"refused", protocol.BadRequest("ResourceNotFoundException", "IdentityPool 'us-east-1:x' not found."), nil, "", false,
			[]string{"level=INFO", "status=400", `code=ResourceNotFoundException message="IdentityPool 'us-east-1:x' not found."`},
			[]string{"err=", "reason="}},
		{"refused without message", &protocol.Error{Code: "UnknownOperationException", Status: 400}, nil, "", false,
			[]string{"status=400 code=UnknownOperationException took="}, []string{"message="}},
		{"long message clipped", protocol.BadRequest("ValidationException", "%s", strings.Repeat("v", 5000)), nil, "", false,
			[]string{`message=` + strings.Repeat("v", maxLogMessage) + `... took=`}, []string{strings.Repeat("v", maxLogMessage+1)}},
		{"fault", protocol.Errorf(500, "InternalErrorException", "An internal error occurred."), errors.New("sqlite: disk I/O error"), "",
			false, []string{"level=ERROR", "status=500", `code=InternalErrorException message="An internal error occurred." err="sqlite: disk I/O error"`}, nil},
		{"fault of a client that went away", protocol.Errorf(500, "InternalErrorException", "An internal error occurred."),
			fmt.Errorf("sign token: %w", context.Canceled), "", true,
			[]string{"level=INFO", "status=500", `err="sign token: context canceled"`}, []string{"level=ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				protocol.SetOperation(r.Context(), "GetId")
				if tt.err != nil {
					protocol.SetReason(r.Context(), tt.reason)
					protocol.SetError(r.Context(), tt.err, tt.cause)
					w.WriteHeader(tt.err.Status)
				}
			}), logger, newBodyBudget(), time.Now)
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			if tt.gone {
				ctx, cancel := context.WithCancel(r.Context())
				cancel()
				r = r.WithContext(ctx)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			line := logs.String()
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("log line: got %q, want it to contain %q", line, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(line, w) {
					t.Errorf("log line: got %q, want no %q", line, w)
				}
			}
		})
	}
}

// TestEdgeBodyBudget: bodies are read within the budget, and a request's
// share is given back when it ends, whatever its handler did.
func TestEdgeBodyBudget(t *testing.T) {
	bodies := protocol.NewBudget(2<<10, 0, time.Millisecond)
	h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := protocol.ReadBody(r, new(bytes.Buffer), 1<<20); err != nil {
			e, _ := protocol.As(err)
			w.WriteHeader(e.Status)
		}
	}), slog.New(slog.DiscardHandler), bodies, time.Now)
	for _, tt := range []struct {
		name       string
		size       int
		wantStatus int
	}{
		{"within the budget", 2 << 10, http.StatusOK},
		{"again once given back", 2 << 10, http.StatusOK},
		{"over the budget", 3 << 10, http.StatusServiceUnavailable},
		{"again after a refusal", 2 << 10, http.StatusOK},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", tt.size))))
		if w.Code != tt.wantStatus {
			t.Errorf("%s: got %d, want %d", tt.name, w.Code, tt.wantStatus)
		}
	}
}
