package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// cognitoProvider is the web identity provider of idpool's own tokens, and
// the prefix of their IAM condition keys.
const cognitoProvider = "cognito-identity.amazonaws.com"

// maxRoleSession is the longest session any role allows (IAM's cap on
// MaxSessionDuration); without a declared maximum idpool allows it.
const maxRoleSession = 12 * time.Hour

// roles are the IAM roles in the store, with their trust policies: those
// created through the IAM API and those the fixtures declare, which are
// applied into the store, so that one is the other. A role IAM does not
// hold is trusted by everyone, idpool's permissive
// default, except that in strict mode a role session (credentials idpool
// issued for a role) may not chain into it: in AWS only a trust policy that
// names the caller lets one role's session assume another role, and strict
// mode must not let a guest's credentials climb into any role it likes.
type roles struct {
	store  storage.Reader
	strict bool
	// trusts remembers the trust policies read, until IAM or the fixtures
	// write again (nil: read every time).
	trusts *remembered[trust]
}

// trust is a role's trust policy (nil when IAM holds no such role) and its
// maximum session.
type trust struct {
	doc        *policy.Document
	maxSession time.Duration
}

// trust returns the trust policy of the role arn names and its maximum
// session (nil when IAM holds no such role: a role of the same name with
// another path or account is another role). What the store answered is
// remembered only until the next IAM or fixture write, so a policy changed
// through IAM applies from the next request on.
func (rs roles) trust(ctx context.Context, arn string) (*policy.Document, time.Duration, error) {
	t, err := rs.trusts.get(arn, func() (trust, error) {
		doc, d, err := rs.readTrust(ctx, arn)
		return trust{doc, d}, err
	})
	return t.doc, t.maxSession, err
}

// readTrust reads what trust returns from the store.
func (rs roles) readTrust(ctx context.Context, arn string) (*policy.Document, time.Duration, error) {
	r, err := rs.store.GetRole(ctx, roleName(arn))
	switch {
	case errors.Is(err, storage.ErrNotFound) || err == nil && !sameARN(r.ARN, arn):
		return nil, maxRoleSession, nil
	case err != nil:
		return nil, 0, err
	}
	doc, err := policy.Parse([]byte(r.AssumeRolePolicy))
	if err != nil {
		return nil, 0, fmt.Errorf("role %s: stored trust policy: %w", arn, err)
	}
	d := maxRoleSession
	if r.MaxSessionDuration > 0 {
		d = time.Duration(r.MaxSessionDuration) * time.Second
	}
	return doc, d, nil
}

// roleName is the last segment of a role ARN's resource (its name after
// the path).
func roleName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// sameARN compares two ARNs but for their partition: IAM is global, and
// a role created through one partition's endpoint is the same role.
func sameARN(a, b string) bool {
	_, ra, okA := strings.Cut(strings.TrimPrefix(a, "arn:"), ":")
	_, rb, okB := strings.Cut(strings.TrimPrefix(b, "arn:"), ":")
	return okA && okB && ra == rb
}

// Authorize implements sts.Roles: the role's trust policy must allow the
// action for the caller or web identity, and sts:TagSession when the
// session carries tags.
func (rs roles) Authorize(ctx context.Context, req sts.RoleRequest) (time.Duration, error) {
	doc, maxSession, err := rs.trust(ctx, req.RoleARN)
	if err != nil {
		return 0, err
	}
	if doc == nil {
		if rs.strict && req.Caller != nil && strings.Contains(req.Caller.ARN, ":assumed-role/") {
			protocol.SetReason(ctx, "strict mode: IAM holds no role "+req.RoleARN+", and a role session may chain only into a role whose trust policy names it")
			return 0, notAuthorizedCaller(req)
		}
		return maxRoleSession, nil
	}
	pr := policy.Request{Action: req.Action}
	tagged := len(req.Tags) > 0
	switch {
	case req.WebIdentity != nil:
		pr.Federated, pr.Context = webContext(req.WebIdentity)
		tagged = tagged || len(req.WebIdentity.PrincipalTags) > 0
	case req.Caller != nil:
		pr.AWS = req.Caller.ARN
	}
	if allowed(doc, pr, tagged) {
		return maxSession, nil
	}
	protocol.SetReason(ctx, trustReason(req.RoleARN, doc, pr))
	if req.WebIdentity != nil {
		return 0, protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "Not authorized to perform %s", req.Action)
	}
	return 0, notAuthorizedCaller(req)
}

// notAuthorizedCaller is STS's refusal of a signed caller's request.
func notAuthorizedCaller(req sts.RoleRequest) error {
	caller := ""
	if req.Caller != nil {
		caller = req.Caller.ARN
	}
	return protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s", caller, req.Action, req.RoleARN)
}

// allowEnhanced checks the role GetCredentialsForIdentity picked against
// its trust policy, as Cognito's own call to STS would; a refusal is AWS's
// InvalidIdentityPoolConfigurationException.
func (rs roles) allowEnhanced(ctx context.Context, s identity.Session) error {
	doc, _, err := rs.trust(ctx, s.RoleARN)
	if err != nil || doc == nil {
		return err
	}
	pr := policy.Request{
		Action:    "sts:AssumeRoleWithWebIdentity",
		Federated: cognitoProvider,
		Context:   cognitoContext(s.PoolID, s.IdentityID, s.AMR),
	}
	if allowed(doc, pr, len(s.PrincipalTags) > 0) {
		return nil
	}
	protocol.SetReason(ctx, trustReason(s.RoleARN, doc, pr))
	return protocol.BadRequest(identity.CodeInvalidIdentityPoolConfiguration, "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
}

func allowed(doc *policy.Document, pr policy.Request, tagged bool) bool {
	if !doc.Allowed(pr) {
		return false
	}
	if tagged {
		pr.Action = "sts:TagSession"
		return doc.Allowed(pr)
	}
	return true
}

// webContext returns the federated principal and the condition keys of a
// verified web identity: cognito-identity.amazonaws.com:aud/sub/amr for
// idpool's tokens, <issuer host>:aud/sub (and amr) for an OIDC provider.
func webContext(w *sts.WebIdentity) (string, map[string][]string) {
	if w.Provider == cognitoProvider {
		return cognitoProvider, cognitoContext(w.Audience, w.Subject, w.AMR)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(w.Issuer, "https://"), "http://")
	ctx := map[string][]string{host + ":aud": {w.Audience}, host + ":sub": {w.Subject}}
	if len(w.AMR) > 0 {
		ctx[host+":amr"] = w.AMR
	}
	return w.Provider, ctx
}

func cognitoContext(aud, sub string, amr []string) map[string][]string {
	return map[string][]string{
		cognitoProvider + ":aud": {aud},
		cognitoProvider + ":sub": {sub},
		cognitoProvider + ":amr": amr,
	}
}
