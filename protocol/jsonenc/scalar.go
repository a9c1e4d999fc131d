package jsonenc

import (
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

const hexDigits = "0123456789abcdef"

// safeASCII reports, for each byte below utf8.RuneSelf, whether it is
// written as itself inside a JSON string when HTML escaping is off: every
// printable ASCII byte and DEL, but neither '"' nor '\\' nor control bytes.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// AppendString appends s as a JSON string, escaped exactly as
// encoding/json escapes it with HTML escaping off: '"' and '\\' with a
// backslash; \b, \f, \n, \r and \t by name; other control bytes as \u00XX;
// U+2028 and U+2029 as \u2028 and \u2029; and each byte of invalid UTF-8 as
// \ufffd. Everything else, including '<', '>' and '&', is copied.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip runs of safe ASCII a word at a time: most of what
		// outputs carry (ids, ARNs, tokens) is nothing else.
		for i+8 <= len(s) && safeWord(s, i) {
			i += 8
		}
		if i == len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if safeASCII[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// safeWord reports whether the eight bytes of s from i are all safe ASCII
// (see safeASCII). Each test sets a byte's high bit when that byte is
// below 0x20, at or above 0x80, '"' or '\\'. A subtraction borrows only
// out of a byte that fails, so the lowest failing byte is always flagged
// and no unsafe word passes; a borrow can at worst flag a safe byte above
// it, and the byte loop then sorts the word out.
func safeWord(s string, i int) bool {
	w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), len(s))[i:])
	control := (w - 0x20*ones) &^ w
	q := w ^ ('"' * ones)
	quote := (q - ones) &^ q
	bs := w ^ ('\\' * ones)
	backslash := (bs - ones) &^ bs
	return (control|w|quote|backslash)&high == 0
}

// appendFloat appends f as encoding/json writes a float of the given bit
// size: the shortest decimal that reads back as the same value, in plain
// form for magnitudes in [1e-6, 1e21) and zero, otherwise in exponent form
// with the exponent unpadded (1e-7, not 1e-07). The cut-offs are compared in
// the float's own precision, as encoding/json does. NaN and infinities have
// no JSON form; the caller must refuse them.
func appendFloat(dst []byte, f float64, bits int) []byte {
	if bits == 64 {
		if b, ok := appendMillis(dst, f); ok {
			return b
		}
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 {
		if bits == 64 && (a < 1e-6 || a >= 1e21) ||
			bits == 32 && (float32(a) < 1e-6 || float32(a) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// strconv pads the exponent to two digits; JSON writers do not.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// maxMillis bounds the magnitude appendMillis handles. Below it the gap
// between adjacent float64 values is under 2^-16, far finer than the
// 10^-4 that separates a decimal of at most three fractional digits from
// any other decimal with no more significant digits; so when such a
// decimal reads back as f, it is the shortest that does, the one
// strconv would find.
const maxMillis = 1e11

// appendMillis appends f in plain form when it is a whole number of
// thousandths (what protocol.Time holds) of magnitude below maxMillis,
// with the digits strconv.AppendFloat(dst, f, 'f', -1, 64) writes but
// without its shortest-digits search. It reports false, appending
// nothing, for any other f, zero included (whose sign strconv keeps).
func appendMillis(dst []byte, f float64) ([]byte, bool) {
	if !(f > -maxMillis && f < maxMillis) || f == 0 {
		return dst, false
	}
	n := math.Round(f * 1000)
	// Division is correctly rounded, as is reading the decimal n/1000,
	// so equality proves the decimal reads back as f.
	if n/1000 != f {
		return dst, false
	}
	m := int64(n)
	if m < 0 {
		dst = append(dst, '-')
		m = -m
	}
	dst = strconv.AppendInt(dst, m/1000, 10)
	frac := m % 1000
	if frac == 0 {
		return dst, true
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	k := 3
	for digits[k-1] == '0' {
		k--
	}
	dst = append(dst, '.')
	return append(dst, digits[:k]...), true
}
