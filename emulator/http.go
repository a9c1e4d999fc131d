package emulator

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/idpool/idpool/protocol"
)

// CORS: browser SDKs call the services directly, so their answers allow any
// origin and expose the headers SDKs read, as AWS does; idpool's own paths
// under /_idpool/ allow fewer (see corsOrigin).
const (
	corsExposeHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date,x-amz-request-id,x-amz-id-2"
	corsAllowMethods  = "GET, POST, PUT, DELETE, OPTIONS"
	corsAllowHeaders  = "*, authorization, content-type, x-amz-target, x-amz-date, x-amz-user-agent, x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request"
)

// healthPath is the health check's path.
const healthPath = "/_idpool/health"

// maxLogMessage bounds the error message in a request log line: a
// validation message quotes the client's value, which may be as long as the
// body.
const maxLogMessage = 1024

// maxDrain is the most of an oversized body read and dropped after its 413
// is written, and drainTime the longest that takes. net/http closes a
// connection whose unread body is over 256 KiB, and a client that writes
// its whole body before it reads the answer, as Node's http module (and so
// the JS SDKs) does, then sees the connection reset instead of the 413.
// Dropping the body holds no memory and none of the bodies' budget; a body
// larger still, or one that does not arrive in time, is cut off as before.
const (
	maxDrain  = 16 << 20
	drainTime = 2 * time.Second
)

// edge wraps every request: a request id (in the context and the
// x-amzn-RequestId header), the Date header of the server's clock now,
// CORS headers and preflights, the body read within the budget of all
// bodies, and one structured log line.
func edge(next http.Handler, logger *slog.Logger, bodies *protocol.Budget, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := protocol.NewRequestID()
		h := w.Header()
		// AWS's spelling, not Go's canonical "X-Amzn-Requestid": some
		// clients compare header names case-sensitively.
		h["x-amzn-RequestId"] = []string{id}
		// The server's clock, not the machine's (net/http keeps a Date the
		// handler set): SDKs correct their clock skew from it when a
		// signature's date is refused, so they follow a test's clock.
		h["Date"] = []string{now().UTC().Format(http.TimeFormat)}
		// Only browsers read CORS headers, and they send Origin with every
		// cross-origin request; other clients are spared the bytes. Which
		// origins a path allows is corsOrigin's; a preflight it does not
		// approve is refused without any CORS header.
		_, cors := r.Header["Origin"]
		var allow string
		if cors || r.Method == http.MethodOptions {
			allow = corsOrigin(r.URL.Path, r.Header.Get("Origin"))
		}
		if cors && allow != "" {
			h.Set("Access-Control-Allow-Origin", allow)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			if allow != "*" {
				h.Add("Vary", "Origin")
			}
		}
		if r.Method == http.MethodOptions {
			if allow == "" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusOK)
			return
		}
		sw := &protocol.StatusWriter{ResponseWriter: w}
		// The connection's origin, which a trusted proxy's forwarding
		// headers may replace below (see trustForwarded).
		peer, secure := peerIP(r.RemoteAddr), r.TLS != nil
		// A scope naming a region is the endpoint the client is configured
		// for, whoever signed and whether or not idpool checks the
		// signature (see scopeRegion).
		region := scopeRegion(r)
		req := &protocol.Request{ID: id, SourceIP: peer, Secure: secure, Region: region, Regional: protocol.IsRegion(region)}
		served := r.WithContext(protocol.WithRequest(r.Context(), req))
		var body *protocol.BudgetBody
		if r.Body != nil && r.Body != http.NoBody {
			body = bodies.BodySized(r.Body, r.ContentLength)
			defer body.Release()
			served.Body = body
		}
		next.ServeHTTP(sw, served)
		status := sw.Status
		if status == http.StatusRequestEntityTooLarge && body != nil && drainable(r) {
			// The answer is still buffered: net/http sends it once the
			// handler returns, and then finds the body read.
			body.Release()
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(drainTime))
			_, _ = io.CopyN(io.Discard, r.Body, maxDrain)
		}
		if status == 0 {
			status = http.StatusOK // what net/http sends for a handler that wrote nothing
		}
		// Health checks come every few seconds from Docker and Compose;
		// they would drown the log at info. Server faults are errors.
		level := slog.LevelInfo
		switch {
		case status >= 500 && r.Context().Err() != nil:
			// The client went away while the request waited (net/http
			// ends its context): the failure is the wait, not the server.
		case status >= 500:
			level = slog.LevelError
		case r.URL.Path == healthPath:
			level = slog.LevelDebug
		}
		if lh := logger.Handler(); lh.Enabled(r.Context(), level) {
			// A request a codec routed is named by its operation alone;
			// other requests by method and path. At most five attributes
			// fit in a log record without an allocation, which only an
			// error's line goes beyond. The record goes straight to the
			// handler, without the caller's program counter that Logger
			// methods look up: the line has no source to show but this
			// function.
			end := time.Now()
			rec := slog.NewRecord(end, level, "request", 0)
			rec.AddAttrs(slog.String("id", id))
			if req.Operation != "" {
				rec.AddAttrs(slog.String("op", req.Operation))
			} else {
				rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path))
			}
			rec.AddAttrs(slog.Int("status", status))
			if req.SourceIP != peer || req.Secure != secure {
				// A trusted proxy forwarded another origin than its
				// connection's: what IAM's aws:SourceIp and
				// aws:SecureTransport saw, to check the proxy by.
				rec.AddAttrs(slog.String("source_ip", req.SourceIP.String()), slog.Bool("secure_transport", req.Secure))
			}
			if e := req.Err; e != nil {
				// Why the request was refused, as the client was told
				// (under AWS's name "message": slog's "msg" names the
				// line), and for a server fault the cause it was not.
				rec.AddAttrs(slog.String("code", e.Code))
				if e.Message != "" {
					rec.AddAttrs(slog.String("message", clip(e.Message, maxLogMessage)))
				}
				// What the message leaves out (see protocol.SetReason):
				// with the console off, the log is the only place it shows.
				if req.Reason != "" {
					rec.AddAttrs(slog.String("reason", clip(req.Reason, maxLogMessage)))
				}
				if req.Cause != nil {
					// A string, not the error: the server's text
					// handler writes strings on its fast path.
					rec.AddAttrs(slog.String("err", req.Cause.Error()))
				}
			}
			rec.AddAttrs(slog.Duration("took", end.Sub(start)))
			_ = lh.Handle(r.Context(), rec)
		}
	})
}

// clip cuts s to at most n bytes, marking the cut with "...".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// drainable reports whether the rest of r's refused body is worth reading:
// not when its declared length is over maxDrain, and not when the client
// waits for "100 Continue" before it sends a body of declared length, which
// a 413 refuses before reading any of it (and reading would ask for it). A
// chunked body was read up to the limit, so the client was told to go on.
func drainable(r *http.Request) bool {
	if r.ContentLength > maxDrain {
		return false
	}
	return r.ContentLength < 0 || !strings.EqualFold(r.Header.Get("Expect"), "100-continue")
}
