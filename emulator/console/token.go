package console

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
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
	Checks []Check
}

// tokenPage decodes a pasted JWT and says which checks it passes. The
// token comes by POST (tokens are long and secret-ish: they stay out of
// URLs and logs), or by GET ?token= for a link.
func (c *Console) tokenPage(w http.ResponseWriter, r *http.Request) {
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
	d.Header, d.Claims = pretty(t.Header), pretty(t.Claims)
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
