package sts

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

const (
	roleARN = "arn:aws:iam::123456789012:role/Cognito_PoolAuth_Role"
	poolID  = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	idID    = "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"
)

// clock is a settable clock shared by the token and credential issuers.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	clock  *clock
	tokens *tokens.Issuer
	creds  *creds.Issuer
	svc    *Service
}

func newEnv(t *testing.T, cfg Config, tcfg tokens.Config) *env {
	t.Helper()
	e := &env{clock: &clock{t: time.Unix(1_800_000_000, 0).UTC()}}
	var err error
	e.tokens, err = tokens.New(context.Background(), &keyStore{}, tcfg, e.clock.now, rand.Reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.creds, err = creds.New(bytes.Repeat([]byte{7}, creds.KeySize), e.clock.now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = New(cfg, e.tokens, e.creds, e.clock.now, nil)
	return e
}

func (e *env) sign(t *testing.T, c tokens.Claims) string {
	t.Helper()
	if c.Subject == "" {
		c.Subject = idID
	}
	if c.Audience == "" {
		c.Audience = poolID
	}
	if c.Expiry.IsZero() {
		c.Expiry = e.clock.now().Add(10 * time.Minute)
	}
	tok, err := e.tokens.Sign(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsigned builds a compact JWS with the given header and claims and a
// made-up signature: tokens.Parse accepts it, no verifier does.
func unsigned(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + enc.EncodeToString([]byte("signature"))
}

// tamper replaces the token's payload with claims, keeping its header and
// signature.
func tamper(t *testing.T, tok string, claims map[string]any) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	c, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(c)
	return strings.Join(parts, ".")
}

func ptr[T any](v T) *T { return &v }

// wantError checks that err is a *protocol.Error with the code, status and
// (when not empty) message.
func wantError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	e, ok := protocol.As(err)
	if !ok {
		t.Fatalf("got error %v, want %s", err, code)
	}
	if e.Code != code || e.Status != status || msg != "" && e.Message != msg {
		t.Errorf("got %s %d %q, want %s %d %q", e.Code, e.Status, e.Message, code, status, msg)
	}
}

type fakeProviders struct{ id *WebIdentity }

func (p fakeProviders) VerifyWebIdentity(ctx context.Context, tok *tokens.JWT) (*WebIdentity, error) {
	if tok.Issuer() != "https://accounts.example.com" {
		return nil, errInvalidToken("No OpenIDConnect provider found in your account for %s", tok.Issuer())
	}
	return p.id, nil
}

type fakeRoles struct {
	max  time.Duration
	deny bool
	// arn and id are the role as IAM holds it ("": not in IAM).
	arn, id string
	got     *RoleRequest
}

func (r *fakeRoles) Authorize(ctx context.Context, req RoleRequest) (Grant, error) {
	r.got = &req
	if r.deny {
		return Grant{}, errAccessDenied("Not authorized to perform %s", req.Action)
	}
	return Grant{MaxSession: r.max, RoleARN: r.arn, RoleID: r.id}, nil
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	e := newEnv(t, Config{AccountID: "123456789012", Region: "us-east-1"}, tokens.Config{})
	other := newEnv(t, Config{}, tokens.Config{Region: "eu-west-1"}) // kids eu-west-1-N, unknown to e
	ctx := context.Background()
	tags := map[string]string{"team": "blue"}
	good := e.sign(t, tokens.Claims{AMR: []string{"authenticated", "accounts.google.com"}, PrincipalTags: tags})
	valid := map[string]any{"sub": idID, "aud": poolID, "iss": tokens.DefaultIssuer, "exp": e.clock.now().Add(time.Hour).Unix()}
	tests := []struct {
		name    string
		in      AssumeRoleWithWebIdentityInput
		code    string
		status  int
		message string
	}{
		{name: "not a JWT", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: "opaque-access-token"},
			code: CodeInvalidIdentityToken, status: 400, message: msgNotJWT},
		{name: "alg none", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: strings.TrimSuffix(unsigned(map[string]any{"alg": "none", "kid": "us-east-1-1"}, valid), "c2lnbmF0dXJl")},
			code: CodeInvalidIdentityToken, status: 400, message: msgBadSignature},
		{name: "tampered payload", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: tamper(t, good, map[string]any{"sub": "us-east-1:someone-else", "aud": poolID, "iss": tokens.DefaultIssuer, "exp": valid["exp"]})},
			code: CodeInvalidIdentityToken, status: 400, message: msgBadSignature},
		{name: "unknown kid", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: other.sign(t, tokens.Claims{})},
			code: CodeInvalidIdentityToken, status: 400, message: msgUnknownKey},
		{name: "other issuer without providers", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: unsigned(map[string]any{"alg": "RS256", "kid": "k"},
			map[string]any{"iss": "https://accounts.google.com", "sub": "1234567890", "aud": "client"})},
			code: CodeInvalidIdentityToken, status: 400, message: "No OpenIDConnect provider found in your account for https://accounts.google.com"},
		{name: "ProviderId with an ID token", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: good, ProviderId: ptr("graph.facebook.com")},
			code: CodeInvalidIdentityToken, status: 400},
		{name: "ProviderId with an access token", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: "EAAB-access-token", ProviderId: ptr("www.amazon.com")},
			code: CodeInvalidIdentityToken, status: 400},
		{name: "malformed role ARN", in: AssumeRoleWithWebIdentityInput{RoleArn: "xxxxxxxxxxxxxxxxxxxx", WebIdentityToken: good},
			code: CodeValidation, status: 400, message: "Request ARN is invalid"},
		{name: "not a role", in: AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::123456789012:user/alice", WebIdentityToken: good},
			code: CodeValidation, status: 400, message: "Request ARN is invalid"},
		{name: "policy not JSON", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: good, Policy: ptr("{not json")},
			code: CodeMalformedPolicyDocument, status: 400},
		{name: "policy without statement", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: good, Policy: ptr(`{"Version":"2012-10-17"}`)},
			code: CodeMalformedPolicyDocument, status: 400},
		{name: "packed policies too large", in: AssumeRoleWithWebIdentityInput{WebIdentityToken: good, Policy: ptr(bigPolicy(2000)),
			PolicyArns: manyARNs(10)}, code: CodePackedPolicyTooLarge, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.RoleArn == "" {
				in.RoleArn = roleARN
			}
			in.RoleSessionName = "app1"
			out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &in)
			if out != nil {
				t.Errorf("got output %+v with the error", out)
			}
			wantError(t, err, tt.code, tt.status, tt.message)
		})
	}

	t.Run("expired", func(t *testing.T) {
		e := newEnv(t, Config{}, tokens.Config{})
		tok := e.sign(t, tokens.Claims{})
		exp := e.clock.now().Add(10 * time.Minute)
		e.clock.advance(time.Hour)
		_, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: tok})
		wantError(t, err, CodeExpiredToken, 400, "Token expired: current date/time "+itoa(e.clock.now().Unix())+
			" must be before the expiration date/time "+itoa(exp.Unix()))
	})

	t.Run("token file with a newline", func(t *testing.T) {
		// As `echo "$TOKEN" > file` writes it and token-file providers
		// send it.
		_, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: good + "\n"})
		if err != nil {
			t.Errorf("got %v, want the token taken", err)
		}
	})

	t.Run("success", func(t *testing.T) {
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: good, DurationSeconds: ptr[int32](900)})
		if err != nil {
			t.Fatal(err)
		}
		arn, roleID := creds.AssumedRole(roleARN, "", "app1")
		if out.SubjectFromWebIdentityToken != idID || out.Audience != poolID || out.Provider != CognitoProvider ||
			*out.AssumedRoleUser != (AssumedRoleUser{AssumedRoleId: roleID, Arn: arn}) ||
			arn != "arn:aws:sts::123456789012:assumed-role/Cognito_PoolAuth_Role/app1" {
			t.Errorf("got %+v %+v, want subject %s, audience %s, provider %s, user %s", out, out.AssumedRoleUser, idID, poolID, CognitoProvider, arn)
		}
		// The principal tags of the token are session tags: they use
		// packed space.
		if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 || *out.PackedPolicySize > 100 {
			t.Errorf("packed policy size: got %v, want a percentage", out.PackedPolicySize)
		}
		c := openCreds(t, e, out.Credentials)
		if want := e.clock.now().Add(900 * time.Second); !c.Expiration.Equal(want) || !out.Credentials.Expiration.Time().Equal(want) {
			t.Errorf("expiration: got %v and %v, want %v", c.Expiration, out.Credentials.Expiration.Time(), want)
		}
		want := creds.Session{RoleARN: roleARN, SessionName: "app1", IdentityID: idID, PoolID: poolID, Subject: idID,
			Audience: poolID, Provider: CognitoProvider, AMR: []string{"authenticated", "accounts.google.com"}, PrincipalTags: tags}
		if !reflect.DeepEqual(c.Session, want) {
			t.Errorf("session: got %+v, want %+v", c.Session, want)
		}
		p := Principal(c)
		if p.ARN != arn || p.UserID != roleID || p.Account != "123456789012" || p.IdentityID != idID || !p.Temporary {
			t.Errorf("principal: got %+v, want %s %s", p, arn, roleID)
		}
	})

	t.Run("default duration and no packed size", func(t *testing.T) {
		tok := e.sign(t, tokens.Claims{})
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if want := e.clock.now().Add(time.Hour); !out.Credentials.Expiration.Time().Equal(want) {
			t.Errorf("expiration: got %v, want %v", out.Credentials.Expiration.Time(), want)
		}
		if out.PackedPolicySize != nil {
			t.Errorf("packed policy size: got %d, want none without policies or tags", *out.PackedPolicySize)
		}
	})

	t.Run("session policies", func(t *testing.T) {
		tok := e.sign(t, tokens.Claims{})
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: tok,
			Policy: &policy, PolicyArns: manyARNs(2)})
		if err != nil {
			t.Fatal(err)
		}
		if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 || *out.PackedPolicySize > 10 {
			t.Errorf("packed policy size: got %v, want a small percentage", out.PackedPolicySize)
		}
	})

	t.Run("custom issuer", func(t *testing.T) {
		const iss = "http://localhost:9230"
		e := newEnv(t, Config{Issuer: iss}, tokens.Config{Issuer: iss})
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "app1", WebIdentityToken: e.sign(t, tokens.Claims{})})
		if err != nil {
			t.Fatal(err)
		}
		if out.Provider != CognitoProvider {
			t.Errorf("provider: got %q, want %q", out.Provider, CognitoProvider)
		}
	})
}

func TestSeams(t *testing.T) {
	ctx := context.Background()
	ext := unsigned(map[string]any{"alg": "RS256", "kid": "k"}, map[string]any{"iss": "https://accounts.example.com", "sub": "user-123456", "aud": "client-1"})
	t.Run("providers", func(t *testing.T) {
		id := &WebIdentity{Issuer: "https://accounts.example.com", Provider: "accounts.example.com", Subject: "user-123456", Audience: "client-1"}
		e := newEnv(t, Config{Providers: fakeProviders{id}}, tokens.Config{})
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1", WebIdentityToken: ext})
		if err != nil {
			t.Fatal(err)
		}
		if out.Provider != id.Provider || out.SubjectFromWebIdentityToken != id.Subject || out.Audience != id.Audience {
			t.Errorf("got %+v, want the provider's identity %+v", out, id)
		}
		if c := openCreds(t, e, out.Credentials); c.Session.IdentityID != "" || c.Session.Subject != id.Subject {
			t.Errorf("session: got %+v, want subject %s and no identity id", c.Session, id.Subject)
		}
	})
	t.Run("provider subject too short", func(t *testing.T) {
		e := newEnv(t, Config{Providers: fakeProviders{&WebIdentity{Subject: "abc"}}}, tokens.Config{})
		_, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1", WebIdentityToken: ext})
		wantError(t, err, CodeIDPRejectedClaim, http.StatusForbidden, "")
	})
	t.Run("trust policy denies", func(t *testing.T) {
		roles := &fakeRoles{deny: true}
		e := newEnv(t, Config{Roles: roles}, tokens.Config{})
		_, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1", WebIdentityToken: e.sign(t, tokens.Claims{})})
		wantError(t, err, CodeAccessDenied, http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		if roles.got == nil || roles.got.RoleARN != roleARN || roles.got.WebIdentity == nil || roles.got.WebIdentity.PoolID != poolID {
			t.Errorf("role request: got %+v, want the role and the verified identity", roles.got)
		}
	})
	t.Run("role maximum session", func(t *testing.T) {
		e := newEnv(t, Config{Roles: &fakeRoles{max: time.Hour}}, tokens.Config{})
		_, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "s1",
			WebIdentityToken: e.sign(t, tokens.Claims{}), DurationSeconds: ptr[int32](3601)})
		wantError(t, err, CodeValidation, 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	})
	t.Run("a role IAM holds names the session", func(t *testing.T) {
		// The role asked for in another case: the session is IAM's role,
		// by its own name and RoleId.
		const held, heldID = "arn:aws:iam::123456789012:role/Held", "AROAMD26YKITUKMQ2WJZ7"
		e := newEnv(t, Config{Roles: &fakeRoles{arn: held, id: heldID}}, tokens.Config{})
		out, err := e.svc.AssumeRoleWithWebIdentity(ctx, &AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::123456789012:role/held", RoleSessionName: "s1",
			WebIdentityToken: e.sign(t, tokens.Claims{})})
		if err != nil {
			t.Fatal(err)
		}
		want := AssumedRoleUser{Arn: "arn:aws:sts::123456789012:assumed-role/Held/s1", AssumedRoleId: heldID + ":s1"}
		if *out.AssumedRoleUser != want {
			t.Errorf("got %+v, want %+v", *out.AssumedRoleUser, want)
		}
		p := Principal(openCreds(t, e, out.Credentials))
		if p.ARN != want.Arn || p.UserID != want.AssumedRoleId {
			t.Errorf("got principal %s %s, want %s %s", p.ARN, p.UserID, want.Arn, want.AssumedRoleId)
		}
	})
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t, Config{AccountID: "000000000000"}, tokens.Config{})
	tests := []struct {
		name string
		p    *protocol.Principal
		want *GetCallerIdentityOutput
		code string
	}{
		{"root", &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"},
			&GetCallerIdentityOutput{Arn: "arn:aws:iam::123456789012:root", UserId: "123456789012", Account: "123456789012"}, ""},
		{"account from config", &protocol.Principal{ARN: "arn:aws:iam::000000000000:user/dev", UserID: "AIDAEXAMPLE"},
			&GetCallerIdentityOutput{Arn: "arn:aws:iam::000000000000:user/dev", UserId: "AIDAEXAMPLE", Account: "000000000000"}, ""},
		{"no principal", nil, nil, CodeMissingAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.p != nil {
				ctx = protocol.WithPrincipal(ctx, tt.p)
			}
			got, err := e.svc.GetCallerIdentity(ctx, &GetCallerIdentityInput{})
			if tt.code != "" {
				wantError(t, err, tt.code, http.StatusForbidden, "")
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v (%v), want %+v", got, err, tt.want)
			}
		})
	}
}

var (
	root    = &protocol.Principal{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"}
	iamUser = &protocol.Principal{AccessKeyID: "AKIAI44QH8DHBEXAMPLE", ARN: "arn:aws:iam::123456789012:user/alice", UserID: "AIDAEXAMPLE", Account: "123456789012"}
)

func TestAssumeRole(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	roleSession := func(t *testing.T) *protocol.Principal {
		t.Helper()
		out, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), root), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "first"})
		if err != nil {
			t.Fatal(err)
		}
		return Principal(openCreds(t, e, out.Credentials))
	}
	tests := []struct {
		name     string
		caller   *protocol.Principal
		in       AssumeRoleInput
		code     string
		status   int
		duration time.Duration
		reason   string // in the refusal's reason for the console
	}{
		{name: "developer keys", caller: root, duration: time.Hour},
		{name: "longer session", caller: iamUser, in: AssumeRoleInput{DurationSeconds: ptr[int32](43200)}, duration: 12 * time.Hour},
		{name: "role chaining within an hour", caller: roleSession(t), in: AssumeRoleInput{DurationSeconds: ptr[int32](3600)}, duration: time.Hour},
		{name: "role chaining over an hour", caller: roleSession(t), in: AssumeRoleInput{DurationSeconds: ptr[int32](3601)}, code: CodeValidation, status: 400,
			reason: "is a role session, and a role assumed by role chaining gets at most 3600 seconds; DurationSeconds is 3601"},
		{name: "unsigned", code: CodeMissingAuthentication, status: 403},
		{name: "serial number without code", caller: root, in: AssumeRoleInput{SerialNumber: ptr("arn:aws:iam::123456789012:mfa/alice")}, code: CodeAccessDenied, status: 403},
		{name: "MFA", caller: root, in: AssumeRoleInput{SerialNumber: ptr("arn:aws:iam::123456789012:mfa/alice"), TokenCode: ptr("123456")}, duration: time.Hour},
		{name: "duplicate tag keys", caller: root, in: AssumeRoleInput{Tags: []Tag{{"Team", "a"}, {"team", "b"}}}, code: CodeInvalidParameterValue, status: 400,
			reason: "the tag key team is given twice"},
		{name: "transitive key not a tag", caller: root, in: AssumeRoleInput{Tags: []Tag{{"team", "a"}}, TransitiveTagKeys: []string{"project"}}, code: CodeInvalidParameterValue, status: 400,
			reason: "the transitive tag key project is not among the tags"},
		{name: "malformed role ARN", caller: root, in: AssumeRoleInput{RoleArn: "arn:aws:iam::12345:role/R"}, code: CodeValidation, status: 400},
		{name: "malformed policy", caller: root, in: AssumeRoleInput{Policy: ptr("[]")}, code: CodeMalformedPolicyDocument, status: 400,
			reason: "the session policy does not parse"},
		{name: "policy without Statement", caller: root, in: AssumeRoleInput{Policy: ptr(`{"Version":"2012-10-17"}`)}, code: CodeMalformedPolicyDocument, status: 400,
			reason: "the session policy has no Statement"},
		{name: "policy the grammar refuses", caller: root, in: AssumeRoleInput{Policy: ptr(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)},
			code: CodeMalformedPolicyDocument, status: 400, reason: "the session policy is not a valid permission policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &protocol.Request{}
			ctx := protocol.WithRequest(context.Background(), req)
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			in := tt.in
			if in.RoleArn == "" {
				in.RoleArn = roleARN
			}
			in.RoleSessionName = "second"
			out, err := e.svc.AssumeRole(ctx, &in)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.status, "")
				if !strings.Contains(req.Reason, tt.reason) {
					t.Errorf("reason: got %q, want it to contain %q", req.Reason, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := openCreds(t, e, out.Credentials)
			if want := e.clock.now().Add(tt.duration); !c.Expiration.Equal(want) {
				t.Errorf("expiration: got %v, want %v", c.Expiration, want)
			}
			if c.Session.RoleARN != roleARN || c.Session.SessionName != "second" || c.Session.SourceAccessKeyID != tt.caller.AccessKeyID {
				t.Errorf("session: got %+v, want role %s, session second, source %s", c.Session, roleARN, tt.caller.AccessKeyID)
			}
			arn, id := creds.AssumedRole(roleARN, "", "second")
			if out.AssumedRoleUser.Arn != arn || out.AssumedRoleUser.AssumedRoleId != id {
				t.Errorf("assumed role user: got %+v, want %s %s", out.AssumedRoleUser, arn, id)
			}
		})
	}

	t.Run("tags become principal tags", func(t *testing.T) {
		ctx := protocol.WithPrincipal(context.Background(), root)
		out, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "tagged", SourceIdentity: ptr("alice"),
			Tags: []Tag{{"team", "blue"}, {"cost", "42"}}, TransitiveTagKeys: []string{"Team"}})
		if err != nil {
			t.Fatal(err)
		}
		c := openCreds(t, e, out.Credentials)
		if want := map[string]string{"team": "blue", "cost": "42"}; !reflect.DeepEqual(c.Session.PrincipalTags, want) {
			t.Errorf("principal tags: got %v, want %v", c.Session.PrincipalTags, want)
		}
		if out.PackedPolicySize == nil || out.SourceIdentity == nil || *out.SourceIdentity != "alice" {
			t.Errorf("got packed size %v and source identity %v, want both", out.PackedPolicySize, out.SourceIdentity)
		}
	})
}

// TestSessionPolicies: the session policies given to AssumeRole and
// AssumeRoleWithWebIdentity are carried in the session they issue, and in
// no session that one assumes.
func TestSessionPolicies(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	ctx := protocol.WithPrincipal(context.Background(), root)
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	arns := []string{"arn:aws:iam::123456789012:policy/Reads", "arn:aws:iam::aws:policy/ReadOnlyAccess"}

	out, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "limited", Policy: ptr(doc),
		PolicyArns: []PolicyDescriptor{{ARN: arns[0]}, {ARN: arns[1]}}})
	if err != nil {
		t.Fatal(err)
	}
	first := openCreds(t, e, out.Credentials)
	if first.Session.Policy != doc || !reflect.DeepEqual(first.Session.PolicyARNs, arns) {
		t.Errorf("AssumeRole: got policy %q and ARNs %q, want %q and %q", first.Session.Policy, first.Session.PolicyARNs, doc, arns)
	}

	chained, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), Principal(first)), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "chained"})
	if err != nil {
		t.Fatal(err)
	}
	if c := openCreds(t, e, chained.Credentials); c.Session.Policy != "" || c.Session.PolicyARNs != nil {
		t.Errorf("chained: got policy %q and ARNs %q, want none", c.Session.Policy, c.Session.PolicyARNs)
	}

	web, err := e.svc.AssumeRoleWithWebIdentity(context.Background(), &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "web",
		WebIdentityToken: e.sign(t, tokens.Claims{}), Policy: ptr(doc)})
	if err != nil {
		t.Fatal(err)
	}
	if c := openCreds(t, e, web.Credentials); c.Session.Policy != doc || c.Session.PolicyARNs != nil {
		t.Errorf("AssumeRoleWithWebIdentity: got policy %q and ARNs %q, want %q and none", c.Session.Policy, c.Session.PolicyARNs, doc)
	}
}

// TestSessionPolicyWriteRules: a session policy is a document the caller
// writes now, so IAM's text rules for written policies apply to it (one
// colon in an action, no region in an IAM resource ARN), in both
// operations that take one.
func TestSessionPolicyWriteRules(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	ctx := protocol.WithPrincipal(context.Background(), root)
	tests := []struct{ name, doc string }{
		{"region in an IAM ARN", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam:us-east-1:123456789012:role/x"}]}`},
		{"two colons in an action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "limited", Policy: ptr(tt.doc)})
			wantError(t, err, CodeMalformedPolicyDocument, 400, "Syntax errors in policy.")
			_, err = e.svc.AssumeRoleWithWebIdentity(context.Background(), &AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "web",
				WebIdentityToken: e.sign(t, tokens.Claims{}), Policy: ptr(tt.doc)})
			wantError(t, err, CodeMalformedPolicyDocument, 400, "Syntax errors in policy.")
		})
	}
}

func TestGetSessionToken(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	tests := []struct {
		name     string
		caller   *protocol.Principal
		in       GetSessionTokenInput
		duration time.Duration
		code     string
		status   int
		message  string
	}{
		{name: "IAM user default", caller: iamUser, duration: 12 * time.Hour},
		{name: "IAM user longest", caller: iamUser, in: GetSessionTokenInput{DurationSeconds: ptr[int32](129600)}, duration: 36 * time.Hour},
		{name: "root default", caller: root, duration: time.Hour},
		{name: "root capped", caller: root, in: GetSessionTokenInput{DurationSeconds: ptr[int32](7200)}, duration: time.Hour},
		{name: "root shorter", caller: root, in: GetSessionTokenInput{DurationSeconds: ptr[int32](900)}, duration: 15 * time.Minute},
		{name: "session credentials", caller: issuedPrincipal(t, e, roleSession),
			code: CodeAccessDenied, status: 403, message: "Cannot call GetSessionToken with session credentials"},
		{name: "unsigned", code: CodeMissingAuthentication, status: 403},
		{name: "code without serial number", caller: iamUser, in: GetSessionTokenInput{TokenCode: ptr("123456")}, code: CodeAccessDenied, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			out, err := e.svc.GetSessionToken(ctx, &tt.in)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.status, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := openCreds(t, e, out.Credentials)
			if want := e.clock.now().Add(tt.duration); !c.Expiration.Equal(want) {
				t.Errorf("expiration: got %v, want %v", c.Expiration, want)
			}
			// The session acts as its caller.
			p := Principal(c)
			if p.ARN != tt.caller.ARN || p.Account != "123456789012" || c.Session.SourceAccessKeyID != tt.caller.AccessKeyID {
				t.Errorf("principal: got %+v (session %+v), want the caller %s", p, c.Session, tt.caller.ARN)
			}
			if tt.caller == root && p.UserID != "123456789012" || tt.caller == iamUser && !strings.HasPrefix(p.UserID, "AIDA") {
				t.Errorf("user id: got %q, want the account for the root, AIDA… for a user", p.UserID)
			}
			// A GetSessionToken session assuming a role is role chaining,
			// as AWS holds it: an hour at most, and an hour by default.
			req := &protocol.Request{}
			_, err = e.svc.AssumeRole(protocol.WithPrincipal(protocol.WithRequest(context.Background(), req), p),
				&AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s", DurationSeconds: ptr[int32](3601)})
			wantError(t, err, CodeValidation, 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
			if want := "is a GetSessionToken session, and a role assumed by role chaining gets at most 3600 seconds"; !strings.Contains(req.Reason, want) {
				t.Errorf("reason: got %q, want it to contain %q", req.Reason, want)
			}
			for _, d := range []*int32{ptr[int32](3600), nil} {
				ar, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), p), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s", DurationSeconds: d})
				if err != nil {
					t.Errorf("AssumeRole with the session: %v", err)
				} else if got := openCreds(t, e, ar.Credentials).Expiration; !got.Equal(e.clock.now().Add(time.Hour)) {
					t.Errorf("chained expiration: got %v, want an hour from now", got)
				}
			}
		})
	}
}

// openCreds opens issued credentials with the service's creds.Issuer and
// checks that the answer matches what the token holds.
func openCreds(t *testing.T, e *env, out *Credentials) creds.Credentials {
	t.Helper()
	c, err := e.creds.Open(out.SessionToken)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if c.AccessKeyID != out.AccessKeyId || c.SecretAccessKey != out.SecretAccessKey || !c.Expiration.Equal(out.Expiration.Time()) {
		t.Fatalf("answered credentials %+v differ from the sealed ones %+v", out, c)
	}
	return c
}

func bigPolicy(n int) string {
	pad := strings.Repeat("x", n)
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + pad + `","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
}

func manyARNs(n int) []PolicyDescriptor {
	out := make([]PolicyDescriptor, n)
	for i := range out {
		out[i] = PolicyDescriptor{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccessNumber" + itoa(int64(i))}
	}
	return out
}

func itoa(i int64) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestErrorsAreProtocolErrors(t *testing.T) {
	// Wrapping keeps the wire code reachable.
	err := errors.Join(errors.New("context"), errRejectedClaim("x"))
	if !errors.Is(err, &protocol.Error{Code: CodeIDPRejectedClaim}) {
		t.Errorf("got %v, want it to match %s", err, CodeIDPRejectedClaim)
	}
}

// TestChainTags: a chained session carries its caller's transitive tags,
// still transitive, beside its own; it may not set their keys again.
func TestChainTags(t *testing.T) {
	from := &creds.Credentials{Session: creds.Session{PrincipalTags: map[string]string{"team": "red", "cost": "1"}, TransitiveTagKeys: []string{"team"}}}
	tests := []struct {
		name           string
		from           *creds.Credentials
		tags           map[string]string
		transitive     []string
		wantTags       map[string]string
		wantTransitive []string
		wantCode       string
	}{
		{"no caller session", nil, map[string]string{"a": "1"}, []string{"A"}, map[string]string{"a": "1"}, []string{"a"}, ""},
		{"inherited, none set", from, nil, nil, map[string]string{"team": "red"}, []string{"team"}, ""},
		{"inherited and own", from, map[string]string{"cost": "2", "x": "y"}, []string{"x"}, map[string]string{"team": "red", "cost": "2", "x": "y"}, []string{"team", "x"}, ""},
		{"transitive key set again", from, map[string]string{"team": "blue"}, nil, nil, nil, CodeInvalidParameterValue},
		{"transitive key set again in another case", from, map[string]string{"TEAM": "blue"}, nil, nil, nil, CodeInvalidParameterValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inherited, err := inherit(t.Context(), tt.from, tt.tags)
			if tt.wantCode != "" {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.Status != 400 {
					t.Fatalf("got %v, want 400 %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tags, transitive := chainTags(tt.tags, tt.transitive, inherited)
			if !maps.Equal(tags, tt.wantTags) || !slices.Equal(transitive, tt.wantTransitive) {
				t.Errorf("got %v %v, want %v %v", tags, transitive, tt.wantTags, tt.wantTransitive)
			}
		})
	}
}

// TestGetAccessKeyInfoIssued: the key id of credentials idpool issued
// answers the account of their principal, as GetCallerIdentity does for
// them: a session of another account's role is that account's, expired
// or not. A key id idpool did not issue answers idpool's account.
func TestGetAccessKeyInfoIssued(t *testing.T) {
	e := newEnv(t, Config{AccountID: "111111111111"}, tokens.Config{})
	issue := func(sess creds.Session, d time.Duration) string {
		t.Helper()
		c, err := e.creds.Issue(sess, d)
		if err != nil {
			t.Fatal(err)
		}
		return c.AccessKeyID
	}
	tests := []struct {
		name, key, want string
	}{
		{"session of another account's role", issue(creds.Session{RoleARN: "arn:aws:iam::222222222222:role/B", SessionName: "s"}, time.Hour), "222222222222"},
		{"session of the account's role", issue(creds.Session{RoleARN: "arn:aws:iam::111111111111:role/A", SessionName: "s"}, time.Hour), "111111111111"},
		{"expired session of another account's role", issue(creds.Session{RoleARN: "arn:aws:iam::333333333333:role/C", SessionName: "s"}, time.Second), "333333333333"},
		{"GetSessionToken session", issue(creds.Session{UserARN: "arn:aws:iam::111111111111:user/dev"}, time.Hour), "111111111111"},
		{"key id idpool did not issue", "ASIAQ3EGUKZZNOTISSUED", "111111111111"},
		{"long-term key id", "AKIAIOSFODNN7EXAMPLE", "111111111111"},
	}
	e.clock.advance(time.Minute)
	ctx := protocol.WithPrincipal(context.Background(), iamUser)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.GetAccessKeyInfo(ctx, &GetAccessKeyInfoInput{AccessKeyId: tt.key})
			if err != nil || out.Account != tt.want {
				t.Errorf("got %+v, %v, want account %s", out, err, tt.want)
			}
		})
	}
}

// TestGetAccessKeyInfo: any signed caller learns a key's account, but a
// GetSessionToken session, which may call only AssumeRole and
// GetCallerIdentity, is refused.
func TestGetAccessKeyInfo(t *testing.T) {
	e := newEnv(t, Config{AccountID: "123456789012"}, tokens.Config{})
	tests := []struct {
		name   string
		caller *protocol.Principal
		code   string
	}{
		{name: "IAM user", caller: iamUser},
		{name: "root", caller: root},
		{name: "role session", caller: issuedPrincipal(t, e, roleSession)},
		{name: "GetSessionToken session", caller: issuedPrincipal(t, e, userSession), code: CodeAccessDenied},
		{name: "unsigned", code: CodeMissingAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			out, err := e.svc.GetAccessKeyInfo(ctx, &GetAccessKeyInfoInput{AccessKeyId: "AKIAIOSFODNN7EXAMPLE"})
			if tt.code != "" {
				wantError(t, err, tt.code, 403, "")
				return
			}
			if err != nil || out.Account != "123456789012" {
				t.Errorf("got %+v, %v, want account 123456789012", out, err)
			}
		})
	}
}
