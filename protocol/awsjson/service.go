package awsjson

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/protocol/sigv4"
)

// ContentType is the media type of every request and response body.
const ContentType = "application/x-amz-json-1.1"

// internalMessage is the only text a client sees for an internal fault.
const internalMessage = "An internal error occurred. Please try again."

// Operation is one typed operation; build it with Op.
type Operation = protocol.Operation

// Op adapts a service method to an Operation. The validated body fills a
// new In (see protocol.Schema.Fill): its exported fields, named by json
// tag or Go name, are the model's input members, matched exactly. Handle
// refuses an In that does not fit the model's input shape. The returned
// *Out is encoded as the response body, and a nil *Out as {}.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	return protocol.Op(fn)
}

// Authenticator checks the request of a signed operation (see
// protocol.Authenticator).
type Authenticator = protocol.Authenticator

// Option configures a Service.
type Option func(*Service)

// WithNamespace makes the service also answer X-Amz-Target values that
// name its prefix in the namespace of the service's own implementation
// (for Cognito Identity, com.amazonaws.cognito.identity.model, so
// com.amazonaws.cognito.identity.model.AWSCognitoIdentityService.GetId):
// AWS answers them as the short form, its API reference examples write
// them, and some hand-written clients send them.
func WithNamespace(ns string) Option {
	return func(s *Service) { s.qualified = ns + "." + s.prefix }
}

// Service answers one JSON 1.1 service. It is safe for concurrent use once
// all operations are registered.
type Service struct {
	model  *shape.Model
	prefix string
	// qualified is the prefix in its namespace (see WithNamespace), or "".
	qualified string
	// internal is the code of the 500 answer to internal faults: the
	// model's internal fault shape (InternalErrorException for Cognito
	// Identity), or InternalFailure when the model has none.
	internal string
	ops      map[string]*entry
	pipe     protocol.Pipeline
}

// entry is one registered operation; it is the protocol.Call of every
// request routed to it.
type entry struct {
	s        *Service
	name     string
	op       Operation
	input    string
	unsigned bool
}

// NewService returns a Service for model m, reading bodies up to
// protocol.DefaultBodyLimit. A nil auth accepts every signed operation; a
// nil logger discards.
func NewService(m *shape.Model, auth Authenticator, logger *slog.Logger, opts ...Option) *Service {
	s := &Service{
		model:    m,
		prefix:   m.TargetPrefix(),
		internal: m.InternalError(),
		ops:      make(map[string]*entry),
		pipe:     protocol.Pipeline{Auth: auth, Log: logger},
	}
	if s.internal == "" {
		s.internal = protocol.CodeInternal
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handle registers op under the model operation name. It panics if the
// model has no such operation or op's input type does not fit the model's
// input shape (see shape.Model.Fits): that is a programming error found at
// start-up.
func (s *Service) Handle(name string, op Operation) {
	mo, ok := s.model.Operation(name)
	if !ok {
		panic(fmt.Sprintf("awsjson: model has no operation %q", name))
	}
	if err := s.model.Fits(mo.InputShape, op.Schema()); err != nil {
		panic(fmt.Sprintf("awsjson: operation %s: %v", name, err))
	}
	s.ops[name] = &entry{s: s, name: name, op: op, input: mo.InputShape, unsigned: mo.Unsigned}
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.pipe.Serve(w, r, s)
}

// Route implements protocol.Codec: the operation is named by X-Amz-Target.
func (s *Service) Route(w http.ResponseWriter, r *http.Request, _ func() ([]byte, error)) (protocol.Call, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		protocol.SetReason(r.Context(), s.unknownReason(r, "", false))
		return nil, &protocol.Error{Code: protocol.CodeUnknownOperation, Status: http.StatusMethodNotAllowed, Sender: true}
	}
	target := r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	if i >= 0 && (target[:i] == s.prefix || s.qualified != "" && target[:i] == s.qualified) {
		if e := s.ops[target[i+1:]]; e != nil {
			return e, nil
		}
		protocol.SetReason(r.Context(), s.unknownReason(r, target[i+1:], true))
	} else {
		protocol.SetReason(r.Context(), s.unknownReason(r, "", false))
	}
	return nil, &protocol.Error{Code: protocol.CodeUnknownOperation, Status: http.StatusBadRequest, Sender: true}
}

// unknownReason says why no operation answers r, and for which service r
// is signed; ours is whether its X-Amz-Target names this service, and op
// the operation it names then. AWS answers every such request with an
// empty UnknownOperationException, which the wire keeps; the log and the
// console say which client went astray, most often one of another service
// that a global AWS_ENDPOINT_URL sent to idpool.
func (s *Service) unknownReason(r *http.Request, op string, ours bool) string {
	what := "X-Amz-Target " + r.Header.Get("X-Amz-Target")
	switch {
	case r.Method != http.MethodPost:
		what = r.Method + " " + r.URL.Path
	case r.Header.Get("X-Amz-Target") == "":
		what = "POST " + r.URL.Path + " without X-Amz-Target"
	}
	signed, service := sigv4.Describe(r)
	what += " (" + signed + ")"
	switch {
	case !ours && service != "" && service != s.model.SigningName():
		return what + " is not an operation of a service idpool emulates: " + sigv4.EndpointHint
	case !ours:
		return what + " is not an operation of a service idpool emulates"
	}
	if _, ok := s.model.Operation(op); ok {
		return what + " is an operation of " + s.prefix + " that idpool does not implement"
	}
	return what + " is not an operation of " + s.prefix
}

func (e *entry) Operation() string { return e.name }

func (e *entry) Signed() bool { return !e.unsigned }

// Decode validates the body against the model and fills the operation's
// input from what was validated. An empty or blank body is an empty input.
// Members the model lacks, including members named in another case, reach
// no field (see protocol.Schema.Fill), as AWS ignores them.
func (e *entry) Decode(r *http.Request, body []byte) (protocol.Invocation, error) {
	v, err := protocol.ParseJSONObject(body)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = map[string]any{} // a blank body is an empty input
	}
	if e.input != "" {
		if err := e.s.model.Validate(e.input, v); err != nil {
			return nil, err
		}
	}
	return e.op.Decode(v)
}

// Encode writes out as the JSON body of a 200, {} for no output.
func (e *entry) Encode(w http.ResponseWriter, r *http.Request, out any) error {
	var buf bytes.Buffer
	if out == nil {
		buf.WriteString("{}")
	} else if err := protocol.EncodeJSON(&buf, out); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ContentType)
	protocol.WriteBody(w, http.StatusOK, buf.Bytes())
	return nil
}

// Internal implements protocol.Codec.
func (s *Service) Internal() *protocol.Error {
	return &protocol.Error{Code: s.internal, Message: internalMessage, Status: http.StatusInternalServerError}
}

// WriteError implements protocol.Codec: the one error writer. A status of
// 0 is answered 400.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *protocol.Error, _ error) {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	// SDKs read the code up to the first ':'.
	protocol.WriteJSONError(w, ContentType, e.Code+":", e, status)
}

// Declares reports whether the input of the operation op of model m has
// the top-level member named member, by its exact name: a member of
// another name or case reaches no operation, since Decode fills the input
// by exact member names. It is false for an operation the model
// lacks or whose input is empty. What acts on what a request names (an
// authorizer) must consult only the members its operation declares, or a
// body could name one resource to authorization and another to the
// operation.
func Declares(m *shape.Model, op, member string) bool {
	mo, ok := m.Operation(op)
	if !ok || mo.InputShape == "" {
		return false
	}
	bs, _ := m.Bindings(mo.InputShape)
	return slices.ContainsFunc(bs, func(b shape.Binding) bool { return b.Member == member })
}
