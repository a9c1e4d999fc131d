package conformance

import (
	"net/http"
	"testing"
	"time"
)

// TestSTSTokenWithoutSub: a verified OpenID Connect token without sub is
// AWS's InvalidIdentityToken "Missing a required claim: sub"
// (aws-actions/configure-aws-credentials#502), as a missing aud is; a sub
// shorter than STS reports stays IDPRejectedClaim.
func TestSTSTokenWithoutSub(t *testing.T) {
	p := newLocalOIDC(t)
	const role = "arn:aws:iam::123456789012:role/Own"
	path := accountsFixture(t, p, map[string]string{role: "arn:aws:iam::123456789012:oidc-provider/" + p.host()})
	now := time.Now()
	claims := func(extra map[string]any) map[string]any {
		c := map[string]any{"iss": p.URL, "aud": localApp, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	bothModes(t, path, func(t *testing.T, s *server) {
		_, err := s.assumeWeb(signJWT(t, p.key, p.kid, claims(nil)), role, "s1", nil)
		wantSTSError(t, err, codeInvalidToken, http.StatusBadRequest, "Missing a required claim: sub")
		_, err = s.assumeWeb(signJWT(t, p.key, p.kid, claims(map[string]any{"sub": "abc"})), role, "s1", nil)
		wantSTSError(t, err, codeRejectedClaim, http.StatusForbidden, "The sub claim of the web identity token must be 6 to 255 characters long")
		_, err = s.assumeWeb(signJWT(t, p.key, p.kid, claims(map[string]any{"sub": "user-123456"})), role, "s1", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
	})
}
