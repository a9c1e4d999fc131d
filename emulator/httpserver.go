package emulator

import (
	"log/slog"
	"net/http"
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

	// BodyBudget bounds the request body bytes held by all requests at
	// once (see protocol.Budget): 16 bodies of the largest size the
	// codecs accept, or thousands of small ones.
	BodyBudget = 16 << 20
	// bodyWait is how long a body waits for its share of the budget
	// before the request is answered 503 ServiceUnavailable, which SDKs
	// retry.
	bodyWait = 5 * time.Second
)

// NewHTTPServer returns the server idpool runs h with: the timeouts and the
// header limit above, and net/http's own errors (a bad request line, a
// client gone mid-answer) logged at warn. Programs embedding idpool may use
// it too; the bound on request bodies is part of the handler itself.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// newBodyBudget returns the budget of the request bodies of one Server.
func newBodyBudget() *protocol.Budget { return protocol.NewBudget(BodyBudget, bodyWait) }
