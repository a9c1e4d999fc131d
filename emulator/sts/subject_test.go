package sts

import (
	"context"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/tokens"
)

// TestWebIdentitySubject: an OpenID Connect token's sub must be 6 to 255
// characters (the providers refuse a token without one: their
// TestSTSVerifier).
func TestWebIdentitySubject(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]any
		code   string // "" when taken
		status int
		msg    string
	}{
		{name: "empty sub", claims: map[string]any{"sub": ""},
			code: CodeIDPRejectedClaim, status: 403, msg: "The sub claim of the web identity token must be 6 to 255 characters long"},
		{name: "short sub", claims: map[string]any{"sub": "abc"},
			code: CodeIDPRejectedClaim, status: 403, msg: "The sub claim of the web identity token must be 6 to 255 characters long"},
		{name: "long sub", claims: map[string]any{"sub": strings.Repeat("x", 256)},
			code: CodeIDPRejectedClaim, status: 403, msg: "The sub claim of the web identity token must be 6 to 255 characters long"},
		{name: "sub taken", claims: map[string]any{"sub": "user-123456"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := map[string]any{"iss": "https://accounts.example.com", "aud": "client-1"}
			for k, v := range tt.claims {
				claims[k] = v
			}
			sub, _ := claims["sub"].(string)
			id := &WebIdentity{Issuer: "https://accounts.example.com", Provider: "arn:aws:iam::123456789012:oidc-provider/accounts.example.com", Subject: sub, Audience: "client-1"}
			e := newEnv(t, Config{Providers: fakeProviders{id}}, tokens.Config{})
			tok := unsigned(map[string]any{"alg": "RS256", "kid": "k"}, claims)
			out, err := e.svc.AssumeRoleWithWebIdentity(context.Background(), &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1", WebIdentityToken: tok})
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v, want the token taken", err)
				}
				if out.SubjectFromWebIdentityToken != sub {
					t.Errorf("got subject %q, want %q", out.SubjectFromWebIdentityToken, sub)
				}
				return
			}
			wantError(t, err, tt.code, tt.status, tt.msg)
		})
	}
}
