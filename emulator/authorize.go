package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/arn"
	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/iam"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// authorizeRequest asks whether issued credentials may do Action on
// Resource: a local service that receives requests signed with them (an
// S3 or DynamoDB stand-in) asks idpool what AWS would decide.
type authorizeRequest struct {
	SessionToken string
	Action       string
	Resource     string
	// Context holds the request's own condition keys (aws:SourceIp,
	// s3:prefix…); the session's keys are added by idpool, and keys of
	// the principal or session in Context are ignored (see decisionKeys).
	Context contextKeys
}

// contextKeys are the condition keys of a request, each with its values.
// On the wire a key takes a list of strings or a single string, which is
// a list of one value, as in the request context AWS documents. A key
// given as a list is multivalued, even with one value, as a ContextEntries
// key of type stringList is to SimulateCustomPolicy: no policy variable
// resolves to it (policy.Request's Lists).
type contextKeys struct {
	values map[string][]string
	lists  []string // the keys of values given as a JSON list
}

func (c *contextKeys) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return badField("Context must be an object of condition keys, each with a string or a list of strings")
	}
	m := contextKeys{values: make(map[string][]string, len(raw))}
	for k, v := range raw {
		var one string
		if err := json.Unmarshal(v, &one); err == nil && v[0] == '"' {
			m.values[k] = []string{one}
			continue
		}
		var list []string
		if err := json.Unmarshal(v, &list); err != nil || v[0] != '[' {
			return badField(fmt.Sprintf("Context[%q] must be a string or a list of strings", k))
		}
		m.values[k] = list
		if !principalKey(k) {
			// A key of the principal is dropped (see decisionKeys): its
			// own value, single, must stay a variable's.
			m.lists = append(m.lists, k)
		}
	}
	*c = m
	return nil
}

// listsKey is the context.Context key of the keys of an
// /_idpool/authorize request's Context given as lists (see contextKeys),
// which the decisions it asks for carry to policy.Request's Lists.
type listsKey struct{}

// withLists returns ctx carrying lists, the multivalued keys of the
// request a decision is asked for.
func withLists(ctx context.Context, lists []string) context.Context {
	return context.WithValue(ctx, listsKey{}, lists)
}

// requestLists returns the multivalued keys of the request a decision in
// ctx is for (see withLists): none but for /_idpool/authorize, where a
// Context key given as a list is one.
func requestLists(ctx context.Context) []string {
	lists, _ := ctx.Value(listsKey{}).([]string)
	return lists
}

// badField is the error of a request field that is not of its form; it
// says which, and what the form is.
type badField string

func (e badField) Error() string { return string(e) }

// authorizeUsage is the form of a request to /_idpool/authorize, for the
// answer to one that is not.
const authorizeUsage = `want a JSON body {"SessionToken": "…", "Action": "service:Name", "Resource": "arn:…", "Context": {"key": "value" or ["value", …]}}`

// decodeAuthorize decodes the body of a request to /_idpool/authorize. Its
// error says which field is wrong, and how.
func decodeAuthorize(w http.ResponseWriter, r *http.Request) (authorizeRequest, error) {
	var in authorizeRequest
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in)
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		return in, fmt.Errorf("%s must be a %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.As(err, new(badField)):
		return in, err
	case err != nil:
		return in, fmt.Errorf("the body is not a JSON object: %w", err)
	case in.SessionToken == "":
		return in, errors.New("the body has no SessionToken")
	case in.Action == "":
		return in, errors.New("the body has no Action")
	}
	return in, nil
}

type authorizeMatch struct {
	PolicyId   string
	PolicyType string
	Statement  int
	Sid        string `json:",omitempty"`
}

type authorizeResponse struct {
	Decision          string // allowed, explicitDeny or implicitDeny
	Principal         string
	RoleArn           string
	MatchedStatements []authorizeMatch
}

// evaluate answers POST /_idpool/authorize as strict mode decides for the
// same credentials (strictDecision): a role session's role's inline and
// managed policies, capped by its boundary and its session policies (a
// guest's GetCredentialsForIdentity session's among them: see
// guestScopeDown), evaluated with the
// session's condition keys (cognito-identity.amazonaws.com:sub and the
// rest) and the request's own (Context, aws:ViaAWSService,
// aws:ResourceAccount, and for an IAM or Cognito Identity action the
// resource's keys strict mode gives: see resourceKeys);
// a GetSessionToken session's user's own policies, and a session of the
// account's root everything. A role or user IAM does not hold has no
// policies, so everything is an implicitDeny, as it would be in AWS, and
// so is what the credentials may not do whatever their policies allow (see
// sts.Refusal): IAM for a federated user or a GetSessionToken session
// without MFA, and the STS operations such sessions may not call.
//
// The decision is on the Resource given, as strict mode decides on the
// ARN of the action's resource type (decisionARN): the caller names it,
// as a request names its resource.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request) {
	in, err := decodeAuthorize(w, r)
	if err != nil {
		s.adminError(w, r, http.StatusBadRequest, err.Error()+"; "+authorizeUsage, nil)
		return
	}
	c, err := s.creds.Open(in.SessionToken)
	switch {
	case errors.Is(err, creds.ErrExpired):
		s.adminError(w, r, http.StatusForbidden, "the credentials are expired", nil)
		return
	case err != nil:
		s.adminError(w, r, http.StatusForbidden, "the session token is not one idpool issued", nil)
		return
	}
	if in.Resource == "" {
		in.Resource = "*"
	}
	p := sts.Principal(c)
	var res policy.Result
	if sts.Refusal(c, in.Action) != "" {
		// Refused whatever the policies say, as the request would be.
		res.Decision = policy.ImplicitDeny
	} else if keys, kerr := s.resourceKeys(r.Context(), in.Action, in.Resource, in.Context.values); kerr != nil {
		s.adminError(w, r, http.StatusInternalServerError, "reading the resource's tags failed", kerr)
		return
	} else if res, err = s.strictDecision(withLists(r.Context(), in.Context.lists), &c, p, in.Action, in.Resource, keys); err != nil {
		s.adminError(w, r, http.StatusInternalServerError, "reading the policies failed", err)
		return
	}
	out := authorizeResponse{Decision: res.Decision.String(), Principal: p.ARN, RoleArn: c.Session.RoleARN, MatchedStatements: []authorizeMatch{}}
	for _, m := range res.Matched {
		out.MatchedStatements = append(out.MatchedStatements, authorizeMatch{PolicyId: m.PolicyID, PolicyType: m.PolicyType, Statement: m.Statement, Sid: m.Sid})
	}
	writeJSON(w, http.StatusOK, out)
}

// resourceKeys returns the condition keys of a /_idpool/authorize request
// for action on resource: those of request, its Context, and the keys
// strict mode gives that action from the resource idpool holds, as
// iamKeys and poolKeys find them (an IAM role's or user's
// iam:PermissionsBoundary and tags, an identity pool's tags), so that the
// answer is the decision of the request itself, whatever the case of
// action's operation name; and those strict mode gives every signed
// request, a direct one (aws:ViaAWSService "false", see addDirect) on a
// resource of an account (aws:ResourceAccount, see addResourceAccount:
// idpool's for an ARN of none, such as an S3 bucket's). A key of Context
// of any case stands for the one idpool would give: a stand-in that
// serves a bucket of another account says so by aws:ResourceAccount.
func (s *Server) resourceKeys(ctx context.Context, action, resource string, request map[string][]string) (map[string][]string, error) {
	keys := map[string][]string{}
	addDirect(keys)
	s.addResourceAccount(keys, resource)
	service, op, _ := strings.Cut(action, ":")
	var err error
	switch {
	case strings.EqualFold(service, iamAPI.scope):
		// A policy's action names the operation in any case, as the
		// request names it in one: its keys are the operation's.
		if named, ok := s.iamQuery.Named(op); ok {
			op = named
		}
		err = s.iamKeys(ctx, op, nil, resource, keys)
	case strings.EqualFold(service, identityAPI.scope):
		err = s.poolKeys(ctx, &identityAPI, op, resource, nil, keys)
	}
	if err != nil {
		return nil, err
	}
	for k := range keys {
		for given := range request {
			if strings.EqualFold(k, given) {
				delete(keys, k)
			}
		}
	}
	maps.Copy(keys, request)
	return keys, nil
}

// strictDecision decides for /_idpool/authorize whether the issued
// credentials c, whose principal is p, may do action on resource with the
// condition keys request, as strict mode and the service behind it decide
// together: by callerDecision (for a role session, see sessionDecision).
// Cognito Sync keeps an
// identity's credentials to their own identity's data whatever their
// policies allow (NotAuthorizedException, see syncRefused):
// /_idpool/authorize has no service behind it, so what the policies allow
// there is an implicitDeny, as sts.Refusal's is. So is what they allow a
// caller of another account on a resource of idpool's account (or any
// but the caller's own) of Cognito Identity, Cognito Sync or IAM, which
// have no resource-based policy to let it in (see crossAccount); an
// explicit Deny of the caller's own policies stays an explicitDeny, as
// AWS evaluates it first.
func (s *Server) strictDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string) (res policy.Result, err error) {
	res, _, _, err = s.callerDecision(ctx, c, p, action, resource, request)
	if err == nil && res.Decision == policy.Allowed && (s.syncRefused(p, action, resource) || s.crossAccount(p, action, resource)) {
		return policy.Result{Decision: policy.ImplicitDeny}, nil
	}
	return res, err
}

// syncRefused reports whether Cognito Sync refuses the credentials of p
// action on resource whatever their policies allow, as its own rule
// (cognitosync.ScopeOf) does: credentials of an identity reach only that
// identity's own data, an identity or dataset resource of idpool's account
// naming the identity's pool and the identity itself
// (arn:<partition>:cognito-sync:<region>:<account>:identitypool/<pool>/identity/<id>,
// and …/dataset/<name> under it), and never an operation for the
// cognitosync.Developer alone. The region is not compared: a request to
// another region finds no such pool (ResourceNotFoundException), which is
// no refusal of the credentials.
// Other principals are refused nothing here.
func (s *Server) syncRefused(p *protocol.Principal, action, resource string) bool {
	service, op, _ := strings.Cut(action, ":")
	if p.IdentityID == "" || !strings.EqualFold(service, syncAPI.scope) {
		return false
	}
	if sc, ok := cognitosync.ScopeOf(op); ok && sc.Caller == cognitosync.Developer {
		return true
	}
	t, ok := arn.Parse(resource)
	if !ok || t.Service != syncAPI.scope || t.Account != s.cfg.AccountID {
		return true
	}
	rest, own := strings.CutPrefix(t.Resource, "identitypool/"+p.PoolID+"/identity/"+p.IdentityID)
	return !own || rest != "" && !strings.HasPrefix(rest, "/dataset/")
}

// sessionDecision evaluates the permission policies of the IAM role of
// issued credentials c (whose principal is p), capped by the role's
// permissions boundary and the session's policies, for action on resource, with
// the condition keys AWS gives that session (cognito-identity.amazonaws.com:sub,
// aws:TokenIssueTime, as aws:PrincipalTag/<key> its role's tags as IAM
// holds them now under its session tags, and the rest) and request, the request's own keys
// (see decisionKeys). A role IAM does not hold has no policies: everything
// is an implicit deny, as it would be in AWS, and so is a role of another
// RoleId than the session's (deleted and created again under its name
// since, or created after a session of no RoleId was issued for it). It also returns why in words
// when the decision is not Allowed (see denyReason), and the kind of
// policy that refused, as IAM's refusals name it.
//
// Strict mode grants nothing beyond these policies: an identity's
// credentials reach even their own Cognito Sync data only when the role
// allows it, as on AWS.
func (s *Server) sessionDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string) (_ policy.Result, why string, by refuser, _ error) {
	return s.grantedDecision(ctx, c, p, action, resource, request, nil)
}

// grantedDecision is sessionDecision with grant added to the role's
// identity policies, as AWS adds those of a resource-based policy that
// names the role's ARN before the session's policies cap them (see
// roles.chain).
func (s *Server) grantedDecision(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string, grant []policy.Named) (_ policy.Result, why string, by refuser, _ error) {
	sess := &c.Session
	// The role as IAM holds it now, read once: its policies and its tags
	// (the session's principal tags under its session tags, see
	// sessionTags) apply to the session when it is the session's own. A
	// role deleted and created again under its name is another role
	// (another RoleId), as on AWS: the sessions of the deleted one have
	// no permission policies, not the new one's, and none of its tags;
	// so is a role created after the session was issued for a role IAM
	// did not hold (no RoleId), which AWS would not have issued at all.
	r, own, err := sessionRole(ctx, s.store, sess)
	if err != nil {
		return policy.Result{}, "", "", err
	}
	var (
		set   policy.Set
		other storage.Role
	)
	switch heldARN, _ := arn.Held(r.ARN, sess.RoleARN); {
	case own:
		if set, err = s.iamSvc.HeldRolePolicies(ctx, r); err != nil {
			return policy.Result{}, "", "", err
		}
	case heldARN != "":
		other = r
	}
	set.Identity = slices.Concat(set.Identity, grant) // a copy: set.Identity may be shared
	if sess.Policy != "" || len(sess.PolicyARNs) > 0 {
		if set.Session, err = s.sessionPolicies(ctx, sess); err != nil {
			return policy.Result{}, "", "", err
		}
	}
	now := s.now()
	req := policy.Request{Action: action, Resource: resource, Context: decisionKeys(sessionKeys(c, p, sessionTags(r, own, sess.PrincipalTags)), request, now),
		Lists: requestLists(ctx)}
	addMFAKeys(req.Context, true, sess.MFA, now)
	res := set.Evaluate(req)
	if res.Decision == policy.Allowed {
		return res, "", "", nil
	}
	// What the role's identity policies alone decide tells whose refusal
	// it is: theirs, or that of the boundary or session policies that cap
	// them.
	alone := policy.Set{Identity: set.Identity}.Evaluate(req).Decision
	switch {
	case other.ID != "" && sess.RoleID == "":
		return res, "IAM's role " + other.ARN + " (RoleId " + other.ID + ") was created after this session was issued for a role IAM did not hold: " +
			"no permission policy applies to this session, which may do nothing", byIdentity, nil
	case other.ID != "":
		return res, createdAgainReason("role", other.ARN, other.ID, sess.RoleID, "this session"), byIdentity, nil
	case boundaryRefused(set, res, alone):
		return res, boundaryDenyReason("role "+sess.RoleARN, set.Boundary[0], res, req), byBoundary, nil
	case len(set.Session) > 0 && (res.Decision == policy.ExplicitDeny && res.Matched[0].PolicyType == sessionPolicy ||
		res.Decision == policy.ImplicitDeny && alone == policy.Allowed):
		// The role allows the request and the session's policies do not:
		// the refusal is theirs, and is said so.
		return res, sessionDenyReason(sess.RoleARN, set.Session, res, req), bySession, nil
	}
	return res, denyReason(sess.RoleARN, own, set.Identity, res, req), byIdentity, nil
}

// createdAgainReason says why who, a role session or a user's
// credentials ("this session", "these credentials"), of the entity of
// kind ("role", "user") whose unique id was own, may do nothing: IAM
// holds another entity of that kind, arn, whose id is held, under its
// name, deleted and created again since.
func createdAgainReason(kind, arn, held, own, who string) string {
	id := map[string]string{"role": "RoleId", "user": "UserId"}[kind]
	return "IAM's " + kind + " " + arn + " is another " + kind + " (" + id + " " + held + ") than the one of " + who + " (" + id + " " + own +
		"), deleted and created again under its name since: no permission policy applies to " + who + ", which may do nothing"
}

// boundaryRefused reports whether the refusal res of set is its
// permissions boundary's: the identity policies alone decide alone, and
// the boundary denies what they do not, or does not allow what they allow.
func boundaryRefused(set policy.Set, res policy.Result, alone policy.Decision) bool {
	return len(set.Boundary) > 0 && (res.Decision == policy.ExplicitDeny && res.Boundary == policy.ExplicitDeny && alone != policy.ExplicitDeny ||
		res.Decision == policy.ImplicitDeny && alone == policy.Allowed && res.Boundary != policy.Allowed)
}

// orNone turns IAM's NoSuchEntity for a principal's policies into none:
// a role or user IAM does not hold has no policies and may do nothing, as
// on AWS. held is false then.
func orNone(set policy.Set, err error) (_ policy.Set, held bool, _ error) {
	if e, ok := protocol.As(err); ok && e.Code == "NoSuchEntity" {
		return policy.Set{}, false, nil
	}
	return set, true, err
}

// boundaryDenyReason says in words why the permissions boundary b of who
// (a role or a user, "role <ARN>", "user <ARN>") refused req, which its
// identity policies allow.
func boundaryDenyReason(who string, b policy.Named, res policy.Result, req policy.Request) string {
	if res.Decision == policy.ExplicitDeny {
		for _, m := range res.Matched {
			if m.PolicyID == b.ID {
				return req.Action + " on " + req.Resource + " is explicitly denied by " + statement(m) + " of the permissions boundary " + b.ID + " of " + who
			}
		}
	}
	why := "IAM does not hold it, so it allows nothing"
	if b.Doc != nil {
		why = "it has no Allow statement for it"
	}
	kind, _, _ := strings.Cut(who, " ")
	return who + " allows " + req.Action + " on " + req.Resource + ", but its permissions boundary " + b.ID +
		" does not (" + why + "): a " + kind + " may do only what both allow"
}

// sessionPolicy is the policy type of a session policy in the statements
// a decision matched.
const sessionPolicy = "session"

// sessionPolicies returns the session policies of sess, for Evaluate: its
// inline Policy (named "Policy", after AssumeRole's parameter) and the
// default versions of the managed policies its PolicyARNs name, as IAM
// holds them at the time of the decision (named by their ARNs). A managed
// policy IAM does not hold, an AWS-managed one say, contributes a policy
// that allows nothing, so that a session whose only session policy idpool
// cannot read may do nothing rather than everything its role allows. An
// inline document STS accepted that the policy grammar refuses allows
// nothing either: refusing is the safe reading of a policy idpool cannot
// evaluate. guestScopeDownMarker, the scope-down Cognito gives a guest's
// GetCredentialsForIdentity session, stands for guestScopeDown, both its
// documents; guestScopeDownARN, which a client may pass to AssumeRole,
// for the managed policy's document alone, which idpool holds.
func (s *Server) sessionPolicies(ctx context.Context, sess *creds.Session) ([]policy.Named, error) {
	var sps []policy.Named
	if sess.Policy != "" {
		doc, _ := policy.ParsePermissions([]byte(sess.Policy))
		sps = append(sps, policy.Named{ID: "Policy", Type: sessionPolicy, Doc: doc})
	}
	for _, arn := range sess.PolicyARNs {
		switch arn {
		case guestScopeDownMarker:
			sps = append(sps, guestScopeDown...)
			continue
		case guestScopeDownARN:
			// AWS's own policy, which IAM holds for every account and
			// idpool does not store: see guestScopeDown.
			sps = append(sps, guestScopeDown[0])
			continue
		}
		n := policy.Named{ID: arn, Type: sessionPolicy}
		mp, err := s.store.GetManagedPolicy(ctx, arn)
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			n.Doc, _ = policy.ParsePermissions([]byte(iam.DefaultDocument(mp)))
		}
		sps = append(sps, n)
	}
	return sps, nil
}

// sessionDenyReason says in words why the session policies sps refused
// req, which the permission policies of role allow: the Deny statement
// that matched, or that none of them allows it.
func sessionDenyReason(role string, sps []policy.Named, res policy.Result, req policy.Request) string {
	if res.Decision == policy.ExplicitDeny {
		m := res.Matched[0]
		return req.Action + " on " + req.Resource + " is explicitly denied by " + statement(m) + " of session policy " + m.PolicyID
	}
	ids := make([]string, len(sps))
	for i, p := range sps {
		ids[i] = p.ID
	}
	return "role " + role + " allows " + req.Action + " on " + req.Resource +
		", but no session policy of the session (" + strings.Join(ids, ", ") + ") allows it: a session may do only what both allow"
}

// decisionKeys is the request context of a request of session who at now:
// the request's own keys from request (aws:SourceIp, aws:RequestedRegion,
// s3:prefix…), aws:CurrentTime and aws:EpochTime from now where request
// has none, and the session's keys. request describes the request and
// never the principal: a key of the principal or its session in it
// (aws:userid, aws:PrincipalTag/…, a web identity provider's :sub…) is
// dropped, so that a caller of /_idpool/authorize cannot pass for another
// identity or a session it is not.
func decisionKeys(who *policy.Session, request map[string][]string, now time.Time) map[string][]string {
	return withRequest(who.Keys(), request, now)
}

// withRequest adds to keys, a principal's condition keys, those of its
// request (see decisionKeys), and returns keys.
func withRequest(keys, request map[string][]string, now time.Time) map[string][]string {
	for k, v := range request {
		if !principalKey(k) {
			keys[k] = v
		}
	}
	has := func(key string) bool {
		for k := range request {
			if strings.EqualFold(k, key) {
				return true
			}
		}
		return false
	}
	for k, v := range timeKeys(now) {
		if !has(k) {
			keys[k] = v
		}
	}
	return keys
}

// principalKey reports whether the condition key k (case-insensitive, as
// IAM's are) describes the principal or its session rather than the
// request: aws:userid, aws:username, aws:Principal…, aws:TokenIssueTime,
// aws:FederatedProvider, aws:SourceIdentity, the MFA keys, and every key
// of a web identity provider, which is named by the provider's host
// (cognito-identity.amazonaws.com:sub, localhost:8080:sub) where a
// service's keys have a service prefix (s3:prefix).
func principalKey(k string) bool {
	prefix, name, ok := strings.Cut(k, ":")
	if !ok {
		return false
	}
	if strings.EqualFold(prefix, "aws") {
		name = strings.ToLower(name)
		switch name {
		case "userid", "username", "tokenissuetime", "federatedprovider", "sourceidentity",
			"multifactorauthpresent", "multifactorauthage", "assumedroot":
			return true
		}
		return strings.HasPrefix(name, "principal")
	}
	for _, c := range prefix {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return true // a host: cognito-identity.amazonaws.com, token.example.com/path
		}
	}
	// A host with a port (localhost:8080:sub); no service key starts
	// with a digit.
	return prefix == "" || name != "" && '0' <= name[0] && name[0] <= '9'
}

// denyReason says in words why the permission policies ps of role (held:
// IAM holds the role) refused req: the Deny statement that matched, or,
// policy by policy, why no Allow statement did.
func denyReason(role string, held bool, ps []policy.Named, res policy.Result, req policy.Request) string {
	if !held {
		return "IAM holds no role " + role + ", so its sessions have no permission policies and may do nothing"
	}
	return policiesDenyReason("role "+role, ps, res, req)
}

// policiesDenyReason says in words why the permission policies ps of who
// (a role or a user, named by its kind and ARN) refused req: the Deny
// statement that matched, or, policy by policy, why no Allow statement
// did.
func policiesDenyReason(who string, ps []policy.Named, res policy.Result, req policy.Request) string {
	switch {
	case res.Decision == policy.ExplicitDeny:
		m := res.Matched[0]
		return req.Action + " on " + req.Resource + " is explicitly denied by " + statement(m) + " of policy " + m.PolicyID + " of " + who
	case len(ps) == 0:
		return who + " has no permission policies, so it may do nothing"
	}
	var b strings.Builder
	b.WriteString("no permission policy of " + who + " allows " + req.Action + " on " + req.Resource)
	for _, p := range ps {
		why := "allows nothing"
		if p.Doc != nil {
			why = p.Doc.Explain(req)
			// Explain starts by saying no statement allows the action,
			// which is said once above.
			why = strings.TrimPrefix(strings.TrimPrefix(why, "no statement allows "+req.Action), "; ")
			if why == "" {
				why = "no Allow statement"
			}
		}
		b.WriteString("; policy " + p.ID + ": " + why)
	}
	return b.String()
}

// statement names the statement m in words: its number from 1 and its Sid.
func statement(m policy.Match) string {
	st := "statement " + strconv.Itoa(m.Statement+1)
	if m.Sid != "" {
		st += " (" + m.Sid + ")"
	}
	return st
}
