package awsquery

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/protocol/sigv4"
)

// faultNamespace is the namespace of the errors AWS's front end answers
// before a request reaches the service (an unknown action or version).
const faultNamespace = "http://webservices.amazon.com/AWSFault/2005-15-09"

// noVersion is how AWS names an absent Version in its InvalidAction text.
const noVersion = "NO_VERSION_SPECIFIED"

// Operation is one typed operation; build it with Op.
type Operation = protocol.Operation

// Op adapts a service method to the codec. In's exported fields, named as
// the model's input members, are the decoding schema (see the package
// documentation); Op panics for a field type it cannot decode into, a
// timestamp included (no query input has one). Out, a struct, is written
// inside the result element by encoding/xml (see the package
// documentation); a nil *Out gives an empty result.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	o := protocol.Op(fn)
	if t := timeIn(o.Schema(), map[*protocol.Schema]bool{}); t != nil {
		panic(fmt.Sprintf("awsquery: cannot decode parameters into %v", t))
	}
	return o
}

// timeIn returns the type of a timestamp in s, or nil when s has none.
func timeIn(s *protocol.Schema, seen map[*protocol.Schema]bool) reflect.Type {
	if s == nil || seen[s] {
		return nil
	}
	seen[s] = true
	if s.Kind == protocol.KindTime {
		return s.Type
	}
	for _, f := range s.Fields {
		if t := timeIn(f.Schema, seen); t != nil {
			return t
		}
	}
	return timeIn(s.Elem, seen)
}

// Authenticator checks a signed operation's request (see
// protocol.Authenticator).
type Authenticator = protocol.Authenticator

// Service answers the query-protocol operations of one model. It is safe for
// concurrent use once every operation is registered.
type Service struct {
	model   *shape.Model
	ns      string
	version string
	routes  map[string]*route
	pipe    protocol.Pipeline
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
	return &Service{
		model:   m,
		ns:      m.XMLNamespace(),
		version: m.APIVersion(),
		routes:  map[string]*route{},
		pipe:    protocol.Pipeline{Auth: auth, Log: logger},
	}
}

// Handle registers op under the model's operation name. It panics when the
// model has no such operation, a programming error found at start-up.
func (s *Service) Handle(name string, op Operation) {
	info, ok := s.model.Operation(name)
	if !ok {
		panic(fmt.Sprintf("awsquery: the model has no operation %q", name))
	}
	if err := s.model.Fits(info.InputShape, op.Schema()); err != nil {
		panic(fmt.Sprintf("awsquery: operation %s: %v", name, err))
	}
	// Every query model names the result wrapper <Operation>Result.
	s.routes[name] = &route{name: name, op: op, info: info, response: name + "Response", result: name + "Result"}
}

// ServeHTTP decodes, authenticates, validates and runs one operation.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.pipe.Serve(w, r, s)
}

// frontEnd is an error AWS's front end answers, before a request reaches
// the service: its answer carries the AWSFault namespace.
type frontEnd struct{ e *protocol.Error }

func (f frontEnd) Error() string { return f.e.Error() }
func (f frontEnd) Unwrap() error { return f.e }

// Route implements protocol.Codec: the operation is named by the Action
// parameter, from the form body or the query string, which is why the body
// is read here.
func (s *Service) Route(_ http.ResponseWriter, r *http.Request, readBody func() ([]byte, error)) (protocol.Call, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, frontEnd{protocol.Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested method %s is not allowed for this resource", r.Method)}
	}
	body, err := readBody()
	if err != nil {
		return nil, frontEnd{bodyError(err)}
	}
	ps, err := params(r, body)
	if err != nil {
		return nil, err
	}
	name, _ := first(ps, "Action")
	version, ok := first(ps, "Version")
	if !ok {
		version = noVersion
	}
	rt := s.routes[name]
	if rt == nil || version != s.version {
		protocol.SetReason(r.Context(), s.unknownReason(r, name, version))
		return nil, frontEnd{protocol.BadRequest("InvalidAction", "Could not find operation %s for version %s", name, version)}
	}
	return &call{s: s, rt: rt, ps: ps}, nil
}

// unknownReason says why no operation of this service answers r, which
// names Action name and Version version, and for which service r is
// signed: AWS's InvalidAction says only what was not found, and a client
// of another query-protocol service (SNS, SQS's query API, EC2) that a
// global AWS_ENDPOINT_URL sent to idpool gets it too.
func (s *Service) unknownReason(r *http.Request, name, version string) string {
	signed, service := sigv4.Describe(r)
	what := "Action " + name + " of Version " + version + " (" + signed + ")"
	switch {
	case name == "":
		what = r.Method + " " + r.URL.Path + " without an Action (" + signed + ")"
	case version != s.version && s.routes[name] != nil:
		return what + ": " + s.model.SigningName() + "'s operation " + name + " is of Version " + s.version
	}
	if service != "" && service != s.model.SigningName() {
		return what + " is not an operation of a service idpool emulates: " + sigv4.EndpointHint
	}
	if _, ok := s.model.Operation(name); ok {
		return what + " is an operation of " + s.model.SigningName() + " that idpool does not implement"
	}
	return what + " is not an operation of " + s.model.SigningName()
}

// params returns the parameters of r, whose body is body: those of a form
// body, then those of the query string. An operation decodes the first
// parameter of a name (see put); a body of another Content-Type is not read.
func params(r *http.Request, body []byte) ([]pair, error) {
	var ps []pair
	var err error
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		// One copy of the body backs every parameter that needs no
		// unescaping, so the operation may keep its input.
		ps, err = parseForm(ps, string(body))
	}
	if err == nil {
		ps, err = parseForm(ps, r.URL.RawQuery)
	}
	return ps, err
}

// Params returns the parameters of r, whose body is body, as its operation
// decodes them: the value its input takes for a top-level member is the
// first of its name (url.Values.Get). What must act on what the operation
// acts on (an authorizer looking for the entity a request names) reads
// them here, never by parsing the request itself: a second parser that
// read a body Route does not read (one that is not a form) would see
// another request than the operation. The error is Route's for the same
// request, which refuses it before anything reads its parameters.
func Params(r *http.Request, body []byte) (url.Values, error) {
	ps, err := params(r, body)
	if err != nil {
		return nil, err
	}
	v := make(url.Values, len(ps))
	for _, p := range ps {
		v[p.name] = append(v[p.name], p.value)
	}
	return v, nil
}

// Declares reports whether the input of the operation op, as registered
// with Handle, has the top-level member named member ("Tags" for
// "Tags.member.1.Key"): a parameter of another name reaches no operation,
// since the codec drops it (see put). It is false for an operation the
// service does not handle. What acts on what a request names (an
// authorizer) must consult only the members its operation declares.
func (s *Service) Declares(op, member string) bool {
	rt := s.routes[op]
	return rt != nil && rt.op.Schema().Field(member) != nil
}

// Input returns the input of the operation op, as registered with Handle,
// for form, the parameters of a request to it (see Params), as the codec
// reads it before the model validates it: the value encoding/json would
// decode from the same input in JSON (map[string]any, []any, string,
// json.Number, bool), with only the members op's input declares, each
// list in the order of its indexes, sparse ones included, and the first
// value of a parameter. What must see a request as its operation does (an
// authorizer reading the tags it gives) reads its lists here, never by
// parsing their names itself. It is nil for an operation the service does
// not handle, and the error is the one the operation would answer for a
// value it cannot read (MalformedInput).
func (s *Service) Input(op string, form url.Values) (map[string]any, error) {
	rt := s.routes[op]
	if rt == nil {
		return nil, nil
	}
	// The codec keeps the first value of a name, and what it reads of a
	// name does not depend on the order of the other names: the first
	// value of each name is the whole request.
	ps := make([]pair, 0, len(form))
	for name, v := range form {
		if len(v) > 0 {
			ps = append(ps, pair{name, v[0]})
		}
	}
	g, err := read(rt.op.Schema(), ps)
	if err != nil {
		return nil, err
	}
	in, _ := g.(map[string]any)
	return in, nil
}

// read is how every operation reads its parameters ps, whose schema is n:
// into the generic value of its input (see generic).
func read(n *protocol.Schema, ps []pair) (any, error) {
	root := &param{}
	for _, p := range ps {
		put(n, root, p.name, p.value)
	}
	g, _, err := generic(n, root)
	return g, err
}

// Named returns the operation registered with Handle whose name is name
// in any case ("deleterolepermissionsboundary" names
// DeleteRolePermissionsBoundary), as a policy's action names it: IAM
// compares actions ignoring case. ok is false when none is.
func (s *Service) Named(name string) (op string, ok bool) {
	for op := range s.routes {
		if strings.EqualFold(op, name) {
			return op, true
		}
	}
	return "", false
}

// call is one request routed to an operation, with its parameters.
type call struct {
	s  *Service
	rt *route
	ps []pair
}

func (c *call) Operation() string { return c.rt.name }

func (c *call) Signed() bool { return !c.rt.info.Unsigned }

// Decode decodes the parameters, validates them against the model and
// fills the operation's typed input.
func (c *call) Decode(*http.Request, []byte) (protocol.Invocation, error) {
	n := c.rt.op.Schema()
	g, err := read(n, c.ps)
	if err != nil {
		return nil, err
	}
	if c.rt.info.InputShape != "" {
		if err := c.s.model.Validate(c.rt.info.InputShape, g); err != nil {
			return nil, queryError(err)
		}
	}
	return c.rt.op.Decode(g)
}

// Encode writes the success envelope, laid out as AWS lays it out.
func (c *call) Encode(w http.ResponseWriter, r *http.Request, out any) error {
	b, err := encodeResult(c.s.ns, c.rt, out, protocol.RequestID(r.Context()))
	if err != nil {
		return err
	}
	write(w, http.StatusOK, b)
	return nil
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

// errTooLarge is the answer to a body over protocol.DefaultBodyLimit
// bytes, the pipeline's limit.
func errTooLarge() *protocol.Error {
	return protocol.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
		"Request body must be at most %d bytes", protocol.DefaultBodyLimit)
}

// bodyError gives an error of protocol.ReadBody the query protocol's code.
func bodyError(err error) *protocol.Error {
	e, ok := protocol.As(err)
	switch {
	case ok && e.Status == http.StatusRequestEntityTooLarge:
		return errTooLarge()
	case ok && e.Status == http.StatusServiceUnavailable:
		return e // the body budget is spent (protocol.Budget)
	}
	return protocol.BadRequest("MalformedInput", "The request body could not be read")
}

// internalMessage is AWS's text for an InternalFailure.
const internalMessage = "The request processing has failed because of an unknown error, exception or failure."

// Internal implements protocol.Codec.
func (s *Service) Internal() *protocol.Error {
	return &protocol.Error{Code: protocol.CodeInternal, Message: internalMessage, Status: http.StatusInternalServerError}
}

// WriteError implements protocol.Codec: the one error writer. Errors of
// AWS's front end carry the AWSFault namespace, all others the service's.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *protocol.Error, err error) {
	ns := s.ns
	if errors.As(err, new(frontEnd)) {
		ns = faultNamespace
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
	resp.RequestId = protocol.RequestID(r.Context())
	// Strings alone cannot fail to encode.
	b, _ := encodeXML(func(enc *xml.Encoder) error { return enc.Encode(resp) })
	write(w, status, b)
}

func write(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	protocol.WriteBody(w, status, body)
}
