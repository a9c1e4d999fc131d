package policy

import (
	"strings"
)

// unmet says why the condition c, which r does not meet, fails: the
// values it wants for its key and those of the request, or that the
// request lacks the key, naming the request's key whose name is a near
// miss of it (cognito-identity.amazon.com:amr for
// cognito-identity.amazonaws.com:amr), the likely typo:
//
//	condition StringEquals on cognito-identity.amazonaws.com:aud wants us-east-1:1600…; this request's is us-east-1:2402…
//	condition ForAnyValue:StringLike on cognito-identity.amazon.com:amr: the request has no key cognito-identity.amazon.com:amr (did you mean cognito-identity.amazonaws.com:amr?)
func (c *cond) unmet(r *Request) string {
	head := "condition " + c.op.name + " on " + c.key
	got := lookup(r.Context, c.key)
	if c.op.family == fNull {
		if len(got) == 0 {
			return head + " wants the key present; the request has no key " + c.key + nearMiss(r, c.key)
		}
		return head + " wants the key absent; this request's is " + strings.Join(got, ", ")
	}
	vals := c.values
	if c.vars {
		var ok bool
		if vals, ok = c.resolve(r); !ok {
			return head + ": a policy variable of its values has no single value in the request (see the IAM User Guide on policy variables)"
		}
	}
	raws := make([]string, len(vals))
	for i, v := range vals {
		raws[i] = v.raw
		if v.fixed && v.parts != nil {
			raws[i] = pattern(v.parts)
		}
	}
	want := " wants "
	switch {
	case c.op.negated:
		want += "none of "
	case len(raws) > 1:
		want += "one of "
	}
	if len(got) == 0 {
		return head + want + strings.Join(raws, ", ") + "; the request has no key " + c.key + nearMiss(r, c.key)
	}
	if c.op.set != single && nullSet(got) {
		// The key is there, with an empty value: a set operator reads it
		// as no value at all (see nullSet), a single-valued one does not.
		return head + want + strings.Join(raws, ", ") + `; this request's is "", which a set operator reads as no value`
	}
	is := "; this request's is "
	if len(got) > 1 {
		is = "; this request's are "
	}
	return head + want + strings.Join(raws, ", ") + is + shownValues(got)
}

// pattern writes a value's parts, its variables resolved, as a policy
// would: literals as they are, wildcards as * and ?. A value that is a
// pattern (StringLike's repo:octo-org/octo-repo:*) has no literal str,
// and is shown so rather than as nothing.
func pattern(ps []part) string {
	var b strings.Builder
	for _, p := range ps {
		switch p.kind {
		case star:
			b.WriteByte('*')
		case one:
			b.WriteByte('?')
		default:
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// shownValues joins the values of a request's key for a reason, an empty
// one as "" so that a key present with an empty value (a tag's may be
// empty) does not read as one without values.
func shownValues(got []string) string {
	shown := make([]string, len(got))
	for i, g := range got {
		shown[i] = g
		if g == "" {
			shown[i] = `""`
		}
	}
	return strings.Join(shown, ", ")
}

// nearMiss returns " (did you mean <key>?)" for the key of r's context
// whose name is nearest to key's, when it is near enough to be a typo of
// it: at most 3 edits apart, or a quarter of key's length with the same
// name after the last colon (amr, aud, sub). It returns "" when there is
// none.
func nearMiss(r *Request, key string) string {
	best, bestD := "", -1
	lower := strings.ToLower(key)
	_, name, _ := cutLast(lower, ":")
	for k := range r.Context {
		lk := strings.ToLower(k)
		if lk == lower {
			continue
		}
		d := EditDistance(lower, lk)
		_, kname, _ := cutLast(lk, ":")
		if d > 3 && (kname != name || d > len(lower)/4) {
			continue
		}
		if bestD < 0 || d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// cutLast slices s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// EditDistance is the Levenshtein distance of a and b, in bytes: how near
// a misspelt name is to a known one.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
