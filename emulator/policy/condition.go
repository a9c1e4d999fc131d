package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// family is what an operator compares.
type family uint8

const (
	fString family = iota
	fStringFold
	fStringLike
	fNumeric
	fDate
	fBool
	fBinary
	fIP
	fARN
	fNull
)

// cmp is the comparison of Numeric and Date operators.
type cmp uint8

const (
	eq cmp = iota
	lt
	le
	gt
	ge
)

// set is the set operator prefixing a condition operator.
type set uint8

const (
	single set = iota // no prefix
	anyValue
	allValues
)

// operator is a parsed condition operator such as
// "ForAnyValue:StringLikeIfExists".
type operator struct {
	name     string // as written, for Explain
	family   family
	cmp      cmp
	negated  bool
	ifExists bool
	set      set
}

// parseOperator parses a condition operator name, case-insensitively, and
// reports false for a name IAM does not know.
func parseOperator(name string) (operator, bool) {
	op := operator{name: name}
	s := name
	if p, rest, ok := strings.Cut(s, ":"); ok {
		switch {
		case strings.EqualFold(p, "ForAnyValue"):
			op.set = anyValue
		case strings.EqualFold(p, "ForAllValues"):
			op.set = allValues
		default:
			return op, false
		}
		s = rest
	}
	const ifExists = "ifexists"
	if len(s) > len(ifExists) && strings.EqualFold(s[len(s)-len(ifExists):], ifExists) {
		op.ifExists = true
		s = s[:len(s)-len(ifExists)]
	}
	switch strings.ToLower(s) {
	case "stringequals":
		op.family = fString
	case "stringnotequals":
		op.family, op.negated = fString, true
	case "stringequalsignorecase":
		op.family = fStringFold
	case "stringnotequalsignorecase":
		op.family, op.negated = fStringFold, true
	case "stringlike":
		op.family = fStringLike
	case "stringnotlike":
		op.family, op.negated = fStringLike, true
	case "numericequals":
		op.family, op.cmp = fNumeric, eq
	case "numericnotequals":
		op.family, op.cmp, op.negated = fNumeric, eq, true
	case "numericlessthan":
		op.family, op.cmp = fNumeric, lt
	case "numericlessthanequals":
		op.family, op.cmp = fNumeric, le
	case "numericgreaterthan":
		op.family, op.cmp = fNumeric, gt
	case "numericgreaterthanequals":
		op.family, op.cmp = fNumeric, ge
	case "dateequals":
		op.family, op.cmp = fDate, eq
	case "datenotequals":
		op.family, op.cmp, op.negated = fDate, eq, true
	case "datelessthan":
		op.family, op.cmp = fDate, lt
	case "datelessthanequals":
		op.family, op.cmp = fDate, le
	case "dategreaterthan":
		op.family, op.cmp = fDate, gt
	case "dategreaterthanequals":
		op.family, op.cmp = fDate, ge
	case "bool":
		op.family = fBool
	case "binaryequals":
		op.family = fBinary
	case "ipaddress":
		op.family = fIP
	case "notipaddress":
		op.family, op.negated = fIP, true
	case "arnequals", "arnlike":
		op.family = fARN
	case "arnnotequals", "arnnotlike":
		op.family, op.negated = fARN, true
	case "null":
		// Null tests presence itself: IAM allows neither IfExists nor a
		// set operator on it.
		op.family = fNull
		return op, !op.ifExists && op.set == single
	default:
		return op, false
	}
	return op, true
}

// value is one policy value of a condition, prepared at Parse time.
type value struct {
	parts []part // for string, ARN and Bool families: literals, wildcards, variables
	fixed bool   // parts hold no variable: str is the value
	str   string // the literal value (fixed string families)
	num   float64
	t     time.Time
	pfx   netip.Prefix
	null  bool   // Null: "true"
	raw   string // as the policy writes it, for Explain
}

// cond is one key of one operator: "StringEquals": {"key": [values]}.
type cond struct {
	op     operator
	key    string
	values []value
	vars   bool // some value holds a policy variable
}

// newCond prepares a condition; vars enables policy variables. It returns
// a reason when a value cannot be used with the operator.
func newCond(op operator, key string, raws []string, vars bool) (cond, string) {
	c := cond{op: op, key: key, values: make([]value, 0, len(raws))}
	for _, raw := range raws {
		v := value{raw: raw}
		switch op.family {
		case fString, fStringFold, fBool, fBinary:
			v.parts = compile(raw, false, vars && op.family != fBinary)
		case fStringLike, fARN:
			v.parts = compile(raw, true, vars)
		case fNumeric:
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return c, "Invalid number in condition " + op.name + ": " + strconv.Quote(raw)
			}
			v.num = n
		case fDate:
			t, ok := parseDate(raw)
			if !ok {
				return c, "Invalid date in condition " + op.name + ": " + strconv.Quote(raw)
			}
			v.t = t
		case fIP:
			p, ok := parsePrefix(raw)
			if !ok {
				return c, "Invalid IP address in condition " + op.name + ": " + strconv.Quote(raw)
			}
			v.pfx = p
		case fNull:
			switch strings.ToLower(raw) {
			case "true":
				v.null = true
			case "false":
			default:
				return c, "Invalid value for Null condition: " + strconv.Quote(raw) + " (must be true or false)"
			}
		}
		v.fixed = !hasVar(v.parts)
		if v.fixed {
			v.str, _ = literal(v.parts)
		} else {
			c.vars = true
		}
		c.values = append(c.values, v)
	}
	return c, ""
}

func hasVar(ps []part) bool {
	for _, p := range ps {
		if p.kind == vari {
			return true
		}
	}
	return false
}

// eval evaluates the condition against the request context of r. It
// reports false when a policy variable cannot be resolved.
func (c *cond) eval(r *Request) bool {
	got := lookup(r.Context, c.key)
	if c.op.family == fNull {
		absent := len(got) == 0
		for i := range c.values {
			if c.values[i].null == absent {
				return true
			}
		}
		return false
	}
	vals := c.values
	if c.vars {
		var ok bool
		if vals, ok = c.resolve(r); !ok {
			// IAM's advice against unresolvable variables is IfExists.
			return len(got) == 0 && c.op.ifExists
		}
	}
	if len(got) == 0 || c.op.set != single && nullSet(got) {
		switch {
		case c.op.ifExists:
			return true
		case c.op.set == anyValue:
			return false
		case c.op.set == allValues:
			return true
		}
		return c.op.negated
	}
	switch c.op.set {
	case anyValue:
		for _, g := range got {
			if c.matchAny(g, vals) != c.op.negated {
				return true
			}
		}
		return false
	case allValues:
		for _, g := range got {
			if c.matchAny(g, vals) == c.op.negated {
				return false
			}
		}
		return true
	}
	for _, g := range got {
		if c.matchAny(g, vals) {
			return !c.op.negated
		}
	}
	return c.op.negated
}

// nullSet reports whether the values got of a condition key are what the
// IAM User Guide calls a null dataset ("Multivalued context key
// examples": ForAllValues "also returns true if there are no context keys
// in the request, or if the context key value resolves to a null dataset,
// such as an empty string", and ForAnyValue returns false then): no value,
// or a single empty string. The set operators read a key so; the
// single-valued operators compare an empty string as any other value
// (StringEquals "" matches it), and Null takes a key with an empty value
// (a tag's, which may be empty) as present: the guide says so of the set
// operators only.
func nullSet(got []string) bool {
	return len(got) == 0 || len(got) == 1 && got[0] == ""
}

// constrains reports whether the condition fails on a request without
// the key.
func (c *cond) constrains() bool {
	return !c.op.negated && !c.op.ifExists && c.op.set != allValues && c.op.family != fNull
}

// resolve substitutes policy variables from the request context and
// returns the values to compare, or false when a variable has no value.
func (c *cond) resolve(r *Request) ([]value, bool) {
	out := make([]value, len(c.values))
	for i, v := range c.values {
		out[i] = v
		if v.fixed {
			continue
		}
		ps, ok := substitute(v.parts, r)
		if !ok {
			return nil, false
		}
		out[i].parts, out[i].fixed = ps, true
		out[i].str, _ = literal(ps)
	}
	return out, true
}

// resolveVar returns the value of a policy variable in r: the key's single
// value, else its default. A multivalued key has no value as a variable,
// whatever values it has (see multivalued): "you cannot use a multivalued
// context key as a policy variable" (IAM User Guide, "Single-valued vs.
// multivalued context keys"), so it resolves as a missing key does.
func resolveVar(r *Request, p part) (string, bool) {
	if vs := lookup(r.Context, p.text); len(vs) == 1 && !r.multivalued(p.text) {
		return vs[0], true
	}
	return p.def, p.hasDef
}

// multivaluedKeys are the condition keys IAM documents as multivalued
// (ArrayOfString), lower-cased: Cognito's amr (a list in the OpenID token,
// which trust policies test with ForAnyValue), aws:TagKeys,
// aws:PrincipalServiceNamesList, aws:CalledVia and the organization paths.
var multivaluedKeys = map[string]bool{
	"cognito-identity.amazonaws.com:amr": true,
	"aws:tagkeys":                        true,
	"aws:principalservicenameslist":      true,
	"aws:calledvia":                      true,
	"aws:principalorgpaths":              true,
	"aws:resourceorgpaths":               true,
}

// multivalued reports whether key (case-insensitive) is multivalued in r:
// one of multivaluedKeys, or one of r.Lists.
func (r *Request) multivalued(key string) bool {
	if multivaluedKeys[strings.ToLower(key)] {
		return true
	}
	for _, k := range r.Lists {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// matchAny reports whether the request value g matches one of the policy
// values, by the operator's positive comparison.
func (c *cond) matchAny(g string, vals []value) bool {
	switch c.op.family {
	case fString:
		for i := range vals {
			if vals[i].str == g {
				return true
			}
		}
	case fStringFold, fBool:
		for i := range vals {
			if strings.EqualFold(vals[i].str, g) {
				return true
			}
		}
	case fBinary:
		gb, gerr := base64.StdEncoding.DecodeString(g)
		for i := range vals {
			if vals[i].str == g {
				return true
			}
			if vb, err := base64.StdEncoding.DecodeString(vals[i].str); gerr == nil && err == nil && string(vb) == string(gb) {
				return true
			}
		}
	case fStringLike:
		for i := range vals {
			if glob(vals[i].parts, g, false) {
				return true
			}
		}
	case fARN:
		for i := range vals {
			if arnLike(vals[i].parts, g) {
				return true
			}
		}
	case fNumeric:
		n, err := strconv.ParseFloat(g, 64)
		if err != nil {
			return false
		}
		for i := range vals {
			if compare(n, vals[i].num, c.op.cmp) {
				return true
			}
		}
	case fDate:
		t, ok := parseDate(g)
		if !ok {
			return false
		}
		for i := range vals {
			if compare(t.Compare(vals[i].t), 0, c.op.cmp) {
				return true
			}
		}
	case fIP:
		a, err := netip.ParseAddr(g)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range vals {
			if vals[i].pfx.Contains(a) {
				return true
			}
		}
	}
	return false
}

func compare[T int | float64](a, b T, c cmp) bool {
	switch c {
	case lt:
		return a < b
	case le:
		return a <= b
	case gt:
		return a > b
	case ge:
		return a >= b
	}
	return a == b
}

// lookup returns the values of a condition key; keys are
// case-insensitive. The exact spelling is tried first since callers
// usually use the documented one.
func lookup(ctx map[string][]string, key string) []string {
	if vs, ok := ctx[key]; ok {
		return vs
	}
	for k, vs := range ctx {
		if strings.EqualFold(k, key) {
			return vs
		}
	}
	return nil
}

// parseDate parses a date as idpool reads one, in a policy it holds or
// in a request: an epoch time in seconds, an ISO 8601 date in the grammar
// IAM takes (isoDate), or one of the forms earlier idpool versions took,
// which a policy idpool holds may use.
func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		// IAM takes any 64-bit number; time.Time holds seconds from year
		// 1, so the farthest are clamped, still after (or before) every
		// date written otherwise.
		const far = 1 << 62
		return time.Unix(max(-far, min(n, far)), 0).UTC(), true
	}
	if t, ok := isoDate(s); ok {
		return t, true
	}
	layouts := [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05",
		"2006-01-02",
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix parses a CIDR block or a single address.
func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		if a := p.Addr(); a.Is4In6() {
			// ::ffff:a.b.c.d/n is the IPv4 block of n-96 bits.
			if p.Bits() < 96 {
				return netip.Prefix{}, false
			}
			return netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked(), true
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// arnLike matches an ARN against a pattern the way ArnLike does, and the
// way IAM matches Resource elements: when the pattern has six
// colon-separated components, each of the first five is matched on its
// own, so a wildcard never spans a colon before the resource, and the
// resource (everything after the fifth colon) as a whole, where * and ?
// match colons too; other patterns (such as "*" or "arn:aws:s3:*") are
// matched against the whole string.
func arnLike(ps []part, s string) bool {
	comps, ok := splitParts(ps)
	if !ok {
		return glob(ps, s, false)
	}
	return arnComponents(&comps, s)
}

// arnComponents matches an ARN against the six components of a pattern.
func arnComponents(comps *[6][]part, s string) bool {
	for i := range 5 {
		c, rest, found := strings.Cut(s, ":")
		if !found || !glob(comps[i], c, false) {
			return false
		}
		s = rest
	}
	return glob(comps[5], s, false)
}

// splitParts splits a pattern at its first five literal colons into the
// six components of an ARN; ok is false when it has fewer.
func splitParts(ps []part) (comps [6][]part, ok bool) {
	n := 0
	for _, p := range ps {
		if p.kind != lit || n == 5 {
			comps[n] = append(comps[n], p)
			continue
		}
		text := p.text
		for n < 5 {
			before, after, found := strings.Cut(text, ":")
			if !found {
				break
			}
			if before != "" {
				comps[n] = append(comps[n], part{kind: lit, text: before})
			}
			n++
			text = after
		}
		if text != "" {
			comps[n] = append(comps[n], part{kind: lit, text: text})
		}
	}
	return comps, n == 5
}
