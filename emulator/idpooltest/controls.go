package idpooltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// JWKSURL is the URL of the key set that signs the server's OpenID tokens
// (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity):
// URL()+"/.well-known/jwks_uri".
//
// The tokens' iss is Amazon Cognito's, https://cognito-identity.amazonaws.com
// (emulator.DefaultIssuer), as on AWS, not the server's URL: OpenID Connect
// discovery from URL fails on the mismatch, and discovery from the issuer
// reaches AWS. Verify a token as code verifies AWS's, with the keys from
// JWKSURL instead of AWS's: signature RS512, iss emulator.DefaultIssuer,
// aud the identity pool id, sub the identity id. With go-oidc:
//
//	keys := oidc.NewRemoteKeySet(ctx, srv.JWKSURL())
//	verifier := oidc.NewVerifier(emulator.DefaultIssuer, keys,
//		&oidc.Config{ClientID: poolID, SupportedSigningAlgs: []string{"RS512"}})
//
// AWS's own key set writes n and e in padded standard base64, which
// go-oidc, go-jose and keyfunc refuse; the set at JWKSURL is in RFC 7518's
// base64url unless the server was started with WithJWKSEncoding("aws"),
// which tells whether a verifier accepts AWS's.
func (s *Server) JWKSURL() string { return s.hs.URL + "/.well-known/jwks_uri" }

// Reset brings the server back to what it held when it started: every
// pool, identity, dataset and IAM entity goes, and the fixture's are put
// back; signing keys stay, so tokens issued before still verify (README,
// "Test controls", POST /_idpool/reset).
//
// A reset is global: it removes what every test using the server wrote,
// whenever it comes. Tests that run in parallel (t.Parallel) should each
// have their own server (New is cheap) rather than reset a shared one,
// which would take identities and pools from under the others.
func (s *Server) Reset(ctx context.Context) error {
	return s.control(ctx, "/_idpool/reset", nil, nil)
}

// ExpireToken makes one of the server's OpenID tokens expired from now on:
// STS and GetCredentialsForIdentity refuse it. A token the server issues
// after ExpireToken returns is a new one (README, "Test controls", POST
// /_idpool/tokens/expire).
func (s *Server) ExpireToken(ctx context.Context, token string) error {
	return s.control(ctx, "/_idpool/tokens/expire", struct{ Token string }{token}, nil)
}

// ExpireCredentials makes temporary credentials the server issued, named
// by their access key id and session token, expired from now on: requests
// signed with them get ExpiredToken (POST
// /_idpool/credentials/{AccessKeyId}/expire).
func (s *Server) ExpireCredentials(ctx context.Context, accessKeyID, sessionToken string) error {
	h := http.Header{"X-Amz-Security-Token": {sessionToken}}
	return s.control(ctx, "/_idpool/credentials/"+url.PathEscape(accessKeyID)+"/expire", nil, h)
}

// RotateKey makes a new key sign the server's OpenID tokens; tokens
// signed with the old ones keep verifying (POST /_idpool/keys/rotate).
// It deletes the keys retired more than 24 hours before, the longest a
// token lives, by the server's clock (WithClock), but those the fixtures
// declare.
func (s *Server) RotateKey(ctx context.Context) error {
	return s.control(ctx, "/_idpool/keys/rotate", nil, nil)
}

// control POSTs body, as JSON if not nil, to the test control at path,
// with the header h, and returns an error for any answer but a success,
// with the control's message.
func (s *Server) control(ctx context.Context, path string, body any, h http.Header) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("idpooltest: POST %s: %w", path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.hs.URL+path, rd)
	if err != nil {
		return fmt.Errorf("idpooltest: POST %s: %w", path, err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.hs.Client().Do(req)
	if err != nil {
		return fmt.Errorf("idpooltest: POST %s: %w", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	msg := strings.TrimSpace(string(b))
	var e struct{ Message string }
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		msg = e.Message
	}
	return fmt.Errorf("idpooltest: POST %s: %s: %s", path, res.Status, msg)
}
