package restjson

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// router matches request paths against the model's request URIs. It is a
// tree over path segments: literal children are tried before a label, and
// a label before a greedy label, backtracking when a branch dead-ends, so
// the most literal route wins whatever the order the model lists them.
type router struct {
	root node
}

type node struct {
	lits   map[string]*node // literal segments, decoded
	label  *node            // a {Label} segment
	greedy *node            // a {Label+} segment: the rest of the path
	routes []*entry         // operations whose path ends here
	allow  string           // the methods of routes, for 405's Allow
}

// segment is one compiled path segment of a request URI.
type segment struct {
	lit    string // the literal text, when label is ""
	label  string // the label name inside braces
	greedy bool   // {Label+}
}

// parseURI splits a model request URI into path segments and the literal
// query parameters it requires ("?uploads", "?x-id=GetObject"). Labels are
// whole segments; a malformed template is an error.
func parseURI(uri string) ([]segment, []queryLit, error) {
	p, q, _ := strings.Cut(uri, "?")
	if !strings.HasPrefix(p, "/") {
		return nil, nil, fmt.Errorf("request URI %q does not start with /", uri)
	}
	var segs []segment
	if p != "/" {
		for i, s := range strings.Split(p[1:], "/") {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				name := s[1 : len(s)-1]
				g := strings.HasSuffix(name, "+")
				name = strings.TrimSuffix(name, "+")
				if name == "" || strings.ContainsAny(name, "{}") {
					return nil, nil, fmt.Errorf("request URI %q: bad label in segment %d", uri, i)
				}
				if g && i != strings.Count(p[1:], "/") {
					return nil, nil, fmt.Errorf("request URI %q: greedy label {%s+} is not the last segment", uri, name)
				}
				segs = append(segs, segment{label: name, greedy: g})
				continue
			}
			if strings.ContainsAny(s, "{}") {
				return nil, nil, fmt.Errorf("request URI %q: label does not fill segment %d", uri, i)
			}
			lit, err := url.PathUnescape(s)
			if err != nil {
				return nil, nil, fmt.Errorf("request URI %q: %w", uri, err)
			}
			segs = append(segs, segment{lit: lit})
		}
	}
	var lits []queryLit
	if q != "" {
		for _, kv := range strings.Split(q, "&") {
			if kv == "" {
				continue
			}
			k, v, hasValue := strings.Cut(kv, "=")
			if strings.ContainsAny(k, "{}") || strings.ContainsAny(v, "{}") {
				// A label in the query part binds nothing the model
				// does not also say with location "querystring".
				continue
			}
			lits = append(lits, queryLit{key: k, value: v, hasValue: hasValue})
		}
	}
	return segs, lits, nil
}

// queryLit is a query parameter a route requires: "?uploads" needs the key,
// "?x-id=GetObject" the key with that value.
type queryLit struct {
	key, value string
	hasValue   bool
}

// add inserts e under its compiled segments.
func (rt *router) add(e *entry, segs []segment) error {
	n := &rt.root
	for _, s := range segs {
		switch {
		case s.greedy:
			if n.greedy == nil {
				n.greedy = &node{}
			}
			n = n.greedy
		case s.label != "":
			if n.label == nil {
				n.label = &node{}
			}
			n = n.label
		default:
			if n.lits == nil {
				n.lits = make(map[string]*node)
			}
			c := n.lits[s.lit]
			if c == nil {
				c = &node{}
				n.lits[s.lit] = c
			}
			n = c
		}
	}
	for _, o := range n.routes {
		if o.method == e.method && slices.Equal(o.query, e.query) {
			return fmt.Errorf("operations %s and %s both answer %s %s", o.name, e.name, e.method, e.info.RequestURI)
		}
	}
	n.routes = append(n.routes, e)
	// Routes demanding more query literals are tried first, so "?uploads"
	// is preferred to the bare path on the same method.
	slices.SortStableFunc(n.routes, func(a, b *entry) int { return len(b.query) - len(a.query) })
	var methods []string
	for _, o := range n.routes {
		if !slices.Contains(methods, o.method) {
			methods = append(methods, o.method)
		}
	}
	slices.Sort(methods)
	n.allow = strings.Join(methods, ", ")
	return nil
}

// errBadEscape reports a path segment whose percent-encoding is invalid.
type errBadEscape struct{ seg string }

func (e *errBadEscape) Error() string { return "invalid percent-encoding in path segment " + e.seg }

// match finds the node for an escaped request path and the decoded values
// of its labels, in path order. It returns a nil node when no route has
// that path.
func (rt *router) match(escaped string, caps []string) (*node, []string, error) {
	if escaped == "" || escaped == "/" {
		return rt.root.match("", true, caps)
	}
	if escaped[0] != '/' {
		return nil, caps, nil
	}
	return rt.root.match(escaped[1:], false, caps)
}

// match matches the segments of p against the subtree of n; end is true
// when no segment is left (p = "" alone is one empty segment, as in a
// trailing slash).
func (n *node) match(p string, end bool, caps []string) (*node, []string, error) {
	if end {
		if len(n.routes) > 0 {
			return n, caps, nil
		}
		return nil, caps, nil
	}
	seg, rest, more := strings.Cut(p, "/")
	dec := seg
	if strings.IndexByte(seg, '%') >= 0 {
		var err error
		if dec, err = url.PathUnescape(seg); err != nil {
			return nil, caps, &errBadEscape{seg}
		}
	}
	if c := n.lits[dec]; c != nil {
		if m, got, err := c.match(rest, !more, caps); m != nil || err != nil {
			return m, got, err
		}
	}
	if n.label != nil {
		if m, got, err := n.label.match(rest, !more, append(caps, dec)); m != nil || err != nil {
			return m, got, err
		}
	}
	if n.greedy != nil && len(n.greedy.routes) > 0 {
		all, err := url.PathUnescape(p)
		if err != nil {
			return nil, caps, &errBadEscape{p}
		}
		return n.greedy, append(caps, all), nil
	}
	return nil, caps, nil
}

// pick chooses among the routes of a matched node the one for method whose
// query literals are all present. It returns nil when none fits.
func (n *node) pick(method string, query *lazyQuery) *entry {
	for _, e := range n.routes {
		if e.method != method {
			continue
		}
		if len(e.query) == 0 {
			return e
		}
		q := query.values()
		ok := true
		for _, l := range e.query {
			vs, present := q[l.key]
			if !present || (l.hasValue && !slices.Contains(vs, l.value)) {
				ok = false
				break
			}
		}
		if ok {
			return e
		}
	}
	return nil
}
