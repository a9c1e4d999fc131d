package identity

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// CognitoProvider is the Logins key of idpool's own OpenID tokens, in
// every region; a pool also takes them under its region's other Cognito
// keys (see cognitoKey). Their logins are recorded under this key.
const CognitoProvider = "cognito-identity.amazonaws.com"

// cognitoKey reports whether key is a Logins key under which the pool of
// id takes Cognito Identity's own tokens: CognitoProvider anywhere (the
// AWS SDKs send it in every region but cn-north-1); the host of Cognito
// Identity's endpoint in the pool's region, which the China regions' guide
// names as the key of a developer-authenticated token
// (cognito-identity.cn-north-1.amazonaws.com.cn) and the AWS Android SDK
// sends there; and the pool region's name for Cognito in trust policies
// (policy.CognitoPrincipal: cognito-identity-us-gov.amazonaws.com in
// us-gov-west-1) [unconfirmed on AWS: Cognito's own name in its
// partition, and the regional host outside cn-north-1]. Another region's
// host is refused, as another provider's key is: its tokens would be
// another region's Cognito's.
func cognitoKey(id, key string) bool {
	if key == CognitoProvider {
		return true
	}
	if !strings.HasPrefix(key, "cognito-identity") {
		return false
	}
	region := protocol.IDRegion(id)
	return region != "" && (key == "cognito-identity."+region+"."+protocol.DNSSuffix(region) || key == policy.CognitoPrincipal(region))
}

// clockSkew is how far nbf of a provider token may be off, and exp of
// one that ExpirySkew allows it for.
const clockSkew = 5 * time.Minute

// ExpirySkew is how long past its exp Cognito Identity still takes a token
// of Logins key key. A user pool's ID token gets none: AWS refuses it as
// soon as exp has passed ("Token expired: 1589092400 >= 1589092129", 271 s
// late, in aws-amplify/aws-sdk-ios#2570), and an app that refreshes its
// tokens too late must fail here as it will there. Other OpenID Connect
// providers keep the five minutes the spec gives them (cognito-identity.md
// §3); no refusal inside that window has been seen.
func ExpirySkew(key string) time.Duration {
	if UserPoolProviderName(key) {
		return 0
	}
	return clockSkew
}

// kind is how a Logins key's token is validated and keyed.
type kind int

const (
	kindUnsupported kind = iota
	kindOpaque           // Facebook, Login with Amazon, Twitter, Digits: an access token
	kindSocialJWT        // Google, Apple: an ID token
	kindUserPool         // a Cognito user pool: an ID token
	kindOIDC             // an IAM OIDC provider: an ID token
	kindSAML             // an IAM SAML provider: a base64 SAML response
	kindCognito          // idpool's own token
	kindDeveloper        // the pool's developer provider: a user identifier
)

// socialKind reports how a SupportedLoginProviders key is validated; ok is
// false for keys that are not one of the fixed social providers.
func socialKind(key string) (k kind, ok bool) {
	switch key {
	case "accounts.google.com", "appleid.apple.com":
		return kindSocialJWT, true
	case "graph.facebook.com", "www.amazon.com", "api.twitter.com", "www.digits.com":
		return kindOpaque, true
	}
	return kindUnsupported, false
}

// SocialProvider reports whether key is one of the fixed social
// providers of SupportedLoginProviders (Google, Facebook, Amazon, Apple,
// Twitter, Digits), whose logins Cognito Identity verifies itself.
func SocialProvider(key string) bool {
	_, ok := socialKind(key)
	return ok
}

// claims is where role mapping rules and principal tags read a login's
// claims: a decoded JWT, or the few values an opaque or SAML login has.
type claims interface {
	Claim(name string) (any, bool)
}

// mapClaims are the claims of a login that is not a JWT.
type mapClaims map[string]any

func (m mapClaims) Claim(name string) (any, bool) {
	v, ok := m[name]
	return v, ok
}

// login is one validated entry of a Logins map.
type login struct {
	key  string // the Logins key (provider name)
	user string // the provider user id the identity is keyed on
	kind kind
	// clientID is the user-pool app client the token was issued to; it
	// completes the role-mapping and principal-tag key of user pools.
	clientID string
	// amr is what the login adds to the token's amr after "authenticated":
	// the key and a provider-specific id (tokens.md §3), or, for an idpool
	// token, the pairs of that token's own amr.
	amr    []string
	claims claims
	// cognito holds the claims of an idpool token (kindCognito only).
	cognito *tokens.Claims
}

func (l login) stored() storage.Login { return storage.Login{Provider: l.key, UserID: l.user} }

// signedIn reports whether l is an idpool token issued to a signed-in
// identity. Only such a token proves an authenticated identity: a guest
// token kept from before the identity signed in proves nothing.
func (l login) signedIn() bool {
	return l.kind == kindCognito && len(l.cognito.AMR) > 0 && l.cognito.AMR[0] == roleAuthenticated
}

// mappingKey is the key of the login's entry in RoleMappings: the provider
// key, plus ":<clientId>" for user pools.
func (l login) mappingKey() string {
	if l.kind == kindUserPool && l.clientID != "" {
		return l.key + ":" + l.clientID
	}
	return l.key
}

// maxDeveloperUser is the model's bound on DeveloperUserIdentifier, in
// characters.
const maxDeveloperUser = 1024

// msgLongDeveloperUser is idpool's own wording, AWS's answer being
// unconfirmed (see validateLogin).
const msgLongDeveloperUser = "The developer user identifier given under Logins key '%s' is longer than %d characters."

// developerNameLike reports whether Logins key key could be a developer
// provider name: of the model's DeveloperProviderName pattern ([\w._-],
// 1 to 128) and none of the names CheckPoolConfig reserves for public
// providers. Keys of user pools, OIDC providers with a path and SAML
// providers fail the pattern; a bare OIDC host passes it, as nothing
// tells it from a developer provider name.
func developerNameLike(key string) bool {
	if key == "" || len(key) > 128 {
		return false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-", r)) {
			return false
		}
	}
	_, social := socialKind(key)
	return !social && !strings.HasPrefix(key, "cognito-identity") && !strings.HasPrefix(key, "cognito-idp.")
}

// loginMode says which Logins keys an operation accepts.
type loginMode int

const (
	// modeGetID refuses idpool's own tokens and the developer provider.
	modeGetID loginMode = iota
	// modePublic accepts idpool's own tokens but not the developer provider.
	modePublic
	// modeDeveloper accepts the developer provider and public providers.
	modeDeveloper
)

// hasProviders reports whether any identity provider is configured on p.
// The developer provider counts as one [unconfirmed: AWS's "does not have
// identity providers configured" case was only seen on empty pools].
func hasProviders(p *storage.Pool) bool {
	return len(p.SupportedLoginProviders) > 0 || p.DeveloperProviderName != "" ||
		len(p.OpenIDConnectProviderARNs) > 0 || len(p.CognitoIdentityProviders) > 0 ||
		len(p.SAMLProviderARNs) > 0
}

// oidcHost returns the provider URL (host and path, no scheme) of an IAM
// OIDC provider ARN arn:aws:iam::<account>:oidc-provider/<host/path>.
func oidcHost(arn string) (string, bool) {
	_, host, ok := strings.Cut(arn, ":oidc-provider/")
	return host, ok && host != ""
}

// provider is what a pool configures for one Logins key.
type provider struct {
	kind kind
	// appID is the SupportedLoginProviders value of a social provider.
	appID string
	// clientIDs are the app clients configured for a user pool; an empty
	// entry means a client-less configuration that checks no audience.
	clientIDs []string
	// arn is the IAM provider ARN of an OIDC provider.
	arn string
}

// lookupProvider finds how p configures key. Keys are exact strings.
func lookupProvider(p *storage.Pool, key string) provider {
	if cognitoKey(p.ID, key) {
		return provider{kind: kindCognito}
	}
	if p.DeveloperProviderName != "" && key == p.DeveloperProviderName {
		return provider{kind: kindDeveloper}
	}
	if app, ok := p.SupportedLoginProviders[key]; ok {
		k, known := socialKind(key)
		if !known {
			// Only seeded pools can hold other keys; their tokens are
			// treated as opaque.
			k = kindOpaque
		}
		return provider{kind: k, appID: app}
	}
	var pr provider
	for _, c := range p.CognitoIdentityProviders {
		if c.ProviderName == key {
			pr.kind = kindUserPool
			pr.clientIDs = append(pr.clientIDs, c.ClientID)
		}
	}
	if pr.kind != kindUnsupported {
		return pr
	}
	for _, arn := range p.OpenIDConnectProviderARNs {
		if h, ok := oidcHost(arn); ok && h == key {
			return provider{kind: kindOIDC, arn: arn}
		}
	}
	if slices.Contains(p.SAMLProviderARNs, key) {
		return provider{kind: kindSAML, arn: key}
	}
	return provider{}
}

// validateLogins checks every entry of m against pool p and returns them,
// sorted by key. Any failure fails the whole call, as in AWS.
func (s *Service) validateLogins(ctx context.Context, p *storage.Pool, m map[string]string, mode loginMode) ([]login, error) {
	if len(m) == 0 {
		return nil, nil
	}
	// The developer provider's logins come only through the signed
	// GetOpenIdTokenForDeveloperIdentity: to the public APIs its name is a
	// bad parameter, refused before any token is looked at (AWS's answer
	// to GetCredentialsForIdentity, aws-amplify/aws-sdk-ios#218; the same
	// assumed of GetId, GetOpenIdToken and UnlinkIdentity).
	if d := p.DeveloperProviderName; mode != modeDeveloper && d != "" {
		if _, ok := m[d]; ok {
			protocol.SetReason(ctx, d+" is the developer provider of pool "+p.ID+": its logins are given only by GetOpenIdTokenForDeveloperIdentity, signed by the developer")
			return nil, badParam(msgPublicProvider)
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	now := s.now()
	out := make([]login, 0, len(keys))
	for _, key := range keys {
		l, err := s.validateLogin(ctx, p, key, m[key], mode, now)
		if err != nil {
			return nil, err
		}
		s.log.DebugContext(ctx, "login validated", "pool", p.ID, "provider", key, "user", l.user)
		out = append(out, l)
	}
	return out, nil
}

// userPoolID returns the user pool id of a user-pool provider name
// cognito-idp.<region>.amazonaws.com/<userPoolId> (amazonaws.com.cn in
// China). Only the form is checked, not AWS's spelling of either part:
// local user pools name them their own way (cognito-local's ids are
// local_<…>, and a local region may be any DNS label). The id has no '/'
// and no ':', which would end it inside a RoleMappings key
// <providerName>:<clientId>.
func userPoolID(name string) (string, bool) {
	host, id, ok := strings.Cut(name, "/")
	if !ok || id == "" || strings.ContainsAny(id, "/:") {
		return "", false
	}
	rest, ok := strings.CutPrefix(host, "cognito-idp.")
	if !ok {
		return "", false
	}
	region, domain, _ := strings.Cut(rest, ".")
	if domain != "amazonaws.com" && domain != "amazonaws.com.cn" || region == "" ||
		strings.Trim(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return "", false
	}
	return id, true
}

// userPoolAlias returns the configured user-pool key that an unconfigured
// Logins key <host[:port]>/<userPoolId> stands for: Amplify, pointed at a
// local user pool (cognito-local, moto, LocalStack), derives the key from
// the token's iss, while the pool is configured, as on AWS, with
// cognito-idp.<region>.amazonaws.com/<userPoolId>. A key of that AWS
// form is no alias: one that the pool does not configure (another
// region's, say) is another provider, as on AWS.
func userPoolAlias(p *storage.Pool, key string) (string, bool) {
	i := strings.LastIndexByte(key, '/')
	if _, aws := userPoolID(key); i <= 0 || aws {
		return "", false
	}
	id := key[i+1:]
	for _, c := range p.CognitoIdentityProviders {
		if pid, ok := userPoolID(c.ProviderName); ok && pid == id {
			return c.ProviderName, true
		}
	}
	return "", false
}

// issuerSuits reports whether a token's iss suits Logins key, when no
// provider declared under that key checked it: iss is "https://" or
// "http://" + key (or, for Google, the bare host); for a user-pool key
// cognito-idp.<region>.amazonaws.com/<userPoolId>, any http or https
// issuer ending in /<userPoolId>, which is how cognito-local, moto and
// LocalStack write it. alias, when set, is the key the client sent for
// the configured key: iss must then be that key with a scheme. Each is
// compared as SameIssuer compares them.
func issuerSuits(key, alias, iss string) bool {
	either := func(host string) bool {
		return SameIssuer(iss, "https://"+host) || SameIssuer(iss, "http://"+host)
	}
	if alias != "" {
		return either(alias)
	}
	if either(key) || (key == "accounts.google.com" && SameIssuer(iss, key)) {
		return true
	}
	id, ok := userPoolID(key)
	if !ok {
		return false
	}
	rest, found := issuerKey(iss)
	if _, aws := userPoolID(rest); aws {
		// An AWS user pool's own issuer suits only its own key: AWS
		// refuses another region's key for it ("Issuer doesn't match
		// providerName" for cognito-idp.eu_west_1.amazonaws.com/<pool>,
		// aws-amplify/aws-sdk-android#444).
		return false
	}
	return found && strings.HasSuffix(rest, "/"+id) && !strings.HasPrefix(rest, "/")
}

// issuerKey returns iss without its http or https scheme and without one
// trailing "/": the Logins key it names. found is false when iss has
// neither scheme, and key is then iss without its trailing "/".
func issuerKey(iss string) (key string, found bool) {
	bare := strings.TrimSuffix(iss, "/")
	key, found = strings.CutPrefix(bare, "https://")
	if !found {
		key, found = strings.CutPrefix(bare, "http://")
	}
	return key, found
}

// jwtIssuer returns the iss of token when it is a JWT that names one.
func jwtIssuer(token string) (string, bool) {
	t, err := tokens.Parse(token)
	if err != nil || t.Issuer() == "" {
		return "", false
	}
	return t.Issuer(), true
}

// SameIssuer reports whether a login token's iss names issuer want as
// Cognito Identity compares them: equal, or want followed by one "/" when
// want ends in none. Auth0 ends every iss in "/", and AWS takes its tokens
// under the bare host's Logins key (aws-amplify/amplify-js#239). It is
// shared with the verifiers of declared providers (package providers);
// STS compares issuers exactly.
func SameIssuer(iss, want string) bool {
	return iss == want || !strings.HasSuffix(want, "/") && iss == want+"/"
}

func (s *Service) validateLogin(ctx context.Context, p *storage.Pool, key, token string, mode loginMode, now time.Time) (login, error) {
	pr := lookupProvider(p, key)
	alias := ""
	if pr.kind == kindUnsupported {
		if c, ok := userPoolAlias(p, key); ok {
			// The login is the configured provider's, keyed under its
			// key: both spellings reach the same identity.
			alias, key = key, c
			pr = lookupProvider(p, key)
		}
	}
	switch pr.kind {
	case kindCognito:
		// Accepted by GetOpenIdToken, GetCredentialsForIdentity and
		// UnlinkIdentity as proof of the identity it was issued for
		// [unconfirmed for GetOpenIdToken].
		if mode != modePublic {
			protocol.SetReason(ctx, "a "+CognitoProvider+" token proves an identity only to GetOpenIdToken, GetCredentialsForIdentity and UnlinkIdentity")
			return login{}, notAuthorized(msgCognitoToken)
		}
		return s.cognitoLogin(ctx, p, token)
	case kindDeveloper:
		// Only modeDeveloper gets here: validateLogins refuses the
		// developer provider elsewhere. The model bounds a developer user
		// identifier to 1024 characters in LookupDeveloperIdentity,
		// MergeDeveloperIdentities and UnlinkDeveloperIdentity, so a
		// longer one registered here could never be managed. It is
		// refused as InvalidParameterException [unconfirmed]: the model
		// bounds Logins values only as tokens (up to 50000), so the limit
		// is the service's own check, and the service answers its own
		// checks so, not with the model's ValidationException.
		if n := utf8.RuneCountInString(token); n > maxDeveloperUser {
			protocol.SetReason(ctx, fmt.Sprintf("the developer user identifier under Logins key %s has %d characters", key, n))
			return login{}, badParam(msgLongDeveloperUser, key, maxDeveloperUser)
		}
		return login{
			key:    key,
			user:   token,
			kind:   kindDeveloper,
			amr:    []string{key, key + ":" + p.ID + ":" + token},
			claims: mapClaims{"sub": token},
		}, nil
	case kindUnsupported:
		if mode == modeDeveloper {
			if developerNameLike(key) {
				protocol.SetReason(ctx, unsupportedReason(p, key, mode))
				return login{}, notAuthorized(msgWrongDeveloper)
			}
			// A public provider's key that the pool does not configure
			// gets GetId's answer below: the developer provider named
			// beside it may well be right.
			mode = modePublic
		}
		if !hasProviders(p) {
			protocol.SetReason(ctx, "pool "+p.ID+" configures no login providers; add "+key+" to its SupportedLoginProviders, CognitoIdentityProviders or OpenIdConnectProviderARNs (UpdateIdentityPool)"+keyHint(key, token))
			return login{}, notAuthorized(msgNoProviders, p.ID)
		}
		protocol.SetReason(ctx, unsupportedReason(p, key, mode)+keyHint(key, token))
		if iss, ok := jwtIssuer(token); ok && !issuerSuits(key, "", iss) && !strings.HasPrefix(key, "cognito-identity") {
			// AWS checks the token's iss against the key before it looks
			// the key up: a key that does not name the token's issuer is
			// refused so, configured or not (a misspelled region in
			// aws-amplify/aws-sdk-android#444, "(null)/<pool>" in
			// aws-amplify/aws-sdk-ios#438, an identity pool id in place of
			// the user pool's in amazon-archives/amazon-cognito-identity-js#40).
			// A key that does name it but that the pool does not
			// configure is "not from a supported provider"
			// (aws-amplify/amplify-js#153, #2067), as is another
			// region's Cognito Identity key (see cognitoKey), whatever
			// the token [unconfirmed on AWS].
			return login{}, notAuthorized(msgIssuerMismatch)
		}
		return login{}, notAuthorized(msgUnsupportedLogin)
	}

	// An external provider. Its signature is checked first, when a verifier
	// is configured: the claims below mean nothing otherwise.
	issuerChecked := false
	if v := s.cfg.Verifier; v != nil {
		var err error
		if issuerChecked, err = v.VerifyProviderToken(ctx, key, token); err != nil {
			if wireError(err) {
				accessTokenRefused(ctx, token)
				return login{}, err
			}
			s.log.WarnContext(ctx, "provider token verification failed", "provider", key, "err", err)
			if mode == modeDeveloper {
				// GetOpenIdTokenForDeveloperIdentity's model lists no
				// ExternalServiceException, so an SDK could not type it:
				// there the token is one idpool could not verify.
				return login{}, notAuthorized(msgBadSignature)
			}
			return login{}, externalService(msgProviderDown, key)
		}
	}
	switch pr.kind {
	case kindOpaque:
		// Offline, idpool cannot ask Facebook or Amazon who the token
		// belongs to, so the token string itself is the user id: the same
		// token always maps to the same identity.
		return login{
			key:    key,
			user:   token,
			kind:   kindOpaque,
			amr:    []string{key, key + ":" + pr.appID + ":" + token},
			claims: mapClaims{"sub": token, "user_id": token, "aud": pr.appID, "iss": "https://" + key},
		}, nil
	case kindSAML:
		user, attrs := parseSAML(token)
		attrs["sub"] = user
		return login{
			key:  key,
			user: user,
			kind: kindSAML,
			// SAML has no app id: the third amr element is "<arn>:<NameID>"
			// [unconfirmed format].
			amr:    []string{key, key + ":" + user},
			claims: attrs,
		}, nil
	}

	// A JWT: Google, Apple, a user pool or an OIDC provider.
	var audiences []string
	switch pr.kind {
	case kindSocialJWT:
		audiences = []string{pr.appID}
	case kindUserPool:
		audiences = pr.clientIDs
		if slices.Contains(audiences, "") {
			audiences = nil // a client-less configuration accepts any client
		}
	}
	// A declared provider that checked iss vouches for it under its own
	// key only: a key the client wrote otherwise must still name the
	// token's issuer (an alias, issuerSuits), or any key ending in
	// /<userPoolId> would pass, where AWS answers "Issuer doesn't match
	// providerName" (aws-amplify/aws-sdk-android#444).
	issOK := func(iss string) bool { return issuerChecked && alias == "" || issuerSuits(key, alias, iss) }
	sent := key
	if alias != "" {
		sent = alias
	}
	t, aud, err := s.checkJWT(ctx, key, sent, token, issOK, audiences, now)
	if err != nil {
		accessTokenRefused(ctx, token)
		return login{}, err
	}
	l := login{key: key, user: t.Subject(), kind: pr.kind, claims: t}
	switch pr.kind {
	case kindUserPool:
		l.clientID = aud
		l.amr = []string{key, key + ":CognitoSignIn:" + l.user}
	case kindOIDC:
		l.amr = []string{key, pr.arn + ":OIDC:" + l.user}
	default:
		// Google, Apple: "<key>:<appId>:<sub>" [unconfirmed format; the
		// emulator choice of tokens.md §3].
		l.amr = []string{key, key + ":" + pr.appID + ":" + l.user}
	}
	return l, nil
}

// checkJWT decodes a provider ID token and checks its claims: issOK
// accepts its iss, the audience is one of audiences (no check when empty),
// exp holds within ExpirySkew(key) of now and nbf within clockSkew, and sub
// is present. It returns the token and the audience that matched. sent is
// the Logins key the client sent, which key stands for when it was an
// alias. A refusal is logged at info with the check that failed, which
// the client's message may not name.
func (s *Service) checkJWT(ctx context.Context, key, sent, raw string, issOK func(string) bool, audiences []string, now time.Time) (*tokens.JWT, string, error) {
	refuse := func(check string, detail any, err error) (*tokens.JWT, string, error) {
		s.log.InfoContext(ctx, "provider token refused", "request_id", protocol.RequestID(ctx),
			"provider", key, "check", check, "detail", detail)
		// Worded as emulator/providers words its own checks.
		why := "token of " + key + " failed the " + check + " check"
		if detail != nil {
			why += fmt.Sprintf(": %v", detail)
		}
		protocol.SetReason(ctx, why)
		return nil, "", err
	}
	t, err := tokens.Parse(raw)
	if err != nil {
		return refuse("malformed", err.Error(), notAuthorized(msgMalformedToken))
	}
	if iss := t.Issuer(); !issOK(iss) {
		return refuse("issuer", "the Logins key "+sent+" does not name the token's issuer"+keyHint(sent, raw), notAuthorized(msgIssuerMismatch))
	}
	var matched string
	if len(audiences) > 0 {
		// AWS checks azp when present, else aud. idpool accepts a match in
		// either: Google sets azp to the Android client and aud to the web
		// client, and pools are configured with either.
		got := t.Audiences()
		if azp := t.AuthorizedParty(); azp != "" {
			got = append(got, azp)
		}
		if len(got) == 0 {
			return refuse("missing claim aud", nil, notAuthorized(msgMissingClaim, "aud"))
		}
		for _, a := range got {
			if slices.Contains(audiences, a) {
				matched = a
				break
			}
		}
		if matched == "" {
			return refuse("audience", fmt.Sprintf("aud/azp %q, want one of %q", got, audiences), notAuthorized("%s", AudienceMessage(key)))
		}
	} else if a := t.Audiences(); len(a) > 0 {
		matched = a[0]
	}
	exp, ok := t.Expiry()
	if !ok {
		return refuse("missing claim exp", nil, notAuthorized(msgMissingClaim, "exp"))
	}
	if skew := ExpirySkew(key); !now.Before(exp.Add(skew)) {
		return refuse("expiry", fmt.Sprintf("exp %d, now %d (%s of skew allowed)", exp.Unix(), now.Unix(), skew), notAuthorized(msgExpired, now.Unix(), exp.Unix()))
	}
	if nbf, ok := t.NotBefore(); ok && now.Add(clockSkew).Before(nbf) {
		return refuse("not before", fmt.Sprintf("nbf %d, now %d (%s of skew allowed)", nbf.Unix(), now.Unix(), clockSkew), notAuthorized(msgNotYetValid, now.Unix(), nbf.Unix()))
	}
	if t.Subject() == "" {
		return refuse("missing claim sub", nil, notAuthorized(msgMissingClaim, "sub"))
	}
	return t, matched, nil
}

// AudienceMessage is the text of a login refused for its audience, keys
// being the Logins key and any other key the login's provider is known
// by: when one of them names a user pool (UserPoolProviderName), AWS's
// "Token is not from a supported provider of this identity pool."
// (amazon-archives/amazon-cognito-identity-js#7), as the pool's provider
// is the user pool and app client together, so a token of another app
// client is an unsupported provider's; otherwise "Invalid login token.
// Incorrect token audience.". It is shared with the verifiers of
// declared providers (package providers), so that a login is refused
// alike whichever checks it.
func AudienceMessage(keys ...string) string {
	if slices.ContainsFunc(keys, UserPoolProviderName) {
		return msgUnsupportedLogin
	}
	return msgAudience
}

// cognitoLogin verifies one of idpool's own tokens presented under the
// cognito-identity.amazonaws.com key. Its user is the identity id it was
// issued for; it must have been issued for pool p.
func (s *Service) cognitoLogin(ctx context.Context, p *storage.Pool, token string) (login, error) {
	c, err := s.issuer.Verify(ctx, token)
	if err != nil {
		protocol.SetReason(ctx, "idpool token refused: "+err.Error())
		var exp *tokens.ExpiredError
		switch {
		case errors.As(err, &exp):
			return login{}, notAuthorized(msgExpired, exp.Now.Unix(), exp.Expiry.Unix())
		case errors.Is(err, tokens.ErrMalformed):
			return login{}, notAuthorized(msgMalformedToken)
		case errors.Is(err, tokens.ErrIssuer):
			return login{}, notAuthorized(msgIssuerMismatch)
		case errors.Is(err, tokens.ErrUnknownKey), errors.Is(err, tokens.ErrSignature) && !cognitoSigned(token):
			return login{}, notAuthorized(msgNotCognito)
		case errors.Is(err, tokens.ErrSignature):
			return login{}, notAuthorized(msgBadSignature)
		}
		return login{}, fmt.Errorf("verify cognito token: %w", err)
	}
	if c.Audience != p.ID {
		protocol.SetReason(ctx, "idpool token refused: its aud "+c.Audience+" is not the pool "+p.ID)
		return login{}, notAuthorized(msgAudience)
	}
	var amr []string
	if len(c.AMR) > 1 && c.AMR[0] == "authenticated" {
		amr = c.AMR[1:]
	}
	return login{key: CognitoProvider, user: c.Subject, kind: kindCognito, amr: amr,
		claims: mapClaims{"sub": c.Subject, "aud": c.Audience, "iss": c.Issuer}, cognito: c}, nil
}

// cognitoSigned reports whether a JWT is signed as Cognito Identity (and
// idpool) signs its tokens, with RS512. A token under the
// cognito-identity.amazonaws.com key that is not, or that names no key of
// idpool's, is some other issuer's: AWS's "Not a Cognito token". One that
// is, but whose signature fails under idpool's key, is a changed Cognito
// token: "Couldn't verify signed token".
func cognitoSigned(raw string) bool {
	// Only the header is read: a changed payload need not decode.
	h, _, _ := strings.Cut(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(h)
	var header struct{ Alg string }
	return err == nil && json.Unmarshal(b, &header) == nil && header.Alg == "RS512"
}

// parseSAML extracts the NameID and attributes of a base64 SAML response.
// When the value is not a SAML response the whole string is the user id, so
// that the same value still maps to the same identity.
func parseSAML(v string) (user string, attrs mapClaims) {
	attrs = mapClaims{}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return v, attrs
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	var attrName string // the Attribute being read, "" outside one
	for {
		tok, err := dec.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				user = ""
			}
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "Attribute" {
				attrName = ""
			}
			continue
		}
		switch se.Name.Local {
		case "NameID":
			var text string
			if err := dec.DecodeElement(&text, &se); err == nil && user == "" {
				user = strings.TrimSpace(text)
			}
		case "Attribute":
			for _, a := range se.Attr {
				if a.Name.Local == "Name" {
					attrName = a.Value
				}
			}
		case "AttributeValue":
			var text string
			if err := dec.DecodeElement(&text, &se); err == nil && attrName != "" {
				attrs[attrName] = appendClaim(attrs[attrName], strings.TrimSpace(text))
			}
		}
	}
	if user == "" {
		return v, mapClaims{}
	}
	return user, attrs
}

// appendClaim adds a value to a SAML attribute: one value is a string,
// several a list, as in a JWT.
func appendClaim(cur any, v string) any {
	switch c := cur.(type) {
	case nil:
		return v
	case string:
		return []any{c, v}
	case []any:
		return append(c, v)
	}
	return v
}

// Compile-time check: a decoded JWT serves as claims.
var _ claims = (*tokens.JWT)(nil)

// wireError reports whether err is a service error to answer as is.
func wireError(err error) bool {
	_, ok := protocol.As(err)
	return ok
}
