package providers

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage/sqlite"
)

const account = "123456789012"

func TestIdentityVerifier(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	down := newJWKSServer(t, nil)
	down.status.Store(http.StatusBadGateway)
	clk := newClock()
	reg, err := New([]Provider{
		{Name: host, JWKS: jwks(t, k)},
		{Name: "clients.example.com", JWKS: jwks(t, k), ClientIDs: []string{client}},
		{Name: "down.example.com", JWKSURL: down.URL},
		{Name: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", Issuer: "http://localhost:9229/us-east-1_abc", JWKS: jwks(t, k)},
		{Name: "http://localhost:9229/us-east-1_local", JWKS: jwks(t, k)},
		{Name: "cognito-idp.us-east-1.amazonaws.com/us-east-1_clients", JWKS: jwks(t, k), ClientIDs: []string{client}},
		{Name: "cognito-idp.example.com/pool", JWKS: jwks(t, k), ClientIDs: []string{client}},
		{Name: "slash.example.com", Issuer: "https://slash.example.com/", JWKS: jwks(t, k)},
	}, down.Client(), clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	const na = identity.CodeNotAuthorized
	valid := func(extra map[string]any) string { return k.sign(t, claims(issuer, "any-app", extra)) }
	tests := []struct {
		name     string
		strict   bool
		provider string
		token    string
		code     string // "" for no wire error
		msg      string
		fetchErr bool // a non-wire error wrapping ErrFetch
		// unchecked: the token passes, but identity must still check its
		// iss (no provider under the key verified it).
		unchecked bool
	}{
		{name: "valid", token: valid(nil)},
		{name: "valid, strict", strict: true, token: valid(nil)},
		{name: "http issuer of a bare key", token: k.sign(t, claims("http://"+host, "a", nil))},
		{name: "issuer override", provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
			token: k.sign(t, claims("http://localhost:9229/us-east-1_abc", "a", nil))},
		{name: "issuer override refuses the key's own issuer", provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
			token: k.sign(t, claims("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", "a", nil)), code: na, msg: "Invalid login token. Issuer doesn't match providerName"},
		{name: "provider of the token's iss, strict", strict: true, provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_local",
			token: k.sign(t, claims("http://localhost:9229/us-east-1_local", "a", nil)), unchecked: true},
		{name: "provider of the token's iss, bad signature", strict: true, provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_local",
			token: other.sign(t, claims("http://localhost:9229/us-east-1_local", "a", nil)), code: na, msg: "Invalid login token. Couldn't verify signed token."},
		{name: "undeclared http issuer, permissive", provider: "localhost:8080", token: other.sign(t, claims("http://localhost:8080", "a", nil)), unchecked: true},
		{name: "undeclared http issuer, strict", strict: true, provider: "localhost:8080", token: other.sign(t, claims("http://localhost:8080", "a", nil)),
			code: na, msg: "Invalid login token. No key set is configured for provider localhost:8080."},
		{name: "expired within the login skew", token: valid(map[string]any{"exp": t0.Add(-4 * time.Minute).Unix()})},
		{name: "user pool token expired: no skew", provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_local",
			token: k.sign(t, claims("http://localhost:9229/us-east-1_local", "a", map[string]any{"exp": t0.Add(-time.Second).Unix()})), code: na,
			msg: fmt.Sprintf("Invalid login token. Token expired: %d >= %d", t0.Unix(), t0.Add(-time.Second).Unix())},
		{name: "signed by another key", token: other.sign(t, claims(issuer, "any-app", nil)), code: na, msg: "Invalid login token. Couldn't verify signed token."},
		{name: "unknown kid", token: k.signAs(t, "k2", claims(issuer, "any-app", nil)), code: na, msg: "Invalid login token. Couldn't verify signed token."},
		{name: "alg none", token: compact(t, map[string]any{"alg": "none", "kid": "k"}, claims(issuer, "a", nil), nil), code: na, msg: "Invalid login token. Couldn't verify signed token."},
		{name: "wrong issuer", token: k.sign(t, claims("https://evil.example.com", "a", nil)), code: na, msg: "Invalid login token. Issuer doesn't match providerName"},
		// Auth0 ends its iss in "/", and AWS takes it under the bare host.
		{name: "issuer with a trailing slash", token: k.sign(t, claims(issuer+"/", "a", nil))},
		{name: "issuer with two trailing slashes", token: k.sign(t, claims(issuer+"//", "a", nil)), code: na, msg: "Invalid login token. Issuer doesn't match providerName"},
		{name: "issuer declared with its slash", provider: "slash.example.com", token: k.sign(t, claims("https://slash.example.com/", "a", nil))},
		{name: "issuer declared with its slash, one more", provider: "slash.example.com", token: k.sign(t, claims("https://slash.example.com//", "a", nil)),
			code: na, msg: "Invalid login token. Issuer doesn't match providerName"},
		{name: "expired", token: valid(map[string]any{"exp": t0.Add(-time.Hour).Unix()}), code: na,
			msg: fmt.Sprintf("Invalid login token. Token expired: %d >= %d", t0.Unix(), t0.Add(-time.Hour).Unix())},
		{name: "not yet valid", token: valid(map[string]any{"nbf": t0.Add(time.Hour).Unix()}), code: na,
			msg: fmt.Sprintf("Invalid login token. Token is not yet valid: %d < %d", t0.Unix(), t0.Add(time.Hour).Unix())},
		{name: "no exp", token: valid(map[string]any{"exp": nil}), code: na, msg: "Invalid login token. Missing a required claim: exp"},
		{name: "not a JWT", token: "EAAB-facebook-access-token", code: na, msg: "Invalid login token. Not a valid OpenId Connect identity token."},
		{name: "client ids: match", provider: "clients.example.com", token: k.sign(t, claims("https://clients.example.com", client, nil))},
		{name: "client ids: other audience", provider: "clients.example.com", token: k.sign(t, claims("https://clients.example.com", client2, nil)),
			code: na, msg: "Invalid login token. Incorrect token audience."},
		{name: "user pool client ids: match", provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_clients",
			token: k.sign(t, claims("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_clients", client, nil))},
		{name: "user pool client ids: other app client", provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_clients",
			token: k.sign(t, claims("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_clients", client2, nil)),
			code:  na, msg: "Token is not from a supported provider of this identity pool."},
		// A user pool is what identity.UserPoolProviderName says, for the
		// declared providers' logins as for the others: a key that only
		// starts as one names another provider.
		{name: "user pool's prefix only: other audience", provider: "cognito-idp.example.com/pool",
			token: k.sign(t, claims("https://cognito-idp.example.com/pool", client2, nil)),
			code:  na, msg: "Invalid login token. Incorrect token audience."},
		{name: "client ids: no audience", provider: "clients.example.com", token: k.sign(t, claims("https://clients.example.com", "", map[string]any{"aud": nil})),
			code: na, msg: "Invalid login token. Missing a required claim: aud"},
		{name: "no key set, permissive", provider: "accounts.google.com", token: "anything", unchecked: true},
		{name: "no key set, strict", strict: true, provider: "accounts.google.com", token: k.sign(t, claims("https://accounts.google.com", "a", nil)),
			code: na, msg: "Invalid login token. No key set is configured for provider accounts.google.com."},
		{name: "opaque provider, strict", strict: true, provider: "graph.facebook.com", token: "EAAB-token",
			code: na, msg: "Invalid login token. No key set is configured for provider graph.facebook.com."},
		{name: "key set unreachable", provider: "down.example.com", token: k.sign(t, claims("https://down.example.com", "a", nil)), fetchErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.provider
			if p == "" {
				p = host
			}
			var v identity.ProviderVerifier = reg.ForIdentity(tt.strict)
			req := &protocol.Request{}
			checked, err := v.VerifyProviderToken(protocol.WithRequest(context.Background(), req), p, tt.token)
			if err == nil && checked == tt.unchecked {
				t.Errorf("got issuerChecked %v, want %v", checked, !tt.unchecked)
			}
			switch {
			case tt.fetchErr:
				if _, wire := protocol.As(err); wire || !errors.Is(err, ErrFetch) {
					t.Fatalf("got error %v, want a non-wire error wrapping ErrFetch", err)
				}
			case tt.code != "":
				wantWire(t, err, tt.code, http.StatusBadRequest, tt.msg)
				// The console's activity page says which check failed.
				if want := "token of " + p + " failed the "; !strings.HasPrefix(req.Reason, want) {
					t.Errorf("got reason %q, want it to start %q", req.Reason, want)
				}
			default:
				wantErr(t, err, nil)
			}
		})
	}
}

func TestSTSVerifier(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	down := newJWKSServer(t, nil)
	down.status.Store(http.StatusBadGateway)
	clk := newClock()
	list := []Provider{
		{Name: "oidc.example.com/id/ABC", JWKS: jwks(t, k), ClientIDs: []string{"sts.amazonaws.com"}},
		{Name: "accounts.google.com", JWKS: jwks(t, k)},
		{Name: "http://localhost:8080/realms/dev", JWKS: jwks(t, k)},
		{Name: "down.example.com", JWKSURL: down.URL},
		{Name: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", Issuer: "http://localhost:9229/us-east-1_abc", JWKS: jwks(t, k)},
		{Name: "http://localhost:9229/us-east-1_local", JWKS: jwks(t, k)},
		{Name: "cognito-idp.us-east-1.amazonaws.com/us-east-1_noIAM", JWKS: jwks(t, k)},
	}
	reg, err := New(list, down.Client(), clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	// IAM holds an OpenID Connect provider of each but the second user pool.
	reg.SetSource(heldByIAM(t, list, "cognito-idp.us-east-1.amazonaws.com/us-east-1_noIAM"))
	const oidcIss = "https://oidc.example.com/id/ABC"
	exp := t0.Add(time.Hour).Truncate(time.Second)
	tests := []struct {
		name   string
		token  string
		want   *sts.WebIdentity
		code   string
		status int
		msg    string
	}{
		{name: "OIDC provider", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"sub": "system:serviceaccount:default:app"})),
			want: &sts.WebIdentity{Issuer: oidcIss, Provider: "arn:aws:iam::" + account + ":oidc-provider/oidc.example.com/id/ABC",
				Subject: "system:serviceaccount:default:app", Audience: "sts.amazonaws.com", Expiry: exp}},
		{name: "audience matched through azp", token: k.sign(t, claims(oidcIss, "web-app", map[string]any{"azp": "sts.amazonaws.com"})),
			want: &sts.WebIdentity{Issuer: oidcIss, Provider: "arn:aws:iam::" + account + ":oidc-provider/oidc.example.com/id/ABC",
				Subject: "user-123456", Audience: "sts.amazonaws.com", Expiry: exp}},
		{name: "built-in provider by host, amr and tags", token: k.sign(t, claims("accounts.google.com", "g-app", map[string]any{
			"amr": []string{"pwd", "mfa"},
			tagsClaim: map[string]any{
				"principal_tags":      map[string]any{"team": []string{"blue"}, "env": "dev", "empty": []string{}},
				"transitive_tag_keys": []string{"TEAM", "missing"},
			}})),
			want: &sts.WebIdentity{Issuer: "accounts.google.com", Provider: "accounts.google.com", Subject: "user-123456", Audience: "g-app",
				AMR: []string{"pwd", "mfa"}, Claims: map[string][]string{"oaud": {"g-app"}}, PrincipalTags: map[string]string{"team": "blue", "env": "dev"}, TransitiveTagKeys: []string{"TEAM", "missing"}, Expiry: exp}},
		{name: "audience refused through azp", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"azp": "web-app"})),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Incorrect token audience"},
		{name: "http issuer", token: k.sign(t, claims("http://localhost:8080/realms/dev", "", map[string]any{"aud": nil, "azp": "cli"})),
			want: &sts.WebIdentity{Issuer: "http://localhost:8080/realms/dev", Provider: "arn:aws:iam::" + account + ":oidc-provider/localhost:8080/realms/dev",
				Subject: "user-123456", Audience: "cli", Expiry: exp}},
		{name: "no client ids: azp is the audience", token: k.sign(t, claims("http://localhost:8080/realms/dev", "api", map[string]any{"azp": "cli"})),
			want: &sts.WebIdentity{Issuer: "http://localhost:8080/realms/dev", Provider: "arn:aws:iam::" + account + ":oidc-provider/localhost:8080/realms/dev",
				Subject: "user-123456", Audience: "cli", Expiry: exp}},
		{name: "issuer override: reported by its Logins key", token: k.sign(t, claims("http://localhost:9229/us-east-1_abc", "client", nil)),
			want: &sts.WebIdentity{Issuer: "http://localhost:9229/us-east-1_abc", Provider: "arn:aws:iam::" + account + ":oidc-provider/cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
				Subject: "user-123456", Audience: "client", Expiry: exp}},
		// A declared user pool whose provider IAM does not hold is no
		// provider of the account's (aws-actions/configure-aws-credentials#721).
		{name: "user pool IAM does not hold", token: k.sign(t, claims("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_noIAM", "client", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "No OpenIDConnect provider found in your account for https://cognito-idp.us-east-1.amazonaws.com/us-east-1_noIAM"},
		{name: "http issuer URL name", token: k.sign(t, claims("http://localhost:9229/us-east-1_local", "client", nil)),
			want: &sts.WebIdentity{Issuer: "http://localhost:9229/us-east-1_local", Provider: "arn:aws:iam::" + account + ":oidc-provider/localhost:9229/us-east-1_local",
				Subject: "user-123456", Audience: "client", Expiry: exp}},
		{name: "unknown issuer", token: k.sign(t, claims("https://other.example.com", "a", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "No OpenIDConnect provider found in your account for https://other.example.com"},
		{name: "trailing slash of a registered issuer", token: k.sign(t, claims(oidcIss+"/", "sts.amazonaws.com", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "No OpenIDConnect provider found in your account for " + oidcIss + "/"},
		{name: "scheme of a registered host differs", token: k.sign(t, claims("https://localhost:8080/realms/dev", "a", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "No OpenIDConnect provider found in your account for https://localhost:8080/realms/dev"},
		{name: "signed by another key", token: other.sign(t, claims(oidcIss, "sts.amazonaws.com", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Token signature verification failed"},
		{name: "HS256 with the public key", token: k.hs256(t, claims(oidcIss, "sts.amazonaws.com", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Token signature verification failed"},
		{name: "unknown kid", token: k.signAs(t, "k2", claims(oidcIss, "sts.amazonaws.com", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"},
		{name: "wrong audience", token: k.sign(t, claims(oidcIss, "other", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Incorrect token audience"},
		{name: "expired within the five-minute window", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"exp": t0.Add(-STSExpirySkew + time.Second).Unix()})),
			want: &sts.WebIdentity{Issuer: oidcIss, Provider: "arn:aws:iam::" + account + ":oidc-provider/oidc.example.com/id/ABC",
				Subject: "user-123456", Audience: "sts.amazonaws.com", Expiry: t0.Add(-STSExpirySkew + time.Second)}},
		{name: "expired five minutes ago", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"exp": t0.Add(-STSExpirySkew).Unix()})),
			code: sts.CodeExpiredToken, status: 400,
			msg: fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", t0.Unix(), t0.Add(-STSExpirySkew).Unix())},
		{name: "not yet valid: no skew", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"nbf": t0.Add(time.Second).Unix()})),
			code: sts.CodeInvalidIdentityToken, status: 400,
			msg: fmt.Sprintf("Token is not yet valid: current date/time %d must be after the not-before date/time %d", t0.Unix(), t0.Unix()+1)},
		{name: "no exp", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"exp": nil})),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Missing a required claim: exp"},
		{name: "no sub", token: k.sign(t, claims(oidcIss, "sts.amazonaws.com", map[string]any{"sub": nil})),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Missing a required claim: sub"},
		{name: "key set unreachable", token: k.sign(t, claims("https://down.example.com", "a", nil)),
			code: sts.CodeInvalidIdentityToken, status: 400, msg: "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"},
	}
	var v sts.Providers = reg.ForSTS(account, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantWebIdentity(t, v, tt.token, tt.want, tt.code, tt.status, tt.msg)
		})
	}
}

// wantWebIdentity checks that v verifies token as want, or, when code is
// not "", refuses it with that wire error.
func wantWebIdentity(t *testing.T, v sts.Providers, token string, want *sts.WebIdentity, code string, status int, msg string) {
	t.Helper()
	jwt, err := tokens.Parse(token)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.VerifyWebIdentity(context.Background(), jwt)
	if code != "" {
		wantWire(t, err, code, status, msg)
		return
	}
	wantErr(t, err, nil)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestIdentityService runs GetId of a real identity service whose Verifier
// is the registry: the acceptance test of provider verification.
func TestIdentityService(t *testing.T) {
	const (
		oidcHost = "oidc.example.com/tenant"
		oidcIss  = "https://" + oidcHost
		oidcARN  = "arn:aws:iam::" + account + ":oidc-provider/" + oidcHost
		gApp     = "g-app.apps.googleusercontent.com"
	)
	k := ecKey(t, "k", jose.ES256)
	other := ecKey(t, "k", jose.ES256)
	clk := newClock()
	reg, err := New([]Provider{{Name: oidcHost, JWKS: jwks(t, k), ClientIDs: []string{"tenant-app"}}}, nil, clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	newService := func(strict bool) (*identity.Service, string) {
		svc := newIdentity(t, reg.ForIdentity(strict), clk)
		out, err := svc.CreateIdentityPool(ctx, &identity.CreateIdentityPoolInput{
			IdentityPoolName:          "p",
			OpenIdConnectProviderARNs: []string{oidcARN},
			SupportedLoginProviders:   map[string]string{"accounts.google.com": gApp, "graph.facebook.com": "123"},
		})
		if err != nil {
			t.Fatalf("CreateIdentityPool: %v", err)
		}
		return svc, out.IdentityPoolId
	}
	good := k.sign(t, claims(oidcIss, "tenant-app", nil))
	tests := []struct {
		name   string
		strict bool
		logins map[string]string
		msg    string // the NotAuthorizedException message; "" for success
	}{
		{name: "signed by the provider's key", logins: map[string]string{oidcHost: good}},
		{name: "signed by the provider's key, strict", strict: true, logins: map[string]string{oidcHost: good}},
		{name: "signed by another key", logins: map[string]string{oidcHost: other.sign(t, claims(oidcIss, "tenant-app", nil))},
			msg: "Invalid login token. Couldn't verify signed token."},
		{name: "tampered", logins: map[string]string{oidcHost: tamper(t, good, claims(oidcIss, "tenant-app", map[string]any{"sub": "intruder"}))},
			msg: "Invalid login token. Couldn't verify signed token."},
		{name: "wrong client", logins: map[string]string{oidcHost: k.sign(t, claims(oidcIss, "other-app", nil))},
			msg: "Invalid login token. Incorrect token audience."},
		{name: "client in aud, another in azp", logins: map[string]string{oidcHost: k.sign(t, claims(oidcIss, "tenant-app", map[string]any{"azp": "zzz"}))},
			msg: "Invalid login token. Incorrect token audience."},
		{name: "client in azp, another in aud", logins: map[string]string{oidcHost: k.sign(t, claims(oidcIss, "api", map[string]any{"azp": "tenant-app"}))}},
		{name: "provider without key set, permissive", logins: map[string]string{"accounts.google.com": other.sign(t, claims("https://accounts.google.com", gApp, nil))}},
		{name: "provider without key set, strict", strict: true, logins: map[string]string{"accounts.google.com": other.sign(t, claims("https://accounts.google.com", gApp, nil))},
			msg: "Invalid login token. No key set is configured for provider accounts.google.com."},
		{name: "opaque provider, permissive", logins: map[string]string{"graph.facebook.com": "EAAB-token"}},
		{name: "opaque provider, strict", strict: true, logins: map[string]string{"graph.facebook.com": "EAAB-token"},
			msg: "Invalid login token. No key set is configured for provider graph.facebook.com."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, pool := newService(tt.strict)
			out, err := svc.GetId(ctx, &identity.GetIdInput{IdentityPoolId: pool, Logins: tt.logins})
			if tt.msg != "" {
				wantWire(t, err, identity.CodeNotAuthorized, http.StatusBadRequest, tt.msg)
				return
			}
			if err != nil || out.IdentityId == "" {
				t.Fatalf("got %+v, %v, want an identity", out, err)
			}
		})
	}
}

// newIdentity returns an identity service on an in-memory store whose
// provider tokens v verifies.
func newIdentity(t *testing.T, v identity.ProviderVerifier, clk *clock) *identity.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return identity.New(identity.Config{Region: "us-east-1", AccountID: account, Verifier: v}, st, nil, nil, clk.now, uuid.NewString, nil)
}

// TestIdentityServiceLocalPool runs GetId in strict mode for a user pool
// served by cognito-local, declared by its issuer URL or as the AWS key
// with an Issuer: the AWS key and the key Amplify derives reach one
// identity, and only tokens the declared key set signed pass.
func TestIdentityServiceLocalPool(t *testing.T) {
	const (
		awsKey = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
		local  = "localhost:9229/us-east-1_abc"
	)
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	clk := newClock()
	ctx := context.Background()
	for _, decl := range []Provider{
		{Name: "http://" + local, JWKS: jwks(t, k)},
		{Name: awsKey, Issuer: "http://" + local, JWKS: jwks(t, k)},
	} {
		t.Run(decl.Name, func(t *testing.T) {
			reg, err := New([]Provider{decl}, nil, clk.now, nil)
			if err != nil {
				t.Fatal(err)
			}
			svc := newIdentity(t, reg.ForIdentity(true), clk)
			out, err := svc.CreateIdentityPool(ctx, &identity.CreateIdentityPoolInput{IdentityPoolName: "p",
				CognitoIdentityProviders: []identity.CognitoIdentityProvider{{ProviderName: awsKey, ClientId: "web"}}})
			if err != nil {
				t.Fatalf("CreateIdentityPool: %v", err)
			}
			good := k.sign(t, claims("http://"+local, "web", nil))
			ids := map[string]bool{}
			for _, key := range []string{awsKey, local} {
				got, err := svc.GetId(ctx, &identity.GetIdInput{IdentityPoolId: out.IdentityPoolId, Logins: map[string]string{key: good}})
				if err != nil {
					t.Fatalf("GetId under %s: %v", key, err)
				}
				ids[got.IdentityId] = true
				_, err = svc.GetId(ctx, &identity.GetIdInput{IdentityPoolId: out.IdentityPoolId,
					Logins: map[string]string{key: other.sign(t, claims("http://"+local, "web", nil))}})
				wantWire(t, err, identity.CodeNotAuthorized, http.StatusBadRequest, "Invalid login token. Couldn't verify signed token.")
			}
			if len(ids) != 1 {
				t.Errorf("got identities %v, want one for both keys", ids)
			}
		})
	}
}

// TestSTSService runs AssumeRoleWithWebIdentity of a real STS service
// whose Providers is the registry.
func TestSTSService(t *testing.T) {
	const iss = "https://oidc.example.com/id/ABC"
	k := rsaKey(t, "k", jose.RS256)
	other := rsaKey(t, "k", jose.RS256)
	clk := newClock()
	list := []Provider{{Name: iss, JWKS: jwks(t, k), ClientIDs: []string{"sts.amazonaws.com"}}}
	reg, err := New(list, nil, clk.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg.SetSource(heldByIAM(t, list))
	key := make([]byte, creds.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	ci, err := creds.New(key, clk.now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	svc := sts.New(sts.Config{AccountID: account, Providers: reg.ForSTS(account, true)}, nil, ci, clk.now, nil)
	in := func(token string) *sts.AssumeRoleWithWebIdentityInput {
		return &sts.AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::" + account + ":role/app", RoleSessionName: "s1", WebIdentityToken: token}
	}
	ctx := context.Background()

	out, err := svc.AssumeRoleWithWebIdentity(ctx, in(k.sign(t, claims(iss, "sts.amazonaws.com", nil))))
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	if out.Provider != "arn:aws:iam::"+account+":oidc-provider/oidc.example.com/id/ABC" || out.Audience != "sts.amazonaws.com" ||
		out.SubjectFromWebIdentityToken != "user-123456" || out.Credentials == nil {
		t.Fatalf("got %+v, want the web identity of the token", out)
	}

	_, err = svc.AssumeRoleWithWebIdentity(ctx, in(other.sign(t, claims(iss, "sts.amazonaws.com", nil))))
	wantWire(t, err, sts.CodeInvalidIdentityToken, http.StatusBadRequest, "Token signature verification failed")
}

// TestSTSReasons: STS's refusals of a user pool's tokens say what to do:
// pass the ID token for an access token, create the IAM provider of a
// user pool IAM does not hold.
func TestSTSReasons(t *testing.T) {
	k := rsaKey(t, "k", jose.RS256)
	const pool = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	reg, err := New([]Provider{{Name: pool, JWKS: jwks(t, k)}}, nil, newClock().now, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		claims map[string]any
		want   string
	}{
		{"access token", claims("https://"+pool, "", map[string]any{"aud": nil, "token_use": "access", "client_id": "app"}),
			"this is a user pool access token (token_use access, client_id app); pass the ID token (IdToken) instead"},
		{"ID token of a user pool IAM does not hold", claims("https://"+pool, "app", map[string]any{"token_use": "id"}),
			"IAM holds no OpenID Connect provider arn:aws:iam::" + account + ":oidc-provider/" + pool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jwt, err := tokens.Parse(k.sign(t, tt.claims))
			if err != nil {
				t.Fatal(err)
			}
			ctx := protocol.WithRequestID(context.Background(), "req")
			_, err = reg.ForSTS(account, false).VerifyWebIdentity(ctx, jwt)
			wantWire(t, err, sts.CodeInvalidIdentityToken, 400, "No OpenIDConnect provider found in your account for https://"+pool)
			if got := protocol.RequestFrom(ctx).Reason; !strings.Contains(got, tt.want) {
				t.Errorf("got reason %q, want it to hold %q", got, tt.want)
			}
		})
	}
}
