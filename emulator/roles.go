package emulator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// maxRoleSession is the longest session any role allows (IAM's cap on
// MaxSessionDuration); without a declared maximum idpool allows it.
const maxRoleSession = 12 * time.Hour

// roles are the IAM roles in the store, with their trust policies: those
// created through the IAM API and those the fixtures declare, which are
// applied into the store, so that one is the other. A role IAM does not
// hold is trusted by everyone, idpool's permissive default, so that quick
// starts need no IAM set-up; in strict mode STS refuses it, as AWS refuses
// a role that does not exist. In strict mode a role session also needs
// its own role's policies to allow it into a role whose trust policy
// trusts only the account, and its session policies and role's boundary
// to allow it into one whose trust policy names its role rather than the
// session itself (see chain): AWS lets one role's session assume another
// only so, and strict mode must not let a guest's credentials climb into
// any role it likes.
type roles struct {
	store  storage.Reader
	strict bool
	// account is idpool's own account, whose OpenID Connect providers
	// IAM holds; another account's are those its roles' trust policies
	// name (see ownProviders).
	account string
	// now is the clock of aws:CurrentTime, aws:EpochTime and
	// aws:MultiFactorAuthAge; it must be set.
	now func() time.Time
	// region is aws:RequestedRegion for a request that names no region.
	region string
	// decide evaluates the permission policies of the caller: an issued
	// session's role, or an IAM user (Server.callerDecision), and says
	// why and which kind of policy refused when they do not allow it;
	// with grant, a role session's role's policies and grant
	// (Server.grantedDecision). nil leaves them unchecked.
	decide func(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string, grant []policy.Named) (policy.Result, string, refuser, error)
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
	// providers are the Logins keys of the OpenID Connect providers of
	// the role's own account that its trust policy names.
	providers []string
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
func (rs roles) readTrust(ctx context.Context, role string) (trust, error) {
	r, err := rs.store.GetRole(ctx, roleName(role))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return trust{maxSession: maxRoleSession}, nil
	case err != nil:
		return trust{}, err
	}
	held, ok := arn.Held(r.ARN, role)
	switch {
	case !ok:
		return trust{maxSession: maxRoleSession}, nil
	case held == "":
		return trust{other: r.ARN}, nil
	}
	doc, err := policy.Parse([]byte(r.AssumeRolePolicy))
	if err != nil {
		return trust{}, fmt.Errorf("role %s: stored trust policy: %w", role, err)
	}
	d := maxRoleSession
	if r.MaxSessionDuration > 0 {
		d = time.Duration(r.MaxSessionDuration) * time.Second
	}
	return trust{doc: doc, maxSession: d, arn: held, id: r.ID, providers: ownProviders(doc, r.ARN)}, nil
}

// ownProviders returns the Logins keys of the IAM OpenID Connect providers
// of role's account that the Federated principals of its trust policy doc
// name (arn:<partition>:iam::<account>:oidc-provider/<key>). IAM holds the
// OpenID Connect providers of idpool's own account only: a role of
// another account, which a fixture declares, declares with its trust
// policy which providers its account holds.
func ownProviders(doc *policy.Document, role string) []string {
	r, _ := arn.Parse(role)
	var keys []string
	for _, n := range doc.FederatedPrincipals() {
		if acct, key, ok := oidcProvider(n); ok && acct == r.Account {
			keys = append(keys, key)
		}
	}
	return keys
}

// oidcProvider splits an IAM OpenID Connect provider ARN
// (arn:<partition>:iam::<account>:oidc-provider/<key>) into its account
// and Logins key.
func oidcProvider(s string) (account, key string, ok bool) {
	a, ok := arn.Parse(s)
	if !ok || a.Service != "iam" || a.Region != "" {
		return "", "", false
	}
	key, ok = strings.CutPrefix(a.Resource, "oidc-provider/")
	return a.Account, key, ok && key != ""
}

// providerFound refuses a web identity whose OpenID Connect provider the
// role's account does not hold, as STS refuses a token whose issuer has no
// provider in the account: STS reports the provider in the role's account
// (sts.Service), IAM holds those of idpool's account, and another
// account holds those its role's trust policy names there (see
// ownProviders). A trust policy that names only another account's
// provider thus gets AWS's answer for an account without one.
func (rs roles) providerFound(ctx context.Context, w *sts.WebIdentity, t trust) error {
	acct, key, ok := oidcProvider(w.Provider)
	if !ok || acct == rs.account || slices.ContainsFunc(t.providers, func(k string) bool { return strings.EqualFold(k, key) }) {
		return nil
	}
	protocol.SetReason(ctx, "STS looks the OpenID Connect provider of "+w.Issuer+" up in the role's account "+acct+
		", which holds only the providers its role's trust policy names there (idpool plays account "+rs.account+"), and "+key+" is not one of them")
	return protocol.BadRequest(sts.CodeInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", w.Issuer)
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

// Authorize implements sts.Roles: the role's trust policy must allow the
// action for the caller or web identity, and sts:TagSession when the
// session carries tags, evaluated with the request context AWS gives it
// (see requestContext). In strict mode a role session idpool issued is
// also held to its own role's permission policies (see chain).
func (rs roles) Authorize(ctx context.Context, req sts.RoleRequest) (sts.Grant, error) {
	if rs.strict && req.Caller != nil && arn.IsRoot(req.Caller.ARN) {
		// AWS refuses every AssumeRole of the account's root, its
		// GetSessionToken sessions included, whatever the trust policy.
		// Permissive mode lets any key act as the root (README: any key
		// pair works), so there the root keeps assuming roles.
		protocol.SetReason(ctx, "strict mode: the caller "+req.Caller.ARN+" is the account's root, and AWS lets no root assume a role: sign with an IAM user's access key")
		return sts.Grant{}, protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "Roles may not be assumed by root accounts.")
	}
	t, err := rs.trust(ctx, req.RoleARN)
	if err != nil {
		return sts.Grant{}, err
	}
	if t.other != "" {
		protocol.SetReason(ctx, otherPathReason(req.RoleARN, t.other))
		return sts.Grant{}, refusal(req, req.Action)
	}
	if t.doc == nil {
		if rs.strict {
			// AWS answers a role that does not exist as one whose trust
			// policy refuses the caller: STS does not tell which.
			protocol.SetReason(ctx, unheldReason(req.RoleARN, rs.account))
			return sts.Grant{}, refusal(req, req.Action)
		}
		protocol.SetNote(ctx, undeclaredNote(req.RoleARN))
		return t.grant(), nil
	}
	var tags map[string]string
	if issuedRole(req.CallerCredentials) {
		// A role session's principal tags are its role's tags, as IAM
		// holds them now, under its session tags: the trust policies of
		// the roles it assumes see them as its permission policies do.
		if tags, err = heldSessionTags(ctx, rs.store, &req.CallerCredentials.Session); err != nil {
			return sts.Grant{}, err
		}
	}
	pr := policy.Request{Action: req.Action, Context: requestContext(req, tags)}
	if req.Caller != nil && isUser(req.Caller) {
		// An IAM user's tags are its principal tags, which its trust
		// policies see as its permission policies do (see userDecision).
		u, held, err := heldUser(ctx, rs.store, req.Caller)
		if err != nil {
			return sts.Grant{}, err
		}
		if held {
			userTags(pr.Context, u)
		}
	}
	rs.times(pr.Context)
	if req.Caller != nil {
		addMFAKeys(pr.Context, req.Caller.Temporary, req.MFA, rs.now())
	}
	rs.addRequestKeys(ctx, pr.Context)
	tagged := len(req.Tags) > 0 || len(req.InheritedTags) > 0
	switch {
	case req.WebIdentity != nil:
		if err := rs.providerFound(ctx, req.WebIdentity, t); err != nil {
			return sts.Grant{}, err
		}
		var keys map[string][]string
		pr.Federated, keys = webContext(req.WebIdentity)
		maps.Copy(pr.Context, keys)
		tagged = tagged || len(req.WebIdentity.PrincipalTags) > 0
	case req.Caller != nil:
		pr.AWS = req.Caller.ARN
		if rs.strict && rs.decide != nil && (issuedRole(req.CallerCredentials) || isUser(req.Caller)) {
			return rs.chain(ctx, req, t, pr, also(tagged, req.SourceIdentity != ""))
		}
	}
	if action := refused(t.doc, pr, also(tagged, req.SourceIdentity != "")); action != "" {
		protocol.SetReason(ctx, trustReason(req.RoleARN, t.doc, asking(pr, action))+providerNearMiss(req.WebIdentity, t.doc))
		return sts.Grant{}, refusal(req, action)
	}
	return t.grant(), nil
}

// addRequestKeys adds to keys the global condition keys of the STS
// request ctx carries, as its permission policies would see them
// (origin.addKeys):
// aws:SourceIp, aws:SecureTransport, and aws:RequestedRegion, the region
// of its SigV4 scope, else idpool's default region. An unsigned
// AssumeRoleWithWebIdentity names no region: the SDKs send it to their
// region's endpoint, which one endpoint for all regions cannot tell.
func (rs roles) addRequestKeys(ctx context.Context, keys map[string][]string) {
	originFrom(ctx).addKeys(keys, protocol.RegionFrom(ctx, rs.region))
}

// also returns the actions a role session needs besides the one that
// assumes it: sts:TagSession when it is tagged, sts:SetSourceIdentity when
// it carries a source identity (set by the request or a web identity
// token, or passed on by the caller's session).
func also(tagged, sourced bool) []string {
	var actions []string
	if tagged {
		actions = append(actions, "sts:TagSession")
	}
	if sourced {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	return actions
}

// asking is pr asking for action instead of its own.
func asking(pr policy.Request, action string) policy.Request {
	pr.Action = action
	return pr
}

// issuedRole reports whether c are credentials of a role session idpool
// issued (not those of GetSessionToken, which act as its user).
func issuedRole(c *creds.Credentials) bool {
	return c != nil && c.Session.UserARN == "" && c.Session.RoleARN != ""
}

// chain decides, in strict mode, the AssumeRole of a role IAM holds by a
// role session or an IAM user. The caller's own permission policies (its
// role's, capped by its boundary and session policies, or the user's) are
// evaluated on the role's ARN with the trust policy's request context and
// aws:ResourceAccount, the role's account, as every permission decision
// on a resource sees it (the trust policy does not: the IAM User Guide
// lists the key for the resource's side of a request, and a trust policy
// is the role's own); they must not deny sts:AssumeRole (nor the extra
// actions: sts:TagSession for a tagged session, sts:SetSourceIdentity for
// one with a source identity) on the role.
//
// Across accounts (the caller's account is not the role's) the trust
// policy must allow the actions and the caller's policies must allow them
// too, whatever principal the trust policy names: STS's AssumeRole
// reference says a principal of another account needs permissions
// delegated by its own account's administrator as well, and "Cross-account
// policy evaluation logic" in the IAM User Guide that a request across
// accounts is allowed only when both the identity-based policy and the
// resource-based policy allow it.
//
// Within one account, as AWS decides there, the trust policy must allow
// the actions:
//
//   - naming the caller itself (a role session's own ARN, an IAM user's
//     ARN, or "*"), which grants them alone, whatever the caller's
//     policies allow ("*" counts as naming the caller [unconfirmed: the
//     guide is silent on it; it kept its effect from before]);
//   - naming a role session's role by its ARN, which grants them only as
//     far as the session's policies and the role's permissions boundary
//     allow: the IAM User Guide ("Policies and permissions", Session
//     policies) says such a grant is "added to the role or user's
//     identity-based policy before the session is created. The session
//     policy limits the total permissions granted by the resource-based
//     policy and the identity-based policy", and "Policy evaluation
//     logic" that "Resource-based policies that grant permissions to an
//     IAM role ARN are limited by an implicit deny in a permissions
//     boundary or session policy", whereas those granting a role session
//     ARN are not; so a guest's enhanced-flow session, whose scope-down
//     policy allows no sts:*, assumes a role that trusts its role's ARN
//     no more than one that trusts only the account;
//   - or trusting the account, when the caller's policies allow them.
func (rs roles) chain(ctx context.Context, req sts.RoleRequest, t trust, pr policy.Request, extra []string) (sts.Grant, error) {
	actions := append([]string{req.Action}, extra...)
	// The caller's policies see the request's MFA as its trust policy
	// does: an MFA code given to AssumeRole authenticates this request,
	// whatever the caller's session was made with.
	var caller creds.Credentials // none for an IAM user's own key
	if req.CallerCredentials != nil {
		caller = *req.CallerCredentials
	}
	caller.Session.MFA = req.MFA
	account := accountOf(t.arn)
	keys := maps.Clone(pr.Context)
	keys["aws:ResourceAccount"] = []string{account}
	delegated := true // the caller's policies allow every action
	var why, unallowed string
	for _, a := range actions {
		res, reason, _, err := rs.decide(ctx, &caller, req.Caller, a, t.arn, keys, nil)
		if err != nil {
			return sts.Grant{}, err
		}
		switch res.Decision {
		case policy.ExplicitDeny:
			protocol.SetReason(ctx, "strict mode: "+reason)
			return sts.Grant{}, notAuthorizedCaller(req, a, "")
		case policy.Allowed:
		default:
			if delegated {
				delegated, why, unallowed = false, reason, a
			}
		}
	}
	if from := req.Caller.Account; from != "" && from != account {
		if action := refused(t.doc, pr, extra); action != "" {
			protocol.SetReason(ctx, trustReason(req.RoleARN, t.doc, asking(pr, action)))
			return sts.Grant{}, refusal(req, action)
		}
		if !delegated {
			protocol.SetReason(ctx, "strict mode: the role "+req.RoleARN+" is of account "+account+" and the caller of account "+from+
				": across accounts the caller's own permission policies must allow it too, whatever principal the trust policy names (only within one account may the trust policy grant alone): "+why)
			return sts.Grant{}, notAuthorizedCaller(req, unallowed, "")
		}
		return t.grant(), nil
	}
	named := pr
	named.Named = true
	direct := named
	direct.Direct = true
	switch {
	case refused(t.doc, direct, extra) == "":
		return t.grant(), nil
	case refused(t.doc, named, extra) == "" && issuedRole(req.CallerCredentials):
		return rs.roleGrant(ctx, req, t, &caller, keys, actions)
	case refused(t.doc, named, extra) == "":
		return t.grant(), nil
	}
	action := refused(t.doc, pr, extra)
	switch {
	case action == "" && delegated:
		return t.grant(), nil
	case action == "":
		protocol.SetReason(ctx, "strict mode: the trust policy of "+req.RoleARN+" trusts the caller only through its account, so the caller's own policies must allow it: "+why)
		return sts.Grant{}, notAuthorizedCaller(req, unallowed, "")
	}
	protocol.SetReason(ctx, trustReason(req.RoleARN, t.doc, asking(pr, action)))
	return sts.Grant{}, refusal(req, action)
}

// trustGrant stands, among a role session's role's policies, for a trust
// policy's grant to that role's ARN (see chain): it allows what the trust
// policy allowed, the only actions it is asked about.
var trustGrant = func() []policy.Named {
	doc, err := policy.ParsePermissions([]byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`))
	if err != nil {
		panic("trustGrant: " + err.Error())
	}
	return []policy.Named{{ID: "trust policy", Type: "resource", Doc: doc}}
}()

// roleGrant decides the actions of a role session caller that the trust
// policy of t grants by naming the session's role: they are added to the
// role's policies, which its session policies and permissions boundary
// cap (see chain), evaluated with the condition keys keys (chain's, with
// aws:ResourceAccount). A refusal says which policy refused, as AWS's STS
// does: "… because no session policy allows the sts:AssumeRole action".
func (rs roles) roleGrant(ctx context.Context, req sts.RoleRequest, t trust, caller *creds.Credentials, keys map[string][]string, actions []string) (sts.Grant, error) {
	for _, a := range actions {
		res, why, by, err := rs.decide(ctx, caller, req.Caller, a, t.arn, keys, trustGrant)
		if err != nil {
			return sts.Grant{}, err
		}
		if res.Decision != policy.Allowed {
			protocol.SetReason(ctx, "strict mode: the trust policy of "+req.RoleARN+" names the caller's role "+caller.Session.RoleARN+
				", not its session, so its grant is capped by the session's policies and the role's permissions boundary (a trust policy naming the session's ARN is not): "+why)
			return sts.Grant{}, notAuthorizedCaller(req, a, by.because(res.Decision, a))
		}
	}
	return t.grant(), nil
}

// times adds aws:CurrentTime and aws:EpochTime, the time of the request,
// to keys.
func (rs roles) times(keys map[string][]string) {
	maps.Copy(keys, timeKeys(rs.now()))
}

// requestContext returns the condition keys AWS gives the trust policy of
// a role for req: the caller's (see callerKeys; principalTags are those
// of a role session caller) and the request's own,
// sts:RoleSessionName, sts:ExternalId, sts:SourceIdentity,
// sts:TransitiveTagKeys, and for the session tags it sets
// aws:RequestTag/<key> and aws:TagKeys. The web identity's keys are added
// by the caller.
func requestContext(req sts.RoleRequest, principalTags map[string]string) map[string][]string {
	keys := map[string][]string{}
	if req.Caller != nil {
		keys = callerKeys(req.Caller, req.CallerCredentials, principalTags)
	}
	set := func(k, v string) {
		if v != "" {
			keys[k] = []string{v}
		}
	}
	set("sts:RoleSessionName", req.SessionName)
	set("sts:ExternalId", req.ExternalID)
	set("sts:SourceIdentity", req.SourceIdentity)
	if len(req.TransitiveTagKeys) > 0 {
		keys["sts:TransitiveTagKeys"] = req.TransitiveTagKeys
	}
	tags := req.Tags
	if len(tags) == 0 && req.WebIdentity != nil {
		tags = req.WebIdentity.PrincipalTags
	}
	requestTags(keys, tags)
	return keys
}

// requestTags adds aws:RequestTag/<key> and aws:TagKeys for the session
// tags a request sets to keys.
func requestTags(keys map[string][]string, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		keys["aws:RequestTag/"+k] = []string{tags[k]}
		keys["aws:TagKeys"] = append(keys["aws:TagKeys"], k)
	}
}

// callerKeys returns the condition keys of the principal p that signed an
// AssumeRole request: a role session idpool issued has those of its
// session (policy.Session.Keys: aws:PrincipalArn is its role's, and tags,
// its principal tags (see sessionTags), are aws:PrincipalTag/<key>); the account's root, an IAM
// user and a GetSessionToken session of either have aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType ("Account" or "User") and
// aws:userid, and a user aws:username; each, as a signed request of no AWS
// service, aws:PrincipalIsAWSService "false". A user's tags, its
// aws:PrincipalTag/<key>, are IAM's to read (see userTags).
func callerKeys(p *protocol.Principal, c *creds.Credentials, tags map[string]string) map[string][]string {
	if issuedRole(c) {
		return sessionKeys(c, p, tags).Keys()
	}
	keys := map[string][]string{"aws:PrincipalArn": {p.ARN}, "aws:PrincipalIsAWSService": {"false"}}
	if p.Account != "" {
		keys["aws:PrincipalAccount"] = []string{p.Account}
	}
	if p.UserID != "" {
		keys["aws:userid"] = []string{p.UserID}
	}
	if arn.IsRoot(p.ARN) {
		keys["aws:PrincipalType"] = []string{"Account"}
		return keys
	}
	keys["aws:PrincipalType"] = []string{"User"}
	keys["aws:username"] = []string{roleName(p.ARN)}
	return keys
}

// undeclaredNote is the console's note on a request that permissive mode
// let assume a role IAM does not hold, which AWS refuses: it shows on the
// request's Activity row when the request succeeds (the request log
// prints reasons of refusals only). It is a note, not a reason
// (protocol.SetNote), so that a later refusal of the same request, such
// as a malformed session policy, shows its own reason.
func undeclaredNote(role string) string {
	return "role " + role + " is not declared: its trust policy was not checked (AWS and --strict refuse it)"
}

// unheldReason says why strict mode refuses a role IAM does not hold,
// which permissive mode lets everyone assume, and how to make it: IAM's
// CreateRole makes a role of idpool's own account, account, only, so a
// role of another account can only be declared in the fixtures.
func unheldReason(role, account string) string {
	why := "strict mode: IAM holds no role " + role + ", and STS assumes only roles that exist: "
	if other := accountOf(role); other != "" && other != account {
		return why + "it is a role of account " + other + ", not of idpool's account " + account + " (which IAM CreateRole makes), so declare it in the fixtures' Roles by its ARN"
	}
	return why + "create it (IAM CreateRole) or declare it in the fixtures' Roles"
}

// otherPathReason says why a role ARN that names IAM's role under another
// path is refused.
func otherPathReason(arn, held string) string {
	return "IAM role names are unique in an account whatever their path or case: IAM's role of the name " + arn + " ends with is " + held + ", and " + arn + " names no role"
}

// refusal is STS's AccessDenied for a request the role does not allow to
// do action (the request's, or sts:TagSession).
func refusal(req sts.RoleRequest, action string) error {
	if req.WebIdentity != nil {
		return protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "Not authorized to perform %s", action)
	}
	return notAuthorizedCaller(req, action, "")
}

// notAuthorizedCaller is STS's refusal of a signed caller's request;
// because, if any, says which kind of policy refused (refuser.because).
func notAuthorizedCaller(req sts.RoleRequest, action, because string) error {
	caller := ""
	if req.Caller != nil {
		caller = req.Caller.ARN
	}
	return protocol.Errorf(http.StatusForbidden, sts.CodeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s%s", caller, action, req.RoleARN, because)
}

// allowEnhanced checks the role GetCredentialsForIdentity picked against
// its trust policy, as Cognito's own call to STS would; a refusal is AWS's
// InvalidIdentityPoolConfigurationException. It returns what the role
// grants: the session acts as IAM's role, by its name and RoleId.
//
// A role of another partition than the pool's is refused so too: the
// pool's Cognito calls its own partition's STS, where that ARN names no
// role.
func (rs roles) allowEnhanced(ctx context.Context, s identity.Session) (sts.Grant, error) {
	if !identity.PoolPartition(ctx, s.PoolID, s.RoleARN) {
		return sts.Grant{}, badPoolConfig()
	}
	t, err := rs.trust(ctx, s.RoleARN)
	switch {
	case err != nil:
		return sts.Grant{}, err
	case t.other != "":
		protocol.SetReason(ctx, otherPathReason(s.RoleARN, t.other))
		return sts.Grant{}, badPoolConfig()
	case t.doc == nil && rs.strict:
		protocol.SetReason(ctx, unheldReason(s.RoleARN, rs.account))
		return sts.Grant{}, badPoolConfig()
	case t.doc == nil:
		protocol.SetNote(ctx, undeclaredNote(s.RoleARN))
		return t.grant(), nil
	}
	federated, keys := cognitoContext(s.PoolID, s.IdentityID, s.AMR)
	pr := policy.Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: federated, Context: keys}
	rs.times(pr.Context)
	addEnhancedKeys(pr.Context, s.PoolID)
	// Cognito's call passes the identity's principal tags as session tags.
	requestTags(pr.Context, s.PrincipalTags)
	if s.SessionName != "" {
		pr.Context["sts:RoleSessionName"] = []string{s.SessionName}
	}
	if refused(t.doc, pr, also(len(s.PrincipalTags) > 0, false)) == "" {
		return t.grant(), nil
	}
	protocol.SetReason(ctx, trustReason(s.RoleARN, t.doc, pr))
	return sts.Grant{}, badPoolConfig()
}

// addEnhancedKeys adds to keys the global condition keys of the
// AssumeRoleWithWebIdentity Cognito makes for GetCredentialsForIdentity
// (the enhanced flow): Cognito calls STS itself, over TLS, in the pool's
// region, so the trust policy sees aws:SecureTransport "true",
// aws:RequestedRegion the pool's region, and no aws:SourceIp: the address
// STS sees is Cognito's, never the client's, and idpool does not make one
// up. A trust policy that tests aws:SourceIp therefore refuses the enhanced
// flow with IpAddress and lets it through with NotIpAddress, whoever the
// client is.
func addEnhancedKeys(keys map[string][]string, pool string) {
	origin{secure: true}.addKeys(keys, protocol.IDRegion(pool))
}

// badPoolConfig is Cognito's answer when STS refuses the role.
func badPoolConfig() error {
	return protocol.BadRequest(identity.CodeInvalidIdentityPoolConfiguration, "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
}

// refused returns the action doc does not allow for pr: pr's own, or one
// of the extra actions the session needs (see also); "" when it allows
// them all.
func refused(doc *policy.Document, pr policy.Request, extra []string) string {
	for _, a := range append([]string{pr.Action}, extra...) {
		if !doc.Allowed(asking(pr, a)) {
			return a
		}
	}
	return ""
}

// webContext returns the federated principal and the condition keys of a
// verified web identity: for idpool's tokens those of cognitoContext, for
// another provider <name>:aud, :sub, :amr and its provider-specific
// claim keys (w.Claims), <name> being the provider's name as the
// Federated principal names it: what follows oidc-provider/ in its ARN,
// or a built-in provider's host. AWS names the keys so, not after the
// token's iss, which differs from the name for a provider declared with
// a local Issuer (token.actions.githubusercontent.com served at
// http://127.0.0.1:9871).
func webContext(w *sts.WebIdentity) (string, map[string][]string) {
	if w.Provider == sts.CognitoProvider {
		return cognitoContext(w.Audience, w.Subject, w.AMR)
	}
	name := policy.ProviderKey(w.Provider)
	ctx := make(map[string][]string, 3+len(w.Claims))
	for k, v := range w.Claims {
		ctx[name+":"+k] = v
	}
	ctx[name+":aud"], ctx[name+":sub"] = []string{w.Audience}, []string{w.Subject}
	if len(w.AMR) > 0 {
		ctx[name+":amr"] = w.AMR
	}
	return w.Provider, ctx
}

// cognitoContext returns the federated principal of a token Cognito
// Identity issued for pool aud, the CognitoPrincipal of the pool's region
// (cognito-identity.amazonaws.com but in AWS GovCloud), and its condition
// keys <principal>:aud, :sub and :amr.
func cognitoContext(aud, sub string, amr []string) (string, map[string][]string) {
	p := policy.CognitoPrincipal(protocol.IDRegion(aud))
	return p, map[string][]string{p + ":aud": {aud}, p + ":sub": {sub}, p + ":amr": amr}
}
