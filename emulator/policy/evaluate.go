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
	// "aws-managed" or "session": the simulator's SourcePolicyType.
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
	// Start and End are the positions of the statement's braces in the
	// document, for the simulator's StartPosition and EndPosition.
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
func Evaluate(identity, session []Named, r Request) Result {
	var denies, allows, sessionAllows []Match
	scan := func(ps []Named, allowed *[]Match) {
		for _, p := range ps {
			if p.Doc == nil {
				continue
			}
			for i := range p.Doc.stmts {
				st := &p.Doc.stmts[i]
				if !st.matches(&r, p.Doc.trust) {
					continue
				}
				m := Match{PolicyID: p.ID, PolicyType: p.Type, Statement: i, Sid: st.sid, Deny: st.deny, Start: st.start, End: st.end}
				if st.deny {
					denies = append(denies, m)
				} else {
					*allowed = append(*allowed, m)
				}
			}
		}
	}
	scan(identity, &allows)
	scan(session, &sessionAllows)
	switch {
	case len(denies) > 0:
		return Result{Decision: ExplicitDeny, Matched: denies}
	case len(allows) > 0 && (len(session) == 0 || len(sessionAllows) > 0):
		return Result{Decision: Allowed, Matched: append(allows, sessionAllows...)}
	}
	return Result{Decision: ImplicitDeny}
}
