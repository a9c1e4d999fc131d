// Package policy parses IAM policy documents and evaluates them the way
// IAM does: role trust policies, which decide sts:AssumeRoleWithWebIdentity,
// sts:AssumeRole and sts:TagSession, and permission policies, which decide
// what a role session's credentials may do.
//
// API summary:
//
//   - Parse parses a trust policy as idpool reads one it holds;
//     Document.Allowed and Explain evaluate it. CheckTrust parses a trust
//     policy being written, with IAM's rules for one: Parse's and the
//     text rules below, then validate's (they name only the STS actions
//     that assume a role, and one that trusts Cognito must constrain its
//     :aud key).
//   - ParsePermissions parses a permission policy (a role's inline or
//     managed policy, a session policy or a permissions boundary) as
//     idpool reads one it holds, CheckPermissions one being written;
//     ParseResource a resource-based policy (the simulator's
//     ResourcePolicy), whose statements name a Principal and may name a
//     Resource.
//   - Evaluate(identity, session []Named, Request) Result decides a
//     session's request: Result.Decision is Allowed, ExplicitDeny or
//     ImplicitDeny (String gives "allowed", "explicitDeny",
//     "implicitDeny"), and Result.Matched the statements that decided it,
//     each naming its policy (Named.ID, Named.Type), index, Sid and
//     Start/End Position in the document. Set.Evaluate generalises it
//     with a permissions boundary and resource policies.
//   - Document.ContextKeys lists the condition keys and policy variables
//     the statements covering an action use; Missing those a context lacks.
//   - Session.Keys builds the request context AWS gives a role session:
//     aws:userid, aws:PrincipalTag/*, cognito-identity.amazonaws.com:aud,
//     :sub and :amr, an OpenID Connect provider's <host>:aud, :sub, :amr.
//
// Parse accepts the IAM policy grammar as it applies to trust policies
// (spec tokens.md §5–6): Version optional ("2012-10-17" or "2008-10-17"),
// Statement an object or an array, each statement with Effect Allow or
// Deny, Principal, Action or NotAction, and an optional Condition. Any
// element may hold one value or an array. A document IAM would refuse is
// an error wrapping ErrMalformed whose text says what is wrong, fit to be
// the message of a MalformedPolicyDocument answer. Parse also refuses, as
// IAM does for trust policies, Resource and NotResource ("Has prohibited
// field") and NotPrincipal, which IAM supports only in resource-based
// policies (ParseResource), and there only with "Effect": "Deny".
//
// Permission policies (ParsePermissions) follow the same grammar but each
// statement names Resource or NotResource ("Policy statement must contain
// resources.") and no Principal ("Policy document should not specify a
// principal."). A Resource is "*" or an ARN whose service is written out
// ("Resource vendor must be fully qualified and cannot contain regexes."),
// as short as arn:aws:svc. In every policy an action is "*" or a vendor,
// a colon and a name; a condition key needs no vendor, and an operator
// idpool does not know is taken when it names no key, as AWS takes them.
// A policy being written (CheckTrust, CheckPermissions) meets the text
// rules IAM applies to a new document, which earlier idpool versions did
// not apply and which a document idpool holds, in a store or an export,
// may therefore break: an action has one colon only and a vendor without
// white space; a resource's second field is a partition, whatever its
// first (or Partition "b" is not valid for resource "arn:b:c:*:*:*".), it
// names no region when it is IAM's or an S3 bucket's or object's, and an
// IAM resource's path is "*", root or of a type IAM knows (user/, role/…).
// IAM's legacy parser refuses the rest ("The policy failed legacy
// parsing"): a resource without a service or with something other than
// letters, digits, hyphens and wildcards in its account field, an Effect
// of Allow or Deny in another case, and a Date condition's value that is
// neither an epoch time nor an ISO 8601 date as IAM's lenient parser
// reads it (isoDate: 01T and 2016-12-13t2:00:00+23 are dates).
// Resources match case-sensitively as ArnLike does: when the pattern has
// six colon-separated components, wildcards in the first five (partition,
// service, region, account) stay within their field, and the resource
// part, everything after the fifth colon, is matched whole, its * and ?
// matching colons and slashes too; so "arn:aws:s3:::bucket/*/private/*"
// covers "bucket/us-east-1:1234…/private/x", whose identity id holds a
// colon. A pattern with fewer components ("*", "arn:aws:logs:us-east-1:*")
// is matched against the whole ARN. (IAM's guide says wildcards stay
// within segments except a * ending one; its policy simulator lets them
// span slashes, and S3-compatible implementations match the resource part
// whole, which is what a policy on Cognito identity ids needs.) Policy
// variables in a Resource are substituted within their component, as
// literal text; one that cannot be resolved makes the statement not
// apply, whether in Resource or NotResource.
// Actions match case-insensitively, with * and ? anywhere.
//
// Document.Allowed applies IAM's rules: a request is allowed when at least
// one Allow statement matches it (action, principal or resource, and every
// condition) and no Deny statement does; an explicit Deny always wins.
// Evaluate applies them to a role session's request across its policies:
// a Deny in any identity or session policy is an ExplicitDeny; otherwise
// the request is Allowed when the identity policies allow it and, if the
// session has session policies, one of them allows it too (the session's
// permissions are the intersection of the two); otherwise ImplicitDeny.
// Set.Evaluate adds the rest of IAM's same-account logic: a permissions
// boundary caps the identity policies as session policies do and its Deny
// refuses; a resource policy's Deny that matches the caller (Request.AWS)
// refuses, and its Allow that names the caller itself grants on its own,
// unless the resource is another account's (Set.CrossAccount), where the
// identity policies must allow too. An Allow that names only the caller's
// account (its id or :root ARN) delegates to the account: the identity
// policies must allow as well. A Deny with NotPrincipal refuses every
// caller it does not exclude; it excludes an IAM caller only when it
// lists both the caller's account and the caller (a role session: its
// role or itself), as IAM's guide says AWS checks the account first, and
// never a caller with a permissions boundary.
//
// Session.Keys gives the keys AWS documents for role sessions: aws:userid
// "<role id>:<session name>"; no aws:username, which IAM gives IAM users
// only (so ${aws:username} needs a default in a role's policy);
// aws:PrincipalArn the role's ARN; aws:PrincipalTag/<key> for the
// principal tags; the web identity keys, cognito-identity.amazonaws.com:aud
// (pool id), :sub (identity id) and :amr (multi-valued), or an OpenID
// Connect provider's <host/path>:aud, :sub and :amr; aws:FederatedProvider
// "cognito-identity.amazonaws.com" or the OIDC provider's ARN. Keys of the
// request itself (aws:CurrentTime, aws:SourceIp, service keys such as
// dynamodb:LeadingKeys or s3:prefix) are the caller's to add.
//
// Conditions follow IAM: operators of a block, and keys of an operator,
// are ANDed; the values of one key are ORed (NORed for negated operators).
// Condition keys are case-insensitive, values case-sensitive except for
// the IgnoreCase operators, Bool and action names. A key absent from the
// request (or present with no values) makes a positive operator false and
// a negated one (StringNotEquals, StringNotLike, NotIpAddress…) true;
// ...IfExists makes any operator true on an absent key, and Null tests
// presence itself. Set operators: ForAnyValue: is true when at least one
// request value passes (false on an absent key), ForAllValues: when every
// request value passes (true on an absent key); to both, a key whose only
// value is an empty string is a null dataset, as an absent key is (IAM
// User Guide, "Multivalued context key examples"). Without a set operator a
// multi-valued key, such as cognito-identity.amazonaws.com:amr, is read
// as IAM reads a single value against the policy's list: a positive
// operator matches when any request value matches any policy value, and a
// negated operator is the exact negation of its positive form (true only
// when no request value matches any policy value).
//
// Every IAM operator family is evaluated: String*, Numeric*, Date*, Bool,
// BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, with IfExists (except
// Null) and the set prefixes (except on Null). Operator names are matched
// case-insensitively. An unknown operator is ErrMalformed.
//
// Policy variables such as ${cognito-identity.amazonaws.com:sub} are
// substituted in Resource elements and in the values of String, Arn and
// Bool conditions when the
// document's Version is 2012-10-17 (older documents keep them literally,
// as IAM does). A variable takes the key's single value from the request,
// unless the key is multivalued (cognito-identity.amazonaws.com:amr,
// aws:TagKeys and the other keys IAM types as lists, or one of
// Request.Lists): IAM takes no multivalued key as a variable, whatever its
// values, so it resolves as an absent key does;
// ${key, 'default'} supplies a default; ${*}, ${?} and ${$} stand for the
// literal characters. A substituted value is literal text: its * and ? are
// not wildcards. A variable that cannot be resolved (key absent or
// multivalued, no default) makes the condition false, so the statement
// does not apply, whatever the operator; only an ...IfExists operator on
// an absent key still holds, which is how IAM advises guarding variables.
//
// Principals: "*" and {"AWS": "*"} match every caller. Federated values
// match Request.Federated case-insensitively; an IAM OpenID Connect
// provider ARN (arn:aws:iam::<acct>:oidc-provider/<host>) also matches its
// bare host and the reverse, since idpool emulates a single account. AWS
// values match Request.AWS as IAM does: an account id or its :root ARN any
// caller of that account, a role ARN the role and its assumed-role
// sessions, any other ARN exactly. Service and CanonicalUser principals
// parse but never match: idpool has no service callers. A trust policy
// being written names a service as AWS does, <name>.amazonaws.com (or
// regional, or under its partition's domain: .amazonaws.com.cn in AWS
// China), or IAM answers Invalid principal in policy: "SERVICE":"<value>".
//
// A Document is immutable once parsed and safe for concurrent use; parse
// a policy once and keep the Document.
package policy
