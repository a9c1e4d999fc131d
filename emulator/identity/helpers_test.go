package identity

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

const (
	testRegion    = "us-east-1"
	testAccount   = "123456789012"
	testUserPool  = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST"
	testClient    = "client1"
	testClient2   = "client2"
	testOIDC      = "oidc.example.com/tenant"
	testOIDCARN   = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/tenant"
	testSAMLARN   = "arn:aws:iam::123456789012:saml-provider/corp"
	testDev       = "login.example.app"
	testGoogleApp = "google-client.apps.googleusercontent.com"
	testFBApp     = "1234567890"
	authRole      = "arn:aws:iam::123456789012:role/Auth"
	unauthRole    = "arn:aws:iam::123456789012:role/Unauth"
	adminRole     = "arn:aws:iam::123456789012:role/Admin"
	readerRole    = "arn:aws:iam::123456789012:role/Reader"
)

// signingKey is one RSA key shared by every test store: generating one per
// test would cost more than the tests.
var signingKey = sync.OnceValues(func() ([]byte, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return x509.MarshalPKCS8PrivateKey(k)
})

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeCreds is a CredentialIssuer that records the sessions it is asked for.
type fakeCreds struct {
	mu       sync.Mutex
	sessions []Session
	now      func() time.Time
}

func (f *fakeCreds) Issue(ctx context.Context, s Session) (Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = append(f.sessions, s)
	n := len(f.sessions)
	return Credentials{
		AccessKeyID:  fmt.Sprintf("ASIATEST%012d", n),
		SecretKey:    fmt.Sprintf("secret-%d", n),
		SessionToken: fmt.Sprintf("token-%d", n),
		Expiration:   f.now().Add(s.Duration),
	}, nil
}

func (f *fakeCreds) last(t *testing.T) Session {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sessions) == 0 {
		t.Fatal("no credentials were issued")
	}
	return f.sessions[len(f.sessions)-1]
}

// countingStore counts Update calls, to prove read-only fast paths, and
// reads of identities outside them.
type countingStore struct {
	storage.Store
	updates       atomic.Int64
	identityReads atomic.Int64
}

func (c *countingStore) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

func (c *countingStore) GetIdentity(ctx context.Context, id string) (storage.Identity, error) {
	c.identityReads.Add(1)
	return c.Store.GetIdentity(ctx, id)
}

func (c *countingStore) IdentityByLogin(ctx context.Context, poolID string, l storage.Login) (storage.Identity, error) {
	c.identityReads.Add(1)
	return c.Store.IdentityByLogin(ctx, poolID, l)
}

type env struct {
	svc    *Service
	store  *countingStore
	issuer *tokens.Issuer
	clock  *clock
	creds  *fakeCreds
	ctx    context.Context
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	der, err := signingKey()
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	clk := &clock{t: time.Date(2025, 5, 26, 12, 0, 0, 0, time.UTC)}
	err = st.Update(ctx, func(tx storage.Tx) error {
		return tx.CreateSigningKey(ctx, storage.SigningKey{ID: "us-east-1-1", PrivateKey: der, CreatedAt: clk.Now(), Active: true})
	})
	if err != nil {
		t.Fatalf("store key: %v", err)
	}
	iss, err := tokens.New(ctx, st, tokens.Config{Region: testRegion}, clk.Now, nil, nil)
	if err != nil {
		t.Fatalf("tokens: %v", err)
	}
	cs := &countingStore{Store: st}
	fc := &fakeCreds{now: clk.Now}
	svc := New(Config{Region: testRegion, AccountID: testAccount}, cs, iss, fc, clk.Now, uuid.NewString, nil)
	return &env{svc: svc, store: cs, issuer: iss, clock: clk, creds: fc, ctx: ctx}
}

// fullPool is a CreateIdentityPoolInput with every kind of provider.
func fullPool() *CreateIdentityPoolInput {
	return &CreateIdentityPoolInput{
		IdentityPoolName:               "full",
		AllowUnauthenticatedIdentities: true,
		SupportedLoginProviders: map[string]string{
			"accounts.google.com": testGoogleApp,
			"graph.facebook.com":  testFBApp,
			"appleid.apple.com":   "com.example.app",
			"www.amazon.com":      "amzn1.application.x",
		},
		DeveloperProviderName:     testDev,
		OpenIdConnectProviderARNs: []string{testOIDCARN},
		CognitoIdentityProviders: []CognitoIdentityProvider{
			{ProviderName: testUserPool, ClientId: testClient},
			{ProviderName: testUserPool, ClientId: testClient2},
		},
		SamlProviderARNs: []string{testSAMLARN},
	}
}

func (e *env) createPool(t testing.TB, in *CreateIdentityPoolInput) string {
	t.Helper()
	out, err := e.svc.CreateIdentityPool(e.ctx, in)
	if err != nil {
		t.Fatalf("CreateIdentityPool: %v", err)
	}
	return out.IdentityPoolId
}

// setRoles sets the default roles of pool (and mappings, if any).
func (e *env) setRoles(t *testing.T, pool string, mappings map[string]RoleMapping) {
	t.Helper()
	_, err := e.svc.SetIdentityPoolRoles(e.ctx, &SetIdentityPoolRolesInput{
		IdentityPoolId: pool,
		Roles:          map[string]string{"authenticated": authRole, "unauthenticated": unauthRole},
		RoleMappings:   mappings,
	})
	if err != nil {
		t.Fatalf("SetIdentityPoolRoles: %v", err)
	}
}

func (e *env) getID(t testing.TB, pool string, logins map[string]string) string {
	t.Helper()
	out, err := e.svc.GetId(e.ctx, &GetIdInput{IdentityPoolId: pool, Logins: logins})
	if err != nil {
		t.Fatalf("GetId(%v): %v", slices.Sorted(maps.Keys(logins)), err)
	}
	return out.IdentityId
}

func (e *env) identity(t *testing.T, id string) storage.Identity {
	t.Helper()
	i, err := e.store.GetIdentity(e.ctx, id)
	if err != nil {
		t.Fatalf("GetIdentity(%s): %v", id, err)
	}
	return i
}

// jwt builds an unsigned compact JWS with the given claims.
func jwt(claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"test"}`))
	return h + "." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

// idToken is a provider ID token for iss "https://"+provider, valid for an
// hour from now; extra claims are added or override.
func (e *env) idToken(provider, aud, sub string, extra map[string]any) string {
	now := e.clock.Now()
	c := map[string]any{
		"iss": "https://" + provider,
		"sub": sub,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	if aud != "" {
		c["aud"] = aud
	}
	maps.Copy(c, extra)
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	return jwt(c)
}

func (e *env) userPoolToken(sub string, extra map[string]any) string {
	return e.idToken(testUserPool, testClient, sub, extra)
}

func (e *env) googleToken(sub string) string {
	return e.idToken("accounts.google.com", testGoogleApp, sub, nil)
}

// samlResponse is a base64 SAML response for nameID with attributes.
func samlResponse(nameID string, attrs map[string][]string) string {
	x := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
		`<saml:Assertion><saml:Subject><saml:NameID>` + nameID + `</saml:NameID></saml:Subject><saml:AttributeStatement>`
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		x += `<saml:Attribute Name="` + k + `">`
		for _, v := range attrs[k] {
			x += `<saml:AttributeValue>` + v + `</saml:AttributeValue>`
		}
		x += `</saml:Attribute>`
	}
	x += `</saml:AttributeStatement></saml:Assertion></samlp:Response>`
	return base64.StdEncoding.EncodeToString([]byte(x))
}

// wantErr checks that err is a wire error with code and, when msg is not
// empty, that message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	e, ok := protocol.As(err)
	if !ok {
		t.Fatalf("got error %v, want %s", err, code)
	}
	if e.Code != code || (msg != "" && e.Message != msg) {
		t.Fatalf("got %s %q, want %s %q", e.Code, e.Message, code, msg)
	}
	wantStatus := 400
	if code == CodeInternalError {
		wantStatus = 500
	}
	if e.Status != wantStatus {
		t.Fatalf("got status %d, want %d", e.Status, wantStatus)
	}
}

// verify checks a token with the real issuer and returns its claims.
func (e *env) verify(t *testing.T, token string) *tokens.Claims {
	t.Helper()
	c, err := e.issuer.Verify(e.ctx, token)
	if err != nil {
		t.Fatalf("verify token: %v", err)
	}
	return c
}
