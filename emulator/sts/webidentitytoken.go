package sts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
)

// GetWebIdentityToken (AWS IAM outbound identity federation): a signed
// JWT of the caller's identity, for external services that verify it
// through the OpenID Connect discovery of the account's issuer (package
// outbound). The claims are those of the IAM User Guide's "Understanding
// token claims"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound_token_claims.html):
// iss, aud, sub, iat, exp and jti, and under the namespace
// "https://sts.amazonaws.com/" the account (aws_account), the region the
// request was made in (source_region), the requesting principal's ARN
// (principal_id, which the GetWebIdentityToken API reference adds), its
// principal tags (principal_tags) and the request's tags (request_tags).
// The claims AWS adds from an organization (org_id, ou_path) or from a
// compute service's session context (lambda_source_function_arn…) have
// nothing to come from in idpool and are left out, as AWS leaves them out
// when they do not apply.
//
// The tokens of temporary credentials also carry the claims of
// sessionClaims (original_session_exp, source_identity,
// federated_provider).

// Wire codes of GetWebIdentityToken's errors (the model's shapes).
const (
	CodeOutboundDisabled   = "OutboundWebIdentityFederationDisabledException" // 403
	CodeDurationEscalation = "SessionDurationEscalationException"             // 403
	CodePayloadTooLarge    = "JWTPayloadSizeExceededException"                // 400
)

// ClaimNamespace is the claim that holds AWS's own claims of a web
// identity token.
const ClaimNamespace = outbound.ClaimNamespace

// defaultTokenDuration is GetWebIdentityToken's default lifetime, in
// seconds (its API reference: "the default duration is 300 seconds").
const defaultTokenDuration = 300

// OutboundSigner signs the web identity tokens of the account's outbound
// issuer (implemented by *outbound.Federation): Sign adds iss to claims,
// and answers outbound.ErrDisabled while the feature is disabled and
// outbound.ErrPayloadTooLarge for claims over outbound.MaxPayload.
type OutboundSigner interface {
	Sign(ctx context.Context, alg string, claims map[string]any) (string, error)
}

// GetWebIdentityTokenInput is the model's GetWebIdentityTokenRequest.
type GetWebIdentityTokenInput struct {
	Audience         []string
	DurationSeconds  *int32
	SigningAlgorithm string
	Tags             []Tag
}

// GetWebIdentityTokenOutput is the model's GetWebIdentityTokenResponse.
type GetWebIdentityTokenOutput struct {
	WebIdentityToken string
	Expiration       protocol.Time
}

// GetWebIdentityToken signs a token of the caller's identity for the
// audiences asked, valid DurationSeconds (60 to 3600, checked by the
// codec; 300 by default). Its subject is the caller's ARN, that of the
// role for a role session (the claims page's example: "sub":
// "arn:aws:iam::123456789012:role/DataProcessingRole"), of the IAM user,
// or of the root. A GetSessionToken or federated user's session may not
// call it, as it may call no STS operation but AssumeRole (a
// GetSessionToken session) and GetCallerIdentity. The token may not
// outlive the caller's temporary credentials:
// SessionDurationEscalationException. While the account's outbound
// federation is disabled it is refused with
// OutboundWebIdentityFederationDisabledException.
func (s *Service) GetWebIdentityToken(ctx context.Context, in *GetWebIdentityTokenInput) (*GetWebIdentityTokenOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if in.SigningAlgorithm != outbound.RS256 && in.SigningAlgorithm != outbound.ES384 {
		// The model bounds it to five characters only; its documentation
		// names the two values.
		return nil, errValidation("1 validation error detected: Value '%s' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [%s, %s]",
			in.SigningAlgorithm, outbound.RS256, outbound.ES384)
	}
	tags, err := sessionTags(ctx, in.Tags, nil)
	if err != nil {
		return nil, err
	}
	if err := s.refuse(ctx, caller, "GetWebIdentityToken"); err != nil {
		return nil, err
	}
	d := time.Duration(defaultTokenDuration) * time.Second
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	now := s.now().UTC().Truncate(time.Second)
	exp := now.Add(d)
	from := s.issued(caller)
	if from != nil && exp.After(from.Expiration) {
		protocol.SetReason(ctx, fmt.Sprintf("the token would expire at %s, after the caller's credentials %s, which expire at %s",
			exp.Format(time.RFC3339), caller.AccessKeyID, from.Expiration.UTC().Format(time.RFC3339)))
		return nil, protocol.Errorf(http.StatusForbidden, CodeDurationEscalation,
			"The requested token duration of %d seconds would extend beyond the expiration of the session credentials.", int(d/time.Second))
	}
	subject := caller.ARN
	principalTags := map[string]string(nil)
	if from != nil {
		if from.Session.RoleARN != "" {
			subject = from.Session.RoleARN
		}
		principalTags = from.Session.PrincipalTags
	}
	if !arn.IsRoot(caller.ARN) && s.cfg.PrincipalTags != nil {
		if principalTags, err = s.cfg.PrincipalTags(ctx, caller, from); err != nil {
			return nil, err
		}
	}
	account := caller.Account
	if account == "" {
		account = s.cfg.AccountID
	}
	if account != s.cfg.AccountID {
		// The issuer is the account's, which enabled the feature: a
		// session of another account's role (which idpool lets anyone
		// assume) has its own account's federation, which idpool does not
		// play, rather than tokens of this account's issuer.
		protocol.SetReason(ctx, "the caller "+caller.ARN+" is of account "+account+", whose outbound identity federation idpool does not play: its issuer is account "+s.cfg.AccountID+"'s")
		return nil, protocol.Errorf(http.StatusForbidden, CodeOutboundDisabled,
			"Outbound web identity federation is not enabled for account %s.", account)
	}
	aws := map[string]any{
		"aws_account":   account,
		"source_region": protocol.RegionFrom(ctx, s.cfg.Region),
		"principal_id":  subject,
	}
	if len(principalTags) > 0 {
		aws["principal_tags"] = principalTags
	}
	if len(tags) > 0 {
		aws["request_tags"] = tags
	}
	if from != nil {
		maps.Copy(aws, sessionClaims(from))
	}
	claims := map[string]any{
		"sub":          subject,
		"aud":          audience(in.Audience),
		"iat":          now.Unix(),
		"exp":          exp.Unix(),
		"jti":          uuid.NewString(),
		ClaimNamespace: aws,
	}
	token, err := s.cfg.Outbound.Sign(ctx, in.SigningAlgorithm, claims)
	switch {
	case errors.Is(err, outbound.ErrDisabled):
		protocol.SetReason(ctx, "outbound identity federation is disabled: IAM's EnableOutboundWebIdentityFederation enables it")
		return nil, protocol.Errorf(http.StatusForbidden, CodeOutboundDisabled,
			"Outbound web identity federation is not enabled for account %s.", account)
	case errors.Is(err, outbound.ErrPayloadTooLarge):
		protocol.SetReason(ctx, fmt.Sprintf("the token's claims exceed the %d bytes idpool signs (AWS documents no number)", outbound.MaxPayload))
		return nil, protocol.BadRequest(CodePayloadTooLarge, "The requested token payload size exceeds the maximum allowed size.")
	case err != nil:
		return nil, err
	}
	return &GetWebIdentityTokenOutput{WebIdentityToken: token, Expiration: protocol.At(exp)}, nil
}

// sessionClaims returns the claims, under ClaimNamespace, that AWS adds
// to the token of temporary credentials c: original_session_exp, their
// expiration (RFC 3339, UTC, to the second); source_identity, the
// session's source identity, when it has one; and federated_provider, the
// provider of a web identity session, the value idpool gives its
// aws:FederatedProvider (policy.Session.Keys: for Cognito Identity's
// credentials, cognito-identity.amazonaws.com or the GovCloud principal).
//
// The evidence is AWS's tokens, as decoded in public repositories: a log
// of runs against AWS on 2026-10-03 lists under ClaimNamespace, for a role
// session, "aws_account、org_id、original_session_exp、ou_path、principal_id、
// principal_tags、request_tags、source_identity、source_region", and for the
// session of a role assumed with AssumeRoleWithWebIdentity a
// federated_provider of the same value as aws:FederatedProvider (absent
// from the sessions that session assumed in turn, which idpool's give no
// aws:FederatedProvider either); a quick start's "decoded payload from a
// real run" shows "original_session_exp": "2026-04-25T02:41:15Z". The IAM
// User Guide's "Understanding token claims" relates federated_provider to
// aws:FederatedProvider.
func sessionClaims(c *creds.Credentials) map[string]any {
	claims := map[string]any{"original_session_exp": c.Expiration.UTC().Format(time.RFC3339)}
	if c.Session.SourceIdentity != "" {
		claims["source_identity"] = c.Session.SourceIdentity
	}
	who := policy.Session{Provider: c.Session.Provider, Audience: c.Session.Audience}
	if p := who.Keys()["aws:FederatedProvider"]; len(p) > 0 {
		claims["federated_provider"] = p[0]
	}
	return claims
}

// audience is the aud claim of the audiences asked: a string for one, an
// array for more, as RFC 7519 §4.1.3 allows and verifiers read either.
func audience(asked []string) any {
	if len(asked) == 1 {
		return asked[0]
	}
	return asked
}
