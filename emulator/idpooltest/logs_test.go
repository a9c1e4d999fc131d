package idpooltest_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// logTail is the bound of the log a server keeps without WithLogger.
const logTail = 64 << 10

// TestLogTail: a server without WithLogger keeps only the end of its log,
// within 64 KiB, however many requests it answers: its most recent lines,
// after one saying how many were dropped. Log returns it to a TestMain;
// New writes it to a failed test's output.
func TestLogTail(t *testing.T) {
	tests := []struct {
		name     string
		requests int
		dropped  bool
	}{
		{"a short log", 10, false},
		{"a long log", 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := idpooltest.Start()
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.requests {
				get(t, srv, fmt.Sprintf("/_idpool/line-%d", i))
			}
			srv.Close() // waits for the requests' lines
			checkTail(t, srv.Log(), tt.requests, tt.dropped)
		})
	}

	t.Run("New writes it when the test fails", func(t *testing.T) {
		ft := &failedTB{TB: t}
		srv := idpooltest.New(ft)
		for i := range 1000 {
			get(t, srv, fmt.Sprintf("/_idpool/line-%d", i))
		}
		for _, f := range ft.cleanups {
			f()
		}
		if len(ft.logs) != 1 {
			t.Fatalf("lines written to the failed test: got %d, want 1", len(ft.logs))
		}
		l, ok := strings.CutPrefix(ft.logs[0], "idpool log:\n")
		if !ok {
			t.Fatalf("written to the failed test: got %.100q…, want the log after \"idpool log:\"", ft.logs[0])
		}
		checkTail(t, l, 1000, true)
	})

	t.Run("none kept with WithLogger", func(t *testing.T) {
		srv := idpooltest.New(t, idpooltest.WithLogger(slog.New(slog.DiscardHandler)))
		get(t, srv, "/_idpool/line-0")
		if got := srv.Log(); got != "" {
			t.Errorf("Log with WithLogger: got %q, want empty", got)
		}
	})
}

// checkTail fails t unless log is the tail of n requests' lines: the last
// request's line, within the bound, dropping the first only if dropped.
func checkTail(t *testing.T, log string, n int, dropped bool) {
	t.Helper()
	header, _, _ := strings.Cut(log, "\n")
	if got := strings.Contains(header, "earlier lines") && strings.Contains(header, "dropped"); got != dropped {
		t.Errorf("first line: got %q, want a line saying lines were dropped: %v", header, dropped)
	}
	if len(log) > logTail+len(header)+1 {
		t.Errorf("log of %d requests: got %d bytes, want at most %d and its header", n, len(log), logTail)
	}
	if last := fmt.Sprintf("path=/_idpool/line-%d ", n-1); !strings.Contains(log, last) {
		t.Errorf("log of %d requests: got no %q, want the last request's line", n, last)
	}
	if got := strings.Contains(log, "path=/_idpool/line-0 "); got == dropped {
		t.Errorf("log of %d requests: holds the first request's line: %v, want %v", n, got, !dropped)
	}
}

// get sends a GET of path to srv, which answers a path under /_idpool/
// that it does not serve with 404 and logs it.
func get(t *testing.T, srv *idpooltest.Server, path string) {
	t.Helper()
	res, err := http.Get(srv.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// failedTB is a test that has failed, whose cleanups and output the test
// holds: New must write the server's log to it.
type failedTB struct {
	testing.TB
	cleanups []func()
	logs     []string
}

func (f *failedTB) Helper()           {}
func (f *failedTB) Failed() bool      { return true }
func (f *failedTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failedTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
