package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// TimeFormat is the ISO 8601 basic format of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

// MaxSkew is how far a request's date may be from now for most AWS
// services (STS, Cognito Identity, IAM: " - 15 min." in their messages),
// and the window Verify applies when it is given none. Some services allow
// less: Cognito Sync 5 minutes.
const MaxSkew = 15 * time.Minute

// MaxExpires is the longest validity of a presigned URL (one week).
const MaxExpires = 7 * 24 * time.Hour

// Sentinel errors; every error of this package wraps exactly one of them.
var (
	// ErrMissing means the request carries no SigV4 authentication at all.
	ErrMissing = errors.New("sigv4: missing authentication token")
	// ErrMalformed means the authentication is present but unusable.
	ErrMalformed = errors.New("sigv4: malformed signature")
	// ErrSignatureMismatch means the signature does not verify.
	ErrSignatureMismatch = errors.New("sigv4: signature does not match")
	// ErrExpired means the request date is outside the accepted window.
	ErrExpired = errors.New("sigv4: signature expired")
)

// Error is a failure with AWS's message text; Unwrap yields the sentinel.
type Error struct {
	Kind    error
	Message string
	// Detail says which check failed where Message, AWS's text for the
	// client, does not: the body hash that differs from the declared one,
	// the string to sign of a signature that does not match and the host
	// its canonical request has (with a word on proxies when the request
	// came through one), the scope a signature needed. It is for the operator (the console, a log), holds
	// no secret, and is "" when Message says it all.
	Detail string
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, msg string) *Error { return &Error{Kind: kind, Message: msg} }

// Signature is what a request claims: who signed it, for which scope, over
// which headers, and the signature itself.
type Signature struct {
	AccessKeyID string
	// Date is the credential scope date, YYYYMMDD.
	Date    string
	Region  string
	Service string
	// SignedHeaders are the lower-case header names, in the order signed.
	SignedHeaders []string
	Signature     []byte
	// SessionToken is X-Amz-Security-Token, empty for long-term keys.
	SessionToken string
	Presigned    bool
	// Expires is X-Amz-Expires of a presigned URL, 0 when absent. It is
	// checked for its form only: the window is Verify's (see checkTime).
	Expires time.Duration
	// AmzDate is the request time as sent: X-Amz-Date, or the Date header
	// when X-Amz-Date is absent (header form only).
	AmzDate string

	signedHeaders string // as sent, for the canonical request

	// Storage for Signature and for the usual few SignedHeaders, so that
	// Parse allocates only the Signature itself. A copy of a Signature
	// shares them with the original, which is harmless as both are only
	// read.
	sigBuf    [32]byte
	headerBuf [8]string
}

// Parse reads the SigV4 authentication of r. It returns ErrMissing when
// there is none, and an error wrapping ErrMalformed, with AWS's
// IncompleteSignatureException wording, when it cannot be used; one
// wrapping ErrSignatureMismatch when the host is not signed.
func Parse(r *http.Request) (*Signature, error) {
	authz := header(r.Header, "Authorization")
	presigned := strings.Contains(r.URL.RawQuery, "X-Amz-")
	if authz == "" {
		if presigned {
			q := r.URL.Query()
			if q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature") {
				return parseQuery(q)
			}
		}
		return nil, fail(ErrMissing, "Missing Authentication Token")
	}
	if presigned && r.URL.Query().Has("X-Amz-Signature") {
		return nil, fail(ErrMalformed, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	}
	return parseHeader(r, authz)
}

func parseHeader(r *http.Request, authz string) (*Signature, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(authz), " ")
	if alg != Algorithm {
		if strings.HasPrefix(alg, "AWS4-") {
			return nil, fail(ErrMalformed, "Unsupported AWS 'algorithm': '"+alg+"'")
		}
		rest = authz // not ours: every parameter is missing
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	if alg == Algorithm {
		for part := range strings.SplitSeq(rest, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				return nil, fail(ErrMalformed, "'"+part+"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+authz+"'.")
			}
			switch k {
			case "Credential":
				cred, haveCred = v, true
			case "SignedHeaders":
				signed, haveSigned = v, true
			case "Signature":
				sig, haveSig = v, true
			}
		}
	}
	date := header(r.Header, "X-Amz-Date")
	if date == "" {
		date = header(r.Header, "Date")
	}
	if !haveCred || !haveSigned || !haveSig || date == "" {
		var b strings.Builder
		if !haveCred {
			b.WriteString("Authorization header requires 'Credential' parameter. ")
		}
		if !haveSig {
			b.WriteString("Authorization header requires 'Signature' parameter. ")
		}
		if !haveSigned {
			b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
		}
		if date == "" {
			b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		b.WriteString("Authorization=" + authz)
		return nil, fail(ErrMalformed, b.String())
	}
	s := &Signature{AmzDate: date, SessionToken: header(r.Header, "X-Amz-Security-Token")}
	if err := s.fill(cred, signed, sig); err != nil {
		return nil, err
	}
	return s, nil
}

func parseQuery(q url.Values) (*Signature, error) {
	var b strings.Builder
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if q.Get(k) == "" {
			b.WriteString("AWS query-string parameters must include '" + k + "'. ")
		}
	}
	if b.Len() > 0 {
		b.WriteString("Re-examine the query-string parameters.")
		return nil, fail(ErrMalformed, b.String())
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != Algorithm {
		return nil, fail(ErrMalformed, "Unsupported AWS 'algorithm': '"+alg+"'")
	}
	s := &Signature{
		Presigned:    true,
		AmzDate:      q.Get("X-Amz-Date"),
		SessionToken: q.Get("X-Amz-Security-Token"),
	}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		switch {
		case err != nil:
			return nil, fail(ErrMalformed, "X-Amz-Expires should be a number")
		case n < 0:
			return nil, fail(ErrMalformed, "X-Amz-Expires must be non-negative")
		case time.Duration(n)*time.Second > MaxExpires:
			return nil, fail(ErrMalformed, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		s.Expires = time.Duration(n) * time.Second
	}
	if err := s.fill(q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")); err != nil {
		return nil, err
	}
	return s, nil
}

// fill parses the credential, the signed header list and the signature,
// which both forms carry in the same syntax.
func (s *Signature) fill(cred, signed, sig string) error {
	if strings.Count(cred, "/") != 4 {
		return fail(ErrMalformed, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'")
	}
	rest := cred
	s.AccessKeyID, rest, _ = strings.Cut(rest, "/")
	s.Date, rest, _ = strings.Cut(rest, "/")
	s.Region, rest, _ = strings.Cut(rest, "/")
	s.Service, rest, _ = strings.Cut(rest, "/")
	switch {
	case s.AccessKeyID == "":
		return fail(ErrMalformed, "Credential should have an access key id, got '"+cred+"'")
	case !isDate(s.Date):
		return fail(ErrMalformed, "Invalid credential date \""+s.Date+"\". This date is not the required format: yyyyMMdd.")
	case s.Region == "":
		return fail(ErrMalformed, "Credential should be scoped to a valid region, not ''. ")
	case s.Service == "":
		return fail(ErrMalformed, "Credential should be scoped to correct service: ''. ")
	case rest != "aws4_request":
		return fail(ErrMalformed, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+rest+"'. ")
	}
	if signed == "" {
		return fail(ErrMalformed, "SignedHeaders must not be empty")
	}
	s.signedHeaders = signed
	s.SignedHeaders = s.headerBuf[:0]
	host := false
	for h := range strings.SplitSeq(signed, ";") {
		if h == "" {
			return fail(ErrMalformed, "SignedHeaders contains an empty header name: '"+signed+"'")
		}
		host = host || strings.EqualFold(h, "host") || h == ":authority"
		s.SignedHeaders = append(s.SignedHeaders, h)
	}
	if !host {
		// AWS answers this as a signature that does not match
		// (InvalidSignatureException, SignatureDoesNotMatch), not as an
		// incomplete one, as it does for unsigned x-amz-* headers.
		return fail(ErrSignatureMismatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	// Exactly what hex.DecodeString accepts with a 32-byte result, decoded
	// in place.
	if len(sig) != 2*len(s.sigBuf) {
		return fail(ErrMalformed, "Signature must be 64 hexadecimal characters, got '"+sig+"'")
	}
	for i := range s.sigBuf {
		hi, lo := hexVal(sig[2*i]), hexVal(sig[2*i+1])
		if hi < 0 || lo < 0 {
			return fail(ErrMalformed, "Signature must be 64 hexadecimal characters, got '"+sig+"'")
		}
		s.sigBuf[i] = byte(hi<<4 | lo)
	}
	s.Signature = s.sigBuf[:]
	return nil
}

func isDate(d string) bool {
	if len(d) != 8 {
		return false
	}
	for i := 0; i < 8; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// header is r.Header.Get for a key already in canonical form, which all of
// this package's keys are: the same value, without canonicalizing the key
// again on every call.
func header(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// CheckScope checks that the credential scope names service and region,
// as AWS checks it before it looks at the key: a signature made for
// another service or another region is refused, even when it would
// verify. The error wraps ErrSignatureMismatch and carries AWS's message,
// which names the region that was sent and the service that was expected.
// A region of "" accepts none.
func (s *Signature) CheckScope(region, service string) error {
	var msg string
	if s.Region != region || region == "" {
		msg = "Credential should be scoped to a valid region, not '" + s.Region + "'. "
	}
	if s.Service != service {
		msg += "Credential should be scoped to correct service: '" + service + "'. "
	}
	if msg != "" {
		e := fail(ErrSignatureMismatch, msg)
		want := region
		if want == "" {
			want = "<a region name>"
		}
		e.Detail = "the credential scope is " + s.Region + "/" + s.Service + ", the request needs " + want + "/" + service
		return e
	}
	return nil
}
