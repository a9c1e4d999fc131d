package sts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// CognitoProvider is the Provider STS reports for Cognito Identity tokens
// (the value CloudTrail shows, spec tokens.md §5).
const CognitoProvider = "cognito-identity.amazonaws.com"

// Session limits, in seconds.
const (
	defaultDuration     = 3600  // AssumeRole*, and GetSessionToken for the root
	maxRoleDuration     = 43200 // the largest MaxSessionDuration a role can have
	chainedDuration     = 3600  // role chaining
	defaultUserDuration = 43200 // GetSessionToken for IAM users
	rootSessionDuration = 3600  // GetSessionToken for the root: longer is capped
)

// Config describes the account idpool plays.
type Config struct {
	// AccountID answers GetCallerIdentity when the principal names none.
	AccountID string
	// Region is the default region. STS answers alike in every region; the
	// ARNs it writes take the partition of their role or of the region the
	// request is signed for.
	Region string
	// Issuer is the iss of idpool's own tokens (tokens.Config.Issuer);
	// tokens.DefaultIssuer when empty. Tokens of this issuer are verified
	// with the TokenVerifier.
	Issuer string
	// Providers verifies tokens of every other issuer; nil refuses them.
	Providers Providers
	// Roles authorises sessions; nil lets any caller assume any well-formed
	// role for up to 12 hours.
	Roles Roles
	// Issued, when set, is called with every role session issued
	// (AssumeRole, AssumeRoleWithWebIdentity) and the request's context,
	// so that IAM can record the role's last use. It must be quick.
	Issued func(ctx context.Context, c creds.Credentials)
	// MFA checks the codes of the MFA devices IAM holds; nil takes any
	// well-formed code for any serial number.
	MFA MFADevices
	// HeldMFAOnly refuses, as AWS does, a SerialNumber that names no MFA
	// device Config.MFA holds (strict mode); unset, such a serial takes any
	// well-formed code (see checkMFA).
	HeldMFAOnly bool
	// Outbound signs the tokens of GetWebIdentityToken (implemented by
	// *outbound.Federation); it must be set for the operation to be served.
	Outbound OutboundSigner
	// PrincipalTags, when set, returns the principal tags of the caller
	// p, signing with c, the credentials of a role session idpool issued
	// (nil for an access key), as IAM holds them now: the tags of the IAM
	// user p signs as (none when IAM does not hold it), or the tags of
	// the session's role under its session tags. They are the
	// principal_tags of the caller's web identity tokens. Unset, a role
	// session's are its session tags and an IAM user's none.
	PrincipalTags func(ctx context.Context, p *protocol.Principal, c *creds.Credentials) (map[string]string, error)
}

// MFADevices checks an MFA code given to AssumeRole or GetSessionToken
// (implemented by *iam.Service): held reports whether serial names a
// device it holds, owned whether that device is assigned to the IAM user
// callerARN names, and use, for such a device, is non-nil when code is a
// code of it to take now (the device's code of now, which it takes once).
// The check takes nothing: STS calls use once it is about to issue
// credentials, and use takes the code, or reports false when another
// request took it since the check.
type MFADevices interface {
	CheckMFACode(ctx context.Context, serial, callerARN, code string) (held, owned bool, use func() bool, err error)
}

// TokenVerifier verifies idpool's own OpenID tokens (implemented by
// *tokens.Issuer).
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (*tokens.Claims, error)
}

// WebIdentity is a verified web identity token, as the session remembers it.
type WebIdentity struct {
	Issuer string
	// Provider is what AssumeRoleWithWebIdentity reports as Provider.
	Provider string
	Subject  string
	Audience string
	AMR      []string
	// Claims are the provider-specific condition keys of the token that a
	// trust policy sees and the session does not, by the name that
	// follows the provider's "<name>:" (GitHub's "repository" for
	// token.actions.githubusercontent.com:repository, Google's "oaud"):
	// see providers.ClaimKeys. A claim the token lacks has no key.
	Claims        map[string][]string
	PrincipalTags map[string]string
	// TransitiveTagKeys are the token's transitive tag keys, as it lists
	// them: those that name one of PrincipalTags, whatever their case,
	// pass on to the sessions this one assumes (role chaining).
	TransitiveTagKeys []string
	Expiry            time.Time
	// IdentityID and PoolID are set for Cognito Identity tokens.
	IdentityID string
	PoolID     string
	// SourceIdentity is the token's https://aws.amazon.com/source_identity
	// claim, "" when it has none.
	SourceIdentity string
}

// SourceIdentityClaim is the claim of a web identity token that sets the
// session's source identity.
const SourceIdentityClaim = "https://aws.amazon.com/source_identity"

// Providers verifies web identity tokens of issuers other than idpool (IAM
// OpenID Connect providers). It is the seam for a later issue; an error it
// returns should be a *protocol.Error (InvalidIdentityToken,
// ExpiredTokenException…).
type Providers interface {
	VerifyWebIdentity(ctx context.Context, token *tokens.JWT) (*WebIdentity, error)
}

// RoleRequest is a request for a role session, as Roles sees it.
type RoleRequest struct {
	Action  string // "sts:AssumeRoleWithWebIdentity" or "sts:AssumeRole"
	RoleARN string
	// Caller signed an AssumeRole request; WebIdentity was verified for
	// AssumeRoleWithWebIdentity.
	Caller      *protocol.Principal
	WebIdentity *WebIdentity
	// CallerCredentials are the caller's credentials, with their
	// session, when idpool issued them (nil for long-term keys).
	CallerCredentials *creds.Credentials
	// SessionName, ExternalID, SourceIdentity and TransitiveTagKeys are
	// the request's (empty when not given): the trust policy sees them as
	// sts:RoleSessionName, sts:ExternalId, sts:SourceIdentity and
	// sts:TransitiveTagKeys. SourceIdentity is the one the new session
	// will carry: the request's, the web identity token's, or the one the
	// caller's session carries (role chaining). A session that carries
	// one needs sts:SetSourceIdentity.
	SessionName       string
	ExternalID        string
	SourceIdentity    string
	TransitiveTagKeys []string
	// MFA is when the caller authenticated with MFA, as unix seconds (0:
	// never): now when AssumeRole was given SerialNumber and TokenCode,
	// else the time its caller's session carries, if any. The trust
	// policy sees aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge
	// from it, and the new session carries it.
	MFA int64
	// Tags are the session tags the request sets: aws:RequestTag/<key>
	// and aws:TagKeys.
	Tags map[string]string
	// InheritedTags are the transitive session tags of the caller's
	// session, which the new session carries too (role chaining): a
	// session that carries tags needs sts:TagSession.
	InheritedTags map[string]string
}

// Roles is the seam for a later role registry. Authorize returns what the
// role grants, or an error (a *protocol.Error, AccessDenied when the trust
// policy does not allow the request).
type Roles interface {
	Authorize(ctx context.Context, req RoleRequest) (Grant, error)
}

// Grant is what Roles.Authorize allows: the role's maximum session and,
// when IAM holds the role, its ARN as IAM spells it and its RoleId.
type Grant struct {
	MaxSession time.Duration
	// RoleARN and RoleID are "" for a role IAM does not hold.
	RoleARN, RoleID string
}

// Role returns the ARN a session of the role asked for acts as: IAM's own
// spelling of it (role names are unique whatever their case), or asked
// when IAM does not hold it.
func (g Grant) Role(asked string) string {
	if g.RoleARN != "" {
		return g.RoleARN
	}
	return asked
}

// Service implements the STS operations. It is safe for concurrent use.
type Service struct {
	cfg      Config
	verifier TokenVerifier
	issuer   *creds.Issuer
	now      func() time.Time
	logger   *slog.Logger
}

// New returns the STS service. verifier checks idpool's tokens, issuer
// mints credentials, now is the clock; logger may be nil.
func New(cfg Config, verifier TokenVerifier, issuer *creds.Issuer, now func() time.Time, logger *slog.Logger) *Service {
	if cfg.Issuer == "" {
		cfg.Issuer = tokens.DefaultIssuer
	}
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, verifier: verifier, issuer: issuer, now: now, logger: logger}
}

// tellIssued tells Config.Issued of a role session issued.
func (s *Service) tellIssued(ctx context.Context, c creds.Credentials) {
	if s.cfg.Issued != nil {
		s.cfg.Issued(ctx, c)
	}
}

// AssumeRoleWithWebIdentity exchanges a web identity token for credentials
// of a role (spec sts.md §3, tokens.md §5). The model's constraints have
// been checked by the codec; the steps here follow sts.md §3.3.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in *AssumeRoleWithWebIdentityInput) (*AssumeRoleWithWebIdentityOutput, error) {
	if err := checkWebRoleARN(in.RoleArn); err != nil {
		return nil, err
	}
	// A JWT holds no white space, and the SDKs' token-file providers
	// send the file as it is: a token written with `echo` ends in a
	// newline, which STS takes [unconfirmed].
	id, err := s.webIdentity(ctx, strings.TrimSpace(in.WebIdentityToken), deref(in.ProviderId))
	if err != nil {
		return nil, err
	}
	// The token's tags did not come through the codec, which checks those
	// of AssumeRole's Tags parameter.
	if err := tagLimits(ctx, id.PrincipalTags); err != nil {
		return nil, err
	}
	// STS looks an IAM OIDC provider up in the role's account (and
	// partition), and reports that account's provider: a trust policy
	// that names another account's provider does not match it. The
	// identity is copied: a verifier may keep its own.
	if p := inRole(id.Provider, in.RoleArn); p != id.Provider {
		w := *id
		w.Provider = p
		id = &w
	}
	_, transitive := chainTags(id.PrincipalTags, id.TransitiveTagKeys, nil)
	g, err := s.authorize(ctx, RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: in.RoleArn, WebIdentity: id,
		SessionName: in.RoleSessionName, SourceIdentity: id.SourceIdentity, Tags: id.PrincipalTags, TransitiveTagKeys: transitive})
	if err != nil {
		return nil, err
	}
	role := g.Role(in.RoleArn)
	d, err := duration(ctx, role, in.DurationSeconds, defaultDuration, g.MaxSession)
	if err != nil {
		return nil, err
	}
	packed, err := packedSize(ctx, in.Policy, in.PolicyArns, id.PrincipalTags)
	if err != nil {
		return nil, err
	}
	if err := sessionPolicy(ctx, in.Policy); err != nil {
		return nil, err
	}
	c, err := s.issuer.Issue(creds.Session{
		RoleARN:           role,
		RoleID:            g.RoleID,
		SessionName:       in.RoleSessionName,
		IdentityID:        id.IdentityID,
		PoolID:            id.PoolID,
		Subject:           id.Subject,
		Audience:          id.Audience,
		Provider:          id.Provider,
		AMR:               id.AMR,
		PrincipalTags:     id.PrincipalTags,
		TransitiveTagKeys: transitive,
		Policy:            deref(in.Policy),
		PolicyARNs:        policyARNs(in.PolicyArns),
		SourceIdentity:    id.SourceIdentity,
	}, d)
	if err != nil {
		return nil, fmt.Errorf("sts: issue credentials: %w", err)
	}
	s.tellIssued(ctx, c)
	arn, roleID := creds.AssumedRole(role, g.RoleID, in.RoleSessionName)
	return &AssumeRoleWithWebIdentityOutput{
		SubjectFromWebIdentityToken: id.Subject,
		Audience:                    id.Audience,
		AssumedRoleUser:             &AssumedRoleUser{AssumedRoleId: roleID, Arn: arn},
		Credentials:                 credentials(c),
		PackedPolicySize:            packed,
		Provider:                    id.Provider,
		SourceIdentity:              optional(id.SourceIdentity),
	}, nil
}

// webIdentity parses and verifies a web identity token: idpool's own
// through the TokenVerifier, others through Config.Providers.
func (s *Service) webIdentity(ctx context.Context, raw, providerID string) (*WebIdentity, error) {
	// Most tokens are idpool's own, and the verifier knows the ones it has
	// seen: try it first. A token it cannot vouch for takes the long way,
	// which routes it by issuer and words every refusal.
	if providerID == "" && s.verifier != nil {
		c, err := s.verifier.Verify(ctx, raw)
		actsFor(ctx, raw, c, err)
		switch {
		case err == nil:
			return cognitoIdentity(c)
		case errors.Is(err, tokens.ErrExpired):
			protocol.SetReason(ctx, "idpool token refused: "+err.Error())
			return nil, s.tokenError(err, s.cfg.Issuer)
		}
	}
	t, err := tokens.Parse(raw)
	if err != nil {
		protocol.SetReason(ctx, "the web identity token does not parse as a JWT: "+err.Error())
		if providerID != "" {
			// An OAuth 2.0 access token of Login with Amazon or Facebook:
			// idpool cannot ask those providers about it.
			return nil, errInvalidToken("The web identity token provider %s is not supported by idpool", providerID)
		}
		return nil, errInvalidToken(msgNotJWT)
	}
	if providerID != "" {
		return nil, errInvalidToken("ProviderId must not be specified for an OpenID Connect ID token")
	}
	iss := t.Issuer()
	if iss != s.cfg.Issuer {
		if s.cfg.Providers == nil {
			return nil, errInvalidToken("No OpenIDConnect provider found in your account for %s", iss)
		}
		id, err := s.cfg.Providers.VerifyWebIdentity(ctx, t)
		if err != nil {
			return nil, err
		}
		if err := checkSubject(id.Subject); err != nil {
			return nil, err
		}
		return withSourceIdentity(ctx, id, t)
	}
	c, err := s.verifier.Verify(ctx, raw)
	actsFor(ctx, raw, c, err)
	if err != nil {
		protocol.SetReason(ctx, "idpool token refused: "+err.Error())
		return nil, s.tokenError(err, iss)
	}
	return cognitoIdentity(c)
}

// actsFor records the pool (aud) and identity (sub) of one of idpool's
// tokens, which the verifier judged c or err, as those the request acts
// for (protocol.SetSubject): also when the token has expired, since the
// verifier checks the signature and issuer first, so that a refused call
// is still that identity's. A token that fails any other check names no
// one.
func actsFor(ctx context.Context, raw string, c *tokens.Claims, err error) {
	switch {
	case err == nil:
		protocol.SetSubject(ctx, c.Audience, c.Subject)
	case errors.Is(err, tokens.ErrExpired):
		if t, err := tokens.Parse(raw); err == nil {
			aud, _ := t.StringClaim("aud")
			protocol.SetSubject(ctx, aud, t.Subject())
		}
	}
}

// withSourceIdentity returns id with the source identity the token's
// SourceIdentityClaim sets, if any: a string STS's SourceIdentity takes
// (2 to 64 characters of letters, digits and _+=,.@-), else the token is
// refused. id is copied, as a verifier may keep its own.
func withSourceIdentity(ctx context.Context, id *WebIdentity, t *tokens.JWT) (*WebIdentity, error) {
	v, ok := t.Claims[SourceIdentityClaim]
	if !ok {
		return id, nil
	}
	si, _ := v.(string)
	if !SourceIdentity(si) {
		protocol.SetReason(ctx, fmt.Sprintf("the token's %s claim %v is not a source identity: 2 to 64 letters, digits or _+=,.@-", SourceIdentityClaim, v))
		return nil, errInvalidToken("The %s claim of the web identity token is not a valid source identity", SourceIdentityClaim)
	}
	w := *id
	w.SourceIdentity = si
	return &w, nil
}

// SourceIdentity reports whether s is a source identity STS takes: the
// model's sourceIdentityType, 2 to 64 characters of letters, digits and
// _+=,.@- (which leaves out AWS's reserved prefix "aws:").
func SourceIdentity(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("_+=,.@-", c)) {
			return false
		}
	}
	return true
}

// cognitoIdentity is the web identity of one of idpool's own tokens.
func cognitoIdentity(c *tokens.Claims) (*WebIdentity, error) {
	id := &WebIdentity{
		Issuer:        c.Issuer,
		Provider:      CognitoProvider,
		Subject:       c.Subject,
		Audience:      c.Audience,
		AMR:           c.AMR,
		PrincipalTags: c.PrincipalTags,
		Expiry:        c.Expiry,
		IdentityID:    c.Subject,
		PoolID:        c.Audience,
	}
	return id, checkSubject(id.Subject)
}

// tokenError maps the TokenVerifier's errors to STS's. Errors that are not
// about the token (the signing keys cannot be loaded) stay internal.
func (s *Service) tokenError(err error, iss string) error {
	var exp *tokens.ExpiredError
	switch {
	case errors.As(err, &exp):
		return errExpiredToken("Token expired: current date/time %d must be before the expiration date/time %d",
			exp.Now.Unix(), exp.Expiry.Unix())
	case errors.Is(err, tokens.ErrExpired):
		return errExpiredToken("Token expired")
	case errors.Is(err, tokens.ErrMalformed):
		return errInvalidToken(msgNotJWT)
	case errors.Is(err, tokens.ErrUnknownKey):
		return errInvalidToken(msgUnknownKey)
	case errors.Is(err, tokens.ErrSignature):
		return errInvalidToken(msgBadSignature)
	case errors.Is(err, tokens.ErrIssuer):
		return errInvalidToken("No OpenIDConnect provider found in your account for %s", iss)
	}
	return fmt.Errorf("sts: verify web identity token: %w", err)
}

// checkSubject refuses a subject STS cannot report: the model's
// webIdentitySubjectType is 6 to 255 characters. (The providers refuse a
// token without sub, as AWS does: "Missing a required claim: sub".)
func checkSubject(sub string) error {
	if n := len([]rune(sub)); n < 6 || n > 255 {
		return errRejectedClaim("The sub claim of the web identity token must be 6 to 255 characters long")
	}
	return nil
}

// GetCallerIdentity reports who signed the request, as the codec's
// authenticator found it. Without a principal (a wiring mistake: the
// operation is signed) it answers MissingAuthenticationToken.
func (s *Service) GetCallerIdentity(ctx context.Context, _ *GetCallerIdentityInput) (*GetCallerIdentityOutput, error) {
	p, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	account := p.Account
	if account == "" {
		account = s.cfg.AccountID
	}
	return &GetCallerIdentityOutput{Arn: p.ARN, UserId: p.UserID, Account: account}, nil
}

// AssumeRole mints credentials of a role for a signed caller. A caller that
// is itself a role session or a GetSessionToken session (role chaining, see
// chaining) gets at most one hour.
func (s *Service) AssumeRole(ctx context.Context, in *AssumeRoleInput) (*AssumeRoleOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := checkRoleARN(in.RoleArn); err != nil {
		return nil, err
	}
	useMFA, err := s.checkMFA(ctx, caller, in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}
	tags, err := sessionTags(ctx, in.Tags, in.TransitiveTagKeys)
	if err != nil {
		return nil, err
	}
	from := s.issued(caller)
	if from != nil {
		if why := Refusal(*from, "sts:AssumeRole"); why != "" {
			// A federated user's: AWS refuses it as a role that does
			// not trust the caller.
			protocol.SetReason(ctx, "credentials "+caller.AccessKeyID+" are "+why)
			return nil, denied(RoleRequest{Action: "sts:AssumeRole", RoleARN: in.RoleArn, Caller: caller})
		}
	}
	inherited, err := inherit(ctx, from, tags)
	if err != nil {
		return nil, err
	}
	source, err := sourceIdentity(ctx, caller, from, deref(in.SourceIdentity), in.RoleArn)
	if err != nil {
		return nil, err
	}
	mfa := s.mfa(in.SerialNumber, from)
	g, err := s.authorize(ctx, RoleRequest{Action: "sts:AssumeRole", RoleARN: in.RoleArn, Caller: caller,
		CallerCredentials: from, SessionName: in.RoleSessionName, ExternalID: deref(in.ExternalId),
		SourceIdentity: source, TransitiveTagKeys: in.TransitiveTagKeys, Tags: tags,
		InheritedTags: inherited, MFA: mfa})
	if err != nil {
		return nil, err
	}
	role := g.Role(in.RoleArn)
	if kind := chaining(caller, from); kind != "" && in.DurationSeconds != nil && *in.DurationSeconds > chainedDuration {
		protocol.SetReason(ctx, fmt.Sprintf("the caller %s is %s, and a role assumed by role chaining gets at most %d seconds; DurationSeconds is %d",
			caller.ARN, kind, chainedDuration, *in.DurationSeconds))
		return nil, errValidation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	// Without DurationSeconds every role session lasts defaultDuration,
	// the hour a chained one may last at most.
	d, err := duration(ctx, role, in.DurationSeconds, defaultDuration, g.MaxSession)
	if err != nil {
		return nil, err
	}
	all, transitive := chainTags(tags, in.TransitiveTagKeys, inherited)
	packed, err := packedSize(ctx, in.Policy, in.PolicyArns, all)
	if err != nil {
		return nil, err
	}
	if err := sessionPolicy(ctx, in.Policy); err != nil {
		return nil, err
	}
	if err := useMFA(); err != nil {
		return nil, err
	}
	c, err := s.issuer.Issue(creds.Session{
		RoleARN:           role,
		RoleID:            g.RoleID,
		SessionName:       in.RoleSessionName,
		PrincipalTags:     all,
		TransitiveTagKeys: transitive,
		SourceAccessKeyID: caller.AccessKeyID,
		Policy:            deref(in.Policy),
		PolicyARNs:        policyARNs(in.PolicyArns),
		SourceIdentity:    source,
		MFA:               mfa,
	}, d)
	if err != nil {
		return nil, fmt.Errorf("sts: issue credentials: %w", err)
	}
	s.tellIssued(ctx, c)
	arn, roleID := creds.AssumedRole(role, g.RoleID, in.RoleSessionName)
	return &AssumeRoleOutput{
		AssumedRoleUser:  &AssumedRoleUser{AssumedRoleId: roleID, Arn: arn},
		Credentials:      credentials(c),
		PackedPolicySize: packed,
		SourceIdentity:   optional(source),
	}, nil
}

// chaining says what makes an AssumeRole by caller (whose issued
// credentials are from, if idpool issued them) role chaining, "" when it
// is not: the caller is a role session, or a GetSessionToken session. AWS
// holds both to the hour of a chained role session (DurationSeconds over
// 3600 is refused), though a GetSessionToken session acts as its IAM user
// otherwise: users paste the refusal for sessions of MFA tools that call
// GetSessionToken first (mmmorris1975/aws-runas#11, 99designs/aws-vault#263
// and #351), and AWS's knowledge-center article "iam-role-chaining-limit"
// says so of GetSessionToken credentials. (A federated user's session
// may not call AssumeRole at all: see Refusal.)
func chaining(caller *protocol.Principal, from *creds.Credentials) string {
	switch {
	case strings.Contains(caller.ARN, ":assumed-role/"):
		return "a role session"
	case from != nil && from.Session.UserARN != "":
		return "a GetSessionToken session"
	}
	return ""
}

// sourceIdentity returns the source identity of the session an AssumeRole
// of role by caller (whose issued credentials are from, if idpool issued
// them) makes: the one the caller's session carries, which cannot change
// (a request that gives another is refused as AWS refuses it, for want of
// sts:SetSourceIdentity), else the request's, asked.
func sourceIdentity(ctx context.Context, caller *protocol.Principal, from *creds.Credentials, asked, role string) (string, error) {
	if from == nil || from.Session.SourceIdentity == "" {
		return asked, nil
	}
	have := from.Session.SourceIdentity
	if asked != "" && asked != have {
		protocol.SetReason(ctx, "the caller's session has the source identity "+have+", which passes to the sessions it assumes and cannot change; SourceIdentity is "+asked)
		return "", errAccessDenied("User: %s is not authorized to perform: sts:SetSourceIdentity on resource: %s", caller.ARN, role)
	}
	return have, nil
}

// optional is s as an optional member of an output: nil when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// sessionPolicy checks that the session policy doc, if any, is one that
// IAM's grammar accepts when a policy is written (packedSize has checked
// that it is JSON with a Statement): the session carries it, and its
// requests are decided by it, so a policy idpool could not evaluate is
// refused here as AWS refuses it. A policy already sealed in a session is
// read with the lenient grammar of stored documents.
func sessionPolicy(ctx context.Context, doc *string) error {
	if doc == nil {
		return nil
	}
	if _, err := policy.CheckPermissions([]byte(*doc)); err != nil {
		protocol.SetReason(ctx, "the session policy is not a valid permission policy: "+err.Error())
		return errMalformedPolicy("Syntax errors in policy.")
	}
	return nil
}

// policyARNs returns the ARNs of the session's managed policies, nil when
// there are none.
func policyARNs(ds []PolicyDescriptor) []string {
	var arns []string
	for _, d := range ds {
		arns = append(arns, d.ARN)
	}
	return arns
}

// GetSessionToken mints session credentials that act as the caller, who
// must sign with long-term keys. The root's sessions last at most an hour.
func (s *Service) GetSessionToken(ctx context.Context, in *GetSessionTokenInput) (*GetSessionTokenOutput, error) {
	caller, ok := protocol.PrincipalFrom(ctx)
	if !ok {
		return nil, errNotSigned()
	}
	if err := s.refuse(ctx, caller, "GetSessionToken"); err != nil {
		return nil, err
	}
	useMFA, err := s.checkMFA(ctx, caller, in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}
	// The model bounds DurationSeconds to 900…129600.
	d := time.Duration(defaultUserDuration) * time.Second
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if arn.IsRoot(caller.ARN) {
		if in.DurationSeconds == nil || d > rootSessionDuration*time.Second {
			d = rootSessionDuration * time.Second
		}
	}
	sess := creds.Session{UserARN: caller.ARN, SourceAccessKeyID: caller.AccessKeyID, MFA: s.mfa(in.SerialNumber, nil)}
	if !arn.IsRoot(caller.ARN) {
		sess.UserID = caller.UserID
	}
	if err := useMFA(); err != nil {
		return nil, err
	}
	c, err := s.issuer.Issue(sess, d)
	if err != nil {
		return nil, fmt.Errorf("sts: issue credentials: %w", err)
	}
	return &GetSessionTokenOutput{Credentials: credentials(c)}, nil
}

// issued returns the caller's credentials when idpool issued them, or
// nil. The codec's authenticator has opened the token already, so it opens
// here (expired or not: the request was accepted).
func (s *Service) issued(caller *protocol.Principal) *creds.Credentials {
	if caller.SessionToken == "" {
		return nil
	}
	c, err := s.issuer.Open(caller.SessionToken)
	if err != nil && !errors.Is(err, creds.ErrExpired) || c.AccessKeyID != caller.AccessKeyID {
		return nil
	}
	return &c
}

// authorize asks Config.Roles, if any, what the role grants, once the
// role ARN is known to name a role (an ARN of a user or of an sts session
// names none, which STS refuses as it refuses a role that does not trust
// the caller) of the caller's partition (see otherPartition).
func (s *Service) authorize(ctx context.Context, req RoleRequest) (Grant, error) {
	if !isRoleARN(req.RoleARN) {
		protocol.SetReason(ctx, req.RoleARN+" is an ARN, but not an IAM role's (arn:<partition>:iam::<account>:role/<path/>name): it names no role to assume")
		return Grant{}, denied(req)
	}
	if err := otherPartition(ctx, req); err != nil {
		return Grant{}, err
	}
	if s.cfg.Roles == nil {
		return Grant{MaxSession: maxRoleDuration * time.Second}, nil
	}
	return s.cfg.Roles.Authorize(ctx, req)
}

// duration returns the requested session length, or def, checked against
// the maximum session of role.
func duration(ctx context.Context, role string, req *int32, def int, maxSession time.Duration) (time.Duration, error) {
	d := time.Duration(def) * time.Second
	if req != nil {
		d = time.Duration(*req) * time.Second
	}
	if maxSession > 0 && d > maxSession {
		protocol.SetReason(ctx, fmt.Sprintf("DurationSeconds %d exceeds the %d seconds of MaxSessionDuration of role %s",
			int64(d/time.Second), int64(maxSession/time.Second), role))
		return 0, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return d, nil
}

func credentials(c creds.Credentials) *Credentials {
	return &Credentials{
		AccessKeyId:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      protocol.At(c.Expiration),
	}
}

// mfa returns when the principal of a request authenticated with MFA, as
// unix seconds (0: never): now when the request gives an MFA device's
// serial (checkMFA has made sure it gives a code too), else when the
// caller's issued credentials from did, if they did. A role session
// assumed with MFA, or by a session made with it, keeps it as AWS does: its
// requests carry aws:MultiFactorAuthPresent, and aws:MultiFactorAuthAge
// counts from the authentication, not from the session.
func (s *Service) mfa(serial *string, from *creds.Credentials) int64 {
	switch {
	case serial != nil:
		return s.now().Unix()
	case from != nil:
		return from.Session.MFA
	}
	return 0
}

// AWS's refusals of an MFA code, as users paste them (aws/aws-cli#6325,
// broamski/aws-mfa#25 and #46, with the two blanks after "code."):
// a serial number that names no device of the caller, and a code that is
// not its device's to take now.
const (
	msgMFASerial = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	msgMFACode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
)

// checkMFA refuses one of SerialNumber and TokenCode without the other.
// For a device IAM holds (Config.MFA), the device must be the caller's own,
// else AWS's answer to a serial of no device of the caller; and the code
// one the device takes now, its code of now (or of the 30 seconds either
// side) that it did not take before, else AWS's answer to a wrong code. A
// serial number IAM does not hold is refused as one of no device of the
// caller when Config.HeldMFAOnly is set, as AWS refuses it; otherwise it
// takes any well-formed code (six digits, which the codec checks against
// the model), as idpool took every code before it held devices, so that
// setups that name a made-up device keep working in permissive mode.
//
// The check takes no code: the request calls use once it is about to
// issue credentials, so that a request refused for another reason leaves
// the code to its retry. use takes a device's code, or answers the wrong
// code's refusal when another request took it since the check; for a
// request without a device IAM holds it does nothing.
func (s *Service) checkMFA(ctx context.Context, caller *protocol.Principal, serial, code *string) (use func() error, err error) {
	none := func() error { return nil }
	if (serial == nil) != (code == nil) {
		return nil, errAccessDenied("MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.")
	}
	if serial == nil || s.cfg.MFA == nil {
		return none, nil
	}
	held, owned, take, err := s.cfg.MFA.CheckMFACode(ctx, *serial, caller.ARN, *code)
	switch {
	case err != nil:
		return nil, err
	case !held && s.cfg.HeldMFAOnly:
		protocol.SetReason(ctx, "strict mode: IAM holds no MFA device of serial number "+*serial+
			" (create one with CreateVirtualMFADevice and EnableMFADevice, or declare it in a fixture user's MFADevices)")
		return nil, errAccessDenied(msgMFASerial)
	case held && !owned:
		protocol.SetReason(ctx, "the MFA device "+*serial+" is not assigned to the caller "+caller.ARN+": only the IAM user it is assigned to may give its codes")
		return nil, errAccessDenied(msgMFASerial)
	case held && take == nil:
		protocol.SetReason(ctx, "TokenCode is not the current code of the MFA device "+*serial+" (30 seconds either side are taken)")
		return nil, errAccessDenied(msgMFACode)
	case !held:
		return none, nil
	}
	return func() error {
		if !take() {
			return errAccessDenied(msgMFACode)
		}
		return nil
	}, nil
}

// msgDuplicateTags is AssumeRole's answer to two tags of one key.
const msgDuplicateTags = "Duplicate tag keys found. Please note that Tag keys are case insensitive."

// sessionTags turns AssumeRole's Tags into the session's principal tags.
// Keys are case-insensitive and must be unique; transitive keys must be
// among them.
func sessionTags(ctx context.Context, tags []Tag, transitive []string) (map[string]string, error) {
	seen := make(map[string]bool, len(tags))
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			protocol.SetReason(ctx, "the tag key "+t.Key+" is given twice")
			return nil, errInvalidParameter(msgDuplicateTags)
		}
		seen[k] = true
		m[t.Key] = t.Value
	}
	for _, k := range transitive {
		if !seen[strings.ToLower(k)] {
			protocol.SetReason(ctx, "the transitive tag key "+k+" is not among the tags")
			return nil, errInvalidParameter("The specified transitive tag key must be included in the requested tags.")
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// inherit returns the transitive session tags of the caller's issued
// credentials from (nil when none), which pass to the session it assumes.
// The request may not set one of their keys again, whatever its case
// (tags holds the request's own tags).
func inherit(ctx context.Context, from *creds.Credentials, tags map[string]string) (map[string]string, error) {
	if from == nil || len(from.Session.TransitiveTagKeys) == 0 {
		return nil, nil
	}
	inherited := make(map[string]string, len(from.Session.TransitiveTagKeys))
	for _, k := range from.Session.TransitiveTagKeys {
		inherited[k] = from.Session.PrincipalTags[k]
		for t := range tags {
			if strings.EqualFold(t, k) {
				protocol.SetReason(ctx, "the tag key "+t+" is that of the transitive tag "+k+" of the calling session, which passes to the new session as it is")
				return nil, errInvalidParameter("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
			}
		}
	}
	return inherited, nil
}

// chainTags returns the session tags of a new session, the request's tags
// and those it inherited, and its transitive keys: every inherited key,
// which stays transitive down the chain, and the request's, spelled as
// its tags spell them (transitive keys are matched whatever their case).
func chainTags(tags map[string]string, transitive []string, inherited map[string]string) (map[string]string, []string) {
	keys := slices.Sorted(maps.Keys(inherited))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if slices.ContainsFunc(transitive, func(t string) bool { return strings.EqualFold(t, k) }) {
			keys = append(keys, k)
		}
	}
	if len(inherited) == 0 {
		return tags, keys
	}
	all := make(map[string]string, len(tags)+len(inherited))
	maps.Copy(all, tags)
	maps.Copy(all, inherited)
	return all, keys
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// otherPartition refuses a role of another partition than the caller's:
// each partition is its own IAM and STS, where a role ARN of another names
// no role, so STS answers as it does a role that does not trust the
// caller. The caller's partition is its ARN's for AssumeRole, and for a
// token Cognito Identity issued that of its pool's region, whose Cognito
// calls its own partition's STS; an OpenID Connect provider is looked for
// in the role's partition already, so its tokens are of any.
func otherPartition(ctx context.Context, req RoleRequest) error {
	var caller string
	switch {
	case req.Caller != nil:
		caller = protocol.ARNPartition(req.Caller.ARN)
	case req.WebIdentity != nil && req.WebIdentity.PoolID != "":
		caller = protocol.Partition(protocol.IDRegion(req.WebIdentity.PoolID))
	default:
		return nil
	}
	role := protocol.ARNPartition(req.RoleARN)
	if role == caller {
		return nil
	}
	protocol.SetReason(ctx, fmt.Sprintf("the role %s is of partition %s and the caller of %s: a role is assumed only in its own partition", req.RoleARN, role, caller))
	return denied(req)
}

// denied is STS's AccessDenied for a request whose role does not let the
// caller in: for a signed caller it names the caller, action and role, as
// AWS does; for a web identity it names the action only.
func denied(req RoleRequest) error {
	if req.Caller == nil {
		return errAccessDenied("Not authorized to perform %s", req.Action)
	}
	return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s", req.Caller.ARN, req.Action, req.RoleARN)
}
