package policy

// Decision is the outcome of evaluating permission policies.
type Decision uint8

// The decisions IAM makes. The zero value is ImplicitDeny, so a Decision
// nobody set refuses.
const (
	ImplicitDeny Decision = iota // no statement allows the request
	Allowed                      // allowed, and no statement denies it
	ExplicitDeny                 // a Deny statement matches the request
)

// String returns the decision as IAM's policy simulator writes its
// EvalDecision: "allowed", "explicitDeny" or "implicitDeny".
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// Named is a policy document with the identity its caller knows it by,
// which Evaluate hands back in the statements it matched.
type Named struct {
	// ID names the policy, e.g. a role's inline policy name or a managed
	// policy's ARN: the simulator's SourcePolicyId.
	ID string
	// Type is the caller's kind of policy, e.g. "role", "user-managed",
	// "aws-managed" or "session", or the simulator's SourcePolicyType.
	Type string
	// Doc is the parsed policy. A nil Doc allows nothing.
	Doc *Document
}

// Match is a statement that matched a request.
type Match struct {
	PolicyID   string // Named.ID of its policy
	PolicyType string // Named.Type of its policy
	Statement  int    // its index in the policy's Statement list, from 0
	Sid        string // its Sid, "" when it has none
	Deny       bool   // its Effect is Deny
	// Start and End are where the statement starts and ends in the
	// document as the simulator's StartPosition and EndPosition say (see
	// statementSpans): not quite at its braces.
	Start, End Position
}

// Result is what Evaluate decided and why.
type Result struct {
	Decision Decision
	// Matched lists the statements that made the decision, in the order
	// of the policies and statements given: with ExplicitDeny every Deny
	// statement that matched; with Allowed every Allow statement that
	// matched, of the identity policies then of the session policies; with
	// ImplicitDeny none.
	Matched []Match
	// Boundary is what the permissions boundary alone decided (Set.Boundary;
	// ImplicitDeny when there is none).
	Boundary Decision
}

// Evaluate decides, as IAM does for a role session's request, whether the
// identity-based policies (the role's inline and managed policies) and the
// session policies (the Policy and PolicyArns given to AssumeRole* or
// AssumeRoleWithWebIdentity; none when session is empty) allow the
// request:
//
//   - a matching Deny statement in any of the policies is an ExplicitDeny,
//     whatever allows the request;
//   - otherwise the request is Allowed when an Allow statement of the
//     identity policies matches it and, if session policies were given, an
//     Allow statement of one of them matches it too: the session may do
//     only what both the role and its session policies allow;
//   - otherwise it is an ImplicitDeny.
//
// A statement matches when its Action (or NotAction) covers r.Action, its
// Resource (or NotResource) covers r.Resource, and every condition holds
// on r.Context; policy variables come from r.Context too. r.Federated and
// r.AWS are not used: permission policies name no principal. (A trust
// policy from Parse given here is evaluated as a trust policy: its
// statements match on Principal instead of Resource.)
//
// It is Set{Identity: identity, Session: session}.Evaluate(r).
func Evaluate(identity, session []Named, r Request) Result {
	return Set{Identity: identity, Session: session}.Evaluate(r)
}

// Set is every policy that applies to one request, by the part each plays
// in IAM's policy evaluation logic.
type Set struct {
	// Identity are the caller's identity-based policies.
	Identity []Named
	// Session are session policies; when there are some, they cap what
	// the identity policies allow.
	Session []Named
	// Boundary is the caller's permissions boundary; when there is one,
	// it caps what the identity policies allow.
	Boundary []Named
	// Resource are the resource-based policies of the resource acted on
	// (from ParseResource), whose statements match on r.AWS, the caller.
	Resource []Named
	// CrossAccount is set when the resource belongs to another account
	// than the caller's: then the resource policies and the identity
	// policies must both allow the request, instead of either.
	CrossAccount bool
}

// Evaluate decides whether the set's policies allow the request, by IAM's
// policy evaluation logic:
//
//   - a matching Deny statement in any of the policies, the boundary and
//     the resource policies included, is an ExplicitDeny;
//   - otherwise the identity policies grant the request when an Allow
//     statement of them matches it and, for each of the session policies
//     and the boundary that is given, an Allow statement of it matches too;
//   - a resource policy grants the request on its own when one of its
//     Allow statements names the caller itself (its ARN, its role for a
//     role session, or "*") and matches it; a statement that names only
//     the caller's account (its id or :root ARN) delegates to the
//     account's identity policies, which must allow the request too;
//   - the request is Allowed when the identity policies or a resource
//     policy grant it, or, with CrossAccount, when the identity policies
//     and a resource policy statement that matches the caller, account
//     principals included, both do; otherwise it is an ImplicitDeny.
//
// A resource policy's Deny with a NotPrincipal refuses every caller it
// does not exclude; one with a permissions boundary is never excluded.
//
// Result.Matched lists the identity, session then resource policies'
// Allow statements that granted it; the boundary's are not listed, as its
// verdict is Result.Boundary.
func (s Set) Evaluate(r Request) Result {
	r.bounded = len(s.Boundary) > 0
	var denies []Match
	scan := func(ps []Named) (allows []Match) {
		for _, p := range ps {
			for i := range p.statements() {
				st := &p.Doc.stmts[i]
				if !st.matches(&r) {
					continue
				}
				m := p.match(i)
				if st.deny {
					denies = append(denies, m)
				} else {
					allows = append(allows, m)
				}
			}
		}
		return allows
	}
	allows, sessionAllows := scan(s.Identity), scan(s.Session)
	boundaryDenies := len(denies)
	boundaryAllows := scan(s.Boundary)
	boundaryDenies = len(denies) - boundaryDenies
	resourceAllows := scan(s.Resource)
	// Of those, the statements that name the caller itself grant alone.
	named := r
	named.Named = true
	var resourceGrants []Match
	for _, p := range s.Resource {
		for i := range p.statements() {
			if st := &p.Doc.stmts[i]; !st.deny && st.matches(&named) {
				resourceGrants = append(resourceGrants, p.match(i))
			}
		}
	}

	res := Result{Boundary: ImplicitDeny}
	switch {
	case boundaryDenies > 0:
		res.Boundary = ExplicitDeny
	case len(boundaryAllows) > 0:
		res.Boundary = Allowed
	}
	identity := len(allows) > 0 &&
		(len(s.Session) == 0 || len(sessionAllows) > 0) &&
		(len(s.Boundary) == 0 || len(boundaryAllows) > 0)
	switch {
	case len(denies) > 0:
		res.Decision, res.Matched = ExplicitDeny, denies
	case identity && (!s.CrossAccount || len(resourceAllows) > 0):
		res.Decision = Allowed
		res.Matched = append(append(allows, sessionAllows...), resourceAllows...)
	case !s.CrossAccount && len(resourceGrants) > 0:
		res.Decision, res.Matched = Allowed, resourceGrants
	}
	return res
}

// statements returns the number of statements of the policy (none for a
// nil Doc), to range over.
func (p Named) statements() int {
	if p.Doc == nil {
		return 0
	}
	return len(p.Doc.stmts)
}

// match is the policy's statement i as a Match.
func (p Named) match(i int) Match {
	st := &p.Doc.stmts[i]
	return Match{PolicyID: p.ID, PolicyType: p.Type, Statement: i, Sid: st.sid, Deny: st.deny, Start: st.start, End: st.end}
}
