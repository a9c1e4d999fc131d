package emulator

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// cognitoProvider is the web identity provider of idpool's own tokens, and
// the prefix of their IAM condition keys.
const cognitoProvider = "cognito-identity.amazonaws.com"

// maxRoleSession is the longest session any role allows (IAM's cap on
// MaxSessionDuration); without a declared maximum idpool allows it.
const maxRoleSession = 12 * time.Hour

// roles are the roles declared with a trust policy (by the fixtures). A
// role without a policy is trusted by everyone, idpool's permissive
// default, except that in strict mode a role session (credentials idpool
// issued for a role) may not chain into it: in AWS only a trust policy that
// names the caller lets one role's session assume another role, and strict
// mode must not let a guest's credentials climb into any role it likes.
type roles struct {
	docs   map[string]*policy.Document
	strict bool
}

// Authorize implements sts.Roles: the role's trust policy must allow the
// action for the caller or web identity, and sts:TagSession when the
// session carries tags.
func (rs roles) Authorize(ctx context.Context, req sts.RoleRequest) (time.Duration, error) {
	doc := rs.docs[req.RoleARN]
	if doc == nil {
		if rs.strict && req.Caller != nil && strings.Contains(req.Caller.ARN, ":assumed-role/") {
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
		return maxRoleSession, nil
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
	doc := rs.docs[s.RoleARN]
	if doc == nil {
		return nil
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
