package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idpool/idpool/protocol"
)

const unsignedPayload = "UNSIGNED-PAYLOAD"

// Verify checks sig, parsed from r, against the secret access key at time
// now. body is the request body already read. window is how far the
// request's date may be from now either way, the service's own (AWS's
// services differ: 15 minutes for most, 5 for Cognito Sync); MaxSkew when
// it is 0 or less. It returns nil when the signature verifies; otherwise an
// error wrapping ErrMalformed (unparseable date), ErrExpired (date outside
// the window) or ErrSignatureMismatch.
func Verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time, window time.Duration) error {
	return verify(r, body, sig, secret, now, window, nil)
}

// Verifier is Verify with a bounded cache of signing keys, which saves four
// of the five HMACs per request for a client that keeps signing with the
// same key on the same day. It is safe for concurrent use.
type Verifier struct {
	// last is the entry used most recently: most traffic comes from few
	// keys, and checking it needs neither the lock nor a map hash.
	last atomic.Pointer[cachedKey]
	mu   sync.RWMutex
	keys map[scope]*cachedKey
	max  int
}

type scope struct{ secret, date, region, service string }

// cachedKey is a derived signing key with the scope it was derived for.
// Entries are immutable once published.
type cachedKey struct {
	scope
	key [32]byte
}

// NewVerifier returns a Verifier caching at most size signing keys
// (1024 when size <= 0).
func NewVerifier(size int) *Verifier {
	if size <= 0 {
		size = 1024
	}
	return &Verifier{keys: make(map[scope]*cachedKey), max: size}
}

// Verify is the package-level Verify with signing keys cached.
func (v *Verifier) Verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time, window time.Duration) error {
	return verify(r, body, sig, secret, now, window, v)
}

// signingKey returns the signing key for secret and sig's scope. A key is a
// pure function of its scope, so an entry that is stale in the sense of
// evicted or replaced is still correct, and races between goroutines can
// only cost a redundant derivation.
func (v *Verifier) signingKey(secret string, sig *Signature) [32]byte {
	k := scope{secret, sig.Date, sig.Region, sig.Service}
	if e := v.last.Load(); e != nil && e.scope == k {
		return e.key
	}
	v.mu.RLock()
	e, ok := v.keys[k]
	v.mu.RUnlock()
	if !ok {
		// The scope's strings are slices of the Authorization header;
		// cloning them keeps the cache from pinning whole headers.
		k.date, k.region, k.service = strings.Clone(k.date), strings.Clone(k.region), strings.Clone(k.service)
		e = &cachedKey{scope: k, key: signingKey(secret, sig.Date, sig.Region, sig.Service)}
		v.mu.Lock()
		if len(v.keys) >= v.max {
			for old := range v.keys { // evict one arbitrary entry
				delete(v.keys, old)
				break
			}
		}
		v.keys[k] = e
		v.mu.Unlock()
	}
	v.last.Store(e)
	return e.key
}

// scratch is the per-call working memory of verify, pooled so that a
// canonical request longer than a stack buffer (session tokens alone are
// several hundred bytes) costs no allocation.
type scratch struct {
	buf    []byte
	params []param
}

// maxPooled is the largest canonical request buffer kept for reuse, so that
// one huge request does not pin its buffer in the pool.
const maxPooled = 16 << 10

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]byte, 0, 2048)} }}

func verify(r *http.Request, body []byte, sig *Signature, secret string, now time.Time, window time.Duration, cache *Verifier) error {
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
	if err := checkTime(t, now, window); err != nil {
		return err
	}
	if err := checkSigned(r, sig); err != nil {
		return err
	}

	var key [32]byte
	if cache != nil {
		key = cache.signingKey(secret, sig)
	} else {
		key = signingKey(secret, sig.Date, sig.Region, sig.Service)
	}

	sc := scratchPool.Get().(*scratch)
	cr := canonicalPrefix(sc.buf[:0], r, sig, sc)
	n := len(cr)
	declared := header(r.Header, "X-Amz-Content-Sha256")
	sum := sha256.Sum256(body)
	cr = hex.AppendEncode(cr, sum[:])
	// A declared hash is signed (checkSigned), but it must also be the
	// body's: otherwise a captured request could carry another body under
	// its signed hash. That holds for UNSIGNED-PAYLOAD too: only S3 takes
	// it, and these services sign the body's hash whatever the header says.
	ok := declared == "" || string(cr[n:]) == declared
	bodyOK := ok
	ok = ok && match(cr, sig, key, stamp)
	// A presigned URL may sign the literal UNSIGNED-PAYLOAD (S3-style
	// clients do), since it is made before any body exists; then it
	// carries none, or the signature would not cover what the request does.
	if !ok && sig.Presigned && declared == "" && len(body) == 0 {
		cr = append(cr[:n], unsignedPayload...)
		ok = match(cr, sig, key, stamp)
	}
	var detail string
	switch {
	case ok:
	case declared == unsignedPayload:
		detail = "X-Amz-Content-Sha256 is " + unsignedPayload + ", which only S3 takes: this service signs the body's SHA-256, " + string(cr[n:])
	case !bodyOK:
		detail = "the body's SHA-256 is " + string(cr[n:]) + ", not the " + declared + " its X-Amz-Content-Sha256 declares"
	case !isNormal(protocol.RawPath(r)):
		// AWS's rule for services but S3, which botocore (so the CLI and
		// boto3) and the JS SDK follow, signs the path without its dot
		// and empty segments; the Go SDKs sign the path as sent
		// (aws-sdk-go-v2's v4 signer takes the URL's EscapedPath). idpool
		// verifies the path it serves, as sent, which routing and
		// authorization read: a signature of the normalised path would
		// also cover another request (GET …/datasets/records, DescribeDataset
		// of "records", for GET …/datasets/./records, ListRecords of
		// dataset "."). Only a dataset named "." or ".." makes such a path.
		detail = "the path sent, " + strconv.Quote(protocol.RawPath(r)) + ", has dot or empty segments, which idpool verifies as sent, " +
			"the path it serves: botocore and the JavaScript SDK sign the path without them, so a dataset named \".\" or \"..\" is out of their reach"
	default:
		// The string to sign is what an SDK's signing log shows: the
		// same canonical-request hash means the secret differs, another
		// one that the request changed after it was signed (or was
		// canonicalised otherwise). The canonical request itself is not
		// given: it holds the session token.
		// The host is named too: a proxy that rewrites it (nginx does
		// by default) breaks every signature, and the host is no secret.
		crHash := sha256.Sum256(cr)
		detail = "the signature is not the one the key's secret makes of the string to sign idpool computed, " +
			strconv.Quote(Algorithm+"\n"+string(stamp)+"\n"+string(appendScope(nil, sig))+"\n"+hex.EncodeToString(crHash[:])) +
			", whose canonical request has the host idpool received, " + quoteClipped(string(appendTrimmed(nil, r.Host)), maxHostShown) +
			", where a client signs the host it sends to"
		if sign := proxySign(r); sign != "" {
			detail += "; the request came through a proxy (" + sign + "), which must pass the client's Host unchanged " +
				"(nginx: proxy_set_header Host $http_host;)"
		}
	}
	if cap(cr) <= maxPooled {
		sc.buf = cr[:0]
		scratchPool.Put(sc)
	}
	if ok {
		return nil
	}
	e := fail(ErrSignatureMismatch, "The request signature we calculated does not match the signature you provided. "+
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	e.Detail = detail
	return e
}

// maxHostShown bounds the host a mismatch's detail names: a DNS name
// with a port fits, and a longer Host header cannot swell the reason that
// the log and the console show.
const maxHostShown = 260

// quoteClipped quotes s, cut to its first max bytes (an ellipsis after the
// quote saying so) when it is longer.
func quoteClipped(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max]) + "…"
}

// proxySign names what shows that r came through a proxy: HTTP/1.0, which
// nginx speaks to its upstream by default, or a header that proxies add.
// It returns "" when r shows none.
func proxySign(r *http.Request) string {
	if r.ProtoMajor == 1 && r.ProtoMinor == 0 {
		return "it came over HTTP/1.0"
	}
	for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Host", "Via", "Forwarded"} {
		if _, ok := r.Header[h]; ok {
			return "it carries " + h
		}
	}
	return ""
}

// amzPrefix starts the names of the headers that must be signed when
// present, as AWS requires of every SigV4 request.
const amzPrefix = "x-amz-"

// checkSigned refuses a request carrying an x-amz-* header that the
// signature does not cover (X-Amz-Target, X-Amz-Security-Token,
// X-Amz-Content-Sha256, …): left unsigned, such a header could be changed
// in a captured request, turning a signed call into another operation or
// another body. Every AWS SDK and the CLI sign them all.
func checkSigned(r *http.Request, sig *Signature) error {
	for k := range r.Header {
		if len(k) < len(amzPrefix) || !strings.EqualFold(k[:len(amzPrefix)], amzPrefix) {
			continue
		}
		if !slices.ContainsFunc(sig.SignedHeaders, func(h string) bool { return strings.EqualFold(h, k) }) {
			return fail(ErrSignatureMismatch, "'"+strings.ToLower(k)+"' must be a 'SignedHeader' in the AWS Authorization.")
		}
	}
	return nil
}

// match hashes the canonical request cr, signs the string to sign with key
// and compares the result with the claimed signature in constant time.
func match(cr []byte, sig *Signature, key [32]byte, stamp []byte) bool {
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

// parseTime parses X-Amz-Date or, failing that, an HTTP Date header.
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

// checkTime applies the validity window, window (MaxSkew when 0 or less)
// either way from now, for the header form and for presigned URLs alike.
// The services idpool serves take no account of X-Amz-Expires, as STS does
// not: the EKS token flow presigns GetCallerIdentity for 60 seconds and
// replays the URL for 14 minutes, and a URL presigned for a day is refused
// after 15 minutes. The messages are AWS's, with the window in minutes:
// clients that correct their clock read the times in them.
func checkTime(t, now time.Time, window time.Duration) error {
	if window <= 0 {
		window = MaxSkew
	}
	now = now.UTC()
	mins := func() string { return strconv.FormatInt(int64(window/time.Minute), 10) + " min.)" }
	if t.Sub(now) > window {
		return fail(ErrExpired, "Signature not yet current: "+t.Format(TimeFormat)+" is still later than "+
			now.Add(window).Format(TimeFormat)+" ("+now.Format(TimeFormat)+" + "+mins())
	}
	if now.Sub(t) > window {
		return fail(ErrExpired, "Signature expired: "+t.Format(TimeFormat)+" is now earlier than "+
			now.Add(-window).Format(TimeFormat)+" ("+now.Format(TimeFormat)+" - "+mins())
	}
	return nil
}

// canonicalPrefix appends the SigV4 canonical request without its last
// line, the payload hash: method, URI, query, headers and the signed header
// list, each followed by a newline. sc lends the query's working memory.
func canonicalPrefix(b []byte, r *http.Request, sig *Signature, sc *scratch) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = appendURI(b, protocol.RawPath(r))
	b = append(b, '\n')
	b = appendQuery(b, r.URL.RawQuery, sig.Presigned, sc)
	b = append(b, '\n')
	b = appendHeaders(b, r, sig.SignedHeaders)
	b = append(b, '\n')
	b = append(b, sig.signedHeaders...)
	return append(b, '\n')
}

// appendURI escapes every byte of the (already escaped) path except
// unreserved characters and '/', which is how SDKs build the canonical URI
// for services other than S3: "%3A" in the path becomes "%253A". The path is
// never decoded, and runs of bytes that need no escaping are copied whole.
func appendURI(b []byte, p string) []byte {
	if p == "" {
		return append(b, '/')
	}
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || unreserved(c) {
			continue
		}
		b = append(b, p[start:i]...)
		b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		start = i + 1
	}
	return append(b, p[start:]...)
}

// isNormal reports whether the path p has no empty, "." or ".." segment
// other than the empty ones its leading and trailing '/' make.
func isNormal(p string) bool {
	rest := strings.TrimPrefix(p, "/")
	for rest != "" {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

const upperhex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

type param struct{ key, value string }

func compareParams(a, b param) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}

// appendQuery appends the canonical query string: every parameter decoded
// and re-encoded with RFC 3986 rules (space as %20), sorted by encoded key
// then value; X-Amz-Signature is left out of presigned URLs. Components the
// client already sent in canonical form (the SDKs' own encoding) are used as
// they are, without a decode and re-encode round trip; sorting is skipped
// when the parameters already arrive in order.
func appendQuery(b []byte, raw string, presigned bool, sc *scratch) []byte {
	if raw == "" {
		return b
	}
	params := sc.params[:0]
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		// The canonical form of a key is "X-Amz-Signature" exactly when
		// its decoded form is, since encoding is injective and leaves
		// that name unchanged.
		k = canonicalComponent(k)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		params = append(params, param{key: k, value: canonicalComponent(v)})
	}
	if !slices.IsSortedFunc(params, compareParams) {
		slices.SortFunc(params, compareParams)
	}
	for i, p := range params {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	// Drop the references to this request's strings before pooling.
	clear(params)
	sc.params = params[:0]
	return b
}

// canonicalComponent returns the canonical encoding of a raw query
// component: decoded like url.QueryUnescape ('+' as space; a malformed
// escape keeps the whole component literal, so a bad query yields a
// mismatch, not a panic) and encoded again by escaping all but unreserved
// bytes. It returns s itself, without allocating, when s is canonical.
func canonicalComponent(s string) string {
	if isCanonical(s) {
		return s
	}
	var buf [128]byte
	return string(appendCanonical(buf[:0], s))
}

// isCanonical reports whether s is its own canonical encoding: only
// unreserved bytes and escapes with upper-case hex digits of bytes that
// are not unreserved.
func isCanonical(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			continue
		}
		if c != '%' || i+2 >= len(s) {
			return false
		}
		hi, lo := upperHexVal(s[i+1]), upperHexVal(s[i+2])
		if hi < 0 || lo < 0 || unreserved(byte(hi<<4|lo)) {
			return false
		}
		i += 2
	}
	return true
}

// appendCanonical appends the canonical encoding of the query component s;
// see canonicalComponent.
func appendCanonical(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || hexVal(s[i+1]) < 0 || hexVal(s[i+2]) < 0) {
			return appendEscaped(b, s) // not decodable: taken literally
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '%':
			c = byte(hexVal(s[i+1])<<4 | hexVal(s[i+2]))
			i += 2
		case '+':
			c = ' '
		}
		b = appendEscapedByte(b, c)
	}
	return b
}

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = appendEscapedByte(b, s[i])
	}
	return b
}

func appendEscapedByte(b []byte, c byte) []byte {
	if unreserved(c) {
		return append(b, c)
	}
	return append(b, '%', upperhex[c>>4], upperhex[c&15])
}

// hexVal is the value of the hex digit c, or -1.
func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// upperHexVal is hexVal restricted to the digits canonical escapes use.
func upperHexVal(c byte) int {
	if 'a' <= c && c <= 'f' {
		return -1
	}
	return hexVal(c)
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

// appendHeaders appends the canonical headers block: one "name:value" line
// per signed header, in the order signed.
func appendHeaders(b []byte, r *http.Request, names []string) []byte {
	byKey, checked := false, false
	for _, name := range names {
		b = appendLower(b, name)
		b = append(b, ':')
		if isHost(name) {
			b = appendTrimmed(b, r.Host)
		} else {
			if !checked {
				byKey, checked = keysCanonical(r.Header), true
			}
			b = appendHeader(b, r, name, byKey)
		}
		b = append(b, '\n')
	}
	return b
}

// isHost reports whether name designates the host, which net/http moves
// from the header map to r.Host.
func isHost(name string) bool {
	return strings.EqualFold(name, "host") || name == ":authority"
}

// keysCanonical reports whether every key of h is ASCII and in canonical
// MIME case, as net/http's server stores them. Then no two keys are equal
// under case folding, and the only key an ASCII name can match is the name
// in canonical case, so a map lookup finds exactly what a scan comparing
// every key with strings.EqualFold would.
func keysCanonical(h http.Header) bool {
	for k := range h {
		upper := true
		for i := 0; i < len(k); i++ {
			c := k[i]
			if c >= 0x80 || upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
				return false
			}
			upper = c == '-'
		}
	}
	return true
}

// appendHeader appends the canonical value of the named header other than
// the host: the values of every key equal to name under case folding,
// trimmed, inner runs of spaces collapsed, joined by ','. byKey says that
// keysCanonical holds for r.Header.
func appendHeader(b []byte, r *http.Request, name string, byKey bool) []byte {
	var kb [64]byte
	if byKey && len(name) <= len(kb) && isASCII(name) {
		vs, found := r.Header[string(appendCanonicalKey(kb[:0], name))]
		b = appendValues(b, vs, true)
		return appendContentLength(b, r, name, found)
	}
	first := true
	found := false
	for k, vs := range r.Header {
		if !strings.EqualFold(k, name) {
			continue
		}
		found = true
		b = appendValues(b, vs, first)
		first = first && len(vs) == 0
	}
	return appendContentLength(b, r, name, found)
}

// appendValues appends vs trimmed and joined by ','; first says that no
// value precedes them.
func appendValues(b []byte, vs []string, first bool) []byte {
	for _, v := range vs {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendTrimmed(b, v)
	}
	return b
}

// appendContentLength supplies a signed Content-Length that net/http moved
// from the header map to r.ContentLength.
func appendContentLength(b []byte, r *http.Request, name string, found bool) []byte {
	if !found && strings.EqualFold(name, "content-length") && r.ContentLength >= 0 {
		b = strconv.AppendInt(b, r.ContentLength, 10)
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendCanonicalKey appends the ASCII name in canonical MIME case: upper
// case at the start and after each '-', lower case elsewhere.
func appendCanonicalKey(b []byte, name string) []byte {
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
		upper = c == '-'
	}
	return b
}

// appendTrimmed appends v without leading and trailing spaces and tabs and
// with each inner run of spaces collapsed to one.
func appendTrimmed(b []byte, v string) []byte {
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	for {
		i := strings.Index(v, "  ")
		if i < 0 {
			return append(b, v...)
		}
		b = append(b, v[:i+1]...)
		v = v[i+1:]
		for v[0] == ' ' { // v ends in a byte other than a space
			v = v[1:]
		}
	}
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
