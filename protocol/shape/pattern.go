package shape

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// posixClasses maps Java's POSIX property names to Go's ASCII classes,
// written for use inside a bracket expression.
var posixClasses = map[string]string{
	"Lower":  "[:lower:]",
	"Upper":  "[:upper:]",
	"ASCII":  "[:ascii:]",
	"Alpha":  "[:alpha:]",
	"Digit":  "[:digit:]",
	"Alnum":  "[:alnum:]",
	"Punct":  "[:punct:]",
	"Graph":  "[:graph:]",
	"Print":  "[:print:]",
	"Blank":  "[:blank:]",
	"Cntrl":  "[:cntrl:]",
	"XDigit": "[:xdigit:]",
	"Space":  "[:space:]",
}

// translate rewrites a Java regular expression into Go's RE2 syntax where
// the two differ in ways the AWS models use:
//
//   - \uXXXX (exactly four hex digits, as Java reads it; a surrogate pair
//     becomes one code point) → \x{XXXX}
//   - \s and \S include the vertical tab in Java → add \v
//   - \p{Alpha} and the other POSIX names → [:alpha:]; \p{IsL} → \p{L}
//   - \Z → \z
//   - possessive quantifiers (*+, ++, ?+, {n}+) → greedy ones, which
//     match the same strings for whole-value matching of these patterns
//
// Anything else is passed through; constructs RE2 lacks (lookaround,
// backreferences) make the compile fail and the pattern is skipped.
func translate(p string) string {
	var b strings.Builder
	b.Grow(len(p) + 8)
	depth := 0 // bracket-expression nesting
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			e := p[i]
			switch e {
			case 'u':
				r, n, ok := javaUnicode(p[i-1:])
				if !ok {
					b.WriteString(`\u`)
					continue
				}
				b.WriteString(`\x{`)
				b.WriteString(strconv.FormatInt(int64(r), 16))
				b.WriteByte('}')
				i += n - 2
			case 's':
				if depth > 0 {
					b.WriteString(`\s\v`)
				} else {
					b.WriteString(`[\s\v]`)
				}
			case 'S':
				if depth > 0 {
					b.WriteString(`\S`) // RE2 cannot subtract \v inside a class
				} else {
					b.WriteString(`[^\s\v]`)
				}
			case 'Z':
				b.WriteString(`\z`)
			case 'p', 'P':
				name, n := braced(p[i+1:])
				if n == 0 {
					b.WriteByte('\\')
					b.WriteByte(e)
					continue
				}
				i += n
				if cls, ok := posixClasses[name]; ok && e == 'p' {
					if depth > 0 {
						b.WriteString(cls)
					} else {
						b.WriteString("[" + cls + "]")
					}
					continue
				}
				if cls, ok := posixClasses[name]; ok { // \P{Alpha}
					neg := "[:^" + cls[2:]
					if depth > 0 {
						b.WriteString(neg)
					} else {
						b.WriteString("[" + neg + "]")
					}
					continue
				}
				name = strings.TrimPrefix(name, "Is")
				b.WriteByte('\\')
				b.WriteByte(e)
				b.WriteString("{" + name + "}")
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case c == '[':
			depth++
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal in both dialects.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case c == ']' && depth > 0:
			depth--
			b.WriteByte(c)
		case depth == 0 && (c == '*' || c == '+' || c == '?' || c == '}'):
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '+' && (c != '?' || !afterGroupOpen(p, i)) {
				i++ // possessive → greedy
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// afterGroupOpen reports whether the '?' at p[i] opens a group construct
// such as "(?i)" rather than quantifying.
func afterGroupOpen(p string, i int) bool { return i > 0 && p[i-1] == '(' }

// javaUnicode reads "\uXXXX" (and a following low surrogate "\uXXXX") at
// the start of s, returning the code point and the bytes consumed.
func javaUnicode(s string) (rune, int, bool) {
	hex4 := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(s[2:6], 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex4(s)
	if !ok {
		return 0, 0, false
	}
	if utf16.IsSurrogate(r) {
		if lo, ok := hex4(s[6:]); ok {
			if c := utf16.DecodeRune(r, lo); c != '\uFFFD' {
				return c, 12, true
			}
		}
	}
	return r, 6, true
}

// braced returns the name inside a leading "{…}" and the bytes consumed
// (0 when s does not start with a brace pair).
func braced(s string) (string, int) {
	if len(s) == 0 || s[0] != '{' {
		return "", 0
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return "", 0
	}
	return s[1:end], end + 1
}
