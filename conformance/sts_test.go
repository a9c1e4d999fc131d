package conformance

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"
)

// STS facts the tests check (spec sts.md).
const (
	stsNamespace       = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion         = "2011-06-15"
	cognitoSession     = "CognitoIdentityCredentials"
	cognitoProvider    = "cognito-identity.amazonaws.com"
	msgNotJWT          = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
	msgTokenExpired    = "Token expired: current date/time "
	codeInvalidToken   = "InvalidIdentityToken"
	codeExpiredToken   = "ExpiredTokenException"
	codeRejectedClaim  = "IDPRejectedClaim"
	codeSTSInvalid     = "ValidationError"
	codeAccessDenied   = "AccessDenied"
	codeBadClientTok   = "InvalidClientTokenId"
	codeBadSignature   = "SignatureDoesNotMatch"
	codeNoAuthToken    = "MissingAuthenticationToken"
	codeInvalidActn    = "InvalidAction"
	codeBadPolicy      = "MalformedPolicyDocument"
	codePackedTooLarge = "PackedPolicyTooLarge"
)

// isoSeconds is the STS timestamp form idpool writes: RFC 3339 in UTC, no
// fraction.
var isoSeconds = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// stsFor returns an STS client aimed at s that signs with p, built the way
// applications build it; aws.AnonymousCredentials{} sends unsigned calls.
// Retries are off so that every refusal is seen as sent.
func (s *server) stsFor(p aws.CredentialsProvider) *sts.Client {
	cfg := aws.Config{Region: region, Credentials: p, RetryMaxAttempts: 1}
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.BaseEndpoint = aws.String(s.endpoint)
	})
}

// stsWith is stsFor with fixed credentials.
func (s *server) stsWith(c aws.Credentials) *sts.Client {
	return s.stsFor(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken))
}

// developerKeys are the static developer credentials every test signs
// admin calls with.
func developerKeys() aws.Credentials {
	return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
}

// fromCognito converts GetCredentialsForIdentity's credentials.
func fromCognito(t *testing.T, c *types.Credentials) aws.Credentials {
	t.Helper()
	if c == nil {
		t.Fatal("got no Credentials")
	}
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretKey),
		SessionToken:    aws.ToString(c.SessionToken),
	}
}

// fromSTS converts STS credentials.
func fromSTS(t *testing.T, c *ststypes.Credentials) aws.Credentials {
	t.Helper()
	if c == nil {
		t.Fatal("got no Credentials")
	}
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
	}
}

// checkTempCreds checks the shape of temporary credentials (sts.md §5) and
// that they expire about life from now.
func checkTempCreds(t *testing.T, c aws.Credentials, exp *time.Time, life time.Duration) {
	t.Helper()
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || len(c.AccessKeyID) != 20 {
		t.Errorf("got AccessKeyId %q, want ASIA and 16 more characters", c.AccessKeyID)
	}
	if len(c.SecretAccessKey) != 40 {
		t.Errorf("got a secret of %d characters, want 40", len(c.SecretAccessKey))
	}
	if c.SessionToken == "" {
		t.Error("got no SessionToken")
	}
	if exp == nil {
		t.Fatal("got no Expiration")
	}
	if d := time.Until(*exp); d < life-2*time.Minute || d > life+time.Minute {
		t.Errorf("got Expiration %v (in %v), want about %v ahead", exp.UTC(), d.Round(time.Second), life)
	}
}

// assumedARN is the ARN of session of role name (sts.md §3.2).
func (s *server) assumedARN(name, session string) string {
	return "arn:aws:sts::" + s.accountID + ":assumed-role/" + name + "/" + session
}

// callerOf runs GetCallerIdentity signed with c.
func (s *server) callerOf(c aws.Credentials) (*sts.GetCallerIdentityOutput, error) {
	return s.stsWith(c).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
}

// wantCaller fails t unless GetCallerIdentity signed with c names arn, in
// the test account, with the user id an assumed role or user has.
func (s *server) wantCaller(t *testing.T, c aws.Credentials, arn string) {
	t.Helper()
	out, err := s.callerOf(c)
	ok(t, err, "GetCallerIdentity")
	if got := aws.ToString(out.Arn); got != arn {
		t.Errorf("GetCallerIdentity: got Arn %s, want %s", got, arn)
	}
	if got := aws.ToString(out.Account); got != s.accountID {
		t.Errorf("GetCallerIdentity: got Account %s, want %s", got, s.accountID)
	}
	uid := aws.ToString(out.UserId)
	if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
		session := arn[strings.LastIndexByte(arn, '/')+1:]
		if !strings.HasPrefix(uid, "AROA") || !strings.HasSuffix(uid, ":"+session) {
			t.Errorf("GetCallerIdentity: got UserId %s, want AROA…:%s", uid, session)
		}
	}
}

// wantSTSError fails t unless err is the STS error code answered with HTTP
// status, with message msg (any when msg is ""). Modelled codes must come
// as the SDK's typed errors, which applications match on.
func wantSTSError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("got error %v, want the API error %s", err, code)
	}
	if api.ErrorCode() != code {
		t.Fatalf("got error code %s (%q), want %s", api.ErrorCode(), api.ErrorMessage(), code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want an HTTP response error", err)
	}
	if re.HTTPStatusCode() != status {
		t.Errorf("%s: got HTTP status %d, want %d", code, re.HTTPStatusCode(), status)
	}
	if msg != "" && api.ErrorMessage() != msg {
		t.Errorf("%s: got message %q, want %q", code, api.ErrorMessage(), msg)
	}
	if msg == "" {
		t.Logf("%s: %q", code, api.ErrorMessage())
	}
	typed := true
	switch code {
	case codeInvalidToken:
		var e *ststypes.InvalidIdentityTokenException
		typed = errors.As(err, &e)
	case codeExpiredToken:
		var e *ststypes.ExpiredTokenException
		typed = errors.As(err, &e)
	case codeRejectedClaim:
		var e *ststypes.IDPRejectedClaimException
		typed = errors.As(err, &e)
	case codeBadPolicy:
		var e *ststypes.MalformedPolicyDocumentException
		typed = errors.As(err, &e)
	case codePackedTooLarge:
		var e *ststypes.PackedPolicyTooLargeException
		typed = errors.As(err, &e)
	case codeBadMessage:
		var e *ststypes.InvalidAuthorizationMessageException
		typed = errors.As(err, &e)
	default:
		var e *smithy.GenericAPIError
		typed = errors.As(err, &e)
	}
	if !typed {
		t.Errorf("got %T for %s, want the SDK's error type for it", api, code)
	}
}

// rolePool creates a pool from in and gives it roles.
func (s *server) rolePool(t *testing.T, in *cognitoidentity.CreateIdentityPoolInput, roles map[string]string) string {
	t.Helper()
	pool := s.createPool(t, in)
	_, err := s.signed.SetIdentityPoolRoles(context.Background(), &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: roles,
	})
	ok(t, err, "SetIdentityPoolRoles")
	return pool
}

// guestToken returns a new guest identity of pool and its OpenID token.
func (s *server) guestToken(t *testing.T, pool string) (id, token string) {
	t.Helper()
	id = s.guestID(t, pool)
	out, err := s.anon.GetOpenIdToken(context.Background(), &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(id)})
	ok(t, err, "GetOpenIdToken")
	if aws.ToString(out.Token) == "" {
		t.Fatal("GetOpenIdToken: no token")
	}
	return id, aws.ToString(out.Token)
}

// enhancedCreds runs GetCredentialsForIdentity for id with logins and
// returns the credentials and their expiry.
func (s *server) enhancedCreds(t *testing.T, id string, logins map[string]string) (aws.Credentials, *time.Time) {
	t.Helper()
	out, err := s.anon.GetCredentialsForIdentity(context.Background(), &cognitoidentity.GetCredentialsForIdentityInput{
		IdentityId: aws.String(id), Logins: logins,
	})
	ok(t, err, "GetCredentialsForIdentity")
	c := fromCognito(t, out.Credentials)
	return c, out.Credentials.Expiration
}

// assumeWeb runs AssumeRoleWithWebIdentity, unsigned as the SDK sends it.
func (s *server) assumeWeb(token, role, session string, dur *int32) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String(session), WebIdentityToken: aws.String(token), DurationSeconds: dur,
	})
}

// TestCredentialsSignCallerIdentity is the acceptance test of issued
// credentials: credentials from GetCredentialsForIdentity and from
// AssumeRoleWithWebIdentity sign GetCallerIdentity with the SDK's own
// signer and name their assumed role, before and after a restart; a wrong
// secret or a session token idpool did not issue is refused.
func TestCredentialsSignCallerIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": s.roleARN("Cognito_Guest")})

	guest, token := s.guestToken(t, pool)
	enhanced, exp := s.enhancedCreds(t, guest, nil)
	checkTempCreds(t, enhanced, exp, time.Hour)
	web, err := s.assumeWeb(token, s.roleARN("WebRole"), "web-session", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	basic := fromSTS(t, web.Credentials)
	checkTempCreds(t, basic, web.Credentials.Expiration, time.Hour)
	other, _ := s.enhancedCreds(t, guest, nil)

	valid := []struct {
		name string
		c    aws.Credentials
		arn  string
	}{
		{"GetCredentialsForIdentity", enhanced, s.assumedARN("Cognito_Guest", cognitoSession)},
		{"AssumeRoleWithWebIdentity", basic, s.assumedARN("WebRole", "web-session")},
	}
	check := func(t *testing.T) {
		t.Helper()
		for _, tt := range valid {
			t.Run(tt.name, func(t *testing.T) { s.wantCaller(t, tt.c, tt.arn) })
		}
	}
	check(t)

	withSecret := func(c aws.Credentials, secret string) aws.Credentials { c.SecretAccessKey = secret; return c }
	withToken := func(c aws.Credentials, token string) aws.Credentials { c.SessionToken = token; return c }
	refused := []struct {
		name   string
		c      aws.Credentials
		code   string
		status int
	}{
		{"wrong secret, enhanced", withSecret(enhanced, strings.Repeat("x", 40)), codeBadSignature, http.StatusForbidden},
		{"wrong secret, STS", withSecret(basic, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), codeBadSignature, http.StatusForbidden},
		{"another credential's secret", withSecret(enhanced, other.SecretAccessKey), codeBadSignature, http.StatusForbidden},
		{"tampered session token", withToken(enhanced, tamper(enhanced.SessionToken)), codeBadClientTok, http.StatusForbidden},
		{"foreign session token", withToken(basic, "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleAiBexampleexample=="), codeBadClientTok, http.StatusForbidden},
		{"another credential's session token", withToken(enhanced, other.SessionToken), codeBadClientTok, http.StatusForbidden},
		{"issued key without its session token", withToken(enhanced, ""), codeBadClientTok, http.StatusForbidden},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.callerOf(tt.c)
			wantSTSError(t, err, tt.code, tt.status, "")
		})
	}

	// Credentials and the token they came from outlive the process.
	s.restart(t)
	t.Run("after restart", check)
	t.Run("after restart, token issued before", func(t *testing.T) {
		out, err := s.assumeWeb(token, s.roleARN("WebRole"), "after-restart", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
		s.wantCaller(t, fromSTS(t, out.Credentials), s.assumedARN("WebRole", "after-restart"))
	})
	t.Run("after restart, tampered token", func(t *testing.T) {
		_, err := s.callerOf(withToken(basic, tamper(basic.SessionToken)))
		wantSTSError(t, err, codeBadClientTok, http.StatusForbidden, "")
	})
}

// tamper changes one character in the middle of s to another of the
// base64 alphabet, so the result still decodes but is not what was issued.
func tamper(s string) string {
	b := []byte(s)
	i := len(b) / 2
	for b[i] == '=' {
		i--
	}
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// tokenParts splits a JWS in compact form and decodes its claims.
func tokenParts(t *testing.T, token string) (header, payload, sig string, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatalf("token claims: %v", err)
	}
	return parts[0], parts[1], parts[2], claims
}

func encodeSegment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// signForeign signs claims RS512 with a key idpool does not know, under
// key id kid.
func signForeign(t *testing.T, claims map[string]any, kid string) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signClaims(t, key, jose.RS512, "JWS", kid, claims)
}

// TestAssumeRoleWithWebIdentityRefusals checks every way STS refuses a web
// identity token or a request (tokens.md §5, sts.md §3.3).
func TestAssumeRoleWithWebIdentityRefusals(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	guest, token := s.guestToken(t, pool)
	header, payload, sig, claims := tokenParts(t, token)
	var hdr map[string]any
	if err := decodeJSONSegment(header, &hdr); err != nil {
		t.Fatalf("token header: %v", err)
	}
	kid, _ := hdr["kid"].(string)

	// The same claims, another identity: a signature over the original
	// payload must not cover it.
	forged := map[string]any{}
	for k, v := range claims {
		forged[k] = v
	}
	forged["sub"] = "us-east-1:00000000-0000-4000-8000-000000000000"
	fresh := func(iss string) map[string]any {
		now := time.Now().Unix()
		return map[string]any{"iss": iss, "aud": pool, "sub": guest, "amr": []string{"unauthenticated"}, "iat": now, "exp": now + 600}
	}
	role := s.roleARN("WebRole")

	tests := []struct {
		name   string
		token  string
		role   string
		sess   string
		dur    *int32
		code   string
		status int
		msg    string
	}{
		{name: "alg none", token: encodeSegment(t, map[string]string{"alg": "none", "typ": "JWT"}) + "." + payload + ".",
			code: codeInvalidToken, status: 400},
		{name: "alg none with the real kid", token: encodeSegment(t, map[string]string{"alg": "none", "typ": "JWS", "kid": kid}) + "." + payload + "." + sig,
			code: codeInvalidToken, status: 400},
		{name: "tampered payload", token: header + "." + encodeSegment(t, forged) + "." + sig,
			code: codeInvalidToken, status: 400},
		{name: "signature of another token", token: header + "." + payload + "." + tamper(sig),
			code: codeInvalidToken, status: 400},
		{name: "unknown kid", token: signForeign(t, fresh(s.issuer), "made-up-kid-7"),
			code: codeInvalidToken, status: 400},
		{name: "idpool's kid, another key", token: signForeign(t, fresh(s.issuer), kid),
			code: codeInvalidToken, status: 400},
		{name: "garbage", token: "this is not a JWT at all",
			code: codeInvalidToken, status: 400, msg: msgNotJWT},
		{name: "three garbage segments", token: "bm90.anNvbg.c2ln",
			code: codeInvalidToken, status: 400},
		{name: "foreign issuer", token: signForeign(t, fresh("https://accounts.google.com"), "google-1"),
			code: codeInvalidToken, status: 400},
		{name: "foreign issuer, unsigned provider token", token: googleToken(t, "someone-123"),
			code: codeInvalidToken, status: 400},
		{name: "DurationSeconds below 900", token: token, dur: aws.Int32(899),
			code: codeSTSInvalid, status: 400},
		{name: "DurationSeconds above 43200", token: token, dur: aws.Int32(43201),
			code: codeSTSInvalid, status: 400},
		{name: "RoleSessionName with a space", token: token, sess: "bad name",
			code: codeSTSInvalid, status: 400},
		{name: "RoleSessionName too short", token: token, sess: "x",
			code: codeSTSInvalid, status: 400},
		{name: "RoleArn not an ARN", token: token, role: "not-a-role-arn-at-all",
			code: codeSTSInvalid, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, sess := role, "refused"
			if tt.role != "" {
				r = tt.role
			}
			if tt.sess != "" {
				sess = tt.sess
			}
			out, err := s.assumeWeb(tt.token, r, sess, tt.dur)
			if err == nil {
				t.Fatalf("got credentials for %s, want %s", aws.ToString(out.AssumedRoleUser.Arn), tt.code)
			}
			wantSTSError(t, err, tt.code, tt.status, tt.msg)
		})
	}

	t.Run("session policy that is not JSON", func(t *testing.T) {
		_, err := s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(role), RoleSessionName: aws.String("bad-policy"), WebIdentityToken: aws.String(token),
			Policy: aws.String("{not json"),
		})
		wantSTSError(t, err, codeBadPolicy, http.StatusBadRequest, "")
		var e *ststypes.MalformedPolicyDocumentException
		if !errors.As(err, &e) {
			t.Errorf("got %T, want *types.MalformedPolicyDocumentException", err)
		}
	})
	t.Run("ProviderId with an OpenID Connect token", func(t *testing.T) {
		_, err := s.stsFor(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(role), RoleSessionName: aws.String("with-provider"), WebIdentityToken: aws.String(token),
			ProviderId: aws.String("graph.facebook.com"),
		})
		wantSTSError(t, err, codeInvalidToken, 400, "")
	})

	// The SDK refuses to send a request without its required members, so
	// these go over plain HTTP, as a hand-written client would send them.
	full := url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {stsVersion},
		"RoleArn": {role}, "RoleSessionName": {"raw"}, "WebIdentityToken": {token},
	}
	for _, member := range []struct{ name, wire string }{
		{"RoleArn", "roleArn"}, {"RoleSessionName", "roleSessionName"}, {"WebIdentityToken", "webIdentityToken"},
	} {
		t.Run("missing "+member.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range full {
				if k != member.name {
					form[k] = v
				}
			}
			res := s.postForm(t, form, "application/x-www-form-urlencoded; charset=utf-8")
			e := checkSTSError(t, res, http.StatusBadRequest, codeSTSInvalid)
			if !strings.Contains(e.Error.Message, "'"+member.wire+"'") || !strings.Contains(e.Error.Message, "Member must not be null") {
				t.Errorf("got message %q, want Coral's text naming '%s' and \"Member must not be null\"", e.Error.Message, member.wire)
			}
		})
	}
}

// TestAssumeRoleWithWebIdentityExpiredToken checks that a token past its
// exp is refused with ExpiredTokenException. idpool's shortest token is a
// developer token of TokenDuration 1.
func TestAssumeRoleWithWebIdentityExpiredToken(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	out, err := d.signed.GetOpenIdTokenForDeveloperIdentity(context.Background(), &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolId: aws.String(d.pool), Logins: map[string]string{d.dev: "short-lived"}, TokenDuration: aws.Int64(1),
	})
	ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	token := aws.ToString(out.Token)
	_, _, _, claims := tokenParts(t, token)
	exp, isNum := claims["exp"].(float64)
	if !isNum {
		t.Fatalf("token exp %v, want a number", claims["exp"])
	}
	// exp is in whole seconds and checked without skew: wait until it is
	// strictly in the past.
	time.Sleep(time.Until(time.Unix(int64(exp)+1, 0).Add(100 * time.Millisecond)))
	_, err = d.assumeWeb(token, d.roleARN("WebRole"), "expired", nil)
	wantSTSError(t, err, codeExpiredToken, http.StatusBadRequest, "")
	var api smithy.APIError
	if errors.As(err, &api) && !strings.HasPrefix(api.ErrorMessage(), msgTokenExpired) {
		t.Errorf("got message %q, want it to start with %q", api.ErrorMessage(), msgTokenExpired)
	}
}

// TestSessionTokenAndAssumeRole covers the signed credential operations:
// AssumeRole and GetSessionToken with developer keys, role chaining, and
// the refusal of GetSessionToken to temporary credentials.
func TestSessionTokenAndAssumeRole(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.stsWith(developerKeys())

	me, err := dev.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	ok(t, err, "GetCallerIdentity with developer keys")
	devARN := aws.ToString(me.Arn)
	isRootARN := devARN == "arn:aws:iam::"+s.accountID+":root"
	if !isRootARN && !strings.HasPrefix(devARN, "arn:aws:iam::"+s.accountID+":user/") {
		t.Errorf("developer keys: got Arn %s, want the account's root or an IAM user of %s", devARN, s.accountID)
	}

	// AssumeRole through the SDK's own provider, as applications chain it.
	provider := stscreds.NewAssumeRoleProvider(dev, s.roleARN("Deployer"), func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "deploy-1"
	})
	assumed, err := provider.Retrieve(ctx)
	ok(t, err, "AssumeRole (stscreds)")
	// The provider asks for stscreds.DefaultDuration (15 minutes).
	checkTempCreds(t, assumed, &assumed.Expires, stscreds.DefaultDuration)
	s.wantCaller(t, assumed, s.assumedARN("Deployer", "deploy-1"))

	out, err := dev.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + s.accountID + ":role/team/ci/Builder"), RoleSessionName: aws.String("build@42"),
		DurationSeconds: aws.Int32(900),
	})
	ok(t, err, "AssumeRole with a role path")
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), s.assumedARN("Builder", "build@42"); got != want {
		t.Errorf("AssumedRoleUser.Arn: got %s, want %s (the role name without its path)", got, want)
	}
	pathCreds := fromSTS(t, out.Credentials)
	checkTempCreds(t, pathCreds, out.Credentials.Expiration, 15*time.Minute)
	s.wantCaller(t, pathCreds, s.assumedARN("Builder", "build@42"))

	chained, err := s.stsWith(assumed).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(s.roleARN("Reader")), RoleSessionName: aws.String("chained"),
	})
	ok(t, err, "AssumeRole signed with role credentials (chaining)")
	s.wantCaller(t, fromSTS(t, chained.Credentials), s.assumedARN("Reader", "chained"))
	t.Run("chaining beyond one hour", func(t *testing.T) {
		_, err := s.stsWith(assumed).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(s.roleARN("Reader")), RoleSessionName: aws.String("chained-long"), DurationSeconds: aws.Int32(7200),
		})
		wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, "")
	})

	st, err := dev.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken with developer keys")
	session := fromSTS(t, st.Credentials)
	if isRootARN {
		// The root's sessions last an hour by default (sts.md §4.3).
		checkTempCreds(t, session, st.Credentials.Expiration, time.Hour)
	}
	// A GetSessionToken session acts as the keys that asked for it.
	s.wantCaller(t, session, devARN)
	if isRootARN {
		capped, err := dev.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
		ok(t, err, "GetSessionToken 7200 s as root")
		checkTempCreds(t, fromSTS(t, capped.Credentials), capped.Credentials.Expiration, time.Hour)
	}

	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": s.roleARN("Cognito_Guest")})
	cognito, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
	for _, tt := range []struct {
		name string
		c    aws.Credentials
	}{
		{"AssumeRole credentials", assumed},
		{"Cognito credentials", cognito},
		{"GetSessionToken credentials", session},
	} {
		t.Run("GetSessionToken with "+tt.name, func(t *testing.T) {
			_, err := s.stsWith(tt.c).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "")
		})
	}
}

// TestPresignedCallerIdentity fetches presigned GetCallerIdentity URLs, the
// way EKS and Vault-style clients prove who they are, with plain net/http.
func TestPresignedCallerIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": s.roleARN("Cognito_Guest")})
	cognito, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)

	presign := func(t *testing.T, c aws.Credentials) *http.Request {
		t.Helper()
		p, err := sts.NewPresignClient(s.stsWith(c)).PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ok(t, err, "PresignGetCallerIdentity")
		req, err := http.NewRequest(p.Method, p.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range p.SignedHeader {
			if strings.EqualFold(k, "Host") {
				continue
			}
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		return req
	}

	t.Run("Cognito credentials", func(t *testing.T) {
		req := presign(t, cognito)
		if req.URL.Query().Get("X-Amz-Signature") == "" || req.URL.Query().Get("X-Amz-Security-Token") == "" {
			t.Fatalf("presigned URL %s lacks X-Amz-Signature or X-Amz-Security-Token", req.URL)
		}
		res := s.do(t, req)
		if res.status != http.StatusOK {
			t.Fatalf("got status %d, want 200:\n%s", res.status, res.body)
		}
		var doc struct {
			XMLName xml.Name `xml:"GetCallerIdentityResponse"`
			Result  struct {
				Arn, UserId, Account string
			} `xml:"GetCallerIdentityResult"`
			RequestID string `xml:"ResponseMetadata>RequestId"`
		}
		if err := xml.Unmarshal(res.body, &doc); err != nil {
			t.Fatalf("parse answer: %v\n%s", err, res.body)
		}
		if doc.XMLName.Space != stsNamespace {
			t.Errorf("got namespace %q, want %q", doc.XMLName.Space, stsNamespace)
		}
		if want := s.assumedARN("Cognito_Guest", cognitoSession); doc.Result.Arn != want {
			t.Errorf("got Arn %s, want %s", doc.Result.Arn, want)
		}
		if doc.Result.Account != s.accountID || !strings.HasSuffix(doc.Result.UserId, ":"+cognitoSession) {
			t.Errorf("got Account %s UserId %s, want %s and AROA…:%s", doc.Result.Account, doc.Result.UserId, s.accountID, cognitoSession)
		}
		if doc.RequestID == "" {
			t.Error("got no ResponseMetadata/RequestId")
		}
	})
	t.Run("developer keys", func(t *testing.T) {
		res := s.do(t, presign(t, developerKeys()))
		if res.status != http.StatusOK || !strings.Contains(string(res.body), "<Account>"+s.accountID+"</Account>") {
			t.Errorf("got status %d, want 200 with account %s:\n%s", res.status, s.accountID, res.body)
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		req := presign(t, cognito)
		q := req.URL.Query()
		sig := q.Get("X-Amz-Signature")
		if sig[0] == '0' {
			sig = "1" + sig[1:]
		} else {
			sig = "0" + sig[1:]
		}
		q.Set("X-Amz-Signature", sig)
		req.URL.RawQuery = q.Encode()
		checkSTSError(t, s.do(t, req), http.StatusForbidden, codeBadSignature)
	})
	// STS ignores X-Amz-Expires: a presigned URL is good for 15 minutes
	// from its date (the EKS token flow signs for 60 seconds and replays
	// the URL for 14 minutes), and no longer, whatever it says.
	presignedAt := func(t *testing.T, expires string, at time.Time) *http.Request {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, s.endpoint+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires="+expires, nil)
		if err != nil {
			t.Fatal(err)
		}
		empty := sha256.Sum256(nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, cognito, req, hex.EncodeToString(empty[:]), "sts", region, at)
		if err != nil {
			t.Fatalf("presign: %v", err)
		}
		if req, err = http.NewRequest(http.MethodGet, u, nil); err != nil {
			t.Fatal(err)
		}
		return req
	}
	t.Run("past X-Amz-Expires, within 15 minutes", func(t *testing.T) {
		if res := s.do(t, presignedAt(t, "60", time.Now().Add(-10*time.Minute))); res.status != http.StatusOK {
			t.Errorf("got status %d, want 200:\n%s", res.status, res.body)
		}
	})
	t.Run("X-Amz-Expires of a day, after 15 minutes", func(t *testing.T) {
		doc := checkSTSError(t, s.do(t, presignedAt(t, "86400", time.Now().Add(-16*time.Minute))), http.StatusForbidden, codeBadSignature)
		if !strings.HasPrefix(doc.Error.Message, "Signature expired: ") || !strings.Contains(doc.Error.Message, " is now earlier than ") {
			t.Errorf("got message %q, want AWS's \"Signature expired: <date> is now earlier than <date> (<now> - 15 min.)\"", doc.Error.Message)
		}
	})
	t.Run("dated in the future", func(t *testing.T) {
		doc := checkSTSError(t, s.do(t, presignedAt(t, "60", time.Now().Add(16*time.Minute))), http.StatusForbidden, codeBadSignature)
		if !strings.HasPrefix(doc.Error.Message, "Signature not yet current: ") {
			t.Errorf("got message %q, want AWS's \"Signature not yet current: <date> is still later than <date> (<now> + 15 min.)\"", doc.Error.Message)
		}
	})
	t.Run("another identity's session token", func(t *testing.T) {
		req := presign(t, cognito)
		other, _ := s.enhancedCreds(t, s.guestID(t, pool), nil)
		q := req.URL.Query()
		q.Set("X-Amz-Security-Token", other.SessionToken)
		req.URL.RawQuery = q.Encode()
		checkSTSError(t, s.do(t, req), http.StatusForbidden, codeBadClientTok)
	})
}

// stsErrorDoc is STS's XML error (sts.md §2.3).
type stsErrorDoc struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// checkSTSError checks an STS error answer: status, text/xml,
// <ErrorResponse><Error><Type><Code><Message></Error><RequestId>, Type
// Sender for 4xx, and the request id also in x-amzn-RequestId.
func checkSTSError(t *testing.T, res rawResponse, status int, code string) stsErrorDoc {
	t.Helper()
	var e stsErrorDoc
	if err := xml.Unmarshal(res.body, &e); err != nil {
		t.Fatalf("got status %d with a body that is not an STS error (%v):\n%s", res.status, err, res.body)
	}
	if res.status != status || e.Error.Code != code {
		t.Fatalf("got %d %s (%q), want %d %s", res.status, e.Error.Code, e.Error.Message, status, code)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("got Content-Type %q, want text/xml", ct)
	}
	if want := "Sender"; status < 500 && e.Error.Type != want {
		t.Errorf("got Type %q, want %q", e.Error.Type, want)
	}
	if e.Error.Message == "" {
		t.Error("got no Message")
	}
	if e.RequestID == "" {
		t.Error("got no RequestId under ErrorResponse")
	}
	if h := res.header.Get("X-Amzn-Requestid"); h != "" && h != e.RequestID {
		t.Errorf("got header x-amzn-RequestId %q and RequestId %q, want the same", h, e.RequestID)
	}
	if !strings.Contains(string(res.body), "<ErrorResponse") {
		t.Errorf("root is not ErrorResponse:\n%s", res.body)
	}
	t.Logf("%s: %q", code, e.Error.Message)
	return e
}

// postForm posts form to the STS endpoint with content type ct, unsigned.
func (s *server) postForm(t *testing.T, form url.Values, ct string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return s.do(t, req)
}

// webIdentityDoc is the XML answer of AssumeRoleWithWebIdentity.
type webIdentityDoc struct {
	XMLName xml.Name `xml:"AssumeRoleWithWebIdentityResponse"`
	Result  struct {
		SubjectFromWebIdentityToken string
		Audience                    string
		Provider                    string
		AssumedRoleUser             struct{ Arn, AssumedRoleId string }
		Credentials                 struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	} `xml:"AssumeRoleWithWebIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// TestSTSWire checks STS's Query protocol with plain net/http: the error
// XML, unknown actions, and parameters in the query string.
func TestSTSWire(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	guest, token := s.guestToken(t, pool)
	role := s.roleARN("WebRole")
	web := func(session, tok string) url.Values {
		return url.Values{
			"Action": {"AssumeRoleWithWebIdentity"}, "Version": {stsVersion},
			"RoleArn": {role}, "RoleSessionName": {session}, "WebIdentityToken": {tok},
		}
	}

	t.Run("error shape", func(t *testing.T) {
		res := s.postForm(t, web("bad", "garbage-token"), "application/x-www-form-urlencoded")
		e := checkSTSError(t, res, http.StatusBadRequest, codeInvalidToken)
		if e.XMLName.Space != stsNamespace {
			t.Errorf("got ErrorResponse namespace %q, want %q", e.XMLName.Space, stsNamespace)
		}
		if e.Error.Message != msgNotJWT {
			t.Errorf("got message %q, want %q", e.Error.Message, msgNotJWT)
		}
	})
	t.Run("unknown Action", func(t *testing.T) {
		res := s.postForm(t, url.Values{"Action": {"FlyToTheMoon"}, "Version": {stsVersion}}, "application/x-www-form-urlencoded")
		checkSTSError(t, res, http.StatusBadRequest, codeInvalidActn)
	})
	t.Run("unsigned GetCallerIdentity", func(t *testing.T) {
		res := s.postForm(t, url.Values{"Action": {"GetCallerIdentity"}, "Version": {stsVersion}}, "application/x-www-form-urlencoded")
		checkSTSError(t, res, http.StatusForbidden, codeNoAuthToken)
	})

	success := func(t *testing.T, res rawResponse, session string) {
		t.Helper()
		if res.status != http.StatusOK {
			t.Fatalf("got status %d, want 200:\n%s", res.status, res.body)
		}
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("got Content-Type %q, want text/xml", ct)
		}
		var doc webIdentityDoc
		if err := xml.Unmarshal(res.body, &doc); err != nil {
			t.Fatalf("parse answer: %v\n%s", err, res.body)
		}
		r := doc.Result
		if doc.XMLName.Space != stsNamespace {
			t.Errorf("got namespace %q, want %q", doc.XMLName.Space, stsNamespace)
		}
		if want := s.assumedARN("WebRole", session); r.AssumedRoleUser.Arn != want {
			t.Errorf("got Arn %s, want %s", r.AssumedRoleUser.Arn, want)
		}
		if r.SubjectFromWebIdentityToken != guest || r.Audience != pool || r.Provider != cognitoProvider {
			t.Errorf("got subject %q audience %q provider %q, want %s, %s, %s",
				r.SubjectFromWebIdentityToken, r.Audience, r.Provider, guest, pool, cognitoProvider)
		}
		if !isoSeconds.MatchString(r.Credentials.Expiration) {
			t.Errorf("got Expiration %q, want ISO 8601 UTC like 2014-10-24T23:00:23Z", r.Credentials.Expiration)
		}
		if doc.RequestID == "" {
			t.Error("got no ResponseMetadata/RequestId")
		}
		if h := res.header.Get("X-Amzn-Requestid"); h != doc.RequestID {
			t.Errorf("got header x-amzn-RequestId %q, body RequestId %q, want the same", h, doc.RequestID)
		}
		c := aws.Credentials{AccessKeyID: r.Credentials.AccessKeyId, SecretAccessKey: r.Credentials.SecretAccessKey, SessionToken: r.Credentials.SessionToken}
		s.wantCaller(t, c, s.assumedARN("WebRole", session))
	}
	t.Run("GET with the query string", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.endpoint+"/?"+web("by-get", token).Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		success(t, s.do(t, req), "by-get")
	})
	t.Run("POST with a charset", func(t *testing.T) {
		success(t, s.postForm(t, web("by-post", token), "application/x-www-form-urlencoded; charset=utf-8"), "by-post")
	})
	t.Run("empty list", func(t *testing.T) {
		// SDKs write an empty list as "Name=" (sts.md §2.1).
		form := web("empty-list", token)
		form.Set("PolicyArns", "")
		success(t, s.postForm(t, form, "application/x-www-form-urlencoded"), "empty-list")
	})
	t.Run("signature on an unsigned operation is ignored", func(t *testing.T) {
		// Credentials idpool never issued: checking them would refuse the
		// call, and AssumeRoleWithWebIdentity must not check them.
		body := web("signed-anyway", token).Encode()
		req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		sum := sha256.Sum256([]byte(body))
		bogus := aws.Credentials{AccessKeyID: "ASIAQNOTISSUEDHERE01", SecretAccessKey: "bogus", SessionToken: "bm90LWlzc3VlZA=="}
		if err := v4.NewSigner().SignHTTP(context.Background(), bogus, req, hex.EncodeToString(sum[:]), "sts", region, time.Now()); err != nil {
			t.Fatalf("sign: %v", err)
		}
		success(t, s.do(t, req), "signed-anyway")
	})
}
