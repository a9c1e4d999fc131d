package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// ContentType is the media type of every request and response body.
const ContentType = "application/x-amz-json-1.1"

// DefaultBodyLimit is the largest request body a Service reads, in bytes.
const DefaultBodyLimit = 1 << 20

// CodeTooLarge is the code of the 413 answer to an oversized body.
const CodeTooLarge = protocol.CodeTooLarge

// internalMessage is the only text a client sees for an internal fault.
const internalMessage = "An internal error occurred. Please try again."

// Operation is one typed operation; build it with Op.
type Operation interface {
	call(ctx context.Context, body []byte) (any, error)
}

// Op adapts a service method to an Operation. The request body is decoded
// into a new In with encoding/json (struct field names equal the model's
// member names); the returned *Out is encoded as the response body, and a
// nil *Out as {}.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	return op[In, Out](fn)
}

type op[In, Out any] func(ctx context.Context, in *In) (*Out, error)

func (f op[In, Out]) call(ctx context.Context, body []byte) (any, error) {
	in := new(In)
	if len(body) > 0 {
		if err := json.Unmarshal(body, in); err != nil {
			return nil, &decodeError{err}
		}
	}
	out, err := f(ctx, in)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	return out, nil
}

// decodeError is a body that passed validation but does not fit the Go
// input type: the client still gets a 400, and the mismatch is logged
// because it usually means the Go type disagrees with the model.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return "awsjson: decode input: " + e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// Authenticator checks the request of a signed operation; body is the
// request body already read. It returns who signed the request, which the
// operation finds with protocol.PrincipalFrom. A non-nil error refuses the
// request: a *protocol.Error is answered as is, any other error as an
// internal fault.
type Authenticator func(r *http.Request, body []byte) (*protocol.Principal, error)

// Option configures a Service.
type Option func(*Service)

// WithInternalCode sets the code of the 500 answer to internal faults. The
// default is the model's internal fault shape (InternalErrorException for
// Cognito Identity), or InternalFailure when the model has none.
func WithInternalCode(code string) Option { return func(s *Service) { s.internal = code } }

// WithBodyLimit sets the largest request body accepted, in bytes.
func WithBodyLimit(n int64) Option { return func(s *Service) { s.limit = n } }

// Service answers one JSON 1.1 service. It is safe for concurrent use once
// all operations are registered.
type Service struct {
	model    *shape.Model
	prefix   string
	auth     Authenticator
	log      *slog.Logger
	internal string
	limit    int64
	ops      map[string]*entry
	bufs     protocol.Buffers
}

type entry struct {
	name     string
	op       Operation
	input    string
	unsigned bool
}

// NewService returns a Service for model m. A nil auth accepts every signed
// operation; a nil logger discards.
func NewService(m *shape.Model, auth Authenticator, logger *slog.Logger, opts ...Option) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		model:    m,
		prefix:   m.TargetPrefix(),
		auth:     auth,
		log:      logger,
		internal: m.InternalError(),
		limit:    DefaultBodyLimit,
		ops:      make(map[string]*entry),
	}
	if s.internal == "" {
		s.internal = protocol.CodeInternal
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Prefix reports the X-Amz-Target prefix this service answers.
func (s *Service) Prefix() string { return s.prefix }

// Handle registers op under the model operation name. It panics if the
// model has no such operation: that is a programming error found at
// start-up.
func (s *Service) Handle(name string, op Operation) {
	mo, ok := s.model.Operation(name)
	if !ok {
		panic(fmt.Sprintf("awsjson: model has no operation %q", name))
	}
	s.ops[name] = &entry{name: name, op: op, input: mo.InputShape, unsigned: mo.Unsigned}
}

// lookup resolves an X-Amz-Target value to a registered operation.
func (s *Service) lookup(target string) *entry {
	i := strings.LastIndexByte(target, '.')
	if i < 0 || target[:i] != s.prefix {
		return nil
	}
	return s.ops[target[i+1:]]
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeError(w, r, "", &protocol.Error{Code: protocol.CodeUnknownOperation, Status: http.StatusMethodNotAllowed, Sender: true})
		return
	}
	e := s.lookup(r.Header.Get("X-Amz-Target"))
	if e == nil {
		s.writeError(w, r, "", &protocol.Error{Code: protocol.CodeUnknownOperation, Status: http.StatusBadRequest, Sender: true})
		return
	}
	protocol.SetOperation(r.Context(), e.name)
	buf := s.bufs.Get()
	defer s.bufs.Put(buf)
	body, err := protocol.ReadBody(r, buf, s.limit)
	if err != nil {
		s.writeError(w, r, e.name, err)
		return
	}
	v, err := protocol.ParseJSONObject(body)
	if err != nil {
		s.writeError(w, r, e.name, err)
		return
	}
	if v == nil {
		body = nil // empty body: decode nothing, the input stays zero
	}
	if !e.unsigned && s.auth != nil {
		p, err := s.auth(r, body)
		if err != nil {
			s.writeError(w, r, e.name, err)
			return
		}
		if p != nil {
			if ctx := protocol.WithPrincipal(r.Context(), p); ctx != r.Context() {
				r = r.WithContext(ctx)
			}
		}
	}
	if e.input != "" {
		if v == nil {
			v = map[string]any{}
		}
		if err := s.model.Validate(e.input, v); err != nil {
			s.writeError(w, r, e.name, err)
			return
		}
	}
	out, err := s.invoke(r.Context(), e, body)
	if err != nil {
		var de *decodeError
		if errors.As(err, &de) {
			s.log.WarnContext(r.Context(), "request body does not fit the operation's input type",
				"request_id", protocol.RequestID(r.Context()), "operation", e.name, "error", de.err)
			err = protocol.BadRequest(protocol.CodeSerialization, "Unable to deserialize the request body for %s", e.name)
		}
		s.writeError(w, r, e.name, err)
		return
	}
	s.writeOutput(w, r, e.name, out)
}

// invoke calls the operation, turning a panic into an internal error so the
// client gets a 500 instead of a dropped connection.
func (s *Service) invoke(ctx context.Context, e *entry, body []byte) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = fmt.Errorf("awsjson: panic in %s: %v\n%s", e.name, p, debug.Stack())
		}
	}()
	return e.op.call(ctx, body)
}

func (s *Service) writeOutput(w http.ResponseWriter, r *http.Request, opName string, out any) {
	buf := s.bufs.Get()
	defer s.bufs.Put(buf)
	if out == nil {
		buf.WriteString("{}")
	} else {
		if err := protocol.EncodeJSON(buf, out); err != nil {
			s.writeError(w, r, opName, fmt.Errorf("awsjson: encode %s output: %w", opName, err))
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	protocol.WriteBody(w, http.StatusOK, buf.Bytes())
}

// writeError is the one error writer. A *protocol.Error is written with its
// code and status; any other error is answered as the internal fault, never
// with its text. Both are recorded for the request log (protocol.SetError),
// the internal error with its cause; without a request to record them in,
// the cause is logged here with the operation.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, opName string, err error) {
	ctx := r.Context()
	pe, ok := protocol.As(err)
	var cause error
	if !ok {
		cause = err
		pe = &protocol.Error{Code: s.internal, Message: internalMessage, Status: http.StatusInternalServerError}
	}
	if !protocol.SetError(ctx, pe, cause) && cause != nil {
		s.log.ErrorContext(ctx, "internal error", "operation", opName, "error", cause)
	}
	status := pe.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	buf := s.bufs.Get()
	defer s.bufs.Put(buf)
	// SDKs read the code up to the first ':'.
	protocol.WriteJSONError(w, buf, ContentType, pe.Code+":", pe, status)
}
