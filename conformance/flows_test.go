package conformance

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The user pool of the role-resolution tests. Its app clients each carry
// one kind of role mapping, keyed "<provider>:<clientId>".
const (
	mappedPool      = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"
	clientPlain     = "plainclient" // no role mapping
	clientTokenDeny = "tokendeny"   // Token, ambiguity denied
	clientTokenAuth = "tokenauth"   // Token, ambiguity → authenticated role
	clientRulesDeny = "rulesdeny"   // Rules, no match denied
	clientRulesAuth = "rulesauth"   // Rules, no match → authenticated role
)

// mappedToken is an ID token of mappedPool issued to client for user sub,
// with extra claims (cognito:roles, cognito:preferred_role, custom ones).
// It is unsigned: idpool does not check external signatures by default.
func mappedToken(t *testing.T, client, sub string, extra map[string]any) string {
	t.Helper()
	c := map[string]any{"iss": "https://" + mappedPool, "aud": client, "sub": sub, "token_use": "id"}
	for k, v := range extra {
		c[k] = v
	}
	return providerJWT(t, c)
}

// ambiguousDenied is AWS's text for a role mapping that denies (spec §7.2).
func ambiguousDenied(key string) string {
	return "The ambiguous role mapping rules for: " + key + " denied this request."
}

// TestRoleResolution checks every role-resolution rule of
// GetCredentialsForIdentity (spec cognito-identity.md §7.2) through the SDK:
// the role chosen is read back from GetCallerIdentity's assumed-role ARN.
func TestRoleResolution(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()

	providers := func() []types.CognitoIdentityProvider {
		var ps []types.CognitoIdentityProvider
		for _, c := range []string{clientPlain, clientTokenDeny, clientTokenAuth, clientRulesDeny, clientRulesAuth} {
			ps = append(ps, types.CognitoIdentityProvider{ProviderName: aws.String(mappedPool), ClientId: aws.String(c)})
		}
		return ps
	}
	// Rules are evaluated in order; the first match wins.
	rules := &types.RulesConfigurationType{Rules: []types.MappingRule{
		{Claim: aws.String("custom:dept"), MatchType: types.MappingRuleMatchTypeEquals, Value: aws.String("eng"), RoleARN: aws.String(s.roleARN("Eng"))},
		{Claim: aws.String("email"), MatchType: types.MappingRuleMatchTypeContains, Value: aws.String("@corp.example"), RoleARN: aws.String(s.roleARN("Corp"))},
		{Claim: aws.String("custom:team"), MatchType: types.MappingRuleMatchTypeStartsWith, Value: aws.String("ops-"), RoleARN: aws.String(s.roleARN("Ops"))},
		{Claim: aws.String("custom:tier"), MatchType: types.MappingRuleMatchTypeNotEqual, Value: aws.String("free"), RoleARN: aws.String(s.roleARN("Paid"))},
	}}
	mappings := map[string]types.RoleMapping{
		mappedPool + ":" + clientTokenDeny: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny},
		mappedPool + ":" + clientTokenAuth: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeAuthenticatedRole},
		mappedPool + ":" + clientRulesDeny: {Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny, RulesConfiguration: rules},
		mappedPool + ":" + clientRulesAuth: {Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeAuthenticatedRole, RulesConfiguration: rules},
	}

	// main has both default roles; bare has neither, only the mappings.
	main := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String(dev), CognitoIdentityProviders: providers(),
	})
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(main),
		Roles:          map[string]string{"authenticated": s.roleARN("Cognito_Auth"), "unauthenticated": s.roleARN("Cognito_Guest")},
		RoleMappings:   mappings,
	})
	ok(t, err, "SetIdentityPoolRoles main")
	bareDev := uniqueDev()
	bare := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String(bareDev), CognitoIdentityProviders: providers(),
	})
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		// Roles is required by the model, even when empty.
		IdentityPoolId: aws.String(bare), Roles: map[string]string{}, RoleMappings: mappings,
	})
	ok(t, err, "SetIdentityPoolRoles bare")

	groupA, groupB, groupC := s.roleARN("GroupA"), s.roleARN("GroupB"), s.roleARN("GroupC")
	const (
		guest     = "guest"
		developer = "developer"
	)
	tests := []struct {
		name   string
		bare   bool           // use the pool without default roles
		client string         // app client of the login; guest or developer instead
		claims map[string]any // extra token claims
		custom string         // CustomRoleArn
		drop   bool           // ask for credentials without the identity's login
		role   string         // the role name granted, or
		code   string         // the error
		msg    string
		forbid bool // the error's message is msgForbidden of the identity
	}{
		// Default roles.
		{name: "guest gets the unauthenticated role", client: guest, role: "Cognito_Guest"},
		{name: "login without a role mapping gets the authenticated role", client: clientPlain, role: "Cognito_Auth"},
		{name: "developer identity gets the authenticated role", client: developer, role: "Cognito_Auth"},
		{name: "login without a mapping ignores cognito:preferred_role", client: clientPlain,
			claims: map[string]any{"cognito:roles": []string{groupA}, "cognito:preferred_role": groupA}, role: "Cognito_Auth"},

		// Token mappings.
		{name: "Token: cognito:preferred_role", client: clientTokenDeny,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}, "cognito:preferred_role": groupB}, role: "GroupB"},
		{name: "Token: a single cognito:roles entry", client: clientTokenDeny,
			claims: map[string]any{"cognito:roles": []string{groupC}}, role: "GroupC"},
		{name: "Token: CustomRoleArn in cognito:roles", client: clientTokenDeny, custom: groupA,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}, "cognito:preferred_role": groupB}, role: "GroupA"},
		{name: "Token: CustomRoleArn in comma-separated cognito:roles", client: clientTokenDeny, custom: groupB,
			claims: map[string]any{"cognito:roles": groupA + "," + groupB}, role: "GroupB"},
		{name: "Token: CustomRoleArn not in cognito:roles", client: clientTokenDeny, custom: groupC,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}, "cognito:preferred_role": groupA}, code: codeNotAuthorized},
		{name: "Token: several roles, no preference, Deny", client: clientTokenDeny,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}},
			code:   codeNotAuthorized, msg: ambiguousDenied(mappedPool + ":" + clientTokenDeny)},
		{name: "Token: no role claims, Deny", client: clientTokenDeny,
			code: codeNotAuthorized, msg: ambiguousDenied(mappedPool + ":" + clientTokenDeny)},
		{name: "Token: several roles, no preference, AuthenticatedRole", client: clientTokenAuth,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}}, role: "Cognito_Auth"},
		{name: "Token: no role claims, AuthenticatedRole", client: clientTokenAuth, role: "Cognito_Auth"},
		{name: "Token: preferred role without default roles", bare: true, client: clientTokenAuth,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}, "cognito:preferred_role": groupA}, role: "GroupA"},
		{name: "Token: AuthenticatedRole without an authenticated role", bare: true, client: clientTokenAuth,
			claims: map[string]any{"cognito:roles": []string{groupA, groupB}}, code: codeInvalidConfig, msg: msgInvalidRoleSetup},

		// Rules mappings.
		{name: "Rules: Equals", client: clientRulesDeny,
			claims: map[string]any{"custom:dept": "eng"}, role: "Eng"},
		{name: "Rules: first match wins", client: clientRulesDeny,
			claims: map[string]any{"custom:dept": "eng", "email": "a@corp.example", "custom:tier": "gold"}, role: "Eng"},
		{name: "Rules: Equals is exact, Contains matches next", client: clientRulesDeny,
			claims: map[string]any{"custom:dept": "engineering", "email": "bob@corp.example"}, role: "Corp"},
		{name: "Rules: StartsWith", client: clientRulesDeny,
			claims: map[string]any{"custom:team": "ops-east"}, role: "Ops"},
		{name: "Rules: NotEqual", client: clientRulesDeny,
			claims: map[string]any{"custom:tier": "gold"}, role: "Paid"},
		{name: "Rules: CustomRoleArn picks a later matching rule", client: clientRulesDeny, custom: s.roleARN("Corp"),
			claims: map[string]any{"custom:dept": "eng", "email": "a@corp.example"}, role: "Corp"},
		{name: "Rules: CustomRoleArn of no matching rule", client: clientRulesDeny, custom: s.roleARN("Ops"),
			claims: map[string]any{"custom:dept": "eng"}, code: codeNotAuthorized},
		{name: "Rules: StartsWith is a prefix test, Deny", client: clientRulesDeny,
			claims: map[string]any{"custom:team": "devops-1", "custom:tier": "free"},
			code:   codeNotAuthorized, msg: ambiguousDenied(mappedPool + ":" + clientRulesDeny)},
		{name: "Rules: NotEqual skips an absent claim, Deny", client: clientRulesDeny,
			code: codeNotAuthorized, msg: ambiguousDenied(mappedPool + ":" + clientRulesDeny)},
		{name: "Rules: no match, AuthenticatedRole", client: clientRulesAuth,
			claims: map[string]any{"custom:tier": "free", "email": "x@elsewhere.example"}, role: "Cognito_Auth"},
		{name: "Rules: a match needs no default role", bare: true, client: clientRulesAuth,
			claims: map[string]any{"custom:team": "ops-west"}, role: "Ops"},
		{name: "Rules: no match, AuthenticatedRole without an authenticated role", bare: true, client: clientRulesAuth,
			code: codeInvalidConfig, msg: msgInvalidRoleSetup},

		// Refusals.
		{name: "no authenticated role", bare: true, client: clientPlain, code: codeInvalidConfig, msg: msgInvalidRoleSetup},
		{name: "no unauthenticated role", bare: true, client: guest, code: codeInvalidConfig, msg: msgInvalidRoleSetup},
		{name: "developer identity without an authenticated role", bare: true, client: developer, code: codeInvalidConfig, msg: msgInvalidRoleSetup},
		// AWS's answer to an app whose signed-in identity asks without its
		// logins (aws-sdk-ios#165, amplify-js#5015).
		{name: "authenticated identity without its login", client: clientPlain, drop: true, code: codeNotAuthorized, forbid: true},
		{name: "developer identity without its token", client: developer, drop: true, code: codeNotAuthorized, forbid: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, devName := main, dev
			if tt.bare {
				pool, devName = bare, bareDev
			}
			var id string
			var logins map[string]string
			switch tt.client {
			case guest:
				id = s.guestID(t, pool)
			case developer:
				out, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
					IdentityPoolId: aws.String(pool), Logins: map[string]string{devName: fmt.Sprintf("dev-user-%d", i)},
				})
				ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
				id = aws.ToString(out.IdentityId)
				logins = map[string]string{cognitoKey: aws.ToString(out.Token)}
			default:
				logins = map[string]string{mappedPool: mappedToken(t, tt.client, fmt.Sprintf("user-%02d-sub", i), tt.claims)}
				id = s.loginID(t, pool, logins)
			}
			if tt.drop {
				logins = nil
			}
			in := &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: logins}
			if tt.custom != "" {
				in.CustomRoleArn = aws.String(tt.custom)
			}
			out, err := s.anon.GetCredentialsForIdentity(ctx, in)
			if tt.code != "" {
				msg := tt.msg
				if tt.forbid {
					msg = msgForbidden(id)
				}
				wantAPIError(t, err, tt.code, msg)
				return
			}
			ok(t, err, "GetCredentialsForIdentity")
			if got := aws.ToString(out.IdentityId); got != id {
				t.Errorf("got IdentityId %s, want %s", got, id)
			}
			s.wantCaller(t, fromCognito(t, out.Credentials), s.assumedARN(tt.role, cognitoSession))
		})
	}
}

// TestBasicFlow runs the basic (classic) flow end to end: GetId →
// GetOpenIdToken → AssumeRoleWithWebIdentity → GetCallerIdentity, and
// checks every member STS answers (sts.md §3.2, tokens.md §5).
func TestBasicFlow(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))

	guest := s.guestID(t, pool)
	user := s.loginID(t, pool, map[string]string{googleKey: googleToken(t, "basic-flow-user")})
	tests := []struct {
		name     string
		id       string
		logins   map[string]string
		role     string // role ARN asked for
		roleName string // its name in the assumed-role ARN
		session  string
		dur      *int32
		life     time.Duration
	}{
		{"guest", guest, nil, s.roleARN("Cognito_Unauth"), "Cognito_Unauth", "ProviderSession", nil, time.Hour},
		{"Google login", user, map[string]string{googleKey: googleToken(t, "basic-flow-user")},
			s.roleARN("Cognito_Auth"), "Cognito_Auth", "app1", nil, time.Hour},
		{"role with a path, 15 minutes", guest, nil, "arn:aws:iam::" + s.accountID + ":role/mobile/v2/Reader", "Reader", "a.b=c,d@e-f", aws.Int32(900), 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(tt.id), Logins: tt.logins})
			ok(t, err, "GetOpenIdToken")
			if got := aws.ToString(tok.IdentityId); got != tt.id {
				t.Errorf("GetOpenIdToken: got IdentityId %s, want %s", got, tt.id)
			}
			out, err := s.assumeWeb(aws.ToString(tok.Token), tt.role, tt.session, tt.dur)
			ok(t, err, "AssumeRoleWithWebIdentity")
			s.checkWebIdentity(t, out, tt.id, pool, tt.roleName, tt.session)
			c := fromSTS(t, out.Credentials)
			checkTempCreds(t, c, out.Credentials.Expiration, tt.life)
			s.wantCaller(t, c, s.assumedARN(tt.roleName, tt.session))
		})
	}

	t.Run("developer identity", func(t *testing.T) {
		d := newDevServer(t)
		dt, err := d.token("", "basic-dev-user", nil)
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
		id := aws.ToString(dt.IdentityId)
		out, err := d.assumeWeb(aws.ToString(dt.Token), d.roleARN("DevRole"), "dev-session", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
		d.checkWebIdentity(t, out, id, d.pool, "DevRole", "dev-session")
		c := fromSTS(t, out.Credentials)
		checkTempCreds(t, c, out.Credentials.Expiration, time.Hour)
		d.wantCaller(t, c, d.assumedARN("DevRole", "dev-session"))
	})
}

// checkWebIdentity checks AssumeRoleWithWebIdentity's answer for a Cognito
// token of identity id in pool.
func (s *server) checkWebIdentity(t *testing.T, out *sts.AssumeRoleWithWebIdentityOutput, id, pool, roleName, session string) {
	t.Helper()
	if got := aws.ToString(out.SubjectFromWebIdentityToken); got != id {
		t.Errorf("SubjectFromWebIdentityToken: got %s, want %s", got, id)
	}
	if got := aws.ToString(out.Audience); got != pool {
		t.Errorf("Audience: got %s, want %s", got, pool)
	}
	if got := aws.ToString(out.Provider); got != cognitoProvider {
		t.Errorf("Provider: got %s, want %s", got, cognitoProvider)
	}
	if out.AssumedRoleUser == nil {
		t.Fatal("got no AssumedRoleUser")
	}
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), s.assumedARN(roleName, session); got != want {
		t.Errorf("AssumedRoleUser.Arn: got %s, want %s", got, want)
	}
	if rid := aws.ToString(out.AssumedRoleUser.AssumedRoleId); !strings.HasPrefix(rid, "AROA") || !strings.HasSuffix(rid, ":"+session) {
		t.Errorf("AssumedRoleId: got %s, want AROA…:%s", rid, session)
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize: got %d, want none without session policies or tags", *out.PackedPolicySize)
	}
}

// TestClassicFlowOff checks a pool with AllowClassicFlow false: the basic
// flow is refused at GetOpenIdToken, the enhanced flow still works.
func TestClassicFlowOff(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true, AllowClassicFlow: aws.Bool(false)},
		map[string]string{"unauthenticated": s.roleARN("Cognito_Guest")})
	guest := s.guestID(t, pool)
	_, err := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(guest)})
	wantAPIError(t, err, codeInvalidParam, msgClassicFlowOff)
	c, exp := s.enhancedCreds(t, guest, nil)
	checkTempCreds(t, c, exp, time.Hour)
	s.wantCaller(t, c, s.assumedARN("Cognito_Guest", cognitoSession))
}

// TestClassicFlowRoleMappings checks a pool with role mappings: the basic
// flow is refused at GetOpenIdToken, for guests too, while the enhanced
// flow and the developer flow's GetOpenIdTokenForDeveloperIdentity work.
func TestClassicFlowRoleMappings(t *testing.T) {
	t.Parallel()
	d := newDevServer(t)
	ctx := context.Background()
	_, err := d.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(d.pool),
		Roles:          map[string]string{"authenticated": d.roleARN("Cognito_Auth"), "unauthenticated": d.roleARN("Cognito_Guest")},
		RoleMappings: map[string]types.RoleMapping{
			userPoolKey + ":" + userPoolApp: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeAuthenticatedRole},
		},
	})
	ok(t, err, "SetIdentityPoolRoles")
	google := map[string]string{googleKey: googleToken(t, "classic-mapped")}
	tests := []struct {
		name   string
		id     string
		logins map[string]string
	}{
		{"guest", d.guestID(t, d.pool), nil},
		{"login of a provider without a mapping", d.loginID(t, d.pool, google), google},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(tt.id), Logins: tt.logins})
			wantAPIError(t, err, codeInvalidParam, msgClassicMappings)
			d.enhancedCreds(t, tt.id, tt.logins)
		})
	}
	t.Run("developer flow", func(t *testing.T) {
		dt, err := d.token("", "classic-mapped-dev", nil)
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
		d.enhancedCreds(t, aws.ToString(dt.IdentityId), map[string]string{cognitoProvider: aws.ToString(dt.Token)})
	})
}

// openIDTokens is an stscreds.IdentityTokenRetriever that fetches a fresh
// OpenID token of one identity on every call, as an app's token source
// would.
type openIDTokens struct {
	s     *server
	id    string
	calls atomic.Int32
}

func (o *openIDTokens) GetIdentityToken() ([]byte, error) {
	o.calls.Add(1)
	out, err := o.s.anon.GetOpenIdToken(context.Background(), &cognitoidentity.GetOpenIdTokenInput{IdentityId: aws.String(o.id)})
	if err != nil {
		return nil, err
	}
	return []byte(aws.ToString(out.Token)), nil
}

// TestSDKWebIdentityProvider uses the SDK's own web-identity credentials
// provider with idpool's tokens: the credentials it obtains sign STS calls.
func TestSDKWebIdentityProvider(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	src := &openIDTokens{s: s, id: s.guestID(t, pool)}

	provider := stscreds.NewWebIdentityRoleProvider(s.stsFor(aws.AnonymousCredentials{}), s.roleARN("SDKRole"), src,
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = "sdk-provider" })
	cache := aws.NewCredentialsCache(provider)
	c, err := cache.Retrieve(ctx)
	ok(t, err, "WebIdentityRoleProvider.Retrieve")
	if !c.CanExpire {
		t.Error("got credentials that cannot expire, want temporary ones")
	}
	checkTempCreds(t, c, &c.Expires, time.Hour)
	if c.AccountID != s.accountID {
		t.Errorf("got AccountID %q (from AssumedRoleUser), want %q", c.AccountID, s.accountID)
	}

	client := s.stsFor(cache)
	for i := range 2 {
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ok(t, err, "GetCallerIdentity")
		if got, want := aws.ToString(out.Arn), s.assumedARN("SDKRole", "sdk-provider"); got != want {
			t.Errorf("call %d: got Arn %s, want %s", i+1, got, want)
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("token source called %d times, want 1 (the cache keeps the credentials)", n)
	}
}
