package emulator

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

// logBuffer collects a server's log, written from request goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// listen runs an idpool server with a throw-away store on a free port, as
// NewHTTPServer builds it after tune adjusted it, until t ends. It returns
// the address and the server's log.
func listen(t *testing.T, tune func(*http.Server)) (string, *logBuffer) {
	t.Helper()
	addr, logs, _ := listenBound(t, MaxConns, tune)
	return addr, logs
}

// listenBound is listen with at most max connections open at once; it
// returns the listener too.
func listenBound(t *testing.T, max int, tune func(*http.Server)) (string, *logBuffer, *boundListener) {
	t.Helper()
	cfg, err := Load([]string{"--db", ":memory:"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	logs := new(logBuffer)
	logger := slog.New(slog.NewTextHandler(logs, nil))
	srv, err := New(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newBoundListener(tcp, max)
	hs := NewHTTPServer(srv.Handler(), logger)
	if tune != nil {
		tune(hs)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(ln)
	}()
	t.Cleanup(func() {
		hs.Close()
		<-done
		srv.Close()
	})
	return ln.Addr().String(), logs, ln
}

// dial opens a raw connection to addr that fails every read or write after
// a generous bound, so that no test can hang on it.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

const healthRequest = "GET " + healthPath + " HTTP/1.1\r\nHost: idpool\r\n\r\n"

// TestNewHTTPServer: the server idpool runs bounds every phase of a
// connection, more loosely than clients' own limits.
func TestNewHTTPServer(t *testing.T) {
	hs := NewHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	for _, tt := range []struct {
		name      string
		got, want time.Duration
	}{
		{"ReadHeaderTimeout", hs.ReadHeaderTimeout, ReadHeaderTimeout},
		{"ReadTimeout", hs.ReadTimeout, ReadTimeout},
		{"WriteTimeout", hs.WriteTimeout, WriteTimeout},
		{"IdleTimeout", hs.IdleTimeout, IdleTimeout},
	} {
		if tt.got != tt.want || tt.got <= 0 {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if hs.WriteTimeout <= hs.ReadTimeout {
		t.Errorf("WriteTimeout %v: want more than ReadTimeout %v, or a slow body leaves no time to answer", hs.WriteTimeout, hs.ReadTimeout)
	}
	if hs.IdleTimeout <= 90*time.Second {
		t.Errorf("IdleTimeout %v: want more than the SDKs' 90 s", hs.IdleTimeout)
	}
	if hs.MaxHeaderBytes != MaxHeaderBytes {
		t.Errorf("MaxHeaderBytes: got %d, want %d", hs.MaxHeaderBytes, MaxHeaderBytes)
	}
}

// TestIdleConnectionClosed: a keep-alive connection that stays idle after
// an answer is closed by the server.
func TestIdleConnectionClosed(t *testing.T) {
	addr, _ := listen(t, func(hs *http.Server) { hs.IdleTimeout = 200 * time.Millisecond })
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for i := range 2 { // the connection is kept alive between requests
		if _, err := io.WriteString(c, healthRequest); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("request %d: got %d (close %v), want 200 on a kept-alive connection", i, res.StatusCode, res.Close)
		}
	}
	// Now idle: the server closes the connection, well before the
	// connection's own 30 s deadline.
	if n, err := br.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: got %d bytes, %v, want it closed by the server (EOF)", n, err)
	}
}

// TestTrickledBodyCutOff: a body trickled a byte at a time is cut off once
// the read timeout passes, not held for as long as the client keeps
// sending.
func TestTrickledBodyCutOff(t *testing.T) {
	addr, logs := listen(t, func(hs *http.Server) { hs.ReadTimeout = 300 * time.Millisecond })
	c := dial(t, addr)
	if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: idpool\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// Trickle until the server gives up, for at most the 1,000 bytes
	// declared; a write fails once the server has closed.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for range 1000 {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("got %v, want an answer refusing the unfinished body", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("got status %d, want 400", res.StatusCode)
	}
	if log := logs.String(); !strings.Contains(log, "op=GetId status=400 code=SerializationException") {
		t.Errorf("log: got %q, want the refusal with its code", log)
	}
}

// TestRefusalLogged: the log line of a refused request names the error
// code and message the client got.
func TestRefusalLogged(t *testing.T) {
	addr, logs := listen(t, nil)
	body := `{"IdentityPoolId":"us-east-1:00000000-0000-0000-0000-000000000000"}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	code := res.Header.Get("X-Amzn-Errortype")
	if res.StatusCode != http.StatusBadRequest || code == "" {
		t.Fatalf("got %d %q, want a refusal", res.StatusCode, code)
	}
	code = strings.TrimSuffix(code, ":")
	want := "level=INFO msg=request id=" + res.Header.Get("X-Amzn-Requestid") + " op=GetId status=400 code=" + code + " message="
	if log := logs.String(); !strings.Contains(log, want) {
		t.Errorf("log: got %q, want it to contain %q", log, want)
	}
}

// TestOversizedBodyAnswered: a client that writes its whole body before it
// reads the answer, as Node's http module (and so the JS SDKs) does, gets
// the 413 on a connection that stays open, not a reset, also when it was
// told to go on with "100 Continue"; a client that waits for it before
// sending a body of declared length is refused without sending it; a
// client that stops sending is answered without waiting for the read
// timeout.
func TestOversizedBodyAnswered(t *testing.T) {
	addr, _ := listen(t, nil)
	const head = "POST / HTTP/1.1\r\nHost: idpool\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\n" +
		"Content-Type: application/x-amz-json-1.1\r\n"
	body := `{"IdentityPoolId":"` + strings.Repeat("a", 2<<20) + `"}`
	chunked := func(s string) string {
		var b strings.Builder
		for len(s) > 0 {
			n := min(len(s), 64<<10)
			fmt.Fprintf(&b, "%x\r\n%s\r\n", n, s[:n])
			s = s[n:]
		}
		return b.String() + "0\r\n\r\n"
	}
	declared := fmt.Sprintf("Content-Length: %d\r\n", len(body))
	for _, tt := range []struct {
		name    string
		request string
		kept    bool // the connection serves the next request
	}{
		{"declared length", head + declared + "\r\n" + body, true},
		{"chunked", head + "Transfer-Encoding: chunked\r\n\r\n" + chunked(body), true},
		{"chunked after 100 Continue", head + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n" + chunked(body), true},
		{"declared length, waiting for 100 Continue", head + declared + "Expect: 100-continue\r\n\r\n", false},
		{"stalled", head + declared + "\r\n" + body[:10<<10], false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			wrote := make(chan error, 1)
			go func() {
				_, err := io.WriteString(c, tt.request)
				wrote <- err
			}()
			br := bufio.NewReader(c)
			start := time.Now()
			var res *http.Response
			for res == nil || res.StatusCode == http.StatusContinue {
				var err error
				if res, err = http.ReadResponse(br, nil); err != nil {
					t.Fatalf("got %v, want the 413", err)
				}
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err := <-wrote; err != nil {
				t.Fatalf("writing the request: got %v, want the whole body taken", err)
			}
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("got status %d, want 413", res.StatusCode)
			}
			// Well within the server's 30 s to read a request.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("answered after %v, want it within the drain's bound", d)
			}
			if !tt.kept {
				return
			}
			if res.Close {
				t.Fatalf("got Connection: close, want the connection kept for the next request")
			}
			if _, err := io.WriteString(c, healthRequest); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("next request: got %v, want an answer on the same connection", err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("next request: got status %d, want 200", res.StatusCode)
			}
		})
	}
}

// openConns returns the number of connections l holds open.
func openConns(l *boundListener) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// health sends a health check on c and returns the answer's status, or
// the error reading it.
func health(c net.Conn, br *bufio.Reader) (int, error) {
	if _, err := io.WriteString(c, healthRequest); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestIdleConnectionsMakeRoom: clients that never close their kept-alive
// connections, as a test suite that builds an SDK client per test, cannot
// hold more than the bound; a new client is answered at once, and an old
// one whose idle connection was closed is answered on a new one.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	const max = 4
	addr, _, ln := listenBound(t, max, nil)
	var clients []*http.Client
	get := func(i int) {
		t.Helper()
		start := time.Now()
		res, err := clients[i].Get("http://" + addr + healthPath)
		if err != nil {
			t.Fatalf("client %d: got %v, want an answer", i, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("client %d: got status %d, want 200", i, res.StatusCode)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("client %d: answered after %v, want at once", i, d)
		}
		if n := openConns(ln); n > max {
			t.Errorf("after client %d: got %d connections open, want at most %d", i, n, max)
		}
	}
	for i := range 3 * max {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		clients = append(clients, &http.Client{Transport: tr, Timeout: 10 * time.Second})
		get(i)
	}
	get(0) // its connection was closed to make room
}

// TestBusyConnectionsMakeNewOnesWait: when every connection is busy with a
// request, a new one waits until one closes or becomes idle, and is
// answered then.
func TestBusyConnectionsMakeNewOnesWait(t *testing.T) {
	const body = `{"IdentityPoolId":"us-east-1:00000000-0000-0000-0000-000000000000"}`
	for _, tt := range []struct {
		name string
		free func(net.Conn) error // makes the busy connection stop being busy
	}{
		{"closed", net.Conn.Close},
		{"idle", func(c net.Conn) error {
			_, err := io.WriteString(c, body) // answered, then kept alive
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr, _, ln := listenBound(t, 1, nil)
			busy := dial(t, addr)
			// Headers, and a body that does not come yet.
			if _, err := io.WriteString(busy, "POST / HTTP/1.1\r\nHost: idpool\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\n"+
				"Content-Type: application/x-amz-json-1.1\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			for openConns(ln) < 1 {
				time.Sleep(time.Millisecond)
			}
			c := dial(t, addr)
			answered := make(chan error, 1)
			go func() {
				status, err := health(c, bufio.NewReader(c))
				if err == nil && status != http.StatusOK {
					err = fmt.Errorf("status %d", status)
				}
				answered <- err
			}()
			select {
			case err := <-answered:
				t.Fatalf("got an answer (%v) while every connection was busy, want the new one to wait", err)
			case <-time.After(300 * time.Millisecond):
			}
			if err := tt.free(busy); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-answered:
				if err != nil {
					t.Errorf("got %v, want 200 once the busy connection was %s", err, tt.name)
				}
			case <-time.After(2 * time.Second): // well before a new connection counts as idle
				t.Errorf("got no answer once the busy connection was %s, want 200 at once", tt.name)
			}
			if n := openConns(ln); n > 1 {
				t.Errorf("got %d connections open, want at most 1", n)
			}
		})
	}
}

// TestSilentConnectionsMakeRoom: connections that send nothing count as
// idle once an honest client would have sent its request.
func TestSilentConnectionsMakeRoom(t *testing.T) {
	addr, _, ln := listenBound(t, 2, nil)
	ln.mu.Lock()
	ln.newIdle = 100 * time.Millisecond
	ln.mu.Unlock()
	silent := []net.Conn{dial(t, addr), dial(t, addr)}
	time.Sleep(200 * time.Millisecond)
	c := dial(t, addr)
	if status, err := health(c, bufio.NewReader(c)); err != nil || status != http.StatusOK {
		t.Fatalf("got %d, %v, want 200 beside silent connections", status, err)
	}
	// The older silent connection was closed.
	silent[0].SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := silent[0].Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("oldest silent connection: got %d bytes, %v, want it closed by the server (EOF)", n, err)
	}
	if n := openConns(ln); n > 2 {
		t.Errorf("got %d connections open, want at most 2", n)
	}
}

// TestSmallBodyBesideStalledBodies: uploads that stall once they have
// taken the whole body budget do not delay a request whose body is within
// the free bytes: GetId, GetCredentialsForIdentity with a couple of
// logins.
func TestSmallBodyBesideStalledBodies(t *testing.T) {
	bodies := newBodyBudget()
	const stalled = 16
	for i := range stalled {
		pr, pw := io.Pipe()
		body := bodies.Body(pr)
		size := BodyBudget/stalled + FreeBodyBytes
		go pw.Write(make([]byte, size)) // then stalls
		t.Cleanup(func() {
			pw.Close()
			body.Release()
		})
		_, err := io.ReadFull(body, make([]byte, size))
		if e, ok := protocol.As(err); ok && e.Code == protocol.CodeUnavailable {
			break // spent already, as a budget that frees fewer bytes is
		}
		if err != nil {
			t.Fatalf("stalled body %d: got %v, want its bytes read", i, err)
		}
	}
	h := edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := protocol.ReadBody(r, new(bytes.Buffer), protocol.DefaultBodyLimit); err != nil {
			e, _ := protocol.As(err)
			w.WriteHeader(e.Status)
		}
	}), slog.New(slog.DiscardHandler), bodies, time.Now)
	start := time.Now()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", FreeBodyBytes))))
	if w.Code != http.StatusOK {
		t.Errorf("got status %d, want 200", w.Code)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("answered after %v, want at once", d)
	}
}
