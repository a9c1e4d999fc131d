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
	if !ok || p.Account == "" || p.Account == s.cfg.AccountID {
		return nil
	}
	ctx := r.Context()
	if !s.cfg.Strict {
		protocol.SetNote(ctx, "the caller "+p.ARN+" is of account "+p.Account+", and idpool holds one account, "+s.cfg.AccountID+
			": permissive mode lets it act there; AWS and --strict refuse it (no resource-based policy lets one account reach another's "+service+" resources)")
		return nil
	}
	action := a.scope + ":" + op
	protocol.SetReason(ctx, "strict mode: "+otherAccountReason(s.cfg.AccountID, p, service))
	if a == &iamAPI {
		res.Params = s.iamParams(op, res.Params)
		_, shown := s.iamTarget(ctx, op, res.Params, p)
		return protocol.Errorf(a.denied, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s%s",
			p.ARN, action, shown, byResource.because(policy.ImplicitDeny, action))
	}
	return protocol.Errorf(a.denied, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s",
		p.ARN, action, s.resourceARN(a, res))
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
// (for "*", and an ARN of none) idpool's; AWS's own managed policies
// (account "aws") are no caller's. A resource of the caller's own account
// is decided by its policies, as AWS decides it in that account.
func (s *Server) crossAccount(p *protocol.Principal, action, resource string) bool {
	service, _, _ := strings.Cut(action, ":")
	if _, ok := noResourcePolicy[strings.ToLower(service)]; !ok || p.Account == "" || p.Account == s.cfg.AccountID {
		return false
	}
	return s.resourceAccount(resource) != p.Account
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
