package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	jose "github.com/go-jose/go-jose/v4"
)

// wantModeled checks that err is the SDK's typed error E the model
// declares for code, with msg when msg is not empty.
func wantModeled[E error](t *testing.T, err error, code, msg string) {
	t.Helper()
	var typed E
	var api smithy.APIError
	if !errors.As(err, &typed) || !errors.As(err, &api) {
		t.Fatalf("got error %v, want the SDK's %T", err, typed)
	}
	if api.ErrorCode() != code || msg != "" && api.ErrorMessage() != msg {
		t.Fatalf("got %s %q, want %s %q", api.ErrorCode(), api.ErrorMessage(), code, msg)
	}
}

// Outbound identity federation (AWS IAM, November 2025): IAM's
// EnableOutboundWebIdentityFederation gives the account an issuer, STS's
// GetWebIdentityToken signs JWTs of the caller under it, and an external
// service verifies them through the issuer's OpenID Connect discovery.

// fetchJSON GETs url, unauthenticated as an external verifier does, and
// decodes its JSON into v.
func fetchJSON(t *testing.T, url string, v any) {
	t.Helper()
	body := fetchRaw(t, url)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}

// awsKeyIDs are the kids of AWS's issuer keys, by algorithm: those of the
// JWKS a Forgejo test fixture quotes as "extracted from a AWS Federated
// Web Identity endpoint", and of the headers of AWS's tokens in public
// write-ups.
var awsKeyIDs = map[string]string{"RS256": "RSA_0", "ES384": "EC384_0"}

// fetchRaw GETs url, unauthenticated, and returns its body, which must
// be JSON answered 200.
func fetchRaw(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: got %d %s %s, want 200 JSON", url, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return body
}

// verifyExternally verifies token as a service that trusts issuer and
// expects audience would, knowing nothing of idpool: it fetches
// <issuer>/.well-known/openid-configuration, whose issuer must be issuer,
// then its jwks_uri, and checks the signature with the key the token's
// kid names, and the claims iss, aud (a string or an array holding
// audience) and exp. It returns the claims.
func verifyExternally(t *testing.T, token, issuer, audience string) map[string]any {
	t.Helper()
	var conf struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	fetchJSON(t, issuer+"/.well-known/openid-configuration", &conf)
	if conf.Issuer != issuer || conf.JWKSURI == "" {
		t.Fatalf("openid-configuration: got issuer %q, jwks_uri %q, want issuer %q and a jwks_uri", conf.Issuer, conf.JWKSURI, issuer)
	}
	var set jose.JSONWebKeySet
	fetchJSON(t, conf.JWKSURI, &set)
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256, jose.ES384})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	h := jws.Signatures[0].Protected
	if want := awsKeyIDs[h.Algorithm]; h.KeyID != want {
		t.Errorf("kid of an %s token: got %q, want AWS's %q", h.Algorithm, h.KeyID, want)
	}
	keys := set.Key(h.KeyID)
	// AWS's RSA key has no alg: the verifier goes by its kty.
	if len(keys) != 1 || keys[0].Algorithm != "" && keys[0].Algorithm != h.Algorithm || keys[0].Use != "sig" {
		t.Fatalf("JWKS keys of kid %q: got %+v, want one key of alg %s (or none), use sig", h.KeyID, keys, h.Algorithm)
	}
	payload, err := jws.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("verify signature: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["iss"] != issuer {
		t.Errorf("iss: got %v, want %s", claims["iss"], issuer)
	}
	var auds []string
	switch a := claims["aud"].(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, v := range a {
			s, _ := v.(string)
			auds = append(auds, s)
		}
	}
	if !slices.Contains(auds, audience) {
		t.Errorf("aud: got %v, want it to hold %s", claims["aud"], audience)
	}
	if exp, _ := claims["exp"].(float64); time.Unix(int64(exp), 0).Before(time.Now()) {
		t.Errorf("exp: got %v, want a time to come", claims["exp"])
	}
	return claims
}

// TestOutboundFederation: enable gives the issuer, which GetInfo tells
// too; RS256 and ES384 tokens of the developer's keys (the root) verify
// from the issuer alone, with the root as sub and the request's tags as
// request_tags; a role session's token names the role and may not
// outlive the session, and it and a web identity session carry the
// session's claims (original_session_exp, source_identity,
// federated_provider); once disabled, GetWebIdentityToken is refused
// with AWS's code, GetInfo answers FeatureDisabled, and the token issued
// before still verifies; enabling again gives the same issuer; a reset
// disables the feature and keeps the issuer.
func TestOutboundFederation(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := developerKeys()
	admin := s.iamWith(dev)
	enabled, err := admin.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	if isCode(err, "FeatureEnabled") {
		// An external server enabled already.
		_, err = admin.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})
		ok(t, err, "DisableOutboundWebIdentityFederation")
		enabled, err = admin.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	}
	ok(t, err, "EnableOutboundWebIdentityFederation")
	issuer := aws.ToString(enabled.IssuerIdentifier)
	if !strings.HasPrefix(issuer, s.endpoint+"/_idpool/outbound/") {
		t.Fatalf("IssuerIdentifier: got %q, want one under %s/_idpool/outbound/", issuer, s.endpoint)
	}
	// wantInfo checks GetOutboundWebIdentityFederationInfo: the issuer and
	// JwtVendingEnabled true while the feature is enabled, FeatureDisabled
	// while it is not, as AWS answers (the Terraform AWS provider's
	// acceptance tests require it not found once disabled).
	wantInfo := func(t *testing.T, enabled bool) {
		t.Helper()
		info, err := admin.GetOutboundWebIdentityFederationInfo(ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
		if !enabled {
			wantModeled[*iamtypes.FeatureDisabledException](t, err, "FeatureDisabled", "")
			return
		}
		ok(t, err, "GetOutboundWebIdentityFederationInfo")
		if aws.ToString(info.IssuerIdentifier) != issuer || !info.JwtVendingEnabled {
			t.Errorf("GetOutboundWebIdentityFederationInfo: got %q, %v, want %q, true", aws.ToString(info.IssuerIdentifier), info.JwtVendingEnabled, issuer)
		}
	}
	wantInfo(t, true)
	_, err = admin.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	wantModeled[*iamtypes.FeatureEnabledException](t, err, "FeatureEnabled", "Outbound identity federation is already enabled for account "+s.accountID+".")

	t.Run("documents", func(t *testing.T) {
		// AWS's issuer serves these members in this order, and no
		// response_types_supported (repost.aws, "Outbound Identity
		// Federation OpenID Configuration seems to be not valid").
		want := `{"claims_supported":["sub","iss","aud","exp","iat","jti","https://sts.amazonaws.com/"],` +
			`"id_token_signing_alg_values_supported":["RS256","ES384"],` +
			`"issuer":"` + issuer + `","jwks_uri":"` + issuer + `/.well-known/jwks.json","subject_types_supported":["public"]}`
		if got := fetchRaw(t, issuer+"/.well-known/openid-configuration"); string(got) != want {
			t.Errorf("openid-configuration: got %s, want %s", got, want)
		}
		// AWS's JWKS: the RSA key first, without alg, then the P-384 one
		// with alg ES384.
		var set struct{ Keys []map[string]any }
		body := fetchRaw(t, issuer+"/.well-known/jwks.json")
		if err := json.Unmarshal(body, &set); err != nil {
			t.Fatal(err)
		}
		wantKeys := []map[string]any{{"kid": "RSA_0", "kty": "RSA", "use": "sig"}, {"kid": "EC384_0", "kty": "EC", "crv": "P-384", "alg": "ES384", "use": "sig"}}
		if len(set.Keys) != len(wantKeys) {
			t.Fatalf("jwks.json: got %s, want %d keys", body, len(wantKeys))
		}
		for i, w := range wantKeys {
			for k, v := range w {
				if set.Keys[i][k] != v {
					t.Errorf("jwks.json key %d: got %s %v, want %v", i, k, set.Keys[i][k], v)
				}
			}
			if _, has := set.Keys[i]["alg"]; has != (w["alg"] != nil) {
				t.Errorf("jwks.json key %d: got alg %v, want it only on the EC key", i, set.Keys[i]["alg"])
			}
		}
	})

	const audience = "https://api.example.com"
	tokens := map[string]string{}
	for _, alg := range []string{"RS256", "ES384"} {
		t.Run(alg, func(t *testing.T) {
			out, err := s.stsWith(dev).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
				Audience: []string{audience}, SigningAlgorithm: aws.String(alg), DurationSeconds: aws.Int32(600),
				Tags: []ststypes.Tag{{Key: aws.String("job-id"), Value: aws.String("job-1")}},
			})
			ok(t, err, "GetWebIdentityToken")
			token := aws.ToString(out.WebIdentityToken)
			claims := verifyExternally(t, token, issuer, audience)
			if claims["sub"] != s.rootARN() {
				t.Errorf("sub: got %v, want %s", claims["sub"], s.rootARN())
			}
			ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
			tags, _ := ns["request_tags"].(map[string]any)
			if ns["aws_account"] != s.accountID || ns["source_region"] != region || tags["job-id"] != "job-1" {
				t.Errorf("https://sts.amazonaws.com/: got %v, want aws_account %s, source_region %s, request_tags {job-id: job-1}", ns, s.accountID, region)
			}
			exp, _ := claims["exp"].(float64)
			if got := aws.ToTime(out.Expiration); !got.Equal(time.Unix(int64(exp), 0)) {
				t.Errorf("Expiration: got %v, want the token's exp %v", got, time.Unix(int64(exp), 0).UTC())
			}
			if iat, _ := claims["iat"].(float64); exp-iat != 600 {
				t.Errorf("exp - iat: got %v, want 600", exp-iat)
			}
			tokens[alg] = token
		})
	}

	// sessionClaims checks the claims AWS adds for temporary credentials
	// that expire at exp: original_session_exp, source_identity (source,
	// when not empty) and federated_provider (provider, when not empty).
	sessionClaims := func(t *testing.T, claims map[string]any, exp *time.Time, source, provider string) {
		t.Helper()
		ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
		want := map[string]string{"original_session_exp": aws.ToTime(exp).UTC().Format(time.RFC3339), "source_identity": source, "federated_provider": provider}
		for k, w := range want {
			if got, has := ns[k]; has != (w != "") || has && got != w {
				t.Errorf("%s: got %v (present %v), want %q", k, got, has, w)
			}
		}
	}

	t.Run("role session", func(t *testing.T) {
		role := s.createRole(t, "Outbound", s.trustRoot("sts:AssumeRole", nil), s.trustRoot("sts:SetSourceIdentity", nil))
		assumed, err := s.assume(dev, role, "job", sts.AssumeRoleInput{DurationSeconds: aws.Int32(900), SourceIdentity: aws.String("alice")})
		ok(t, err, "AssumeRole")
		c := fromSTS(t, assumed.Credentials)
		_, err = s.stsWith(c).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
			Audience: []string{audience}, SigningAlgorithm: aws.String("ES384"), DurationSeconds: aws.Int32(3600)})
		wantModeled[*ststypes.SessionDurationEscalationException](t, err, "SessionDurationEscalationException", "")
		out, err := s.stsWith(c).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
			Audience: []string{audience, "other"}, SigningAlgorithm: aws.String("ES384")})
		ok(t, err, "GetWebIdentityToken")
		claims := verifyExternally(t, aws.ToString(out.WebIdentityToken), issuer, audience)
		if claims["sub"] != role {
			t.Errorf("sub: got %v, want the role %s", claims["sub"], role)
		}
		sessionClaims(t, claims, assumed.Credentials.Expiration, "alice", "")
	})

	t.Run("web identity session", func(t *testing.T) {
		pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
			map[string]string{"unauthenticated": s.roleARN("Cognito_OutboundGuest")})
		_, token := s.guestToken(t, pool)
		web, err := s.assumeWeb(token, s.roleARN("OutboundWeb"), "web", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
		out, err := s.stsWith(fromSTS(t, web.Credentials)).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
			Audience: []string{audience}, SigningAlgorithm: aws.String("RS256")})
		ok(t, err, "GetWebIdentityToken")
		claims := verifyExternally(t, aws.ToString(out.WebIdentityToken), issuer, audience)
		// federated_provider is the session's aws:FederatedProvider.
		sessionClaims(t, claims, web.Credentials.Expiration, "", "cognito-identity.amazonaws.com")
	})

	t.Run("bad algorithm", func(t *testing.T) {
		_, err := s.stsWith(dev).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{audience}, SigningAlgorithm: aws.String("HS256")})
		wantAPIError(t, err, "ValidationError",
			"1 validation error detected: Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]")
	})

	_, err = admin.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})
	ok(t, err, "DisableOutboundWebIdentityFederation")
	wantInfo(t, false)
	_, err = admin.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})
	wantModeled[*iamtypes.FeatureDisabledException](t, err, "FeatureDisabled", "Outbound identity federation is already disabled for account "+s.accountID+".")
	_, err = s.stsWith(dev).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{audience}, SigningAlgorithm: aws.String("RS256")})
	wantModeled[*ststypes.OutboundWebIdentityFederationDisabledException](t, err, "OutboundWebIdentityFederationDisabledException", "")
	for alg, token := range tokens {
		t.Run("verifies once disabled/"+alg, func(t *testing.T) { verifyExternally(t, token, issuer, audience) })
	}

	again, err := admin.EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	ok(t, err, "EnableOutboundWebIdentityFederation again")
	if got := aws.ToString(again.IssuerIdentifier); got != issuer {
		t.Errorf("IssuerIdentifier of a second enable: got %q, want %q", got, issuer)
	}
	wantInfo(t, true)

	if res := s.get(t, "/_idpool/outbound/not-the-issuer/.well-known/jwks.json"); res.status != http.StatusNotFound || !strings.Contains(string(res.body), `"message"`) {
		t.Errorf("JWKS of another id: got %d %s, want 404 with a message", res.status, res.body)
	}

	t.Run("reset", func(t *testing.T) {
		s.needRestart(t) // a reset of an external server would wipe what other tests hold
		if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
			t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
		}
		wantInfo(t, false)
		verifyExternally(t, tokens["RS256"], issuer, audience)
	})
}

// TestOutboundStrict: in strict mode GetWebIdentityToken needs
// sts:GetWebIdentityToken, which a policy may hold to one audience with
// sts:IdentityTokenAudience (AWS's outbound federation guide and
// OpenAI's workload identity guide write it so): the user it allows gets
// a token for that audience and AccessDenied for another.
func TestOutboundStrict(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	_, err := s.iamWith(developerKeys()).EnableOutboundWebIdentityFederation(ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	ok(t, err, "EnableOutboundWebIdentityFederation")
	const allowed = "https://api.openai.com/v1"
	userARN, keys := s.federationUser(t, map[string]any{
		"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*",
		"Condition": map[string]any{
			"ForAllValues:StringEquals": map[string]any{"sts:IdentityTokenAudience": allowed},
			"NumericLessThanEquals":     map[string]any{"sts:DurationSeconds": 300},
		},
	})
	tests := []struct {
		name     string
		audience []string
		duration *int32
		denied   bool
	}{
		{"allowed audience", []string{allowed}, nil, false},
		{"allowed audience, at the bound", []string{allowed}, aws.Int32(300), false},
		{"allowed audience, longer", []string{allowed}, aws.Int32(301), true},
		{"another audience", []string{"https://evil.example"}, nil, true},
		{"both", []string{allowed, "https://evil.example"}, nil, true},
	}
	t.Run("IAM operations", func(t *testing.T) {
		user := s.iamWith(keys)
		_, err := user.GetOutboundWebIdentityFederationInfo(ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
		wantAPIError(t, err, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: iam:GetOutboundWebIdentityFederationInfo on resource: * because no identity-based policy allows the iam:GetOutboundWebIdentityFederationInfo action", userARN))
		_, err = user.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{})
		wantAPIError(t, err, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: iam:DisableOutboundWebIdentityFederation on resource: * because no identity-based policy allows the iam:DisableOutboundWebIdentityFederation action", userARN))
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.stsWith(keys).GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
				Audience: tt.audience, SigningAlgorithm: aws.String("RS256"), DurationSeconds: tt.duration})
			if !tt.denied {
				ok(t, err, "GetWebIdentityToken")
				return
			}
			wantAPIError(t, err, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:GetWebIdentityToken on resource: * because no identity-based policy allows the sts:GetWebIdentityToken action", userARN))
		})
	}
}
