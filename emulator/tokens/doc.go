// Package tokens issues and verifies idpool's OpenID tokens and decodes the
// JSON Web Tokens that identity providers hand to Cognito Identity.
//
// An Issuer owns idpool's RSA signing keys, which live in the store so that
// tokens survive a restart. It signs compact RS512 JWS tokens shaped like the
// ones Cognito Identity returns from GetOpenIdToken (header
// {"kid":…,"typ":"JWS","alg":"RS512"}, claims sub, aud, amr, iss, iat, exp and
// the optional pool ARN and principal-tag claims), verifies them for STS and
// for logins under the cognito-identity.amazonaws.com key, and publishes the
// public keys as a JWKS document and an OpenID discovery document. The
// JWKS writes n and e in RFC 7518's base64url, or, with
// Config.JWKSEncoding JWKSEncodingAWS, in the padded standard base64 that
// Cognito Identity's own key set used, which some Go verifiers refuse. A key
// retired by Rotate stays for MaxLifetime, the longest a token lives, so
// that every token it signed verifies until its exp; the first rotation
// after that deletes it. Verify still refuses a token of a deleted key as
// expired (ErrExpired, not ErrUnknownKey), from its unverified iss and exp:
// claims read that way only ever make Verify refuse a token, never accept it.
//
// Verify applies no clock skew to idpool's own tokens: like AWS STS, it
// refuses a token whose exp is not after the current time. It accepts only
// RS512 signatures from a key idpool holds (active or retired); a token whose
// alg is anything else, "none" and HMAC included, fails with ErrSignature.
// Callers map the sentinel errors (ErrMalformed, ErrUnknownKey,
// ErrSignature, ErrIssuer, ErrExpired) to each service's wire error.
//
// Parse decodes a provider token without checking its signature; it is the
// first step of validating a login, and its accessors read the standard
// claims. Claim values keep JSON numbers exact (json.Number).
package tokens
