package restjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// ContentType is the media type of every response body.
const ContentType = "application/json"

// CodeInvalidParameter is the default code of constraint violations when
// the model defines it, as Cognito Sync does.
const CodeInvalidParameter = "InvalidParameterException"

// internalMessage is the only text a client sees for an internal fault.
const internalMessage = "An internal error occurred. Please try again."

// maxLabels is how many label values a request keeps on the stack while
// routing; longer templates still work, at the cost of an allocation.
const maxLabels = 8

// Authenticator checks the request of a signed operation (see
// protocol.Authenticator).
type Authenticator = protocol.Authenticator

// Option configures a Service.
type Option func(*Service)

// WithBodyLimit sets the largest request body accepted, in bytes; the
// default is protocol.DefaultBodyLimit.
func WithBodyLimit(n int64) Option { return func(s *Service) { s.pipe.Limit = n } }

// Service answers one REST-JSON service. It is safe for concurrent use once
// all operations are registered.
type Service struct {
	model *shape.Model
	// internal is the code of the 500 answer to internal faults: the
	// model's internal fault shape (InternalErrorException for Cognito
	// Sync), or InternalFailure when the model has none.
	internal string
	// validation is the code of constraint violations:
	// InvalidParameterException when the model defines that error, else
	// ValidationException.
	validation string
	router     router
	entries    map[string]*entry
	pipe       protocol.Pipeline
}

// entry is one modeled operation: its route, where its members travel and,
// once registered, its implementation.
type entry struct {
	name    string
	info    *shape.Operation
	method  string
	query   []queryLit
	labels  []param         // uri members, in the order of their labels in the path
	params  []param         // querystring, header and headers members
	located []string        // every member bound outside the body
	outs    []shape.Binding // output members bound outside the body
	op      Operation
}

// claims reports whether a query parameter is bound to a member of its own,
// so that a map of "all other parameters" leaves it out.
func (e *entry) claims(name string) bool {
	for i := range e.params {
		if p := &e.params[i]; p.loc == "querystring" && p.typ != "map" && p.name == name {
			return true
		}
	}
	for _, l := range e.query {
		if l.key == name {
			return true
		}
	}
	return false
}

// NewService returns a Service for model m, with a route for every
// operation the model binds to HTTP. A nil auth accepts every signed
// operation; a nil logger discards. It panics when the model's HTTP
// bindings are inconsistent (a malformed request URI, a label without a
// member, two operations on one method and path): the models are embedded,
// so that is a build defect.
func NewService(m *shape.Model, auth Authenticator, logger *slog.Logger, opts ...Option) *Service {
	s := &Service{
		model:      m,
		internal:   m.InternalError(),
		validation: protocol.CodeValidation,
		entries:    make(map[string]*entry),
		pipe:       protocol.Pipeline{Auth: auth, Log: logger},
	}
	if s.internal == "" {
		s.internal = protocol.CodeInternal
	}
	if _, ok := m.Error(CodeInvalidParameter); ok {
		s.validation = CodeInvalidParameter
	}
	for _, o := range opts {
		o(s)
	}
	for _, info := range m.Operations() {
		if info.Method == "" || info.RequestURI == "" {
			continue
		}
		e, segs, err := compile(m, info)
		if err == nil {
			err = s.router.add(e, segs)
		}
		if err != nil {
			panic(fmt.Sprintf("restjson: operation %s: %v", info.Name, err))
		}
		s.entries[info.Name] = e
	}
	return s
}

// compile works out an operation's route and member bindings.
func compile(m *shape.Model, info *shape.Operation) (*entry, []segment, error) {
	segs, query, err := parseURI(info.RequestURI)
	if err != nil {
		return nil, nil, err
	}
	e := &entry{name: info.Name, info: info, method: strings.ToUpper(info.Method), query: query}
	var in []shape.Binding
	if info.InputShape != "" {
		var ok bool
		if in, ok = m.Bindings(info.InputShape); !ok {
			return nil, nil, fmt.Errorf("input shape %s is not a structure", info.InputShape)
		}
	}
	for _, sg := range segs {
		if sg.label == "" {
			continue
		}
		i := slices.IndexFunc(in, func(b shape.Binding) bool { return b.Location == "uri" && b.Name == sg.label })
		if i < 0 {
			return nil, nil, fmt.Errorf("label {%s} binds no member of %s", sg.label, info.InputShape)
		}
		e.labels = append(e.labels, newParam(in[i]))
	}
	for _, b := range in {
		switch b.Location {
		case "":
			continue
		case "querystring", "header", "headers":
			e.params = append(e.params, newParam(b))
		}
		e.located = append(e.located, b.Member)
	}
	if info.OutputShape != "" {
		out, ok := m.Bindings(info.OutputShape)
		if !ok {
			return nil, nil, fmt.Errorf("output shape %s is not a structure", info.OutputShape)
		}
		for _, b := range out {
			if b.Location != "" {
				e.outs = append(e.outs, b)
			}
		}
	}
	return e, segs, nil
}

// Handle registers op under the model operation name. It panics if the
// model has no such operation bound to HTTP, or op's input type does not
// fit the model's input shape (see shape.Model.Fits): that is a
// programming error found at start-up.
func (s *Service) Handle(name string, op Operation) {
	e, ok := s.entries[name]
	if !ok {
		panic(fmt.Sprintf("restjson: model has no HTTP-bound operation %q", name))
	}
	if err := s.model.Fits(e.info.InputShape, op.Schema()); err != nil {
		panic(fmt.Sprintf("restjson: operation %s: %v", name, err))
	}
	e.op = op
}

// Accepts reports whether the request's path is one of the model's routes,
// whatever its method, so that a dispatcher can send it here.
func (s *Service) Accepts(r *http.Request) bool {
	var arr [maxLabels]string
	n, _, err := s.router.match(protocol.RawPath(r), arr[:0])
	return n != nil && err == nil
}

func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.pipe.Serve(w, r, s)
}

// Route implements protocol.Codec: the operation is chosen by method and
// path, and by the query literals its request URI demands.
func (s *Service) Route(w http.ResponseWriter, r *http.Request, _ func() ([]byte, error)) (protocol.Call, error) {
	var arr [maxLabels]string
	path := protocol.RawPath(r)
	n, labels, err := s.router.match(path, arr[:0])
	if err != nil {
		return nil, protocol.BadRequest(protocol.CodeSerialization, "Malformed percent-encoding in the request path")
	}
	if n == nil {
		return nil, s.unknown(r, path)
	}
	c := &call{s: s, q: lazyQuery{raw: r.URL.RawQuery}, labels: labels}
	c.e = n.pick(r.Method, &c.q)
	if c.e == nil {
		if slices.ContainsFunc(n.routes, func(e *entry) bool { return e.method == r.Method }) {
			// The method exists on this path but the query literals
			// the model demands for it are missing.
			return nil, s.unknown(r, path)
		}
		w.Header().Set("Allow", n.allow)
		return nil, &protocol.Error{Code: protocol.CodeUnknownOperation, Status: http.StatusMethodNotAllowed, Sender: true,
			Message: "The method " + r.Method + " is not allowed on this resource"}
	}
	if c.e.op == nil {
		// Named in the request log, though never served.
		protocol.SetOperation(r.Context(), c.e.name)
		return nil, protocol.Errorf(http.StatusNotFound, protocol.CodeUnknownOperation, "Operation %s is not supported", c.e.name)
	}
	return c, nil
}

// call is one request routed to an operation, with the label values of its
// path and its query string.
type call struct {
	s      *Service
	e      *entry
	q      lazyQuery
	labels []string
}

func (c *call) Operation() string { return c.e.name }

func (c *call) Signed() bool { return !c.e.info.Unsigned }

// Decode builds the input from the body, the labels, the query string and
// the headers, validates it and fills the operation's input from it.
func (c *call) Decode(r *http.Request, body []byte) (protocol.Invocation, error) {
	g, err := c.s.input(c.e, r, &c.q, c.labels, body)
	if err != nil {
		return nil, err
	}
	return c.e.op.Decode(g)
}

// unknown is the answer to a path no route matches.
func (s *Service) unknown(r *http.Request, path string) *protocol.Error {
	return protocol.Errorf(http.StatusNotFound, protocol.CodeUnknownOperation,
		"No operation matches %s %s", r.Method, path)
}

// input builds the generic input value of e from the body and the members
// bound to the URI, query string and headers, and validates it. A body key
// naming a member bound elsewhere is dropped, as AWS ignores it: it must
// not shadow the bound value.
func (s *Service) input(e *entry, r *http.Request, q *lazyQuery, labels []string, body []byte) (map[string]any, error) {
	g, err := protocol.ParseJSONObject(body)
	if err != nil {
		return nil, err
	}
	if g == nil {
		g = make(map[string]any, len(e.labels)+len(e.params))
	}
	for _, m := range e.located {
		delete(g, m)
	}
	if err := bind(e, r, q, labels, g); err != nil {
		return nil, err
	}
	if e.info.InputShape != "" {
		if err := s.model.Validate(e.info.InputShape, g); err != nil {
			if pe, ok := protocol.As(err); ok && pe.Code == protocol.CodeValidation {
				err = protocol.BadRequest(s.validation, "%s", pe.Message)
			}
			return nil, err
		}
	}
	return g, nil
}

// Encode writes a success: the model's status (200 when it names none),
// the output as the JSON body, and output members bound to headers or the
// status code in their places.
func (c *call) Encode(w http.ResponseWriter, r *http.Request, out any) error {
	var buf bytes.Buffer
	e := c.e
	status := e.info.ResponseCode
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case out == nil:
		buf.WriteString("{}")
	case len(e.outs) > 0:
		// Headers go out only with a body that encoded.
		h := make(http.Header)
		st, err := located(&buf, out, e.outs, h)
		if err != nil {
			return err
		}
		if st != 0 {
			status = st
		}
		for k, v := range h {
			w.Header()[k] = v
		}
	default:
		if err := protocol.EncodeJSON(&buf, out); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", ContentType)
	protocol.WriteBody(w, status, buf.Bytes())
	return nil
}

// located encodes an output whose shape binds members outside the body:
// those members go to headers (or set the status) and the rest to buf as
// the JSON body. It is the slow path; no Cognito Sync output needs it.
func located(buf *bytes.Buffer, out any, outs []shape.Binding, h http.Header) (int, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return 0, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return 0, fmt.Errorf("output is not a JSON object: %w", err)
	}
	status := 0
	for _, o := range outs {
		raw, ok := fields[o.Member]
		if !ok {
			continue
		}
		delete(fields, o.Member)
		if string(raw) == "null" {
			continue
		}
		switch o.Location {
		case "statusCode":
			if err := json.Unmarshal(raw, &status); err != nil {
				return 0, fmt.Errorf("member %s: %w", o.Member, err)
			}
		case "header":
			v, err := headerValue(raw, o)
			if err != nil {
				return 0, fmt.Errorf("member %s: %w", o.Member, err)
			}
			h.Set(o.Name, v)
		case "headers":
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return 0, fmt.Errorf("member %s: %w", o.Member, err)
			}
			for k, v := range m {
				h.Set(o.Name+k, v)
			}
		}
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fields); err != nil {
		return 0, err
	}
	buf.Truncate(buf.Len() - 1)
	return status, nil
}

// headerValue renders one JSON-encoded output member as a header value:
// strings unquoted, timestamps as HTTP dates (or the member's format),
// lists joined by commas, everything else as its JSON text.
func headerValue(raw json.RawMessage, b shape.Binding) (string, error) {
	switch b.Type {
	case "string", "blob":
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case "timestamp":
		var t protocol.Time
		if err := json.Unmarshal(raw, &t); err != nil {
			return "", err
		}
		switch b.TimestampFormat {
		case "iso8601":
			return t.Time().Format(time.RFC3339), nil
		case "unixTimestamp":
			return string(raw), nil
		}
		return t.Time().Format(http.TimeFormat), nil
	case "list":
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return "", err
		}
		parts := make([]string, len(items))
		for i, it := range items {
			v, err := headerValue(it, shape.Binding{Type: b.Elem, TimestampFormat: b.TimestampFormat})
			if err != nil {
				return "", err
			}
			parts[i] = v
		}
		return strings.Join(parts, ","), nil
	}
	return string(raw), nil
}

// Internal implements protocol.Codec.
func (s *Service) Internal() *protocol.Error {
	return &protocol.Error{Code: s.internal, Message: internalMessage, Status: http.StatusInternalServerError}
}

// WriteError implements protocol.Codec: the one error writer. An error
// without a status has the status the model gives its code, or 400 for
// codes the model does not know.
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, e *protocol.Error, _ error) {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
		if es, ok := s.model.Error(e.Code); ok && es.Status != 0 {
			status = es.Status
		}
	}
	// REST-JSON services send the bare code; SDKs also accept a
	// ":<namespace>" tail, which carries nothing a client uses.
	protocol.WriteJSONError(w, ContentType, e.Code, e, status)
}
