package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// ErrMalformed is wrapped by every error Parse returns.
var ErrMalformed = errors.New("malformed policy document")

// MalformedError is a policy document IAM would refuse. Its text says
// what is wrong in IAM's words, fit for a MalformedPolicyDocument message.
type MalformedError struct {
	Reason string
	// Syntax is set when the document breaks the grammar itself: it is
	// not JSON, names an element IAM does not know or gives one a value
	// of the wrong type, has no Statement or Effect, or an Effect that is
	// not Allow or Deny in any case. IAM's CreatePolicy answers these
	// "Syntax errors in policy." (test_iam_policies.snapshot.json
	// invalid-0, 3 to 6, 8, 10, 31, 39, 45, 47, 57, 61, which TestSyntaxErrors
	// pins); Reason says more. Each refusal sets it explicitly (syntax or
	// malformed), never from its text. CreatePolicy answers invalid-1 and
	// 2, which name no Version or the legacy one, with its own version
	// text before the grammar is read (CheckManaged).
	Syntax bool
}

func (e *MalformedError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrMalformed) true.
func (e *MalformedError) Unwrap() error { return ErrMalformed }

// malformed is a refusal with its reason of a document whose grammar is
// sound (MalformedError.Syntax unset).
func malformed(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...)}
}

// syntax is a refusal of the grammar itself (MalformedError.Syntax set),
// with its reason.
func syntax(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...), Syntax: true}
}

// Policy language versions.
const (
	Version2012 = "2012-10-17" // current: policy variables are substituted
	Version2008 = "2008-10-17" // legacy, and the default when Version is absent
)

// Document is a parsed policy: a role trust policy (Parse), a permission
// policy (ParsePermissions) or a resource-based policy (ParseResource).
// Its statements match on Principal where they name one and on Resource
// where they name one.
type Document struct {
	version string
	stmts   []statement
}

// Version returns the document's policy language version (Version2008
// when the document names none).
func (d *Document) Version() string { return d.version }

type statement struct {
	sid       string
	deny      bool
	notAction bool
	actions   [][]part
	principal principal
	// named is set when the statement names a Principal or, with
	// notPrincipal, a NotPrincipal (resource-based policies only).
	named        bool
	notPrincipal bool
	// resources are the Resource (or, with notResource, NotResource)
	// patterns of a permission policy statement.
	resources   [][]part
	notResource bool
	// arns are the Resource or NotResource patterns as written.
	arns  []string
	conds []cond
	// start and end locate the statement's braces in the document.
	start, end Position
}

// Request is what is being authorised.
type Request struct {
	// Action is the action asked for: "sts:AssumeRoleWithWebIdentity",
	// "sts:TagSession", "sts:AssumeRole"…
	Action string
	// Federated is the web identity provider: "cognito-identity.amazonaws.com",
	// an OpenID Connect provider host or ARN…
	Federated string
	// AWS is the caller's ARN, for AssumeRole.
	AWS string
	// Named, when set, lets an AWS principal match only where it names
	// the caller itself (its ARN, or the role of a role session) or is
	// "*": an account principal (an account id or its :root ARN), which
	// trusts the account to delegate through its identity policies, does
	// not match. It tells a trust policy that names the caller from one
	// that trusts its account.
	Named bool
	// Direct, with Named, lets an AWS principal match only where it is the
	// caller's own ARN or "*": a role's ARN does not match its sessions.
	// It tells a trust policy that names a role session itself, whose
	// grant no session policy or permissions boundary caps, from one that
	// names its role (IAM User Guide, "Policy evaluation logic").
	Direct bool
	// Resource is the ARN of the resource acted on, matched against the
	// Resource and NotResource elements of permission policies (trust
	// policies have none). It is compared literally, case-sensitively:
	// "*" in it is not a wildcard.
	Resource string
	// Context holds the condition keys and their values, e.g.
	// "cognito-identity.amazonaws.com:aud": {poolID} and
	// "cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com", …}.
	// Keys are matched case-insensitively; a key with no values is absent.
	Context map[string][]string
	// Lists names the keys of Context that are multivalued (a list type,
	// as SimulateCustomPolicy's ContextKeyType "stringList" gives one)
	// besides those IAM documents so (see multivalued): such a key is no
	// policy variable, even with one value.
	Lists []string
	// bounded is set by Set.Evaluate when the caller has a permissions
	// boundary, which no NotPrincipal excludes.
	bounded bool
}

// Parse parses a trust policy document (a role's AssumeRolePolicyDocument)
// as idpool reads one it holds. A document IAM would refuse yields a
// *MalformedError, which wraps ErrMalformed; CheckTrust adds the rules IAM
// applies to a trust policy being written.
func Parse(doc []byte) (*Document, error) {
	return parse(doc, rules{trust: true})
}

// ParsePermissions parses a permission policy document as idpool reads
// one it holds: an identity-based policy (a role's inline or managed
// policy) or a session policy. Its statements must name a Resource or
// NotResource and no Principal. A document IAM would refuse yields a
// *MalformedError, which wraps ErrMalformed; CheckPermissions adds the
// rules IAM applies to a policy being written.
func ParsePermissions(doc []byte) (*Document, error) {
	return parse(doc, rules{})
}

// ParseResource parses a resource-based policy, such as the one IAM's
// policy simulator takes as ResourcePolicy: its statements must name a
// Principal and may name a Resource or NotResource (without one a
// statement covers every resource). A document IAM would refuse yields a
// *MalformedError, which wraps ErrMalformed.
func ParseResource(doc []byte) (*Document, error) {
	return parse(doc, rules{res: true})
}

// CheckTrust parses a trust policy being written (CreateRole,
// UpdateAssumeRolePolicy) as IAM checks it: Parse's grammar with IAM's
// rules for the text of a new document's actions (see checkAction), then
// the rules validate applies. A refusal is a *MalformedError.
func CheckTrust(doc []byte) (*Document, error) {
	d, err := parse(doc, rules{trust: true, write: true})
	if err != nil {
		return nil, err
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// CheckPermissions parses a permission policy being written
// (PutRolePolicy, CreatePolicy, CreatePolicyVersion) as IAM checks it:
// ParsePermissions' grammar with IAM's rules for the text of a new
// document's actions and resources (see checkAction and checkResource).
// A refusal is a *MalformedError.
func CheckPermissions(doc []byte) (*Document, error) {
	return parse(doc, rules{write: true})
}

// CheckManaged parses a managed policy's document being written
// (CreatePolicy, CreatePolicyVersion) as IAM checks it: CheckPermissions'
// rules, after one that comes before all others, as AWS applies it
// (test_iam_policies.snapshot.json invalid-1, 2, 60, 65, 66): a document
// that is a JSON object must name Version 2012-10-17. (Another Version
// is the grammar's to refuse; inline policies, and managed ones already
// held, may name none or the legacy 2008-10-17.)
func CheckManaged(doc []byte) (*Document, error) {
	return parse(doc, rules{write: true, managed: true})
}

// rules says what parse reads: a trust policy, a resource-based policy or
// else a permission policy, and whether it is being written.
type rules struct {
	trust, res bool
	// write adds the rules IAM applies to the text of a document it is
	// given to store that earlier versions of idpool did not apply: a
	// document idpool already holds, in a store or an export, may break
	// them and must still be read (evaluated, simulated, loaded).
	write bool
	// managed adds the Version rule of a managed policy (CheckManaged).
	managed bool
}

func parse(doc []byte, r rules) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, syntax("This policy contains invalid Json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, syntax("This policy contains invalid Json")
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, syntax("Syntax errors in policy: the document must be a JSON object")
	}
	if v, named := obj["Version"]; r.managed && (!named || v == any(Version2008)) {
		return nil, malformed("Policy document must be version 2012-10-17 or greater.")
	}
	d := &Document{version: Version2008}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		switch k {
		case "Version":
			v, ok := obj[k].(string)
			if !ok || (v != Version2012 && v != Version2008) {
				return nil, syntax("The policy must contain a valid version string")
			}
			d.version = v
		case "Id":
			if _, ok := obj[k].(string); !ok {
				return nil, syntax("Syntax errors in policy: Id must be a string")
			}
		case "Statement":
		default:
			return nil, syntax("Syntax errors in policy: unknown field %s", k)
		}
	}
	var raws []any
	switch s := obj["Statement"].(type) {
	case nil:
		return nil, syntax("Missing required field Statement")
	case map[string]any:
		raws = []any{s}
	case []any:
		raws = s
	default:
		return nil, syntax("Syntax errors in policy: Statement must be an object or an array of objects")
	}
	if len(raws) == 0 {
		return nil, syntax("Missing required field Statement")
	}
	if r.write {
		if err := legacyParse(raws); err != nil {
			return nil, err
		}
	}
	// Sids are checked before the statements they name, as AWS does
	// (test_iam_policies.snapshot.json invalid-59).
	sids := make(map[string]bool, len(raws))
	for _, raw := range raws {
		m, _ := raw.(map[string]any)
		if sid, _ := m["Sid"].(string); sid != "" {
			if sids[sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[sid] = true
		}
	}
	for i, raw := range raws {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, syntax("Syntax errors in policy: Statement %d must be an object", i+1)
		}
		st, err := parseStatement(m, r, d.version == Version2012)
		if err != nil {
			return nil, err
		}
		d.stmts = append(d.stmts, st)
	}
	for i, sp := range statementSpans(doc) {
		if i < len(d.stmts) {
			d.stmts[i].start, d.stmts[i].end = sp[0], sp[1]
		}
	}
	return d, nil
}

// legacyParse applies to the statements of a document being written the
// checks AWS makes before it compares Sids or looks for actions, and
// answers "The policy failed legacy parsing": an Effect of Allow or Deny
// in another case (test_iam_policies.snapshot.json invalid-63, 69, and
// invalid-70, where two statements share a Sid) and a Date condition's
// value that is not a date (legacyDate: invalid-64, 67, where the
// statement has no actions, 72 to 76). Anything else amiss is left for
// parseStatement to find.
func legacyParse(raws []any) error {
	for _, raw := range raws {
		m, _ := raw.(map[string]any)
		if e, ok := m["Effect"].(string); ok && e != "Allow" && e != "Deny" &&
			(strings.EqualFold(e, "Allow") || strings.EqualFold(e, "Deny")) {
			return malformed("The policy failed legacy parsing")
		}
		block, _ := m["Condition"].(map[string]any)
		for name, keys := range block {
			op, known := parseOperator(name)
			keys, ok := keys.(map[string]any)
			if !known || !ok || op.family != fDate {
				continue
			}
			for key, v := range keys {
				vs, _ := conditionValues(name, key, v)
				for _, s := range vs {
					if !legacyDate(s) {
						return malformed("The policy failed legacy parsing")
					}
				}
			}
		}
	}
	return nil
}

func parseStatement(m map[string]any, r rules, vars bool) (statement, error) {
	trust, res := r.trust, r.res
	var st statement
	var action, notAction, principal, resource, notResource bool
	// The actions' text is checked once the statement's other elements
	// are: AWS answers a statement with a bad Resource or none by that
	// first, whatever its actions (test_iam_policies.snapshot.json
	// invalid-18, invalid-29).
	var actions []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch k {
		case "Sid":
			s, ok := v.(string)
			if !ok {
				return st, syntax("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
			}
			if !alnum(s) {
				return st, malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
			}
			st.sid = s
		case "Effect":
			switch v {
			case "Allow":
			case "Deny":
				st.deny = true
			default:
				// Written, another case of Allow or Deny fails legacy
				// parsing (legacyParse); read, it is refused with its
				// own text. Any other value is a syntax error.
				if s, ok := v.(string); ok && (strings.EqualFold(s, "Allow") || strings.EqualFold(s, "Deny")) {
					return st, malformed("Invalid effect: %s", s)
				}
				return st, syntax("Invalid effect: %s", text(v))
			}
		case "Action", "NotAction":
			vs, err := stringList(k, v, true)
			if err != nil {
				return st, err
			}
			for _, a := range vs {
				st.actions = append(st.actions, compile(a, true, false))
			}
			actions = append(actions, vs...)
			action, notAction = action || k == "Action", notAction || k == "NotAction"
			st.notAction = k == "NotAction"
		case "Principal", "NotPrincipal":
			if !trust && !res {
				return st, malformed("Policy document should not specify a principal.")
			}
			// NotPrincipal is for resource-based policies only: IAM
			// refuses it in trust and identity policies.
			if k == "NotPrincipal" && !res {
				return st, malformed("Has prohibited field %s", k)
			}
			p, err := parsePrincipal(v)
			if err != nil {
				return st, err
			}
			if principal {
				return st, syntax("Syntax errors in policy: a statement cannot have both Principal and NotPrincipal")
			}
			st.principal, st.named, st.notPrincipal, principal = p, true, k == "NotPrincipal", true
		case "Resource", "NotResource":
			if trust {
				return st, malformed("Has prohibited field %s", k)
			}
			ps, arns, err := parseResources(k, v, vars, r.write)
			if err != nil {
				return st, err
			}
			st.resources, st.arns = ps, arns
			resource, notResource = resource || k == "Resource", notResource || k == "NotResource"
			st.notResource = k == "NotResource"
		case "Condition":
			cs, err := parseCondition(v, vars)
			if err != nil {
				return st, err
			}
			st.conds = cs
		default:
			return st, syntax("Syntax errors in policy: unknown field %s", k)
		}
	}
	switch {
	case m["Effect"] == nil:
		return st, syntax("Missing required field Effect")
	case action && notAction:
		return st, syntax("Syntax errors in policy: a statement cannot have both Action and NotAction")
	case !action && !notAction || len(actions) == 0:
		return st, malformed("Policy statement must contain actions.")
	case (trust || res) && !principal:
		return st, malformed("Missing required field Principal")
	case st.notPrincipal && !st.deny:
		// IAM's guide: NotPrincipal must be used with "Effect":"Deny";
		// with Allow it is not supported.
		return st, syntax("Syntax errors in policy: NotPrincipal must be used with \"Effect\":\"Deny\"")
	case resource && notResource:
		return st, syntax("Syntax errors in policy: a statement cannot have both Resource and NotResource")
	case !trust && !res && (!resource && !notResource || len(st.arns) == 0):
		return st, malformed("Policy statement must contain resources.")
	}
	for _, a := range actions {
		if err := checkAction(a, r.write); err != nil {
			return st, err
		}
	}
	return st, nil
}

// checkAction checks an action's text as IAM does: "*", or a vendor and a
// name around a colon. Written (write), a document's actions have one
// colon only and a vendor without white space (the name may hold spaces
// and wildcards: test_iam_policies.snapshot.json invalid-13 to 15 and
// valid-1); idpool took such actions before it knew so, and reads them.
func checkAction(a string, write bool) error {
	if a == "*" {
		return nil
	}
	vendor, name, ok := strings.Cut(a, ":")
	switch {
	case !ok || vendor == "" || name == "":
		return malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
	case !write:
		return nil
	case strings.Contains(name, ":"):
		return malformed("Actions/Condition can contain only one colon.")
	case strings.IndexFunc(vendor, unicode.IsSpace) >= 0:
		return malformed("Vendor %s is not valid", vendor)
	}
	return nil
}

// parseCondition parses a Condition block: {operator: {key: values}}.
func parseCondition(v any, vars bool) ([]cond, error) {
	block, ok := v.(map[string]any)
	if !ok {
		return nil, syntax("Syntax errors in policy: Condition must be an object mapping operators to keys")
	}
	var cs []cond
	for _, name := range slices.Sorted(maps.Keys(block)) {
		op, known := parseOperator(name)
		keys, ok := block[name].(map[string]any)
		switch {
		// AWS takes an operator it does not know when it names no key
		// ({"a": {}}), which tests nothing (test_iam_policies.snapshot.json
		// valid-19, valid-31).
		case !known && ok && len(keys) == 0:
			continue
		case !known:
			return nil, syntax("Invalid Condition type : %s", name)
		case !ok:
			return nil, syntax("Syntax errors in policy: condition %s must map keys to values", name)
		}
		// A key needs no vendor: AWS takes {"StringEqualsIfExists":
		// {"a": "asf"}} (valid-32 to 37); a request never has such a key.
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			raws, err := conditionValues(name, key, keys[key])
			if err != nil {
				return nil, err
			}
			c, reason := newCond(op, key, raws, vars)
			if reason != "" {
				return nil, malformed("%s", reason)
			}
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// conditionValues returns the values of a condition key: strings, numbers
// and booleans as their JSON text, alone or in an array.
func conditionValues(op, key string, v any) ([]string, error) {
	out, ok := ScalarValues(v)
	if !ok {
		return nil, syntax("Syntax errors in policy: values of %s %s must be strings, numbers or booleans", op, key)
	}
	return out, nil
}

// ScalarValues returns v, a decoded JSON string, number (json.Number) or
// boolean or an array of them, as condition key values: numbers and
// booleans as their JSON text. ok is false for anything else (an object,
// null, an array holding one).
func ScalarValues(v any) (out []string, ok bool) {
	one := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	if arr, ok := v.([]any); ok {
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, ok := one(e)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := one(v)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

// stringList returns an element holding one string or an array of
// strings. With empty, either may be empty: an empty Action, NotAction,
// Resource or NotResource is refused for what it lacks, in AWS's words
// ("Policy statement must contain actions.", "Resource  must be in ARN
// format or \"*\".": test_iam_policies.snapshot.json invalid-12, 17, 20,
// 28, 33). Without it (a Principal's values) the string and the array
// must not be empty.
func stringList(elem string, v any, empty bool) ([]string, error) {
	switch x := v.(type) {
	case string:
		if x == "" && !empty {
			return nil, syntax("Syntax errors in policy: %s must not be empty", elem)
		}
		return []string{x}, nil
	case []any:
		if len(x) == 0 && !empty {
			return nil, syntax("Syntax errors in policy: %s must not be empty", elem)
		}
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			switch {
			case !ok && empty:
				return nil, syntax("Syntax errors in policy: %s must hold strings", elem)
			case !ok || s == "" && !empty:
				return nil, syntax("Syntax errors in policy: %s must hold non-empty strings", elem)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, syntax("Syntax errors in policy: %s must be a string or an array of strings", elem)
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// text renders a JSON value for a message.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Allowed reports whether the document allows the request: at least one
// Allow statement matches it (action, principal and every condition) and
// no Deny statement does.
func (d *Document) Allowed(r Request) bool {
	allowed := false
	for i := range d.stmts {
		st := &d.stmts[i]
		if st.matches(&r) {
			if st.deny {
				return false
			}
			allowed = true
		}
	}
	return allowed
}

// Explain returns why the document refuses the request, in a short text
// for logs, or "" when it allows it: the Deny statement that matched, or
// for each Allow statement what it does not match, for a condition the
// values it wants and the request's, or the key the request lacks (see
// cond.unmet).
func (d *Document) Explain(r Request) string {
	if d.Allowed(r) {
		return ""
	}
	var b strings.Builder
	for i := range d.stmts {
		st := &d.stmts[i]
		if st.deny && st.matches(&r) {
			return "explicitly denied by " + st.name(i)
		}
	}
	b.WriteString("no statement allows ")
	b.WriteString(r.Action)
	for i := range d.stmts {
		st := &d.stmts[i]
		if st.deny {
			continue
		}
		b.WriteString("; ")
		b.WriteString(st.name(i))
		b.WriteString(": ")
		b.WriteString(st.mismatch(&r))
	}
	return b.String()
}

// validate applies to a trust policy the rule IAM applies, beyond its
// grammar (which Parse checks), when a role's trust policy is written
// (CreateRole, UpdateAssumeRolePolicy): an Allow statement whose
// Principal names Cognito (Federated "cognito-identity.amazonaws.com", or
// a GovCloud region's CognitoPrincipal) and whose Action covers
// sts:AssumeRoleWithWebIdentity must constrain that principal's :aud key
// with a condition that fails without the key (see unconstrained), or any
// identity pool's identities could assume the role. IAM answers such a
// document with MalformedPolicyDocument and the *MalformedError's text. A
// role IAM already holds is evaluated as it is. The rule holds for every
// partition's principal whichever partition the request is in [unconfirmed:
// AWS was seen to apply it to its own partition's principal; a trust policy
// naming another partition's Cognito trusts nothing there anyway].
//
// Before that, every statement must speak of the STS actions that assume
// a role (assumeActions), or IAM answers "AssumeRole policy may only
// specify STS AssumeRole actions." (a typo such as sts:TagSessions is
// refused so). AWS is silent on wildcards and NotAction; idpool takes an
// Action pattern ("*", "sts:*", "sts:AssumeRole*") that matches at least
// one of them and refuses one that matches none ("s3:*"), and takes a
// NotAction that leaves at least one of them covered (NotAction
// "s3:GetObject"), refusing one that excludes them all (NotAction "sts:*").
//
// Then every Federated principal must be a domain name or the ARN of an
// IAM SAML or OpenID Connect provider (see federatedName), and every
// Service principal have the shape of an AWS service's (see
// servicePartition), or "*" [unconfirmed: AWS is silent on it]. Whether the
// IAM roles and users an AWS principal names exist is the caller's to
// check (AWSPrincipals): the document does not know what IAM holds.
func (d *Document) validate() error {
	for i := range d.stmts {
		if !d.stmts[i].assumes() {
			return malformed("AssumeRole policy may only specify STS AssumeRole actions.")
		}
	}
	for i := range d.stmts {
		for _, f := range d.stmts[i].principal.federated {
			if !federatedName(f) {
				return malformed("Federated principals must be valid domain names or SAML metadata ARNs")
			}
		}
		for _, sv := range d.stmts[i].principal.service {
			if _, ok := servicePartition(sv); !ok && sv != "*" {
				return malformed("Invalid principal in policy: \"SERVICE\":%q", sv)
			}
		}
	}
	for _, p := range cognitoPrincipals {
		if d.unconstrained(p, p+":aud") {
			return malformed("A condition block must be present for the Cognito provider")
		}
	}
	return nil
}

// assumeActions are the actions a trust policy may name: the STS actions
// that assume a role or pass something to the session they make.
var assumeActions = [...]string{
	"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
	"sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
}

// assumes reports whether the statement speaks of the actions a trust
// policy may name, as validate says: each of its Action patterns matches
// one of assumeActions, or its NotAction leaves one of them covered.
func (st *statement) assumes() bool {
	if st.notAction {
		return slices.ContainsFunc(assumeActions[:], st.action)
	}
	for _, p := range st.actions {
		if !slices.ContainsFunc(assumeActions[:], func(a string) bool { return glob(p, a, true) }) {
			return false
		}
	}
	return true
}

// unconstrained reports whether an Allow statement that allows
// sts:AssumeRoleWithWebIdentity names the federated provider in its
// Principal without a condition that requires key
// (case-insensitive) to hold given values. Negated, ...IfExists,
// ForAllValues and Null conditions do not count: each lets a request
// without the key through. A Principal of "*" does not name the provider.
func (d *Document) unconstrained(federated, key string) bool {
	for i := range d.stmts {
		st := &d.stmts[i]
		if st.deny || !st.named || !st.principal.names(federated) || !st.action("sts:AssumeRoleWithWebIdentity") {
			continue
		}
		constrained := false
		for j := range st.conds {
			if c := &st.conds[j]; strings.EqualFold(c.key, key) && c.constrains() {
				constrained = true
				break
			}
		}
		if !constrained {
			return true
		}
	}
	return false
}

func (st *statement) name(i int) string {
	if st.sid != "" {
		return fmt.Sprintf("statement %d (%s)", i+1, st.sid)
	}
	return fmt.Sprintf("statement %d", i+1)
}

// matches reports whether the statement covers the request: its action,
// its principal when it names one (trust and resource-based policies), its
// resource when it names one (permission and resource-based policies), and
// every condition.
func (st *statement) matches(r *Request) bool {
	if !st.action(r.Action) {
		return false
	}
	if !st.who(r) || len(st.resources) > 0 && !st.resource(r) {
		return false
	}
	for i := range st.conds {
		if !st.conds[i].eval(r) {
			return false
		}
	}
	return true
}

// who reports whether the statement covers the request's caller: any
// caller when it names no principal (identity policies), the callers its
// Principal matches, or with NotPrincipal those it does not exclude.
func (st *statement) who(r *Request) bool {
	switch {
	case !st.named:
		return true
	case st.notPrincipal:
		return !st.principal.excludes(r)
	}
	return st.principal.matches(r)
}

// mismatch says why an Allow statement does not match the request.
func (st *statement) mismatch(r *Request) string {
	switch {
	case !st.action(r.Action):
		return "action not allowed"
	case !st.who(r):
		return "principal not trusted"
	case len(st.resources) > 0 && !st.resource(r):
		return "resource not matched"
	}
	for i := range st.conds {
		c := &st.conds[i]
		if !c.eval(r) {
			return c.unmet(r)
		}
	}
	return "matches" // unreachable when the document refuses
}

// action reports whether the statement's Action (or NotAction) covers a.
func (st *statement) action(a string) bool {
	for _, p := range st.actions {
		if glob(p, a, true) {
			return !st.notAction
		}
	}
	return st.notAction
}
