package emulator

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// listenTLS serves a handler that answers 200 over TLS (httptest's
// certificate), as idpool serve --tls-cert does: on a boundListener of at
// most max connections, with NewHTTPServer's server after tune adjusted
// it, and HTTP/2 offered when h2. It returns the server, whose Client
// trusts the certificate, and the listener.
func listenTLS(t *testing.T, max int, h2 bool, tune func(*http.Server)) (*httptest.Server, *boundListener) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ln := newBoundListener(ts.Listener, max)
	ts.Listener = ln
	ts.Config = NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), slog.New(slog.DiscardHandler))
	if tune != nil {
		tune(ts.Config)
	}
	ts.EnableHTTP2 = h2
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts, ln
}

// TestTLSIdleConnectionsMakeRoom: over TLS, as over plain HTTP, the
// listener learns which connections are idle between requests (net/http
// hands ConnState the *tls.Conn around the listener's connection), so a
// new client at the bound is answered at once by closing one of them,
// not after the 5 s a connection counts as new.
func TestTLSIdleConnectionsMakeRoom(t *testing.T) {
	for _, tt := range []struct {
		name  string
		h2    bool
		proto string
	}{
		{"HTTP/1.1", false, "HTTP/1.1"},
		{"HTTP/2", true, "HTTP/2.0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			const max = 2
			ts, ln := listenTLS(t, max, tt.h2, nil)
			for i := range 2 * max {
				tr := ts.Client().Transport.(*http.Transport).Clone()
				t.Cleanup(tr.CloseIdleConnections)
				client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
				start := time.Now()
				res, err := client.Get(ts.URL)
				if err != nil {
					t.Fatalf("client %d: got %v, want an answer", i, err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.Proto != tt.proto {
					t.Errorf("client %d: got %s, want %s", i, res.Proto, tt.proto)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("client %d: answered after %v, want at once", i, d)
				}
				if n := openConns(ln); n > max {
					t.Errorf("after client %d: got %d connections open, want at most %d", i, n, max)
				}
			}
		})
	}
}

// TestTLSSilentConnectionClosed: a client that opens a TCP connection to
// the TLS port and never starts the handshake holds it no longer than
// ReadHeaderTimeout (net/http bounds the handshake by it), and at the
// bound it counts as idle after newConnIdle, as a silent plain connection
// does.
func TestTLSSilentConnectionClosed(t *testing.T) {
	ts, ln := listenTLS(t, 1, false, func(hs *http.Server) { hs.ReadHeaderTimeout = 300 * time.Millisecond })
	ln.mu.Lock()
	ln.newIdle = 100 * time.Millisecond
	ln.mu.Unlock()

	silent := dial(t, ts.Listener.Addr().String())
	res, err := ts.Client().Get(ts.URL)
	if err != nil {
		t.Fatalf("beside a silent connection at the bound: got %v, want an answer", err)
	}
	res.Body.Close()
	silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("silent connection at the bound: got %d bytes, %v, want it closed by the server (EOF)", n, err)
	}

	ts.Client().CloseIdleConnections()
	start := time.Now()
	silent = dial(t, ts.Listener.Addr().String())
	silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("silent connection: got %d bytes, %v, want it closed by the server (EOF)", n, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("silent connection: closed after %v, want after ReadHeaderTimeout (300ms)", d)
	}
}
