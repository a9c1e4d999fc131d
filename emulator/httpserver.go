package emulator

import (
	"container/list"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/idpool/idpool/protocol"
)

// The server's limits. Each is generous for a slow but honest client (a CI
// machine under load pauses for seconds, not for half a minute) and bounds
// what a client that stalls or trickles can hold.
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a whole request, headers and body: a
	// 1 MiB body must arrive at 35 KB/s or faster.
	ReadTimeout = 30 * time.Second
	// WriteTimeout bounds a request from its headers to the end of the
	// answer, so it leaves the answer room beyond ReadTimeout.
	WriteTimeout = 60 * time.Second
	// IdleTimeout closes a keep-alive connection idle that long. It is
	// longer than the SDKs' own idle limits (Go's 90 s), so that a client
	// normally drops an idle connection before the server does and never
	// sends a request on one being closed.
	IdleTimeout = 120 * time.Second
	// MaxHeaderBytes bounds the request line and headers; the largest
	// honest header is a session token with many principal tags.
	MaxHeaderBytes = 64 << 10

	// MaxConns bounds the connections open at once (see Listen), so that
	// clients that open connections and never close them (a test suite
	// that builds an SDK client per test) cannot take every file
	// descriptor. It is twice the connections one client of
	// aws-sdk-go-v2 opens to a host (its MaxConnsPerHost, 2,048), which
	// keeps 10 of them idle. An idle connection holds about 12 KB (20,000
	// took 234 MB), so 4,096 hold about 50 MB. The file limit must leave
	// room for them: Go raises its soft limit to the hard one, which is
	// far above it on current Linux distributions and in Docker.
	MaxConns = 4096
	// newConnIdle is how long a new connection may wait for its first
	// request's headers before Listen counts it as idle, as net/http's
	// Shutdown does: an honest client sends its request at once.
	newConnIdle = 5 * time.Second

	// BodyBudget bounds the request body bytes held by all requests at
	// once (see protocol.Budget): 16 bodies of the largest size the
	// codecs accept, or thousands of small ones.
	BodyBudget = 16 << 20
	// FreeBodyBytes are the first bytes of every body, read outside the
	// budget so that no small request waits behind large bodies that
	// stall: a GetId or GetCredentialsForIdentity with a couple of
	// logins is 0.1 to 3 KB. With MaxConns they hold 16 MiB at most.
	FreeBodyBytes = 4 << 10
	// bodyWait is how long a body waits for its share of the budget
	// before the request is answered 503 ServiceUnavailable, which SDKs
	// retry.
	bodyWait = 5 * time.Second

	// MaxStreams bounds the HTTP/2 requests in flight on one connection:
	// the least RFC 9113 (section 6.5.2) recommends. A client with more
	// requests opens another connection (Go's transport) or queues them
	// (browsers).
	MaxStreams = 100
	// StreamWindow is the HTTP/2 flow-control window of one request: the
	// body bytes a client may send that the handler has not read yet.
	// It is small, because a body that waits for its share of BodyBudget
	// stops reading and keeps its window's bytes buffered, but no
	// smaller than HTTP/2's initial window (65,535 bytes): a client may
	// fill that before it reads the server's settings, and net/http
	// resets a stream that sends beyond the window it announced
	// (FLOW_CONTROL_ERROR, which 16 KiB brought on the first requests of
	// a new connection). It holds FreeBodyBytes whole, so a small
	// request's body arrives at once.
	StreamWindow = 64 << 10
	// ConnWindow is the HTTP/2 flow-control window of a connection, the
	// unread body bytes of all its requests: MaxStreams full stream
	// windows, so that requests waiting for the body budget can never use
	// it up and starve, on the same connection, the requests that hold
	// budget and small ones. net/http's defaults (1 MiB for the connection
	// and for each of 250 streams) let a single waiting body do it: a
	// 67-byte GetId waited seconds behind 1 MB bodies. It is also what one
	// connection may buffer outside the body budget, 6.4 MiB against
	// net/http's 1 MiB, and only while its requests wait for their share
	// (at most bodyWait) or their clients stall: a handler reads its body
	// at once. MaxConns connections that all did so at once would buffer
	// 25.6 GiB, a bound no honest client comes near (an SDK keeps one
	// HTTP/2 connection to a host); HTTP/1.1 clients that stall leave
	// their bytes in the kernel's socket buffers instead.
	ConnWindow = MaxStreams * StreamWindow
)

// NewHTTPServer returns the server idpool runs h with: the timeouts and the
// header limit above, and net/http's own errors (a bad request line, a
// client gone mid-answer) logged at warn. Serve it on a listener from
// Listen, which bounds its connections, with Serve, or with ServeTLS for
// HTTPS (HTTP/2 included). Programs embedding idpool may use both too; the
// bound on request bodies is part of the handler itself. Over TLS, the
// handshake is bounded as the first request's headers are: net/http gives
// it ReadHeaderTimeout, and Listen counts a connection that has not
// finished it after 5 s as idle. Over HTTP/2, its flow-control windows
// (MaxStreams, StreamWindow, ConnWindow) keep a request that waits for
// the body budget from stalling the other requests of its connection.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ConnState:         trackConn,
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams:          MaxStreams,
			MaxReceiveBufferPerStream:     StreamWindow,
			MaxReceiveBufferPerConnection: ConnWindow,
		},
	}
}

// newBodyBudget returns the budget of the request bodies of one Server.
func newBodyBudget() *protocol.Budget {
	return protocol.NewBudget(BodyBudget, FreeBodyBytes, bodyWait)
}

// Listen listens on the TCP address addr and keeps at most MaxConns of the
// connections it accepts open at once. At the bound, a new connection
// makes room by closing the connection idle longest: one kept alive
// between requests (an SDK that finds its idle connection closed retries
// the request on a new one), or one that has not sent its first request's
// headers for 5 s. Only when none is idle does the new connection wait,
// and the ones after it wait unaccepted, until a connection closes; the
// server's timeouts bound that wait. The server must be one NewHTTPServer
// built, whose ConnState hook tells the listener which connections are
// idle.
//
// net/http reports a kept-alive connection busy only once a request's
// headers have all arrived, so at the bound a request whose headers are
// still arriving can lose its connection, as it can to IdleTimeout; SDKs
// retry a request whose connection closed.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return newBoundListener(ln, MaxConns), nil
}

// boundListener is a listener whose accepted connections are bounded (see
// Listen).
type boundListener struct {
	net.Listener
	max     int           // connections open at once
	newIdle time.Duration // newConnIdle
	room    chan struct{} // tells a waiting Accept that a connection closed or became idle
	done    chan struct{} // closed with the listener
	shut    sync.Once

	mu    sync.Mutex
	open  int       // connections accepted and not closed
	idle  list.List // of *boundConn kept alive between requests, idle longest first
	fresh list.List // of *boundConn before their first request, oldest first
}

func newBoundListener(ln net.Listener, max int) *boundListener {
	return &boundListener{
		Listener: ln,
		max:      max,
		newIdle:  newConnIdle,
		room:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

// Accept accepts a connection and waits for room for it: it closes the
// connection idle longest, or waits until one closes, becomes idle, or has
// been new too long.
func (l *boundListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	bc := &boundConn{Conn: c, ln: l}
	for {
		l.mu.Lock()
		if l.open < l.max {
			l.open++
			bc.setState(http.StateNew)
			l.mu.Unlock()
			return bc, nil
		}
		idle, wait := l.idlest(time.Now())
		if idle != nil {
			idle.setState(http.StateClosed) // out of its list: chosen once
		}
		l.mu.Unlock()
		if idle != nil {
			// Its server goroutine then ends, and closes it again.
			idle.Close()
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-l.room:
		case <-t.C:
		case <-l.done:
			t.Stop()
			c.Close()
			return nil, net.ErrClosed
		}
		t.Stop()
	}
}

// idlest returns the open connection idle longest at now, or when none is
// idle how long until a new one counts as idle. l.mu must be held.
func (l *boundListener) idlest(now time.Time) (*boundConn, time.Duration) {
	var idlest *boundConn
	if e := l.idle.Front(); e != nil {
		idlest = e.Value.(*boundConn)
	}
	e := l.fresh.Front()
	if e == nil {
		return idlest, l.newIdle
	}
	oldest := e.Value.(*boundConn)
	aged := now.Sub(oldest.since)
	if aged >= l.newIdle && (idlest == nil || oldest.since.Before(idlest.since)) {
		idlest = oldest
	}
	return idlest, l.newIdle - aged
}

// roomMade tells a waiting Accept to look for room again.
func (l *boundListener) roomMade() {
	select {
	case l.room <- struct{}{}:
	default: // it is told already
	}
}

// Close closes the listener, and ends the wait of an Accept for room.
func (l *boundListener) Close() error {
	l.shut.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// boundConn is a connection a boundListener accepted.
type boundConn struct {
	net.Conn
	ln    *boundListener
	since time.Time     // when it came to its state; guarded by ln.mu
	in    *list.List    // ln.idle or ln.fresh when it is in one; guarded by ln.mu
	elem  *list.Element // its element of in; guarded by ln.mu
	once  sync.Once
}

// setState records that c came to state now: an idle or new connection
// goes to the back of its list, any other leaves it. c.ln.mu must be held.
func (c *boundConn) setState(state http.ConnState) {
	if c.in != nil {
		c.in.Remove(c.elem)
		c.in, c.elem = nil, nil
	}
	c.since = time.Now()
	switch state {
	case http.StateIdle:
		c.in = &c.ln.idle
	case http.StateNew:
		c.in = &c.ln.fresh
	default:
		return
	}
	c.elem = c.in.PushBack(c)
}

// Close closes the connection and gives its room back.
func (c *boundConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.ln.mu.Lock()
		c.setState(http.StateClosed)
		c.ln.open--
		c.ln.mu.Unlock()
		c.ln.roomMade()
	})
	return err
}

// CloseWrite half-closes a TCP connection, as net/http does before it
// closes a connection whose request it did not read whole, so that the
// client reads the answer rather than a reset.
func (c *boundConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// trackConn is the ConnState hook of NewHTTPServer's servers: it tells a
// boundListener the state of each of its connections. Served over TLS
// (ServeTLS), the hook gets the *tls.Conn net/http wrapped around the
// listener's connection, which it unwraps.
func trackConn(nc net.Conn, state http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*boundConn)
	if !ok {
		return
	}
	c.ln.mu.Lock()
	c.setState(state)
	c.ln.mu.Unlock()
	if state == http.StateIdle {
		c.ln.roomMade()
	}
}
