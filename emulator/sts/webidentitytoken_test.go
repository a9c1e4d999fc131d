package sts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage/sqlite"
)

// outboundEnv is an STS service whose outbound federation is on a new
// in-memory store, enabled unless disabled is set.
func outboundEnv(t *testing.T, disabled bool) (*env, *outbound.Federation) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, Config{}, tokens.Config{})
	fed := outbound.New(st, "http://localhost:9230", e.clock.now, rand.Reader)
	if !disabled {
		if _, err := fed.Enable(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	principalTags := func(_ context.Context, p *protocol.Principal, c *creds.Credentials) (map[string]string, error) {
		switch {
		case p.ARN == iamUser.ARN:
			return map[string]string{"team": "data"}, nil
		case c != nil:
			return c.Session.PrincipalTags, nil
		}
		return nil, nil
	}
	e.svc = New(Config{AccountID: "123456789012", Region: "eu-west-1", Outbound: fed, PrincipalTags: principalTags}, e.tokens, e.creds, e.clock.now, nil)
	return e, fed
}

// session issues e's credentials of sess for d and returns their principal.
func (e *env) session(t *testing.T, sess creds.Session, d time.Duration) *protocol.Principal {
	t.Helper()
	c, err := e.creds.Issue(sess, d)
	if err != nil {
		t.Fatal(err)
	}
	return Principal(c)
}

// payload decodes the claims of a compact JWS without verifying it (the
// outbound package's tests verify signatures; the conformance suite
// verifies tokens as an external service does).
func payload(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: want three parts", token)
	}
	for i, v := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

// TestGetWebIdentityToken: the token's claims for each kind of caller,
// its lifetime and algorithm as asked, its tags as request_tags; the
// model's enum of SigningAlgorithm, the session escalation, the payload
// limit and the callers STS refuses.
func TestGetWebIdentityToken(t *testing.T) {
	e, _ := outboundEnv(t, false)
	roleARN := "arn:aws:iam::123456789012:role/DataProcessingRole"
	role := e.session(t, creds.Session{RoleARN: roleARN, SessionName: "s", PrincipalTags: map[string]string{"env": "prod"}}, 15*time.Minute)
	cognito := e.session(t, creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Guest", SessionName: "CognitoIdentityCredentials",
		IdentityID: "us-east-1:11111111-2222-3333-4444-555555555555", PoolID: "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}, time.Hour)
	userSession := e.session(t, creds.Session{UserARN: iamUser.ARN, UserID: iamUser.UserID}, time.Hour)
	federated := e.session(t, creds.Session{UserARN: iamUser.ARN, SessionName: "Bob"}, time.Hour)
	aud := []string{"https://api.example.com"}
	manyTags := make([]Tag, 50)
	for i := range manyTags {
		manyTags[i] = Tag{Key: fmt.Sprintf("%03d", i) + strings.Repeat("k", 125), Value: strings.Repeat("v", 256)}
	}
	tests := []struct {
		name     string
		caller   *protocol.Principal
		in       GetWebIdentityTokenInput
		sub      string
		lifetime int64
		ptags    map[string]any
		rtags    map[string]any
		code     string
		status   int
		message  string
	}{
		{name: "IAM user RS256", caller: iamUser, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256"},
			sub: iamUser.ARN, lifetime: 300, ptags: map[string]any{"team": "data"}},
		{name: "root ES384", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "ES384"}, sub: root.ARN, lifetime: 300},
		{name: "longest", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "ES384", DurationSeconds: ptr[int32](3600)}, sub: root.ARN, lifetime: 3600},
		{name: "shortest", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", DurationSeconds: ptr[int32](60)}, sub: root.ARN, lifetime: 60},
		{name: "role session", caller: role, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", DurationSeconds: ptr[int32](900)},
			sub: roleARN, lifetime: 900, ptags: map[string]any{"env": "prod"}},
		{name: "Cognito identity's credentials", caller: cognito, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256"},
			sub: "arn:aws:iam::123456789012:role/Guest", lifetime: 300},
		{name: "request tags", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", Tags: []Tag{{Key: "job-id", Value: "job-1"}}},
			sub: root.ARN, lifetime: 300, rtags: map[string]any{"job-id": "job-1"}},
		{name: "two audiences", caller: root, in: GetWebIdentityTokenInput{Audience: []string{"a", "b"}, SigningAlgorithm: "RS256"}, sub: root.ARN, lifetime: 300},
		{name: "beyond the session", caller: role, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", DurationSeconds: ptr[int32](901)},
			code: CodeDurationEscalation, status: 403},
		{name: "bad algorithm", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "HS256"}, code: CodeValidation, status: 400,
			message: "1 validation error detected: Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"},
		{name: "tag keys twice", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", Tags: []Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}}},
			code: CodeInvalidParameterValue, status: 400},
		{name: "payload too large", caller: root, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256", Tags: manyTags}, code: CodePayloadTooLarge, status: 400},
		{name: "GetSessionToken session", caller: userSession, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256"},
			code: CodeAccessDenied, status: 403, message: "Cannot call GetWebIdentityToken with session credentials"},
		{name: "federated user", caller: federated, in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256"},
			code: CodeAccessDenied, status: 403, message: "Cannot call GetWebIdentityToken with session credentials"},
		{name: "unsigned", in: GetWebIdentityTokenInput{Audience: aud, SigningAlgorithm: "RS256"}, code: CodeMissingAuthentication, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			out, err := e.svc.GetWebIdentityToken(ctx, &tt.in)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.status, tt.message)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			header, claims := payload(t, out.WebIdentityToken)
			if header["alg"] != tt.in.SigningAlgorithm || header["typ"] != "JWT" || header["kid"] == "" {
				t.Errorf("header: got %v, want alg %s, typ JWT and a kid", header, tt.in.SigningAlgorithm)
			}
			now := e.clock.now().Unix()
			if claims["sub"] != tt.sub || claims["iat"] != float64(now) || claims["exp"] != float64(now+tt.lifetime) || claims["jti"] == "" {
				t.Errorf("claims: got %v, want sub %s, iat %d, exp %d and a jti", claims, tt.sub, now, now+tt.lifetime)
			}
			if got := out.Expiration.Time(); !got.Equal(time.Unix(now+tt.lifetime, 0)) {
				t.Errorf("Expiration: got %v, want %v", got, time.Unix(now+tt.lifetime, 0).UTC())
			}
			wantAud := any(tt.in.Audience[0])
			if len(tt.in.Audience) > 1 {
				wantAud = []any{tt.in.Audience[0], tt.in.Audience[1]}
			}
			if fmt.Sprint(claims["aud"]) != fmt.Sprint(wantAud) {
				t.Errorf("aud: got %v, want %v", claims["aud"], wantAud)
			}
			ns, _ := claims[ClaimNamespace].(map[string]any)
			if ns["aws_account"] != "123456789012" || ns["source_region"] != "eu-west-1" || ns["principal_id"] != tt.sub {
				t.Errorf("%s: got %v, want aws_account 123456789012, source_region eu-west-1, principal_id %s", ClaimNamespace, ns, tt.sub)
			}
			if fmt.Sprint(ns["principal_tags"]) != fmt.Sprint(tt.ptags) && tt.ptags != nil || tt.ptags == nil && ns["principal_tags"] != nil {
				t.Errorf("principal_tags: got %v, want %v", ns["principal_tags"], tt.ptags)
			}
			if fmt.Sprint(ns["request_tags"]) != fmt.Sprint(tt.rtags) && tt.rtags != nil || tt.rtags == nil && ns["request_tags"] != nil {
				t.Errorf("request_tags: got %v, want %v", ns["request_tags"], tt.rtags)
			}
		})
	}
}

// TestGetWebIdentityTokenDisabled: before the first enable and after a
// disable, GetWebIdentityToken is OutboundWebIdentityFederationDisabledException,
// and so it is for a session of another account's role, whose account's
// federation idpool does not play.
func TestGetWebIdentityTokenDisabled(t *testing.T) {
	e, fed := outboundEnv(t, true)
	ctx := protocol.WithPrincipal(context.Background(), root)
	in := &GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: "RS256"}
	steps := []struct {
		name string
		do   func() error
		code string
	}{
		{"never enabled", func() error { return nil }, CodeOutboundDisabled},
		{"enabled", func() error { _, err := fed.Enable(ctx); return err }, ""},
		{"a session of another account's role", func() error {
			ctx = protocol.WithPrincipal(context.Background(), issuedPrincipal(t, e, creds.Session{RoleARN: "arn:aws:iam::999999999999:role/Ext", SessionName: "s"}))
			return nil
		}, CodeOutboundDisabled},
		{"disabled", func() error {
			ctx = protocol.WithPrincipal(context.Background(), root)
			return fed.Disable(ctx)
		}, CodeOutboundDisabled},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.GetWebIdentityToken(ctx, in)
			if st.code == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			wantError(t, err, st.code, 403, "")
		})
	}
}
