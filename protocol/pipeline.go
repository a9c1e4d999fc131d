package protocol

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Authenticator checks the request of a signed operation; body is the
// whole request body, and r is untouched (its escaped path and query are
// what the client signed). It returns who signed the request, which the
// operation finds with PrincipalFrom. A non-nil error refuses the request:
// an *Error is answered as it is, any other error as an internal fault.
type Authenticator func(r *http.Request, body []byte) (*Principal, error)

// Codec is one AWS wire protocol as Pipeline.Serve uses it: how a request
// names its operation, and the shape of its errors. The Call that Route
// returns knows the rest of the wire format: how the operation's input is
// decoded and its output encoded.
type Codec interface {
	// Route finds the operation r asks for. body reads the request body
	// within the pipeline's limit; it reads it once, however often it is
	// called. A protocol that names the operation in the method, path or
	// headers does not call it, so that a request for no operation is
	// refused unread. Route may set headers that its error needs (Allow
	// on a 405) on w.
	Route(w http.ResponseWriter, r *http.Request, body func() ([]byte, error)) (Call, error)
	// WriteError writes e as the protocol's error answer. err is the error
	// e was found in (it is not e for an internal fault), for a protocol
	// whose answer depends on where the error arose.
	WriteError(w http.ResponseWriter, r *http.Request, e *Error, err error)
	// Internal is the answer to an internal fault: a status 500 error with
	// a message that tells the client nothing of the cause.
	Internal() *Error
}

// Call is one request routed to an operation.
type Call interface {
	// Operation is the model's name of the operation.
	Operation() string
	// Signed reports whether the model has the request authenticated.
	Signed() bool
	// Decode checks the request against the model and decodes it into the
	// operation's typed input. It returns the operation bound to that
	// input; an error is the client's (an *Error), or an internal fault.
	Decode(r *http.Request, body []byte) (Invocation, error)
	// Encode writes out, what the operation returned (nil for no output),
	// as the answer. When it fails it has written nothing.
	Encode(w http.ResponseWriter, r *http.Request, out any) error
}

// Invocation is an operation bound to its decoded input.
type Invocation func(ctx context.Context) (any, error)

// Bind binds fn to in. A nil *Out is no output: the invocation returns a
// nil any, not a typed nil.
func Bind[In, Out any](fn func(context.Context, *In) (*Out, error), in *In) Invocation {
	return func(ctx context.Context) (any, error) {
		out, err := fn(ctx, in)
		if err != nil || out == nil {
			return nil, err
		}
		return out, nil
	}
}

// Pipeline serves requests through the steps every protocol shares: route,
// read the body, authenticate, decode, invoke, encode, and write any error
// through the codec's one error writer. The zero value accepts every
// request unauthenticated, reads bodies up to DefaultBodyLimit and
// discards its log.
type Pipeline struct {
	// Auth checks the signed operations; nil accepts every request.
	Auth Authenticator
	// Limit is the largest request body read, in bytes; 0 means
	// DefaultBodyLimit. A larger body is answered 413 (see ReadBody).
	Limit int64
	// Log receives internal errors when the request's context carries no
	// Request to record them in (see SetError); nil discards.
	Log *slog.Logger
}

// Serve answers one request of c's protocol. It records the operation
// (SetOperation), the principal that signed the request (WithPrincipal)
// and any error the request is answered with (SetError) in the Request r's
// context carries. A panic in decoding or in the operation is answered as
// an internal fault; http.ErrAbortHandler is left to net/http.
func (p *Pipeline) Serve(w http.ResponseWriter, r *http.Request, c Codec) {
	var (
		body    []byte
		bodyErr error
		read    bool
	)
	readBody := func() ([]byte, error) {
		if !read {
			read = true
			limit := p.Limit
			if limit <= 0 {
				limit = DefaultBodyLimit
			}
			body, bodyErr = ReadBody(r, new(bytes.Buffer), limit)
		}
		return body, bodyErr
	}
	call, err := c.Route(w, r, readBody)
	if err != nil {
		p.fail(w, r, c, "", err)
		return
	}
	name := call.Operation()
	SetOperation(r.Context(), name)
	if _, err := readBody(); err != nil {
		p.fail(w, r, c, name, err)
		return
	}
	if call.Signed() && p.Auth != nil {
		pr, err := p.Auth(r, body)
		if err != nil {
			p.fail(w, r, c, name, err)
			return
		}
		if pr != nil {
			if ctx := WithPrincipal(r.Context(), pr); ctx != r.Context() {
				r = r.WithContext(ctx)
			}
		}
	}
	out, err := run(r, call, body)
	if err != nil {
		p.fail(w, r, c, name, err)
		return
	}
	if err := call.Encode(w, r, out); err != nil {
		p.fail(w, r, c, name, fmt.Errorf("encode %s output: %w", name, err))
	}
}

// run decodes the input and invokes the operation, turning a panic into an
// internal error so that the client gets a 500 rather than a dropped
// connection.
func run(r *http.Request, call Call, body []byte) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = fmt.Errorf("panic in %s: %v\n%s", call.Operation(), v, debug.Stack())
		}
	}()
	invoke, err := call.Decode(r, body)
	if err != nil {
		return nil, err
	}
	return invoke(r.Context())
}

// fail answers err through c's error writer: an *Error as it is, anything
// else as c's internal fault, never with its text. Both are recorded for
// the request log, the internal error with its cause; without a Request to
// record them in, the cause is logged here with the operation.
func (p *Pipeline) fail(w http.ResponseWriter, r *http.Request, c Codec, name string, err error) {
	ctx := r.Context()
	e, ok := As(err)
	var cause error
	if !ok {
		cause, e = err, c.Internal()
	}
	if !SetError(ctx, e, cause) && cause != nil && p.Log != nil {
		p.Log.ErrorContext(ctx, "internal error", "operation", name, "error", cause)
	}
	c.WriteError(w, r, e, err)
}
