package awsquery

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/idpool/idpool/protocol"
)

// pair is one decoded name=value of a form.
type pair struct{ name, value string }

// errMalformedInput is STS's answer to a value it cannot deserialise (a
// number that is not an int32, for instance); AWS sends no message with it.
func errMalformedInput(msg string) *protocol.Error {
	return protocol.BadRequest("MalformedInput", "%s", msg)
}

// parseForm appends the pairs of a form-encoded string ("a=1&b=2", '+' for
// space) to ps. Empty pieces ("a=1&&b=2") are skipped, and a piece without
// '=' is a name with an empty value.
func parseForm(ps []pair, s string) ([]pair, error) {
	for s != "" {
		var piece string
		piece, s, _ = strings.Cut(s, "&")
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k, err := unescape(k)
		if err != nil {
			return ps, err
		}
		if v, err = unescape(v); err != nil {
			return ps, err
		}
		ps = append(ps, pair{k, v})
	}
	return ps, nil
}

func unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return "", errMalformedInput("Invalid URL encoding: " + strconv.Quote(s))
	}
	return u, nil
}

// first returns the first value of the named parameter.
func first(ps []pair, name string) (string, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// param is a parameter tree: "Tags.member.1.Key" is stored as
// root → Tags → 1 → Key. The "member" and "entry" steps are implied by the
// schema, so the kids of a list or map are its element indexes.
type param struct {
	val string
	set bool
	// named is true when some parameter named this one or a part of it.
	named bool
	// fields of a struct, in the order of its schema's fields: one
	// allocation for all of them, made when the first is named.
	fields []param
	// kids of a list (by index) or of a map (by index, then "key" and
	// "value").
	kids map[string]*param
}

// field returns the param of n's field f, n being p's struct schema.
func (p *param) field(n *protocol.Schema, f *protocol.Field) *param {
	if p.fields == nil {
		p.fields = make([]param, len(n.Fields))
	}
	c := &p.fields[f.Pos]
	c.named = true
	return c
}

func (p *param) child(name string) *param {
	c := p.kids[name]
	if c == nil {
		if p.kids == nil {
			p.kids = make(map[string]*param, 4)
		}
		c = &param{}
		p.kids[name] = c
	}
	return c
}

// put stores value under name, following n; a name n does not describe is
// dropped (AWS ignores unknown parameters), so the tree never grows beyond
// what the schema can read. The first value of a name wins.
func put(n *protocol.Schema, p *param, name, value string) {
	rest, more := name, true
	for more {
		var seg string
		seg, rest, more = strings.Cut(rest, ".")
		switch n.Kind {
		case protocol.KindStruct:
			f := n.Field(seg)
			if f == nil {
				return
			}
			n, p = f.Schema, p.field(n, f)
		case protocol.KindList:
			if seg != "member" || !more {
				return
			}
			seg, rest, more = strings.Cut(rest, ".")
			if !isIndex(seg) {
				return
			}
			n, p = n.Elem, p.child(seg)
		case protocol.KindMap:
			if seg != "entry" || !more {
				return
			}
			seg, rest, more = strings.Cut(rest, ".")
			if !isIndex(seg) || !more {
				return
			}
			p = p.child(seg)
			seg, rest, more = strings.Cut(rest, ".")
			switch seg {
			case "key":
				n = n.Key
			case "value":
				n = n.Elem
			default:
				return
			}
			p = p.child(seg)
		default:
			return // a scalar has no parts
		}
	}
	if !p.set {
		p.val, p.set = value, true
	}
}

// isIndex reports whether s is a list or map index: a decimal number from 1
// without leading zeros, small enough for an int.
func isIndex(s string) bool {
	if s == "" || len(s) > 9 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// indexes returns the kids of a list or map in index order.
func (p *param) indexes() []string {
	keys := make([]string, 0, len(p.kids))
	for k := range p.kids {
		keys = append(keys, k)
	}
	// Indexes have no leading zeros: shorter is smaller.
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	return keys
}

// generic turns the parameters under p into the value encoding/json would
// decode from the same input (map[string]any, []any, string, json.Number,
// bool), which is what shape.Validate checks. ok is false when p carries no
// value for n.
func generic(n *protocol.Schema, p *param) (v any, ok bool, err error) {
	switch n.Kind {
	case protocol.KindString:
		return p.val, p.set, nil
	case protocol.KindBool:
		if !p.set {
			return nil, false, nil
		}
		switch {
		case strings.EqualFold(p.val, "true"):
			return true, true, nil
		case strings.EqualFold(p.val, "false"):
			return false, true, nil
		}
		return nil, false, errMalformedInput("")
	case protocol.KindInt32, protocol.KindInt64:
		if !p.set {
			return nil, false, nil
		}
		if p.val == "" {
			return nil, false, errMalformedInput("missing value for decimal type")
		}
		bits := 32
		if n.Kind == protocol.KindInt64 {
			bits = 64
		}
		i, err := strconv.ParseInt(p.val, 10, bits)
		if err != nil {
			return nil, false, errMalformedInput("")
		}
		num := p.val
		if !canonical(num) {
			num = strconv.FormatInt(i, 10)
		}
		return json.Number(num), true, nil
	case protocol.KindStruct:
		if p.fields == nil {
			return map[string]any{}, true, nil
		}
		named := 0
		for i := range p.fields {
			if p.fields[i].named {
				named++
			}
		}
		m := make(map[string]any, named)
		for i, f := range n.Fields {
			c := &p.fields[i]
			if !c.named {
				continue
			}
			v, ok, err := generic(f.Schema, c)
			if err != nil {
				return nil, false, err
			}
			if ok {
				m[f.Name] = v
			}
		}
		return m, true, nil
	case protocol.KindList:
		if len(p.kids) == 0 {
			// "Name=" is how SDKs send an empty list; any other lone
			// value is not a list and is ignored.
			if p.set && p.val == "" {
				return []any{}, true, nil
			}
			return nil, false, nil
		}
		l := make([]any, 0, len(p.kids))
		for _, k := range p.indexes() {
			v, ok, err := generic(n.Elem, p.kids[k])
			if err != nil {
				return nil, false, err
			}
			if ok {
				l = append(l, v)
			}
		}
		return l, true, nil
	case protocol.KindMap:
		if len(p.kids) == 0 {
			if p.set && p.val == "" {
				return map[string]any{}, true, nil
			}
			return nil, false, nil
		}
		m := make(map[string]any, len(p.kids))
		for _, k := range p.indexes() {
			e := p.kids[k]
			kp, vp := e.kids["key"], e.kids["value"]
			if kp == nil || !kp.set || vp == nil {
				continue
			}
			if _, dup := m[kp.val]; dup {
				continue
			}
			v, ok, err := generic(n.Elem, vp)
			if err != nil {
				return nil, false, err
			}
			if ok {
				m[kp.val] = v
			}
		}
		return m, true, nil
	}
	return nil, false, nil
}

// canonical reports whether s, which strconv.ParseInt accepts in base 10,
// is written as strconv.FormatInt writes it: no '+', no leading zeros, no
// "-0".
func canonical(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	return s[0] != '+' && (digits[0] != '0' || s == "0")
}

// isForm reports whether a Content-Type names a form body, whatever its
// parameters (charset).
func isForm(ct string) bool {
	const form = "application/x-www-form-urlencoded"
	if len(ct) < len(form) || !strings.EqualFold(ct[:len(form)], form) {
		return false
	}
	rest := ct[len(form):]
	return rest == "" || rest[0] == ';' || rest[0] == ' ' || rest[0] == '\t'
}

// Accepts reports whether r looks like a query-protocol request: a form body
// or an Action parameter in the URL. The emulator routes on it.
func Accepts(r *http.Request) bool {
	if isForm(r.Header.Get("Content-Type")) {
		return true
	}
	q := r.URL.RawQuery
	for q != "" {
		var piece string
		piece, q, _ = strings.Cut(q, "&")
		if k, _, _ := strings.Cut(piece, "="); k == "Action" {
			return true
		}
	}
	return false
}
