// Package providers holds the key sets of external identity providers and
// verifies the tokens they sign: the ID tokens presented to Cognito Identity
// in a Logins map and the web identity tokens of STS
// AssumeRoleWithWebIdentity.
//
// A Provider is named by its issuer URL, http or https, with or without
// port and path (http://localhost:9229/us-east-1_abc), or by its Logins
// key, the issuer without its scheme, which is also the suffix of its IAM
// OIDC provider ARN (accounts.example.com, localhost:8080/realms/dev). It
// may name the exact Issuer its tokens carry when that differs from its
// key, so that the key cognito-idp.us-east-1.amazonaws.com/us-east-1_abc
// accepts cognito-local's http://localhost:9229/us-east-1_abc. Its key set
// is inline JSON (a JWKS document, or a single JWK) parsed once by New, a
// URL fetched on first use, or, with neither, found as IAM finds an OIDC
// provider's: the issuer's /.well-known/openid-configuration names the
// jwks_uri, both read at each fetch, from the issuer the token carries (a
// provider named by its bare key takes https:// and http:// tokens, and
// keeps a set for each). A discovery document whose issuer is not the one
// it was read for is used all the same, but a verification that then
// fails says so, naming both. A user pool's
// (cognito-idp.<region>.amazonaws.com/<id>) set is fetched from
// <issuer>/.well-known/jwks.json, where Cognito publishes it, without
// discovery. A fetched set is cached for CacheTTL and fetched again before
// then when no key of it verifies a token (its kid is missing, or the key
// under that kid changed, as when a local provider restarts with a fresh
// key under a fixed kid): at once the first time, however recently the set
// was fetched, then at most once per RefetchFloor per provider and once
// per RefetchInterval for the same kid, so that a provider's key rotation
// is picked up without letting a flood of bogus tokens hammer it. A
// fetched set with no usable key is kept (its tokens fail as signed by an
// unknown key, not as an unreachable provider); an inline one is an error.
// The https set of a provider only the Source (IAM) holds is never
// fetched: idpool, offline, reaches an https issuer only when it is
// declared, and such a fetch fails with what to declare. Such a provider
// of an https URL takes http:// tokens only when its host is local
// (localHost), and every URL fetched for them (discovery document,
// jwks_uri, redirects) is http and of a local host. For every provider, a
// redirect is followed only within its scheme and host.
// Each fetch is bounded by a timeout and each document by a size. While a
// fetched set is stale and the provider cannot be reached, the stale set
// keeps being used.
//
// Verify checks, in order: the token is a compact JWS (ErrMalformed); its
// alg is RS256, RS384, RS512, ES256, ES384 or ES512, the algorithms AWS
// accepts, so "none" and HMAC never are (ErrSignature); its kid names a key
// of the set, or, as kid is optional (RFC 7517), the token names none and
// some key's type and alg suit its alg (ErrUnknownKey, or ErrFetch when the
// set cannot be fetched); a key of that kid suits the alg and one of the
// keys that may have signed it, each tried in turn, verifies the signature
// (ErrSignature); iss is the Issuer when one is set, else exactly the name
// when it was configured with a scheme, else "https://" or "http://" + name
// (and, for accounts.google.com, the bare host Google also writes)
// (ErrIssuer); azp, or, when the token has none, one of its aud, is one of
// the provider's ClientIDs, or, when it has none, one of the caller's
// audiences, and with neither the token has at least an aud or an azp
// (ErrAudience); exp is present and not past, and nbf not ahead,
// by more than the caller's skew (ErrExpired, ErrNotYetValid). Errors wrap
// these sentinels; *TimeError and *MissingClaimError carry what a wire
// message quotes.
//
// Two adapters plug a Registry into the services without those services
// knowing this package: ForIdentity returns the identity.ProviderVerifier
// of Cognito Identity logins, answering NotAuthorizedException with the
// texts identity already uses, and ForSTS returns the sts.Providers of
// AssumeRoleWithWebIdentity, which takes a token up to STSExpirySkew past
// its exp, answering InvalidIdentityToken (an unreachable provider
// included, as AWS answers it) or ExpiredTokenException; it knows a
// declared provider, but Google, Facebook and Amazon, only while the
// Source (IAM) holds an OpenID Connect provider of its key, as STS knows
// no other issuer without one, and then checks the audience against the
// client ids IAM holds. The logins of a key a pool takes through
// OpenIdConnectProviderARNs follow the same rule; those of a user pool or
// social provider are never verified through IAM's provider. Both log a
// refusal at
// info, with the request id and the check that failed (Check), which the
// client's message may not name.
//
// A Registry may also consult a Source of providers declared after New
// (IAM's OpenID Connect providers) on every lookup its own providers miss.
// It is immutable after New except for its fetched key sets, the entries
// of its Source's providers and the issuers STS discovered in permissive
// mode, and is safe for
// concurrent use.
package providers
