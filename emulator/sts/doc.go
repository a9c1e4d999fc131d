// Package sts holds the rules of idpool's AWS Security Token Service:
// AssumeRoleWithWebIdentity (exchanging idpool's own OpenID tokens, and
// later other providers' tokens, for role credentials), GetCallerIdentity,
// AssumeRole and GetSessionToken.
//
// The service knows nothing of the wire: its methods take and return the
// typed shapes of the STS model, and the query codec (protocol/awsquery)
// decodes, validates and encodes them. Errors are *protocol.Error values
// carrying STS's wire codes (errors.go), which for several errors differ
// from the model's shape names (InvalidIdentityToken, IDPRejectedClaim,
// MalformedPolicyDocument, PackedPolicyTooLarge).
//
// Roles are not registered anywhere yet: any well-formed role ARN can be
// assumed, with a maximum session of 12 hours. Config.Roles is the seam where
// a later role registry checks trust policies and session limits, and
// Config.Providers the one where IAM OpenID Connect providers verify tokens
// of issuers other than idpool; without them such tokens are refused with
// "No OpenIDConnect provider found in your account for <iss>".
//
// Credentials are minted by creds.Issuer, so their session token carries
// the session (role, session name, web identity, caller): Principal turns
// opened credentials back into the caller GetCallerIdentity reports.
package sts
