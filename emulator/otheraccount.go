package emulator

import (
	"net/http"
	"strings"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/protocol"
)

// Principals of other accounts. idpool holds one account, its
// --account-id (or the fixtures' AccountId): every identity pool, Cognito
// Sync dataset and IAM entity it serves is that account's. A role a
// fixture declares under another account's ARN still has sessions (STS
// issues them, and their GetCallerIdentity names that account), but on
// AWS such a session's Cognito Identity, Cognito Sync and IAM calls act in
// its own account: reaching another account's resource takes a
// resource-based policy there, and none of these services has one (the
// IAM User Guide's "Cross-account policy evaluation logic"; the Cognito
// Developer Guide's "How Amazon Cognito works with IAM" lists
// resource-based policies as unsupported; a role's trust policy is one
// only for sts:AssumeRole, which STS decides). Strict mode refuses them
// such calls; permissive mode lets them through, as it lets every
// authenticated caller, with a note on the console.
//
// Two kinds of call are not refused. A pool's role may be of another
// account (AWS supports it: STS's AssumeRoleWithWebIdentity reference
// names cross-account roles for identity pools), and the credentials
// Cognito issues for one of idpool's identities with such a role act on
// the pool's own data, in idpool's account: their Cognito Sync calls on
// their own identity's data, and their Cognito Identity calls on their own
// identity and pool, are decided by the role's policies as the same
// account's are (see ownCognito). Whether AWS lets them through is not
// confirmed, and refusing an app its own data once it has credentials
// would break it for a guess. And AWS's managed policies (account "aws")
// are every account's to read (see awsManaged).

// noResourcePolicy names, by their IAM service prefix, the services idpool
// serves whose resources have no resource-based policy.
var noResourcePolicy = map[string]string{
	identityAPI.scope: "Cognito Identity",
	syncAPI.scope:     "Cognito Sync",
	iamAPI.scope:      "IAM",
}

// otherAccount decides a request to a of a caller p of another account
// than idpool's: strict mode refuses it as its service refuses what the
// caller's policies do not allow (AccessDeniedException naming the
// resource, or IAM's AccessDenied "… because no resource-based policy
// allows the <action> action", its words for a cross-account request no
// resource policy lets through); permissive mode lets it through with a
// note. Callers of idpool's account, and STS, whose operations act in the
// caller's own account, are not its to decide (nil).
func (s *Server) otherAccount(r *http.Request, a *api, op string, p *protocol.Principal, res *resource) error {
	service, ok := noResourcePolicy[a.scope]
	if !ok || p.Account == "" || p.Account == s.cfg.AccountID || s.ownCognito(a, op, p, res) {
		return nil
	}
	ctx := r.Context()
	var shown string
	if a == &iamAPI {
		var target string
		res.Params = s.iamParams(op, res.Params)
		if target, shown = s.iamTarget(ctx, op, res.Params, p); awsManaged(op, target) {
			return nil
		}
	}
	if !s.cfg.Strict {
		protocol.SetNote(ctx, "the caller "+p.ARN+" is of account "+p.Account+", and idpool holds one account, "+s.cfg.AccountID+
			": permissive mode lets it act there; AWS and --strict refuse it (no resource-based policy lets one account reach another's "+service+" resources)")
		return nil
	}
	action := a.scope + ":" + op
	protocol.SetReason(ctx, "strict mode: "+otherAccountReason(s.cfg.AccountID, p, service))
	if a == &iamAPI {
		return protocol.Errorf(a.denied, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s%s",
			p.ARN, action, shown, byResource.because(policy.ImplicitDeny, action))
	}
	return protocol.Errorf(a.denied, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s",
		p.ARN, action, s.resourceARN(a, res))
}

// readManaged holds the IAM operations that read one managed policy
// itself, its metadata and its versions' documents: what every account may
// do to an AWS managed policy.
var readManaged = map[string]bool{"GetPolicy": true, "GetPolicyVersion": true, "ListPolicyVersions": true}

// awsManaged reports whether the IAM operation op (any case, as IAM
// matches actions) reads target, an AWS managed policy
// (arn:<partition>:iam::aws:policy/…): AWS publishes those to every
// account, so that a caller of another account reads them as idpool's
// own do.
func awsManaged(op, target string) bool {
	t, ok := arn.Parse(target)
	if !ok || t.Service != iamAPI.scope || t.Account != "aws" || !strings.HasPrefix(t.Resource, "policy/") {
		return false
	}
	return hasFold(readManaged, op)
}

// hasFold reports whether set holds op in any case, as IAM matches
// actions.
func hasFold(set map[string]bool, op string) bool {
	for o := range set {
		if strings.EqualFold(op, o) {
			return true
		}
	}
	return false
}

// otherAccountReason says why a caller p of another account than idpool's,
// account, may not call service.
func otherAccountReason(account string, p *protocol.Principal, service string) string {
	return "idpool holds one account, " + account + ", and the caller " + p.ARN + " is of account " + p.Account +
		": on AWS this call would act in account " + p.Account + ", and no resource-based policy lets it reach account " +
		account + "'s " + service + " resources (" + service + " has none)"
}

// crossAccount reports whether, for /_idpool/authorize, the caller p of
// another account than idpool's asks for action on a resource of another
// account than its own, of a service without resource-based policies (see
// noResourcePolicy): AWS decides it an implicit deny whatever the
// caller's policies allow, as the same request to idpool is refused (see
// otherAccount). The resource's account is the one its ARN names, else
// (for "*", and an ARN of none) idpool's. A resource of the caller's own
// account is decided by its policies, as AWS decides it in that account,
// and so are the caller's own Cognito data (ownCognitoARN) and the
// reading of an AWS managed policy (awsManaged), which every account may
// read.
func (s *Server) crossAccount(p *protocol.Principal, action, resource string) bool {
	service, _, _ := strings.Cut(action, ":")
	if _, ok := noResourcePolicy[strings.ToLower(service)]; !ok || p.Account == "" || p.Account == s.cfg.AccountID {
		return false
	}
	if _, op, _ := strings.Cut(action, ":"); s.ownCognitoARN(p, action, resource) || strings.EqualFold(service, iamAPI.scope) && awsManaged(op, resource) {
		return false
	}
	return s.resourceAccount(resource) != p.Account
}

// ownCognito reports whether a request to op of a by p, credentials
// Cognito issued for one of idpool's identities (GetCredentialsForIdentity,
// or AssumeRoleWithWebIdentity with idpool's own OpenID token, whose
// subject and audience are the identity and its pool), acts on that
// identity's own data: a Cognito Sync request Cognito Sync would not keep
// from it (see syncRefused), or one of the Cognito Identity reads an app
// makes of its own identity and pool (ownReads) naming them and nothing
// else. Such a request is the pool's own business in idpool's account,
// whatever account the pool's role is of (see the top of this file). The
// pool's administration (ListIdentities, the developer operations,
// UpdateIdentityPool, DeleteIdentityPool, tagging) is not: that is the
// business of the pool's account, which a session of another account's
// role is not.
func (s *Server) ownCognito(a *api, op string, p *protocol.Principal, res *resource) bool {
	if p.IdentityID == "" || p.PoolID == "" {
		return false
	}
	switch a {
	case &syncAPI:
		return !s.syncRefused(p, a.scope+":"+op, s.decisionARN(a, op, res))
	case &identityAPI:
		if !ownReads[op] || res.Pool == "" && res.Identity == "" {
			return false
		}
		return (res.Pool == "" || res.Pool == p.PoolID) && (res.Identity == "" || res.Identity == p.IdentityID) &&
			(res.ARN == "" || s.isOwnPoolARN(p, res.ARN))
	}
	return false
}

// ownReads holds the Cognito Identity operations by which an identity's
// credentials read their own identity (DescribeIdentity) and its pool
// (DescribeIdentityPool), the only ones ownCognito lets a session of
// another account's role make.
var ownReads = map[string]bool{"DescribeIdentity": true, "DescribeIdentityPool": true}

// ownCognitoARN is ownCognito for /_idpool/authorize, which names an
// action and a resource ARN: p's own identity's Cognito Sync data, or p's
// own identity pool for a Cognito Identity action.
func (s *Server) ownCognitoARN(p *protocol.Principal, action, resource string) bool {
	service, _, _ := strings.Cut(action, ":")
	switch {
	case p.IdentityID == "" || p.PoolID == "":
		return false
	case strings.EqualFold(service, syncAPI.scope):
		return !s.syncRefused(p, action, resource)
	case strings.EqualFold(service, identityAPI.scope):
		_, op, _ := strings.Cut(action, ":")
		return hasFold(ownReads, op) && s.isOwnPoolARN(p, resource)
	}
	return false
}

// isOwnPoolARN reports whether target is the ARN of p's own identity pool
// in idpool's account (any region: a pool of another region is not
// found, which is no refusal of the caller).
func (s *Server) isOwnPoolARN(p *protocol.Principal, target string) bool {
	t, ok := arn.Parse(target)
	return ok && t.Service == identityAPI.scope && t.Account == s.cfg.AccountID && t.Resource == "identitypool/"+p.PoolID
}

// resourceAccount is the account that owns target, a resource a request
// is decided on: the account its ARN names, else (for "*", or an ARN of
// none, such as an S3 bucket's) the account idpool serves, which holds
// every resource it has.
func (s *Server) resourceAccount(target string) string {
	if t, ok := arn.Parse(target); ok && t.Account != "" {
		return t.Account
	}
	return s.cfg.AccountID
}

// accountOf is the account a role ARN names.
func accountOf(role string) string {
	a, _ := arn.Parse(role)
	return a.Account
}
