package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// JWT is a decoded, UNVERIFIED JSON Web Token. JSON numbers in Header and
// Claims are json.Number, so no precision is lost.
type JWT struct {
	Header map[string]any
	Claims map[string]any // never nil after Parse
	Raw    string
}

// Parse decodes a compact JWS: three unpadded base64url segments, a JSON
// object header with a non-empty string "alg", a JSON object payload and a
// signature segment that may be empty (unsigned tokens are decoded too; the
// signature is never checked here). Anything else, or a token longer than
// 64 KiB, yields an error wrapping ErrMalformed.
func Parse(raw string) (*JWT, error) {
	if len(raw) > maxTokenSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, maxTokenSize)
	}
	h, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.IndexByte(sig, '.') >= 0 {
		return nil, fmt.Errorf("%w: not a compact JWS of three segments", ErrMalformed)
	}
	header, err := decodeObject("header", h)
	if err != nil {
		return nil, err
	}
	if alg, _ := header["alg"].(string); alg == "" {
		return nil, fmt.Errorf("%w: header has no alg", ErrMalformed)
	}
	claims, err := decodeObject("payload", p)
	if err != nil {
		return nil, err
	}
	if !isBase64URL(sig) {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformed)
	}
	if _, err := b64.DecodeString(sig); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrMalformed, err)
	}
	return &JWT{Header: header, Claims: claims, Raw: raw}, nil
}

// b64 is strict: it refuses padding and non-zero trailing bits, so one
// token has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// decodeObject decodes one base64url segment holding exactly one JSON object.
func decodeObject(what, seg string) (map[string]any, error) {
	if seg == "" || !isBase64URL(seg) {
		return nil, fmt.Errorf("%w: %s is not base64url", ErrMalformed, what)
	}
	b, err := b64.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object", ErrMalformed, what)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s has data after its JSON object", ErrMalformed, what)
	}
	return m, nil
}

// isBase64URL reports whether s uses only the base64url alphabet (the
// standard decoder would skip CR and LF).
func isBase64URL(s string) bool {
	for j := 0; j < len(s); j++ {
		c := s[j]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Claim returns the named claim.
func (t *JWT) Claim(name string) (any, bool) {
	v, ok := t.Claims[name]
	return v, ok
}

func (t *JWT) str(name string) string {
	s, _ := t.Claims[name].(string)
	return s
}

// Issuer returns "iss", or "" when absent or not a string.
func (t *JWT) Issuer() string { return t.str("iss") }

// Subject returns "sub", or "" when absent or not a string.
func (t *JWT) Subject() string { return t.str("sub") }

// AuthorizedParty returns "azp", or "" when absent or not a string.
func (t *JWT) AuthorizedParty() string { return t.str("azp") }

// Audiences returns "aud", which RFC 7519 allows as one string or an array
// of strings; non-string elements are skipped, and an empty or absent aud
// gives nil.
func (t *JWT) Audiences() []string {
	switch v := t.Claims["aud"].(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

// Expiry returns "exp" as a time, false when absent or not a NumericDate.
func (t *JWT) Expiry() (time.Time, bool) { return numericDate(t.Claims["exp"]) }

// NotBefore returns "nbf" as a time, false when absent or not a NumericDate.
func (t *JWT) NotBefore() (time.Time, bool) { return numericDate(t.Claims["nbf"]) }

// IssuedAt returns "iat" as a time, false when absent or not a NumericDate.
func (t *JWT) IssuedAt() (time.Time, bool) { return numericDate(t.Claims["iat"]) }

// maxSeconds bounds NumericDates to about ±285 million years, inside what
// time.Time and float64 represent exactly.
const maxSeconds = 1 << 53

// numericDate converts a JSON number of seconds since the epoch (integer or
// fractional, RFC 7519 §2) to a UTC time.
func numericDate(v any) (time.Time, bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			if i > maxSeconds || i < -maxSeconds {
				return time.Time{}, false
			}
			return time.Unix(i, 0).UTC(), true
		}
		var err error
		if f, err = strconv.ParseFloat(string(n), 64); err != nil {
			return time.Time{}, false
		}
	case float64:
		f = n
	case int64:
		f = float64(n)
	case int:
		f = float64(n)
	default:
		return time.Time{}, false
	}
	if math.IsNaN(f) || f > maxSeconds || f < -maxSeconds {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), true
}

// StringClaim returns the named claim as text for comparisons such as role
// mapping rules: a string as is, a number as written in the token, a boolean
// as "true" or "false". Arrays, objects, null and absent claims give false.
func (t *JWT) StringClaim(name string) (string, bool) {
	switch v := t.Claims[name].(type) {
	case string:
		return v, true
	case json.Number:
		return string(v), true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}
