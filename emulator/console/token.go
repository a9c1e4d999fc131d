package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idpool/idpool/emulator/tokens"
)

// The inspector's bounds. Every bound is far above a real token: Cognito
// takes a Logins token of up to 50,000 characters (and idpool's tokens
// package decodes none over 64 KiB), and the claims of Cognito user
// pools, Keycloak or dex nest four levels at most and indent to a few KiB.
// Without them one small token of deeply nested arrays is shown as
// hundreds of megabytes: each level indents every line inside it.
const (
	// maxTokenForm bounds the body of a POST to the inspector.
	maxTokenForm = 64 << 10
	// maxShownDepth is the deepest nesting of a header or claims that is
	// shown indented; deeper ones are shown on one line, whose length is
	// that of the token.
	maxShownDepth = 32
	// maxShown bounds the text shown of a header or of claims.
	maxShown = 64 << 10
)

// Check is one verification step of a token, in words.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

type tokenData struct {
	Token  string
	Header string
	Claims string
	// HeaderNote and ClaimsNote say how the header or claims shown
	// differ from the token's, when the bounds above changed them.
	HeaderNote, ClaimsNote string
	Checks                 []Check
}

// tokenPage decodes a pasted JWT and says which checks it passes. The
// token comes by POST (tokens are long and secret-ish: they stay out of
// URLs and logs), or by GET ?token= for a link; a POST body over
// maxTokenForm is answered 413.
func (c *Console) tokenPage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenForm)
	// A form that is malformed (but not too large) is read as far as it
	// goes, as r.FormValue reads it. ParseMultipartForm alone would not
	// tell that a form that is not multipart was too large.
	err := r.ParseForm()
	if err == nil {
		err = r.ParseMultipartForm(maxTokenForm)
	}
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		c.render(w, r, http.StatusRequestEntityTooLarge, "error", "Token too large",
			fmt.Sprintf("The token inspector takes a form of up to %d KiB; this one is larger. No real JWT comes near it.", maxTokenForm>>10))
		return
	}
	raw := strings.TrimSpace(r.FormValue("token"))
	d := tokenData{Token: raw}
	if raw != "" {
		d.Checks = c.inspect(r, raw, &d)
	}
	c.render(w, r, http.StatusOK, "token", "Token inspector", d)
}

func (c *Console) inspect(r *http.Request, raw string, d *tokenData) []Check {
	t, err := tokens.Parse(raw)
	if err != nil {
		return []Check{{Name: "Decodes as a JWT", Detail: err.Error()}}
	}
	d.Header, d.HeaderNote = bounded(t.Header)
	d.Claims, d.ClaimsNote = bounded(t.Claims)
	detail := fmt.Sprintf("algorithm %v", t.Header["alg"])
	if kid, ok := t.Header["kid"]; ok {
		detail += fmt.Sprintf(", key id %v", kid)
	} else {
		detail += ", no key id (kid)"
	}
	checks := []Check{{Name: "Decodes as a JWT", OK: true, Detail: detail}}
	now := c.cfg.Now()
	if exp, ok := t.Expiry(); !ok {
		checks = append(checks, Check{Name: "Has an expiry (exp)", Detail: "no exp claim"})
	} else if !exp.After(now) {
		checks = append(checks, Check{Name: "Not expired", Detail: "expired at " + exp.UTC().Format(time.RFC3339) + ", " + now.Sub(exp).Round(time.Second).String() + " ago"})
	} else if c.cfg.TokenExpired(raw) {
		checks = append(checks, Check{Name: "Not expired", Detail: "expired early by the test controls; its exp is " + exp.UTC().Format(time.RFC3339)})
	} else {
		checks = append(checks, Check{Name: "Not expired", OK: true, Detail: "expires at " + exp.UTC().Format(time.RFC3339) + ", in " + exp.Sub(now).Round(time.Second).String()})
	}
	if nbf, ok := t.NotBefore(); ok {
		checks = append(checks, Check{Name: "Already valid (nbf)", OK: !nbf.After(now), Detail: "not before " + nbf.UTC().Format(time.RFC3339)})
	}
	if t.Issuer() == "" {
		// Without an issuer there is no key to check the signature with.
		return append(checks, Check{Name: "Names an issuer (iss)", Detail: "no iss claim: idpool cannot tell whose keys signed it"})
	}
	if c.cfg.Verify != nil {
		checks = append(checks, c.cfg.Verify(r.Context(), raw)...)
	}
	return checks
}

// bounded renders a token's header or claims as pretty does, within the
// inspector's bounds: a value nested deeper than maxShownDepth on one
// line, and text over maxShown cut there. note says what was changed, ""
// when nothing was.
func bounded(v any) (text, note string) {
	if nestedDeeper(v, maxShownDepth) {
		text = jsonText(v, "")
		note = fmt.Sprintf("Nested deeper than %d levels: shown on one line.", maxShownDepth)
	} else {
		text = pretty(v)
	}
	if len(text) > maxShown {
		cut := maxShown
		for !utf8.RuneStart(text[cut]) {
			cut--
		}
		note = strings.TrimSpace(note + fmt.Sprintf(" Cut: the first %d of %d bytes are shown.", cut, len(text)))
		text = text[:cut]
	}
	return text, note
}

// nestedDeeper reports whether v, a decoded JSON value, has objects or
// arrays nested more than depth levels deep (the value itself a level).
// It looks no deeper than depth+1.
func nestedDeeper(v any, depth int) bool {
	var inner []any
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			inner = append(inner, x)
		}
	case []any:
		inner = v
	default:
		return false
	}
	if depth == 0 {
		return true
	}
	for _, x := range inner {
		if nestedDeeper(x, depth-1) {
			return true
		}
	}
	return false
}
