package protocol

import (
	"context"
	"crypto/rand"
	"net/netip"

	"github.com/google/uuid"
)

// NewRequestID returns a fresh request id in the form AWS uses (a random
// UUID). It is one allocation: the id is made for every request.
func NewRequestID() string {
	var u uuid.UUID
	rand.Read(u[:])         // never fails (see crypto/rand.Read)
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// Request is what the edge and the codecs know of a request in flight,
// carried in its context so that services and loggers deep in a call can
// name it. The codec that routes the request sets Operation, and the one
// that authenticates it the Principal (see WithPrincipal) and the Region
// (see WithRegion); the request's own goroutine is the only one to touch
// it.
type Request struct {
	ID        string
	Operation string
	// Err is the AWS error the request was answered with and Cause the
	// internal error behind an answer of status 500, for the request
	// log; the codec's error writer sets them (see SetError).
	Err       *Error
	Cause     error
	Principal *Principal
	// Region is the region of the SigV4 credential scope of a signed
	// request, "" for an unsigned one (see RegionFrom).
	Region string
	// Regional is set when the signature's scope names a region, whoever
	// signed: the client is configured for Region, whose endpoint AWS
	// would have sent it to, and that endpoint knows only Region's pools
	// and identities (see Elsewhere).
	Regional bool
	// Reason says in words why the request was refused, beyond what the
	// client was told: the check or the policy condition that failed (see
	// SetReason), for the console's activity page.
	Reason string
	// Note says in words what a request that succeeded got that AWS
	// would refuse (see SetNote), for the console's activity page. It is
	// kept apart from Reason so that a later refusal's reason, set after
	// it, is the one shown.
	Note string
	// SourceIP is the client's IP address (the zero Addr when unknown)
	// and Secure whether it came over TLS: what AWS's aws:SourceIp and
	// aws:SecureTransport condition keys see. They are the connection's
	// own, or what a trusted reverse proxy forwarded (--trusted-proxies).
	SourceIP netip.Addr
	Secure   bool
	// Pool and Identity are the identity pool and identity a request acts
	// for when its members do not name them, as the web identity token
	// of an AssumeRoleWithWebIdentity does (see SetSubject), for the
	// console's activity page.
	Pool, Identity string
}

type requestKey struct{}

// WithRequest returns a context carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// WithRequestID returns a context carrying a request with the id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return WithRequest(ctx, &Request{ID: id})
}

// RequestFrom returns the request ctx carries, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// RequestID returns the id of the request ctx carries, or "".
func RequestID(ctx context.Context) string {
	if r := RequestFrom(ctx); r != nil {
		return r.ID
	}
	return ""
}

// SetOperation records the operation a codec routed the request of ctx to,
// for the request log; without a request in ctx it does nothing.
func SetOperation(ctx context.Context, name string) {
	if r := RequestFrom(ctx); r != nil {
		r.Operation = name
	}
}

// SetError records the error a codec answered the request of ctx with, and
// for an internal fault the cause it hides from the client, for the request
// log. It reports whether ctx carries a request to record them in; a codec
// serving without one logs the cause itself.
func SetError(ctx context.Context, e *Error, cause error) bool {
	r := RequestFrom(ctx)
	if r == nil {
		return false
	}
	r.Err, r.Cause = e, cause
	return true
}

// SetReason records why the request of ctx is being refused, in words, for
// the console; without a request in ctx it does nothing. The first reason
// set wins: it is the one nearest the cause.
func SetReason(ctx context.Context, reason string) {
	if r := RequestFrom(ctx); r != nil && r.Reason == "" {
		r.Reason = reason
	}
}

// SetNote records, in words, for the console when the request succeeds,
// what the request of ctx is let do that AWS would refuse, or a choice
// made for it that its author may not expect (a role mapping that fell
// back to the default role); without a request in ctx it does nothing.
// A second note is added after the first, as both hold. Unlike SetReason
// it leaves the reason free for a refusal that comes after it.
func SetNote(ctx context.Context, note string) {
	if r := RequestFrom(ctx); r != nil {
		if r.Note != "" {
			note = r.Note + "; " + note
		}
		r.Note = note
	}
}

// SetSubject records the identity pool and identity the request in ctx
// acts for, when ctx carries a request.
func SetSubject(ctx context.Context, pool, identity string) {
	if r := RequestFrom(ctx); r != nil {
		r.Pool, r.Identity = pool, identity
	}
}
