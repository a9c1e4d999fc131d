package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// LoginSkew is how far nbf of a login token may be off, as Cognito
// Identity allows (spec cognito-identity.md §3); its exp gets
// identity.ExpirySkew of its Logins key.
const LoginSkew = 5 * time.Minute

// STSExpirySkew is how far past its exp AssumeRoleWithWebIdentity still
// accepts an external provider's token: the IAM User Guide's OIDC
// federation page gives a five-minute window beyond exp for clock skew, as
// OpenID Connect Core allows. idpool's own Cognito Identity tokens get
// none: their issuer and STS share one clock, and the test controls'
// early expiry must take effect at once.
const STSExpirySkew = 5 * time.Minute

// Login-token messages. Those identity also sends for the same conditions
// (identity/errors.go) are worded identically, so that a login fails alike
// whether or not its provider has a key set.
const (
	msgMalformed    = "Invalid login token. Not a valid OpenId Connect identity token."
	msgMissingClaim = "Invalid login token. Missing a required claim: %s"
	msgSignature    = "Invalid login token. Couldn't verify signed token."
	msgIssuer       = "Invalid login token. Issuer doesn't match providerName"
	msgExpired      = "Invalid login token. Token expired: %d >= %d"
	msgNotYetValid  = "Invalid login token. Token is not yet valid: %d < %d"
	msgNoKeySet     = "Invalid login token. No key set is configured for provider %s."
	// msgNoIAMProvider refuses a login of a pool's OpenIdConnectProviderARNs
	// whose IAM provider was deleted [unconfirmed wording: STS's].
	msgNoIAMProvider = "Invalid login token. No OpenIDConnect provider found in your account for %s"
	// msgInternal is Cognito Identity's InternalErrorException text, as
	// its codec writes it.
	msgInternal = "An internal error occurred. Please try again."
)

// IdentityVerifier verifies the tokens of Cognito Identity logins: it is
// the identity.ProviderVerifier of Config.Verifier.
type IdentityVerifier struct {
	r      *Registry
	strict bool
}

// ForIdentity returns the verifier of Cognito Identity logins. A login is
// verified by the provider declared under its Logins key, else by the one
// that accepts the token's iss (cognito-local's http://localhost:9229/<pool>
// for the key cognito-idp.<region>.amazonaws.com/<pool>): signature, issuer,
// the provider's ClientIDs when it has some (identity checks the pool's app
// or client id itself), exp within identity.ExpirySkew and nbf within
// LoginSkew. A login no declared provider knows passes when strict is false,
// idpool's permissive default, and is refused when it is true. Strict mode
// thus refuses the opaque access tokens of graph.facebook.com,
// www.amazon.com, api.twitter.com and www.digits.com and SAML responses
// unless a key set is configured under that key, and then only a JWT signed
// by it passes: idpool cannot ask those providers about their tokens. Logins
// are never verified by discovering an undeclared issuer: permissive mode
// checks their claims only, offline. identity never passes idpool's own
// cognito-identity.amazonaws.com tokens or the developer provider here.
// A provider declared under a key a pool takes through
// OpenIdConnectProviderARNs verifies only while the Source (IAM) holds
// one of that key, and with IAM's client ids, as STS; a user pool's or
// social provider's logins are never verified through the Source
// (loginEntry).
func (r *Registry) ForIdentity(strict bool) *IdentityVerifier {
	return &IdentityVerifier{r: r, strict: strict}
}

var _ identity.ProviderVerifier = (*IdentityVerifier)(nil)

// VerifyProviderToken checks token of Logins key provider. issuerChecked
// is true when the provider declared under that key verified it. A
// rejected token yields a NotAuthorizedException *protocol.Error, and the
// check that failed is logged at info with the request id; a key set that
// cannot be fetched yields an error wrapping ErrFetch, which identity
// answers with ExternalServiceException.
func (v *IdentityVerifier) VerifyProviderToken(ctx context.Context, provider, token string) (issuerChecked bool, err error) {
	t, perr := tokens.Parse(token)
	e, gone, err := v.r.loginEntry(ctx, provider)
	switch {
	case err != nil:
		// The store failed: no answer about the provider, and no fault
		// of the client's (fromSource logged it).
		return false, protocol.Errorf(http.StatusInternalServerError, identity.CodeInternalError, msgInternal)
	case gone:
		v.r.refused(ctx, provider, fmt.Errorf("%w: IAM holds no OpenID Connect provider %s of the declared provider the pool's OpenIdConnectProviderARNs name: create it with IAM CreateOpenIDConnectProvider (Url %s), or reset to the fixtures, which declare it",
			ErrUnknownProvider, "oidc-provider/"+provider, "https://"+provider))
		return false, notAuthorized(msgNoIAMProvider, provider)
	}
	issuerChecked = e != nil
	if e == nil && perr == nil {
		e = v.r.byIssuer[t.Issuer()]
	}
	if e == nil {
		if v.strict {
			v.r.refused(ctx, provider, fmt.Errorf("%w: none for this Logins key or the token's iss", ErrUnknownProvider))
			return false, notAuthorized(msgNoKeySet, provider)
		}
		return false, nil
	}
	if perr != nil {
		err = fmt.Errorf("%w: %w", ErrMalformed, perr)
	} else {
		err = v.r.verify(ctx, e, t, nil, leeway{exp: identity.ExpirySkew(provider), nbf: LoginSkew, slash: true})
	}
	if err == nil {
		return issuerChecked, nil
	}
	v.r.refused(ctx, provider, err)
	var te *TimeError
	var mc *MissingClaimError
	switch {
	case errors.Is(err, ErrFetch):
		return false, fmt.Errorf("verify %s login: %w", provider, err)
	case errors.As(err, &te):
		if te.Claim == "nbf" {
			return false, notAuthorized(msgNotYetValid, te.Now.Unix(), te.At.Unix())
		}
		return false, notAuthorized(msgExpired, te.Now.Unix(), te.At.Unix())
	case errors.As(err, &mc):
		return false, notAuthorized(msgMissingClaim, mc.Claim)
	case errors.Is(err, ErrMalformed):
		return false, notAuthorized(msgMalformed)
	case errors.Is(err, ErrSignature), errors.Is(err, ErrUnknownKey):
		return false, notAuthorized(msgSignature)
	case errors.Is(err, ErrIssuer):
		return false, notAuthorized(msgIssuer)
	case errors.Is(err, ErrAudience):
		// A user pool token of an app client the provider does not list
		// is refused as identity refuses one the pool does not configure.
		return false, notAuthorized("%s", identity.AudienceMessage(provider, e.key))
	}
	return false, fmt.Errorf("verify %s login: %w", provider, err)
}

// loginEntry returns the provider that verifies the logins under Logins
// key key, nil when none does. The logins of a key a pool lists in
// CognitoIdentityProviders or SupportedLoginProviders (poolVerified) are
// verified by the provider declared under it alone, never by IAM's: with
// none, an IAM provider of a user pool, which the README has users create
// for STS, does not make Cognito Identity try to reach the user pool's
// https issuer. Those of a key of OpenIdConnectProviderARNs, which names
// IAM providers, are verified as STS verifies its tokens: by the provider
// declared under it while IAM holds one of that key, with IAM's client
// ids (iamHeld; gone is true when IAM holds none), else by IAM's own.
// A registry with no Source has no IAM to ask: its declared providers
// verify logins alone. err is the failure of the Source (IAM).
func (r *Registry) loginEntry(ctx context.Context, key string) (e *entry, gone bool, err error) {
	key, _ = loginsKey(key)
	if poolVerified(key) {
		return r.byKey[key], false, nil
	}
	switch e = r.byKey[key]; {
	case e == nil:
		e, err = r.fromSource(ctx, key)
		return e, false, err
	case r.source == nil:
		return e, false, nil
	}
	e, err = r.iamHeld(ctx, e)
	return e, e == nil && err == nil, err
}

// refused logs, at info and with the request id, which check refused a
// provider's token: the client only gets AWS's message.
func (r *Registry) refused(ctx context.Context, provider string, err error) {
	protocol.SetReason(ctx, "token of "+provider+" failed the "+Check(err)+" check: "+err.Error())
	r.log.InfoContext(ctx, "provider token refused", "request_id", protocol.RequestID(ctx),
		"provider", provider, "check", Check(err), "err", err)
}

// Check names the check a Verify error failed: "issuer", "audience",
// "signature", "unknown kid", "expiry", "not before", "malformed",
// "missing claim", "key set fetch", "unknown provider", or "provider"
// for any other error.
func Check(err error) string {
	var mc *MissingClaimError
	switch {
	case errors.As(err, &mc):
		return "missing claim " + mc.Claim
	case errors.Is(err, ErrIssuer):
		return "issuer"
	case errors.Is(err, ErrAudience):
		return "audience"
	case errors.Is(err, ErrUnknownKey):
		return "unknown kid"
	case errors.Is(err, ErrSignature):
		return "signature"
	case errors.Is(err, ErrExpired):
		return "expiry"
	case errors.Is(err, ErrNotYetValid):
		return "not before"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrFetch):
		return "key set fetch"
	case errors.Is(err, ErrUnknownProvider):
		return "unknown provider"
	}
	return "provider"
}

func notAuthorized(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(identity.CodeNotAuthorized, format, args...)
}

// STS texts. Those of AWS (spec tokens.md §5, sts.md §3.3) are used where
// known; sts itself uses the same for its own tokens.
const (
	stsNotJWT       = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
	stsUnknownKey   = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	stsSignature    = "Token signature verification failed"
	stsNoProvider   = "No OpenIDConnect provider found in your account for %s"
	stsAudience     = "Incorrect token audience"
	stsMissingClaim = "Missing a required claim: %s"
	stsExpired      = "Token expired: current date/time %d must be before the expiration date/time %d"
	stsNotYetValid  = "Token is not yet valid: current date/time %d must be after the not-before date/time %d"
	// stsBadTags is the ValidationError AWS answers a token whose session
	// tags it cannot take (hashicorp/terraform-provider-aws#44712); sts
	// answers its other tag faults so.
	stsBadTags = "Unable to validate tags"
)

// tagsClaim is where a web identity token carries session tags
// (https://aws.amazon.com/tags: {"principal_tags": {"key": ["value"]}}).
const tagsClaim = "https://aws.amazon.com/tags"

// builtin reports whether IAM knows a web identity provider without an
// OIDC provider resource; STS reports those by host, not by provider ARN.
var builtin = identity.BuiltinWebIdentity

// fixtureHint is what the refusal of a declared provider's token adds
// when IAM holds no provider of Logins key key: how a fixture makes one
// of a user pool or Apple, which it makes none of unless told; another
// provider's the fixtures made, and a restart or reset makes again.
func fixtureHint(key string) string {
	if identity.UserPoolOrApple(key) {
		return `, or say "IamProvider": true in its fixture Providers entry`
	}
	return ", or reset to the fixtures, which declare it"
}

// STSVerifier verifies web identity tokens of other issuers than idpool for
// AssumeRoleWithWebIdentity: it is the sts.Providers of sts.Config.
type STSVerifier struct {
	r       *Registry
	account string
	strict  bool
}

// ForSTS returns the verifier of AssumeRoleWithWebIdentity tokens. The
// provider is found by the token's iss: a declared provider that accepts
// it, else, when strict is false, any http issuer (a local one) whose key
// set OpenID Connect discovery finds (at most 64 such issuers are held).
// A declared provider but Google, Facebook and Amazon is one only while
// the Source (IAM) also holds a provider of its key, as STS knows no
// other issuer without an IAM OpenID Connect provider: the fixtures make
// it (of a user pool, such as cognito-idp.<region>.amazonaws.com/<id>, or
// Apple, only when told), and deleting it through IAM makes STS refuse
// the provider's tokens, as AWS does, until it is made again; while IAM
// holds it, the audience is checked against IAM's client ids.
// STS has no decode-only path, as AWS always verifies these tokens against
// an IAM OIDC provider: discovery is how permissive mode knows a local
// issuer no one declared. accountID names the account of the IAM OIDC provider ARN
// that STS reports as the session's Provider. A token is accepted up to
// STSExpirySkew past its exp, as IAM documents; its nbf allows no skew, as
// IAM documents none for it.
func (r *Registry) ForSTS(accountID string, strict bool) *STSVerifier {
	return &STSVerifier{r: r, account: accountID, strict: strict}
}

var _ sts.Providers = (*STSVerifier)(nil)

// VerifyWebIdentity verifies t and describes its web identity:
//   - Issuer is iss; Subject is sub;
//   - Provider is the IAM OIDC provider ARN
//     arn:aws:iam::<account>:oidc-provider/<Logins key>, which is what AWS
//     reports for OIDC tokens, except for the built-in providers
//     (accounts.google.com, graph.facebook.com, www.amazon.com), reported
//     by host;
//   - Audience is the azp, else the aud, that matched the provider's
//     ClientIDs, or, when it has none, azp, else the first aud: what IAM
//     documents as the :aud condition key of Google tokens;
//   - AMR is the token's own amr claim when it is a list of strings, nil
//     otherwise: STS federates OIDC tokens with no amr of its own, unlike
//     Cognito Identity tokens;
//   - PrincipalTags are the first values of the token's
//     https://aws.amazon.com/tags principal_tags claim, and
//     TransitiveTagKeys its transitive_tag_keys as it lists them;
//   - Expiry is exp.
//
// Failures are STS's *protocol.Error values: InvalidIdentityToken or
// ExpiredTokenException. A key set that cannot be fetched is AWS's
// InvalidIdentityToken "Couldn't retrieve verification key from your
// identity provider", as for a kid the set lacks: AWS answers an
// unreachable provider so (not with IDPCommunicationError, which the SDKs
// retry as a transient fault).
func (v *STSVerifier) VerifyWebIdentity(ctx context.Context, t *tokens.JWT) (*sts.WebIdentity, error) {
	if why := identity.AccessTokenReason(t); why != "" {
		// Said first, as the reason nearest the cause: an access token
		// has no aud, and is refused whatever its issuer.
		protocol.SetReason(ctx, why)
	}
	iss := t.Issuer()
	e, err := v.r.byIss(ctx, iss)
	if err != nil {
		// The store failed, which says nothing of the provider: answered
		// as STS's internal error, not as a provider the account lacks.
		return nil, fmt.Errorf("verify web identity token of %s: %w", iss, err)
	}
	found := false
	if e != nil && v.r.byKey[e.key] == e && !builtin(e.key) {
		// A declared provider is one STS knows only while IAM holds an
		// OpenID Connect provider of its key, as STS knows no issuer but
		// Google, Facebook and Amazon without one (the IAM User Guide's
		// "Create an OpenID Connect (OIDC) identity provider in IAM";
		// AWS's answer in aws-actions/configure-aws-credentials#721).
		// The fixtures make it of every provider but a user pool or
		// Apple that does not say IamProvider; IAM's
		// DeleteOpenIDConnectProvider removes it at run time. While IAM
		// holds it, its token's audience is checked against IAM's
		// ClientIDList (iamHeld), which Add- and
		// RemoveClientIDFromOpenIDConnectProvider change.
		held, err := v.r.iamHeld(ctx, e)
		switch {
		case err != nil:
			return nil, fmt.Errorf("verify web identity token of %s: %w", iss, err)
		case held == nil:
			v.r.refused(ctx, iss, fmt.Errorf("%w: IAM holds no OpenID Connect provider %s of the declared provider: create it with IAM CreateOpenIDConnectProvider (Url %s)%s",
				ErrUnknownProvider, "arn:aws:iam::"+v.account+":oidc-provider/"+e.key, "https://"+e.key, fixtureHint(e.key)))
			return nil, invalidToken(stsNoProvider, iss)
		}
		e = held
	}
	if e == nil && !v.strict {
		e, found = v.r.discover(iss), true
	}
	if e == nil {
		v.r.refused(ctx, iss, fmt.Errorf("%w: no provider is declared for iss %q", ErrUnknownProvider, iss))
		return nil, invalidToken(stsNoProvider, iss)
	}
	// Google's built-in provider has no client id list on AWS: its trust
	// policies check accounts.google.com:aud (the azp) and :oaud (the
	// aud). A declared Google provider's ClientIds list the app's clients,
	// and a token is taken when either its azp or an aud is one of them,
	// as an Android sign-in's token has the web client in aud and the
	// Android client in azp.
	lw := leeway{exp: STSExpirySkew, eitherAudience: e.key == GoogleProvider}
	if err := v.r.verify(ctx, e, t, nil, lw); err != nil {
		v.r.refused(ctx, e.key, err)
		if found && errors.Is(err, ErrFetch) {
			// An issuer that discovery cannot reach is one STS does not
			// know, as before it was looked for.
			return nil, invalidToken(stsNoProvider, iss)
		}
		return nil, stsError(err, iss)
	}
	if sub, ok := t.Claims["sub"]; !ok || sub == nil {
		// STS requires sub, whatever the provider's own rules
		// (aws-actions/configure-aws-credentials#502).
		err := &MissingClaimError{Claim: "sub"}
		v.r.refused(ctx, e.key, err)
		return nil, stsError(err, iss)
	}
	ptags, err := principalTags(t.Claims[tagsClaim])
	if err != nil {
		v.r.refused(ctx, e.key, err)
		return nil, protocol.BadRequest(sts.CodeValidation, "%s", stsBadTags)
	}
	id := &sts.WebIdentity{
		Issuer:        iss,
		Provider:      e.key,
		Subject:       t.Subject(),
		AMR:           stringList(t.Claims["amr"]),
		Claims:        ClaimKeys(e.key, t),
		PrincipalTags: ptags,
	}
	tags, _ := t.Claims[tagsClaim].(map[string]any)
	id.TransitiveTagKeys = stringList(tags["transitive_tag_keys"])
	if !builtin(e.key) {
		id.Provider = "arn:aws:iam::" + v.account + ":oidc-provider/" + e.key
	}
	switch azp := t.AuthorizedParty(); {
	case e.key == GoogleProvider && azp != "":
		// The IAM User Guide: accounts.google.com:aud is the azp when
		// the token has one, whichever of azp and aud the client ids
		// list (the aud is :oaud, in Claims).
		id.Audience = azp
	case len(e.clientIDs) > 0:
		id.Audience, _ = audience(t, e.clientIDs) // verify matched one
	case azp != "":
		id.Audience = azp
	default:
		if auds := t.Audiences(); len(auds) > 0 {
			id.Audience = auds[0]
		}
	}
	id.Expiry, _ = t.Expiry()
	return id, nil
}

// stsError maps a verification failure to STS's wire error.
func stsError(err error, iss string) error {
	var te *TimeError
	var mc *MissingClaimError
	switch {
	case errors.Is(err, ErrFetch), errors.Is(err, ErrUnknownKey):
		return invalidToken(stsUnknownKey)
	case errors.As(err, &te):
		if te.Claim == "nbf" {
			return invalidToken(stsNotYetValid, te.Now.Unix(), te.At.Unix())
		}
		return protocol.BadRequest(sts.CodeExpiredToken, stsExpired, te.Now.Unix(), te.At.Unix())
	case errors.As(err, &mc):
		return invalidToken(stsMissingClaim, mc.Claim)
	case errors.Is(err, ErrMalformed):
		return invalidToken(stsNotJWT)
	case errors.Is(err, ErrSignature):
		return invalidToken(stsSignature)
	case errors.Is(err, ErrIssuer), errors.Is(err, ErrUnknownProvider):
		return invalidToken(stsNoProvider, iss)
	case errors.Is(err, ErrAudience):
		return invalidToken(stsAudience)
	}
	return fmt.Errorf("verify web identity token of %s: %w", iss, err)
}

func invalidToken(format string, args ...any) *protocol.Error {
	return protocol.BadRequest(sts.CodeInvalidIdentityToken, format, args...)
}

// stringList returns v as strings when it is a string or a list of only
// strings, else nil.
func stringList(v any) []string {
	switch l := v.(type) {
	case string:
		return []string{l}
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil
			}
			out = append(out, s)
		}
		return out
	}
	return nil
}

// principalTags reads the principal_tags of a session-tags claim. AWS
// writes each tag's value as a list of one string (the IAM User Guide's
// "Passing session tags using AssumeRoleWithWebIdentity": "Each tag value
// must be an array containing a single string"); a plain string is taken
// too, and an empty list gives no tag. Any other value is an error, the
// same whether a list holds it or not: a number, a boolean, null, an
// object, or a list of more values or of something else than a string.
// idpool found no word of what AWS does with one; keeping a list's first
// element, as it once did, made a session of a tag value the token did
// not give alone, and dropping a number made one of fewer tags.
// AssumeRoleWithWebIdentity answers it as it answers other tags it
// cannot take (stsBadTags).
func principalTags(v any) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil
	}
	pt, ok := m["principal_tags"].(map[string]any)
	if !ok || len(pt) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(pt))
	for k, val := range pt {
		s, ok := val.(string)
		if list, isList := val.([]any); isList {
			if len(list) == 0 {
				continue
			}
			if len(list) > 1 {
				return nil, fmt.Errorf("%w: the value of principal tag %q in %s is a list of %d values, not of one string",
					ErrMalformed, k, tagsClaim, len(list))
			}
			s, ok = list[0].(string)
			val = list[0]
		}
		if !ok {
			return nil, fmt.Errorf("%w: the value of principal tag %q in %s is %s, not a string",
				ErrMalformed, k, tagsClaim, jsonKind(val))
		}
		out[k] = s
	}
	return out, nil
}

// jsonKind names the JSON type of v, a value encoding/json decoded into
// an any, with its article, for an error.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
