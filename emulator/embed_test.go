package emulator_test

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator"
)

// TestHealthAfterClose: once the Server is closed, the health check
// fails as every other request does, rather than calling it healthy.
func TestHealthAfterClose(t *testing.T) {
	srv, err := emulator.New(t.Context(), emulator.Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	tests := []struct {
		name  string
		close bool
		want  int
	}{
		{"open", false, http.StatusOK},
		{"closed", true, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.close {
				srv.Close()
			}
			res, err := http.Get(hs.URL + "/_idpool/health")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("GET /_idpool/health: got %d %s, want %d", res.StatusCode, b, tt.want)
			}
		})
	}
}

// TestHTTPTestCleanupWithStream: the README's way of serving a Server in
// a test with httptest (In Go tests) closes promptly while a console
// Activity page holds its live stream open. httptest.Server.Close waits
// for every active connection, and the stream's lasts until its client
// leaves: EndStreams must come first, and the Server's Close last, once
// no request is in flight.
func TestHTTPTestCleanupWithStream(t *testing.T) {
	srv, err := emulator.New(t.Context(), emulator.Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	cleanup := func() { srv.EndStreams(); hs.Close(); srv.Close() } // as the README's t.Cleanup
	const documented = "t.Cleanup(func() { srv.EndStreams(); hs.Close(); srv.Close() })"
	for _, f := range []string{"../README.md", "example_test.go"} {
		if !strings.Contains(readFile(t, f), documented) {
			t.Errorf("%s: got no %q, want the cleanup this test runs", f, documented)
		}
	}

	res, err := http.Get(hs.URL + "/_idpool/console/activity/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if l, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil || !strings.HasPrefix(l, ": idpool activity") {
		t.Fatalf("stream start: got %q, %v, want the stream's first comment", l, err)
	}
	done := make(chan struct{})
	go func() { cleanup(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the README's cleanup has not returned after 10s with an activity stream open, want it to end the stream")
	}
}
