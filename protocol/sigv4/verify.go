package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const unsignedPayload = "UNSIGNED-PAYLOAD"

// Verify checks sig, parsed from r, against the secret access key at time
// now. body is the request body already read. It returns nil when the
// signature verifies; otherwise an error wrapping ErrMalformed (unparseable
// date), ErrExpired (date outside the window) or ErrSignatureMismatch.
func Verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time) error {
	return verify(r, body, sig, secret, now, nil)
}

// Verifier is Verify with a bounded cache of signing keys, which saves four
// of the five HMACs per request for a client that keeps signing with the
// same key on the same day. It is safe for concurrent use.
type Verifier struct {
	mu   sync.RWMutex
	keys map[scope][32]byte
	max  int
}

type scope struct{ secret, date, region, service string }

// NewVerifier returns a Verifier caching at most size signing keys
// (1024 when size <= 0).
func NewVerifier(size int) *Verifier {
	if size <= 0 {
		size = 1024
	}
	return &Verifier{keys: make(map[scope][32]byte), max: size}
}

// Verify is the package-level Verify with signing keys cached.
func (v *Verifier) Verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time) error {
	return verify(r, body, sig, secret, now, v)
}

func (v *Verifier) signingKey(secret string, sig *Signature) [32]byte {
	k := scope{secret, sig.Date, sig.Region, sig.Service}
	v.mu.RLock()
	key, ok := v.keys[k]
	v.mu.RUnlock()
	if ok {
		return key
	}
	key = signingKey(secret, sig.Date, sig.Region, sig.Service)
	v.mu.Lock()
	if len(v.keys) >= v.max {
		for old := range v.keys { // evict one arbitrary entry
			delete(v.keys, old)
			break
		}
	}
	v.keys[k] = key
	v.mu.Unlock()
	return key
}

func verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time, cache *Verifier) error {
	t, err := parseTime(sig.AmzDate)
	if err != nil {
		return fail(ErrMalformed, "Date must be in ISO-8601 'basic format'. Got '"+sig.AmzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	var stampBuf [16]byte
	stamp := t.AppendFormat(stampBuf[:0], TimeFormat)
	if string(stamp[:8]) != sig.Date {
		return fail(ErrSignatureMismatch, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			sig.Date+"' != '"+string(stamp[:8])+"', from '"+string(stamp)+"'.")
	}
	if err := checkTime(t, sig, now); err != nil {
		return err
	}

	var key [32]byte
	if cache != nil {
		key = cache.signingKey(secret, sig)
	} else {
		key = signingKey(secret, sig.Date, sig.Region, sig.Service)
	}

	payload := r.Header.Get("X-Amz-Content-Sha256")
	var hashBuf [64]byte
	if payload == "" {
		sum := sha256.Sum256(body)
		hex.Encode(hashBuf[:], sum[:])
		payload = string(hashBuf[:]) // short, and compared only once
	}
	if match(r, sig, key, stamp, payload) {
		return nil
	}
	// Presigned URLs may sign the literal UNSIGNED-PAYLOAD (S3-style
	// clients do), since the URL is made before any body exists.
	if sig.Presigned && r.Header.Get("X-Amz-Content-Sha256") == "" && match(r, sig, key, stamp, unsignedPayload) {
		return nil
	}
	return fail(ErrSignatureMismatch, "The request signature we calculated does not match the signature you provided. "+
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

// match recomputes the signature over the canonical request with the given
// payload hash and compares it in constant time.
func match(r *http.Request, sig *Signature, key [32]byte, stamp []byte, payload string) bool {
	var crBuf [1024]byte
	cr := canonicalRequest(crBuf[:0], r, sig, payload)
	crHash := sha256.Sum256(cr)

	var stsBuf [256]byte
	sts := append(stsBuf[:0], Algorithm...)
	sts = append(sts, '\n')
	sts = append(sts, stamp...)
	sts = append(sts, '\n')
	sts = appendScope(sts, sig)
	sts = append(sts, '\n')
	sts = hex.AppendEncode(sts, crHash[:])

	got := hmacSHA256(key[:], sts)
	return hmac.Equal(got[:], sig.Signature)
}

func appendScope(b []byte, sig *Signature) []byte {
	b = append(b, sig.Date...)
	b = append(b, '/')
	b = append(b, sig.Region...)
	b = append(b, '/')
	b = append(b, sig.Service...)
	return append(b, "/aws4_request"...)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(TimeFormat, s)
	if err == nil {
		return t, nil
	}
	if t, err2 := http.ParseTime(s); err2 == nil {
		return t.UTC(), nil
	}
	return time.Time{}, err
}

// checkTime applies the validity window: MaxSkew either way for the header
// form (and for presigned URLs without X-Amz-Expires), date+Expires for
// presigned URLs, which must also not be dated in the future beyond MaxSkew.
func checkTime(t time.Time, sig *Signature, now time.Time) error {
	now = now.UTC()
	if t.Sub(now) > MaxSkew {
		return fail(ErrExpired, "Signature not yet current: "+t.Format(TimeFormat)+" is still later than "+
			now.Add(MaxSkew).Format(TimeFormat)+" ("+now.Format(TimeFormat)+" + 15 min.)")
	}
	if sig.Presigned && sig.Expires > 0 {
		if end := t.Add(sig.Expires); now.After(end) {
			return fail(ErrExpired, "Signature expired: "+end.Format(TimeFormat)+" is now earlier than "+
				now.Format(TimeFormat)+" ("+t.Format(TimeFormat)+" + "+strconv.FormatInt(int64(sig.Expires/time.Second), 10)+" sec.)")
		}
		return nil
	}
	if now.Sub(t) > MaxSkew {
		return fail(ErrExpired, "Signature expired: "+t.Format(TimeFormat)+" is now earlier than "+
			now.Add(-MaxSkew).Format(TimeFormat)+" ("+now.Format(TimeFormat)+" - 15 min.)")
	}
	return nil
}

// canonicalRequest appends the SigV4 canonical request to b:
// method, URI, query, headers, signed header list and payload hash.
func canonicalRequest(b []byte, r *http.Request, sig *Signature, payload string) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = appendURI(b, rawPath(r))
	b = append(b, '\n')
	b = appendQuery(b, r.URL.RawQuery, sig.Presigned)
	b = append(b, '\n')
	for _, name := range sig.SignedHeaders {
		b = appendLower(b, name)
		b = append(b, ':')
		b = appendHeader(b, r, name)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, sig.signedHeaders...)
	b = append(b, '\n')
	return append(b, payload...)
}

// rawPath returns the path exactly as the client sent it: SDKs sign the
// escaped path they put on the wire, and re-escaping a decoded path could
// differ from it.
func rawPath(r *http.Request) string {
	p := r.RequestURI
	if p != "" && p[0] != '/' {
		// Absolute form ("http://host/path?q"): keep from the path on.
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
			if j := strings.IndexByte(p, '/'); j >= 0 {
				p = p[j:]
			} else {
				p = ""
			}
		} else {
			p = ""
		}
	}
	if p == "" && r.URL != nil {
		return r.URL.EscapedPath()
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// appendURI escapes every byte of the (already escaped) path except
// unreserved characters and '/', which is how SDKs build the canonical URI
// for services other than S3: "%3A" in the path becomes "%253A".
func appendURI(b []byte, p string) []byte {
	if p == "" {
		return append(b, '/')
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperhex[c>>4], upperhex[c&15])
	}
	return b
}

const upperhex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperhex[c>>4], upperhex[c&15])
	}
	return b
}

type param struct{ key, value string }

// appendQuery appends the canonical query string: every parameter decoded
// and re-encoded with RFC 3986 rules (space as %20), sorted by encoded key
// then value; X-Amz-Signature is left out of presigned URLs.
func appendQuery(b []byte, raw string, presigned bool) []byte {
	if raw == "" {
		return b
	}
	var arr [16]param
	params := arr[:0]
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = unescape(k)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		params = append(params, param{
			key:   string(appendEscaped(nil, k)),
			value: string(appendEscaped(nil, unescape(v))),
		})
	}
	slices.SortFunc(params, func(a, b param) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	for i, p := range params {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return b
}

// unescape decodes a query component like url.QueryUnescape; a malformed
// escape is kept literally, so a bad query yields a mismatch, not a panic.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return u
}

func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// appendHeader appends the canonical value of the named header: all its
// values trimmed, inner runs of spaces collapsed, joined by ','. Host comes
// from r.Host, where net/http moves it.
func appendHeader(b []byte, r *http.Request, name string) []byte {
	if strings.EqualFold(name, "host") || name == ":authority" {
		return appendTrimmed(b, r.Host)
	}
	first := true
	found := false
	for k, vs := range r.Header {
		if !strings.EqualFold(k, name) {
			continue
		}
		found = true
		for _, v := range vs {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendTrimmed(b, v)
		}
	}
	if !found && strings.EqualFold(name, "content-length") && r.ContentLength >= 0 {
		b = strconv.AppendInt(b, r.ContentLength, 10)
	}
	return b
}

func appendTrimmed(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, c)
	}
	return b
}

// signingKey derives HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request").
func signingKey(secret, date, region, service string) [32]byte {
	var kb [128]byte
	k := append(append(kb[:0], "AWS4"...), secret...)
	var mb [64]byte
	key := hmacSHA256(k, append(mb[:0], date...))
	key = hmacSHA256(key[:], append(mb[:0], region...))
	key = hmacSHA256(key[:], append(mb[:0], service...))
	return hmacSHA256(key[:], append(mb[:0], "aws4_request"...))
}

// hmacSHA256 is RFC 2104 HMAC over SHA-256, written against sha256.Sum256
// so that the whole computation stays on the stack for the short messages
// SigV4 signs (crypto/hmac allocates two digests per call).
func hmacSHA256(key, msg []byte) [32]byte {
	const block = 64
	var k [block]byte
	if len(key) > block {
		sum := sha256.Sum256(key)
		copy(k[:], sum[:])
	} else {
		copy(k[:], key)
	}
	var ib [block + 256]byte
	inner := ib[:block]
	for i := range k {
		inner[i] = k[i] ^ 0x36
	}
	inner = append(inner, msg...)
	ih := sha256.Sum256(inner)

	var ob [block + sha256.Size]byte
	for i := range k {
		ob[i] = k[i] ^ 0x5c
	}
	copy(ob[block:], ih[:])
	return sha256.Sum256(ob[:])
}
