// Package outbound is the issuer of AWS IAM's outbound identity
// federation, as idpool plays it: the account's issuer URL, which IAM's
// EnableOutboundWebIdentityFederation makes, the keys STS's
// GetWebIdentityToken signs with, and the OpenID Connect discovery
// documents an external service fetches from the issuer to verify those
// tokens.
//
// The issuer is idpool's own URL, so that verifiers can fetch it locally:
// <base>/_idpool/outbound/<id>, where id is a random UUID and base the
// public URL idpool runs with now (--public-url) or else the scheme and
// host of the request that first enabled the feature. The id is made, with
// one RSA 2048 key (RS256, kid RSA_0) and one P-384 key (ES384, kid
// EC384_0), at the first enable, and kept from then on: disabling and
// enabling again give the same issuer, as AWS gives each account one
// issuer URL, and a restart with another public URL moves the issuer's
// base, not its id. The store holds the issuer as the first enable made it
// (base included), which serves while idpool has no public URL. The
// keys are never rotated, and the documents, which are AWS's member for
// member, are served whether or not the feature is enabled, as disabling
// "does not affect tokens that were issued before"
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DisableOutboundWebIdentityFederation.html).
//
// These keys are apart from the Cognito Identity keys of package tokens:
// the two issuers are different, and AWS's tokens of the one cannot be
// used with the other.
package outbound
