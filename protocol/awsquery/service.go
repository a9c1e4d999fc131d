package awsquery

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// MaxBody is the largest request body accepted, in bytes.
const MaxBody = 1 << 20

// faultNamespace is the namespace of the errors AWS's front end answers
// before a request reaches the service (an unknown action or version).
const faultNamespace = "http://webservices.amazon.com/AWSFault/2005-15-09"

// noVersion is how AWS names an absent Version in its InvalidAction text.
const noVersion = "NO_VERSION_SPECIFIED"

// Operation is one typed operation; build it with Op.
type Operation interface {
	schema() *node
	invoke(ctx context.Context, in any) (any, error)
}

type op[In, Out any] struct {
	fn   func(ctx context.Context, in *In) (*Out, error)
	node *node
}

// Op adapts a service method to the codec. In's exported fields, named as
// the model's input members, are the decoding schema (see the package
// documentation); Op panics for a field type it cannot decode into. Out, a
// struct, is written inside the result element by encoding/xml (see the
// package documentation); a nil *Out gives an empty result.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	return &op[In, Out]{fn: fn, node: schemaOf(reflect.TypeFor[In]())}
}

func (o *op[In, Out]) schema() *node { return o.node }

func (o *op[In, Out]) invoke(ctx context.Context, g any) (any, error) {
	in := new(In)
	if err := o.node.fill(reflect.ValueOf(in).Elem(), g); err != nil {
		return nil, err
	}
	out, err := o.fn(ctx, in)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	return out, nil
}

// Authenticator checks a signed operation's request and returns who signed
// it; a non-nil error (a *protocol.Error) refuses the request. body is the
// whole request body, valid only during the call (its memory is reused).
// The codec puts the Principal into the context passed to the operation.
type Authenticator func(r *http.Request, body []byte) (*protocol.Principal, error)

// Service answers the query-protocol operations of one model. It is safe for
// concurrent use once every operation is registered.
type Service struct {
	model   *shape.Model
	auth    Authenticator
	logger  *slog.Logger
	ns      string
	version string
	routes  map[string]*route
	bufs    protocol.Buffers
}

type route struct {
	name     string
	op       Operation
	info     *shape.Operation
	response string // <Name>Response
	result   string // <Name>Result
}

// NewService returns a Service for m. auth checks the signed operations;
// nil accepts every request unauthenticated (tests). logger may be nil.
func NewService(m *shape.Model, auth Authenticator, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		model:   m,
		auth:    auth,
		logger:  logger,
		ns:      m.XMLNamespace(),
		version: m.APIVersion(),
		routes:  map[string]*route{},
	}
}

// Handle registers op under the model's operation name. It panics when the
// model has no such operation, a programming error found at start-up.
func (s *Service) Handle(name string, op Operation) {
	info, ok := s.model.Operation(name)
	if !ok {
		panic(fmt.Sprintf("awsquery: the model has no operation %q", name))
	}
	// Every query model names the result wrapper <Operation>Result.
	s.routes[name] = &route{name: name, op: op, info: info, response: name + "Response", result: name + "Result"}
}

// ServeHTTP decodes, authenticates, validates and runs one operation.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := ""
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.writeError(w, ctx, name, fmt.Errorf("awsquery: panic: %v", v), s.ns)
		}
	}()
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		s.writeError(w, ctx, "", protocol.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested method %s is not allowed for this resource", r.Method), faultNamespace)
		return
	}
	buf := s.bufs.Get()
	defer s.bufs.Put(buf)
	body, err := readBody(r, buf)
	if err != nil {
		s.writeError(w, ctx, "", err, faultNamespace)
		return
	}
	// Requests seldom have more parameters than this; more spill to the
	// heap.
	var room [16]pair
	ps := room[:0]
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		// One copy of the body backs every parameter that needs no
		// unescaping, so the operation may keep its input.
		ps, err = parseForm(ps, string(body))
	}
	if err == nil {
		ps, err = parseForm(ps, r.URL.RawQuery)
	}
	if err != nil {
		s.writeError(w, ctx, "", err, s.ns)
		return
	}
	name, _ = first(ps, "Action")
	version, ok := first(ps, "Version")
	if !ok {
		version = noVersion
	}
	rt := s.routes[name]
	if rt == nil || version != s.version {
		s.writeError(w, ctx, name, protocol.BadRequest("InvalidAction",
			"Could not find operation %s for version %s", name, version), faultNamespace)
		return
	}
	protocol.SetOperation(ctx, rt.name)
	if !rt.info.Unsigned && s.auth != nil {
		p, err := s.auth(r, body)
		if err != nil {
			s.writeError(w, ctx, name, err, s.ns)
			return
		}
		if p != nil {
			ctx = protocol.WithPrincipal(ctx, p)
		}
	}
	out, err := s.call(ctx, rt, ps)
	if err != nil {
		s.writeError(w, ctx, name, err, s.ns)
		return
	}
	s.writeResult(w, ctx, rt, out)
}

// call decodes the parameters, validates them against the model and runs
// the operation.
func (s *Service) call(ctx context.Context, rt *route, ps []pair) (any, error) {
	n := rt.op.schema()
	root := &param{}
	for _, p := range ps {
		put(n, root, p.name, p.value)
	}
	g, _, err := n.generic(root)
	if err != nil {
		return nil, err
	}
	if rt.info.InputShape != "" {
		if err := s.model.Validate(rt.info.InputShape, g); err != nil {
			return nil, queryError(err)
		}
	}
	return rt.op.invoke(ctx, g)
}

// queryError translates shape.Validate's JSON-protocol codes to the query
// protocol's, keeping Coral's text.
func queryError(err error) error {
	e, ok := protocol.As(err)
	if !ok {
		return err
	}
	switch e.Code {
	case protocol.CodeValidation:
		return protocol.BadRequest("ValidationError", "%s", e.Message)
	case protocol.CodeSerialization:
		// The decoder only produces values of the schema's types, so a
		// type mismatch means the Go input disagrees with the model.
		return errMalformedInput(e.Message)
	}
	return e
}

// errTooLarge is the answer to a body over MaxBody bytes.
func errTooLarge() *protocol.Error {
	return protocol.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
		"Request body must be at most %d bytes", MaxBody)
}

// readBody reads at most MaxBody bytes into buf's memory, as
// protocol.ReadBody does, with the query protocol's codes for a body that
// is too large or cannot be read. The body is valid until buf is next used.
func readBody(r *http.Request, buf *bytes.Buffer) ([]byte, error) {
	b, err := protocol.ReadBody(r, buf, MaxBody)
	if err != nil {
		e, ok := protocol.As(err)
		switch {
		case ok && e.Status == http.StatusRequestEntityTooLarge:
			return nil, errTooLarge()
		case ok && e.Status == http.StatusServiceUnavailable:
			return nil, e // the body budget is spent (protocol.Budget)
		}
		return nil, protocol.BadRequest("MalformedInput", "The request body could not be read")
	}
	return b, nil
}

// writeResult writes the success envelope, laid out as AWS lays it out.
func (s *Service) writeResult(w http.ResponseWriter, ctx context.Context, rt *route, out any) {
	b, err := encodeResult(s.ns, rt, out, protocol.RequestID(ctx))
	if err != nil {
		s.writeError(w, ctx, rt.name, fmt.Errorf("awsquery: encode %s output: %w", rt.name, err), s.ns)
		return
	}
	write(w, http.StatusOK, b)
}

// internalMessage is AWS's text for an InternalFailure.
const internalMessage = "The request processing has failed because of an unknown error, exception or failure."

// writeError is the one error writer. A *protocol.Error is answered as it
// is; anything else is answered as a 500 InternalFailure, never with its Go
// text. Both are recorded for the request log (protocol.SetError), the
// internal error with its cause; without a request to record them in, the
// cause is logged here with the action.
func (s *Service) writeError(w http.ResponseWriter, ctx context.Context, name string, err error, ns string) {
	e, ok := protocol.As(err)
	var cause error
	if !ok {
		cause = err
		e, ns = &protocol.Error{Code: protocol.CodeInternal, Message: internalMessage, Status: http.StatusInternalServerError}, s.ns
	}
	if !protocol.SetError(ctx, e, cause) && cause != nil {
		s.logger.ErrorContext(ctx, "internal error", "op", name, "err", cause)
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	typ := "Receiver"
	if e.Sender || (e.Status != 0 && e.Status < 500) {
		typ = "Sender"
	}
	var resp errorResponse
	resp.Namespace = ns
	resp.Error.Type, resp.Error.Code, resp.Error.Message = typ, e.Code, e.Message
	resp.RequestId = protocol.RequestID(ctx)
	// Strings alone cannot fail to encode.
	b, _ := encodeXML(func(enc *xml.Encoder) error { return enc.Encode(resp) })
	write(w, status, b)
}

func write(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	protocol.WriteBody(w, status, body)
}
