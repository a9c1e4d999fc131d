package policy

import (
	"strings"
	"unicode/utf8"
)

// kind is the kind of one piece of a policy value.
type kind uint8

const (
	lit  kind = iota // literal text
	star             // * : any run of characters
	one              // ? : exactly one character
	vari             // ${key} or ${key, 'default'}: a policy variable
)

// part is one piece of a policy value: literal text, a wildcard, or a
// variable to resolve from the request.
type part struct {
	kind kind
	text string // the literal (lit) or the variable's key (vari)
	def  string // the variable's default
	// hasDef tells ${key, ''} (an empty default) from ${key}.
	hasDef bool
}

// glob reports whether s matches the pattern ps, whose parts are lit, star
// and one only. With fold, literals are compared ASCII case-insensitively
// (action names). The algorithm backtracks to the last star only, which is
// enough for patterns made of literals and wildcards and keeps matching
// linear in practice.
func glob(ps []part, s string, fold bool) bool {
	i, j := 0, 0
	starI, starJ := -1, 0
	for {
		if i < len(ps) {
			p := ps[i]
			switch p.kind {
			case star:
				starI, starJ = i, j
				i++
				continue
			case one:
				if j < len(s) {
					_, n := utf8.DecodeRuneInString(s[j:])
					i++
					j += n
					continue
				}
			default:
				if hasPrefix(s[j:], p.text, fold) {
					i++
					j += len(p.text)
					continue
				}
			}
		} else if j == len(s) {
			return true
		}
		// Mismatch: let the last star swallow one more character.
		if starI < 0 || starJ >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starJ:])
		starJ += n
		i, j = starI+1, starJ
	}
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// compile splits a policy value into parts. With wild, * and ? are
// wildcards; otherwise they are literal. With vars, ${…} is a policy
// variable (Version 2012-10-17); otherwise it is literal text.
func compile(s string, wild, vars bool) []part {
	var ps []part
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			ps = append(ps, part{kind: lit, text: b.String()})
			b.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case wild && c == '*':
			flush()
			if len(ps) == 0 || ps[len(ps)-1].kind != star { // ** is *
				ps = append(ps, part{kind: star})
			}
			i++
		case wild && c == '?':
			flush()
			ps = append(ps, part{kind: one})
			i++
		case vars && c == '$' && strings.HasPrefix(s[i:], "${"):
			v, n, ok := variable(s[i:])
			if !ok {
				b.WriteByte(c)
				i++
				continue
			}
			if v.kind == lit {
				b.WriteString(v.text)
			} else {
				flush()
				ps = append(ps, v)
			}
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	flush()
	return ps
}

// variable parses the policy variable at the start of s ("${…}") and
// returns it with its length. ${*}, ${?} and ${$} are the literal
// characters. A default is written ${key, 'text'}, in which a quote is
// doubled.
// ok is false when s does not start with a well-formed variable, in which
// case the text is kept literally.
func variable(s string) (p part, n int, ok bool) {
	body := s[2:]
	// Find the closing brace, skipping over a quoted default.
	end, quoted := -1, false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\'':
			quoted = !quoted // '' inside a default toggles twice: harmless
		case '}':
			if !quoted {
				end = i
			}
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		return part{}, 0, false
	}
	inner := strings.TrimSpace(body[:end])
	n = 2 + end + 1
	switch inner {
	case "*", "?", "$":
		return part{kind: lit, text: inner}, n, true
	case "":
		return part{}, 0, false
	}
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " '") {
		return part{}, 0, false
	}
	p = part{kind: vari, text: key}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return part{}, 0, false
		}
		d := def[1 : len(def)-1]
		// Inside the quotes a quote must be doubled.
		if strings.Count(d, "'")%2 != 0 || strings.Contains(strings.ReplaceAll(d, "''", ""), "'") {
			return part{}, 0, false
		}
		p.def, p.hasDef = strings.ReplaceAll(d, "''", "'"), true
	}
	return p, n, true
}

// literal returns the text of parts that are all literals, and false if
// any part is a wildcard or a variable.
func literal(ps []part) (string, bool) {
	switch len(ps) {
	case 0:
		return "", true
	case 1:
		return ps[0].text, ps[0].kind == lit
	}
	var b strings.Builder
	for _, p := range ps {
		if p.kind != lit {
			return "", false
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}
