package restjson

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// Operation is one typed operation; build it with Op.
type Operation = protocol.Operation

// Op adapts a service method to an Operation. The validated input, made of
// the JSON body and the members bound to the URI, the query string or
// headers (already converted to the model's types), fills a new In (see
// protocol.Schema.Fill): its exported fields, named by json tag or Go
// name, are the model's input members, matched exactly. Handle refuses an
// In that does not fit the model's input shape. The returned *Out is
// encoded as the response body, and a nil *Out as {}.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Operation {
	return protocol.Op(fn)
}

// param is an input member bound outside the body.
type param struct {
	member   string
	loc      string // "uri", "querystring", "header" or "headers"
	name     string // label, query parameter, canonical header name or prefix
	typ      string // model type of the member
	elem     string // element type of a list, value type of a map
	tsFormat string // timestamp format of the member or its location
}

func newParam(b shape.Binding) param {
	p := param{member: b.Member, loc: b.Location, name: b.Name, typ: b.Type, elem: b.Elem, tsFormat: b.TimestampFormat}
	switch p.loc {
	case "header":
		p.name = textproto.CanonicalMIMEHeaderKey(p.name)
	case "headers":
		p.name = strings.ToLower(p.name)
	}
	if p.tsFormat == "" {
		// The rest protocols' defaults: HTTP dates in headers, ISO 8601 in
		// the URI and the query string.
		p.tsFormat = "iso8601"
		if p.loc == "header" || p.loc == "headers" {
			p.tsFormat = "rfc822"
		}
	}
	return p
}

// where names the place of a value in conversion errors.
func (p *param) where() string {
	switch p.loc {
	case "uri":
		return "URI label '" + p.name + "'"
	case "querystring":
		return "query parameter '" + p.name + "'"
	}
	return "header '" + p.name + "'"
}

// convert turns the text of a URI label, query parameter or header into
// the generic value Validate checks and the input decoder reads: a
// json.Number for numbers and timestamps (epoch seconds), a bool for
// booleans, the text otherwise. Text that cannot be the type is a
// SerializationException, the code Coral gives to values it cannot read.
func (p *param) convert(typ, raw string) (any, error) {
	switch typ {
	case "integer", "long":
		if isInteger(raw) {
			return json.Number(raw), nil
		}
	case "boolean":
		switch raw {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	case "timestamp":
		if n, ok := timestamp(raw, p.tsFormat); ok {
			return n, nil
		}
	default:
		// Strings and blobs are the text; any other type is left to
		// Validate, which reports the mismatch.
		return raw, nil
	}
	return nil, protocol.BadRequest(protocol.CodeSerialization, "Value '%s' of %s can not be converted to %s",
		raw, p.where(), article(typ))
}

func article(typ string) string {
	switch typ {
	case "integer":
		return "an Integer"
	case "long":
		return "a Long"
	case "boolean":
		return "a Boolean"
	case "timestamp":
		return "a Timestamp"
	}
	return "a " + typ
}

// isInteger reports whether s is an optional minus and decimal digits;
// range is Validate's business.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isNumber reports whether s is a JSON number, as a timestamp in epoch
// seconds is.
func isNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	return json.Valid([]byte(s))
}

// timestamp parses raw in the given format and returns epoch seconds.
func timestamp(raw, format string) (json.Number, bool) {
	var t time.Time
	var err error
	switch format {
	case "unixTimestamp":
		if !isNumber(raw) {
			return "", false
		}
		return json.Number(raw), true
	case "rfc822":
		t, err = http.ParseTime(raw)
	default:
		t, err = time.Parse(time.RFC3339Nano, raw)
	}
	if err != nil {
		return "", false
	}
	b, _ := json.Marshal(protocol.At(t)) // a float64 always encodes
	return json.Number(b), true
}

// lazyQuery parses the query string on first use: most requests never
// need it.
type lazyQuery struct {
	raw  string
	done bool
	v    url.Values
	err  error
}

func (q *lazyQuery) get() (url.Values, error) {
	if !q.done {
		q.done = true
		if q.raw != "" {
			q.v, q.err = url.ParseQuery(q.raw)
		}
	}
	return q.v, q.err
}

// values returns the parsed query; on a malformed query string it keeps
// the pairs that parsed, which is enough to choose a route.
func (q *lazyQuery) values() url.Values {
	v, _ := q.get()
	return v
}

// bind adds the members of e bound to the URI, the query string and
// headers to g, converted to their model types. labels are the decoded
// label values in path order.
func bind(e *entry, r *http.Request, q *lazyQuery, labels []string, g map[string]any) error {
	for i, p := range e.labels {
		v, err := p.convert(p.typ, labels[i])
		if err != nil {
			return err
		}
		g[p.member] = v
	}
	for i := range e.params {
		p := &e.params[i]
		var (
			v   any
			err error
		)
		switch p.loc {
		case "querystring":
			var vals url.Values
			if vals, err = q.get(); err != nil {
				return protocol.BadRequest(protocol.CodeSerialization, "Malformed query string: %s", queryReason(err))
			}
			v, err = p.fromQuery(e, vals)
		case "header":
			v, err = p.fromHeader(r.Header[p.name])
		case "headers":
			v, err = p.fromPrefix(r.Header)
		}
		if err != nil {
			return err
		}
		if v != nil {
			g[p.member] = v
		}
	}
	return nil
}

// queryReason words a query parse error for the client.
func queryReason(err error) string {
	var ee url.EscapeError
	if errors.As(err, &ee) {
		return "invalid percent-encoding " + strconv.Quote(string(ee))
	}
	if strings.Contains(err.Error(), "semicolon") {
		return "';' is not a parameter separator"
	}
	return "invalid parameter"
}

// fromQuery reads a query-string member: a scalar takes the first value, a
// list every value, and a map every parameter no other member claims.
func (p *param) fromQuery(e *entry, vals url.Values) (any, error) {
	switch p.typ {
	case "list":
		vs := vals[p.name]
		if len(vs) == 0 {
			return nil, nil
		}
		return p.list(vs)
	case "map":
		m := make(map[string]any)
		for k, vs := range vals {
			if e.claims(k) || len(vs) == 0 {
				continue
			}
			if p.elem == "list" {
				l := make([]any, len(vs))
				for i, s := range vs {
					l[i] = s
				}
				m[k] = l
				continue
			}
			m[k] = vs[0]
		}
		if len(m) == 0 {
			return nil, nil
		}
		return m, nil
	}
	vs := vals[p.name]
	if len(vs) == 0 {
		return nil, nil
	}
	return p.convert(p.typ, vs[0])
}

// fromHeader reads a header member; a list is the comma-separated values
// of every line of the header.
func (p *param) fromHeader(vs []string) (any, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	if p.typ == "list" {
		var items []string
		for _, v := range vs {
			for item := range strings.SplitSeq(v, ",") {
				items = append(items, strings.TrimSpace(item))
			}
		}
		return p.list(items)
	}
	return p.convert(p.typ, vs[0])
}

// fromPrefix reads a "headers" member: every header starting with the
// prefix, keyed by the rest of its name in lower case.
func (p *param) fromPrefix(h http.Header) (any, error) {
	var m map[string]any
	for k, vs := range h {
		lk := strings.ToLower(k)
		if len(vs) == 0 || !strings.HasPrefix(lk, p.name) || len(lk) == len(p.name) {
			continue
		}
		if m == nil {
			m = make(map[string]any)
		}
		m[lk[len(p.name):]] = vs[0]
	}
	if m == nil {
		return nil, nil
	}
	return m, nil
}

func (p *param) list(vs []string) (any, error) {
	l := make([]any, len(vs))
	for i, s := range vs {
		v, err := p.convert(p.elem, s)
		if err != nil {
			return nil, err
		}
		l[i] = v
	}
	return l, nil
}
