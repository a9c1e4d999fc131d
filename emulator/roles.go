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

// trust is what IAM holds of the role a role ARN names: its trust policy
// (nil when IAM holds no such role), its maximum session, and its ARN (in
// the partition asked for) and RoleId. other is set, and the rest is
// empty, when the ARN names a role that cannot exist: IAM holds a role of
// its name, in its account, under another path.
type trust struct {
	doc        *policy.Document
	maxSession time.Duration
	arn, id    string
	other      string
}

// trust returns what IAM holds of the role arn names. IAM's role names are
// unique in an account whatever their case (the store compares them so),
// and a role ARN that names a role in another case names that role. A
// role of the same name in another account is another role, which IAM
// does not hold. What the store answered is remembered only until the next
// IAM or fixture write, so a policy changed through IAM applies from the
// next request on.
func (rs roles) trust(ctx context.Context, arn string) (trust, error) {
	return rs.trusts.get(arn, func() (trust, error) { return rs.readTrust(ctx, arn) })
}

// readTrust reads what trust returns from the store.
func (rs roles) readTrust(ctx context.Context, arn string) (trust, error) {
	r, err := rs.store.GetRole(ctx, roleName(arn))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return trust{maxSession: maxRoleSession}, nil
	case err != nil:
		return trust{}, err
	}
	held, ok := heldARN(r.ARN, arn)
	switch {
	case !ok:
		return trust{maxSession: maxRoleSession}, nil
	case held == "":
		return trust{other: r.ARN}, nil
	}
	doc, err := policy.Parse([]byte(r.AssumeRolePolicy))
	if err != nil {
		return trust{}, fmt.Errorf("role %s: stored trust policy: %w", arn, err)
	}
	d := maxRoleSession
	if r.MaxSessionDuration > 0 {
		d = time.Duration(r.MaxSessionDuration) * time.Second
	}
	return trust{doc: doc, maxSession: d, arn: held, id: r.ID}, nil
}

// grant is what a trust that allowed a request grants.
func (t trust) grant() sts.Grant {
	return sts.Grant{MaxSession: t.maxSession, RoleARN: t.arn, RoleID: t.id}
}

// roleName is the last segment of a role ARN's resource (its name after
// the path).
func roleName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// heldARN compares the ARN of a stored role of the name arn ends with to
// arn. ok is false when arn is of another account: another role, which
// IAM does not hold. Otherwise held is the stored role's ARN in arn's
// partition (IAM is global: a role created through one partition's
// endpoint is the same role), or "" when arn's path is not the role's.
// The name is compared whatever its case, as IAM compares role names.
func heldARN(stored, arn string) (held string, ok bool) {
	_, rs, okS := strings.Cut(strings.TrimPrefix(stored, "arn:"), ":")
	partition, ra, okA := strings.Cut(strings.TrimPrefix(arn, "arn:"), ":")
	if !okS || !okA {
		return "", false
	}
	// The rest is iam::<account>:role/<path/>name.
	sAcct, sRes, _ := strings.Cut(strings.TrimPrefix(rs, "iam::"), ":")
	aAcct, aRes, _ := strings.Cut(strings.TrimPrefix(ra, "iam::"), ":")
	if sAcct != aAcct {
		return "", false
	}
	i, j := strings.LastIndexByte(sRes, '/'), strings.LastIndexByte(aRes, '/')
	if sRes[:i+1] != aRes[:j+1] || !strings.EqualFold(sRes[i+1:], aRes[j+1:]) {
		return "", true
	}
	return "arn:" + partition + ":" + rs, true
}

// Authorize implements sts.Roles: the role's trust policy must allow the
// action for the caller or web identity, and sts:TagSession when the
// session carries tags.
func (rs roles) Authorize(ctx context.Context, req sts.RoleRequest) (sts.Grant, error) {
	t, err := rs.trust(ctx, req.RoleARN)
	if err != nil {
		return sts.Grant{}, err
	}
	if t.other != "" {
		protocol.SetReason(ctx, otherPathReason(req.RoleARN, t.other))
		return sts.Grant{}, refusal(req)
	}
	if t.doc == nil {
		if rs.strict && req.Caller != nil && strings.Contains(req.Caller.ARN, ":assumed-role/") {
			protocol.SetReason(ctx, "strict mode: IAM holds no role "+req.RoleARN+", and a role session may chain only into a role whose trust policy names it")
			return sts.Grant{}, notAuthorizedCaller(req)
		}
		return t.grant(), nil
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
	if allowed(t.doc, pr, tagged) {
		return t.grant(), nil
	}
	protocol.SetReason(ctx, trustReason(req.RoleARN, t.doc, pr))
	return sts.Grant{}, refusal(req)
}

// otherPathReason says why a role ARN that names IAM's role under another
// path is refused.
func otherPathReason(arn, held string) string {
	return "IAM role names are unique in an account whatever their path or case: IAM's role of the name " + arn + " ends with is " + held + ", and " + arn + " names no role"
}

// refusal is STS's AccessDenied for a request the role does not allow.
func refusal(req sts.RoleRequest) error {
	if req.WebIdentity != nil {
		return protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "Not authorized to perform %s", req.Action)
	}
	return notAuthorizedCaller(req)
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
// InvalidIdentityPoolConfigurationException. It returns what the role
// grants: the session acts as IAM's role, by its name and RoleId.
func (rs roles) allowEnhanced(ctx context.Context, s identity.Session) (sts.Grant, error) {
	t, err := rs.trust(ctx, s.RoleARN)
	switch {
	case err != nil:
		return sts.Grant{}, err
	case t.other != "":
		protocol.SetReason(ctx, otherPathReason(s.RoleARN, t.other))
		return sts.Grant{}, badPoolConfig()
	case t.doc == nil:
		return t.grant(), nil
	}
	pr := policy.Request{
		Action:    "sts:AssumeRoleWithWebIdentity",
		Federated: cognitoProvider,
		Context:   cognitoContext(s.PoolID, s.IdentityID, s.AMR),
	}
	if allowed(t.doc, pr, len(s.PrincipalTags) > 0) {
		return t.grant(), nil
	}
	protocol.SetReason(ctx, trustReason(s.RoleARN, t.doc, pr))
	return sts.Grant{}, badPoolConfig()
}

// badPoolConfig is Cognito's answer when STS refuses the role.
func badPoolConfig() error {
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
