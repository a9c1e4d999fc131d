package policy

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/idpool/idpool/emulator/arn"
)

// parseResources parses the Resource or NotResource element of a
// permission policy statement: "*" or ARN patterns. It returns them
// compiled, and as written. write applies the rules of a policy being
// written (checkResource).
func parseResources(elem string, v any, vars, write bool) ([][]part, []string, error) {
	vs, err := stringList(elem, v, true)
	if err != nil {
		return nil, nil, err
	}
	out := make([][]part, 0, len(vs))
	for _, s := range vs {
		if err := checkResource(s, write); err != nil {
			return nil, nil, err
		}
		out = append(out, compile(s, true, vars))
	}
	return out, vs, nil
}

// checkResource checks a Resource or NotResource as IAM does: "*" or
// arn:<partition>:<service>[:<region>:<account>:<resource>], the service
// written out. AWS takes an ARN as short as arn:aws:fdsasf and refuses
// arn:aws (test_iam_policies.snapshot.json valid-9, invalid-38). Written
// (write), a resource meets the rules IAM applies to a new document,
// which idpool learnt after it held documents that may break them:
//
//   - Its second field is a partition (or a wildcard), whatever the first
//     ("Partition … is not valid for resource …": see partitionRefusal).
//   - It names a service; an ARN of fewer than six fields has no empty
//     one; an ARN long enough to have an account field has an account
//     there (see legacyAccount). Otherwise it fails legacy parsing:
//     arn:aws::fdsasf, arn:aws::::example_bucket and
//     arn:aws:s3::example_bucket, a bucket written with one colon too
//     few (invalid-77, 68, 36, 71).
//   - An IAM resource names no region, nor does an S3 one without an
//     account (a bucket or object; an access point has both: valid-50):
//     invalid-55, 56.
//   - An IAM resource's path is one IAM knows (iamPath: invalid-35).
func checkResource(s string, write bool) error {
	if s == "*" {
		return nil
	}
	f := strings.SplitN(s, ":", 6)
	if write && len(f) >= 2 && !partitionLike(f[1]) {
		return partitionRefusal(f[1], f[2:])
	}
	switch {
	case f[0] != "arn" || len(f) < 2:
		return malformed("Resource %s must be in ARN format or \"*\".", s)
	case len(f) < 3 || strings.ContainsAny(f[2], "*?"):
		return malformed("Resource vendor must be fully qualified and cannot contain regexes.")
	case f[2] == "" && write:
		return malformed("The policy failed legacy parsing")
	case f[2] == "":
		return malformed("Resource %s must be in ARN format or \"*\".", s)
	case !write:
		return nil
	case len(f) < 6 && strings.Contains(s, "::"), len(f) >= 5 && !legacyAccount(f[4]):
		return malformed("The policy failed legacy parsing")
	}
	region := len(f) >= 4 && f[3] != ""
	switch {
	case f[2] == "iam" && region:
		return malformed("IAM resource %s cannot contain region information.", s)
	case f[2] == "s3" && region && (len(f) < 5 || f[4] == ""):
		return malformed("Resource %s can not contain region information.", s)
	case f[2] == "iam" && len(f) == 6 && !iamPath(f[5]):
		return malformed("IAM resource path must either be \"*\", root, or start with %s.", strings.Join(iamPaths[:], ", "))
	}
	return nil
}

// partitionLike reports whether the partition field of a Resource is one
// IAM may take: shaped like a partition (arn.IsPartition; which one is
// CheckPartition's to say), or written with a wildcard or a policy
// variable, left to match what it may.
func partitionLike(p string) bool {
	return arn.IsPartition(p) || strings.ContainsAny(p, "*?$")
}

// partitionRefusal is IAM's answer to a Resource whose partition it does
// not take. IAM names the resource as the ARN it read: the partition
// from the second field, whatever the first holds, and the service,
// region, account and resource from the fields after it, each missing
// one as "*" (test_iam_policies.snapshot.json invalid-21 to 25: a:b:cadfsdf
// is "arn:b:cadfsdf:*:*:*", aws:s3:::example_bucket "arn:s3:::example_bucket:*").
// rest holds the fields after the partition, the last with any colons left.
func partitionRefusal(p string, rest []string) error {
	f := [4]string{"*", "*", "*", "*"}
	copy(f[:], rest)
	return malformed("Partition \"%s\" is not valid for resource \"arn:%s:%s\".", p, p, strings.Join(f[:], ":"))
}

// iamPaths are the resource types an IAM resource's path may start with,
// in the order IAM's refusal lists them (test_iam_policies.snapshot.json
// invalid-35).
var iamPaths = [...]string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

// iamPath reports whether IAM takes p as the resource part of an IAM
// ARN: "*", root, or a path starting with one of iamPaths. A wildcard
// stands for no type: a user reported arn:aws:iam::*:*/cdk-* refused.
func iamPath(p string) bool {
	if p == "*" || p == "root" {
		return true
	}
	for _, t := range iamPaths {
		if strings.HasPrefix(p, t) {
			return true
		}
	}
	return false
}

// legacyAccount reports whether the account field of a Resource ARN is
// one IAM's legacy policy parser takes: empty (as an S3 bucket's is), or
// letters, digits, hyphens and wildcards: an account id, "aws" (as an
// AWS managed policy's is), a placeholder such as account-id, which AWS
// took in arn:aws:ec2:region:account-id:instance/*
// (test_iam_policies.snapshot.json valid-42). Anything else there is
// refused "The policy failed legacy parsing", as users reported for a
// placeholder such as <ACCOUNT_ID> and for a policy variable, whose colon
// splits the field (arn:aws:iam::${aws:PrincipalAccount}:role/x). Which
// characters IAM refuses beyond those is not known [unconfirmed]; this
// rule fits every case recorded or reported.
func legacyAccount(a string) bool {
	for i := 0; i < len(a); i++ {
		if c := a[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

// CheckPartition applies to a policy the rule IAM applies when it is
// written through the endpoint of one partition: every Resource and
// NotResource ARN must be of that partition, and so must every AWS or
// Federated principal given as an ARN, or IAM answers
// MalformedPolicyDocument with the *MalformedError's text (AWS China's
// IAM answers Partition "aws" is not valid for resource
// "arn:aws:s3:::b/*"., naming a short ARN padded as partitionRefusal
// says, and, for a principal, Invalid principal in policy:
// "AWS":"arn:aws:iam::123456789012:root"). A partition written with a
// wildcard or a policy variable is left to match what it may. A Service
// principal under another partition's domain (eks.amazonaws.com.cn
// outside AWS China) is refused as IAM refuses one it does not know
// (see servicePartition); <name>.amazonaws.com is every partition's.
func (d *Document) CheckPartition(partition string) error {
	other := func(arn string) (string, bool) {
		p, ok := arnPartition(arn)
		return p, ok && p != partition && !strings.ContainsAny(p, "*?$")
	}
	for i := range d.stmts {
		st := &d.stmts[i]
		for _, r := range st.arns {
			if p, bad := other(r); bad {
				return partitionRefusal(p, strings.SplitN(r, ":", 6)[2:])
			}
		}
		for _, list := range []struct {
			kind string
			arns []string
		}{{"AWS", st.principal.aws}, {"Federated", st.principal.federated}} {
			for _, a := range list.arns {
				if _, bad := other(a); bad {
					return malformed("Invalid principal in policy: \"%s\":%q", list.kind, a)
				}
			}
		}
		for _, sv := range st.principal.service {
			if p, _ := servicePartition(sv); p != "" && p != partition {
				return malformed("Invalid principal in policy: \"SERVICE\":%q", sv)
			}
		}
	}
	return nil
}

// arnPartition returns the partition field of an ARN pattern, or false
// for "*".
func arnPartition(r string) (string, bool) {
	rest, ok := strings.CutPrefix(r, "arn:")
	if !ok {
		return "", false
	}
	p, _, ok := strings.Cut(rest, ":")
	return p, ok
}

// resource reports whether the statement's Resource (or NotResource)
// covers the request's resource. A policy variable that cannot be
// resolved makes the statement inapplicable, with Resource as with
// NotResource, as IAM does.
func (st *statement) resource(r *Request) bool {
	for _, p := range st.resources {
		match, ok := arnMatch(p, r, r.Resource)
		if !ok {
			return false
		}
		if match {
			return !st.notResource
		}
	}
	return st.notResource
}

// arnMatch matches an ARN against a Resource pattern as arnLike does,
// after substituting the pattern's policy variables within each of its
// components, so that a value holding colons (a Cognito identity id) stays
// in its component. ok is false when a variable has no value.
func arnMatch(ps []part, r *Request, s string) (match, ok bool) {
	comps, six := splitParts(ps)
	if !six {
		if ps, ok = substitute(ps, r); !ok {
			return false, false
		}
		return glob(ps, s, false), true
	}
	for i := range comps {
		if comps[i], ok = substitute(comps[i], r); !ok {
			return false, false
		}
	}
	return arnComponents(&comps, s), true
}

// substitute replaces the policy variables of ps with their values from
// the request context of r, as literal text (see resolveVar). It reports
// false when a variable has no value.
func substitute(ps []part, r *Request) ([]part, bool) {
	if !hasVar(ps) {
		return ps, true
	}
	out := make([]part, len(ps))
	for i, p := range ps {
		if p.kind != vari {
			out[i] = p
			continue
		}
		text, ok := resolveVar(r, p)
		if !ok {
			return nil, false
		}
		out[i] = part{kind: lit, text: text}
	}
	return out, true
}

// Position is a place in a policy document, as SimulatePrincipalPolicy
// reports a matched statement's StartPosition and EndPosition: Line and
// Column count from 1, Column in characters (a tab is one).
type Position struct {
	Line, Column int
}

// statementSpans returns where each statement of a well-formed policy
// document starts and ends as IAM's policy simulator reports it, which is
// where its JSON reader stood rather than where the braces are:
//
//   - a statement ends just past its closing brace;
//   - the first statement of a Statement array starts just past the '['
//     (on the line of the '[' when the statement opens on the next), and
//     each other one where the statement before it ended, before the
//     comma;
//   - a Statement given as a single object starts just past its '{'.
//
// AWS's answers show each rule: a one-line policy whose single statement
// object opens at column 37 starts at 38 and ends at 167, one past its
// last brace (aws-cli awscli/examples/iam/simulate-custom-policy.rst);
// AdministratorAccess, indented by two spaces, starts at line 3 column 17,
// just past "Statement": [, and ends at line 8 column 6, one past the
// brace at column 5 (users' pasted simulate-principal-policy answers); a
// compact bucket policy's two statements span 38 to 248 and 248 to 470
// (a recorded SimulateCustomPolicy ResourcePolicy answer).
//
// When the document names Statement twice, the last one counts, as it
// does for Parse.
func statementSpans(doc []byte) [][2]Position {
	type frame struct {
		obj     bool   // an object, else an array
		wantKey bool   // object: the next token is a key
		key     string // object: the key whose value is being read
		stmts   bool   // a statement, or the array of statements
		// start is where a statement starts: for a statement, its
		// StartPosition; for the array of statements, the next one's.
		start int64
	}
	var stack []frame
	var spans [][2]int64
	// list is the array of statements when it is the innermost frame but
	// one or the innermost: the frame whose start the next statement takes.
	list := func() *frame {
		if len(stack) == 2 && !stack[1].obj && stack[1].stmts {
			return &stack[1]
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		off := dec.InputOffset() // just past the token
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey && tok != json.Delim('}') {
			stack[n-1].key, _ = tok.(string)
			stack[n-1].wantKey = false
			if n == 1 && stack[0].key == "Statement" {
				spans = spans[:0]
			}
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			obj := tok == json.Delim('{')
			top := len(stack) == 1 && stack[0].key == "Statement"
			f := frame{obj: obj, wantKey: obj, stmts: top, start: off}
			if l := list(); l != nil && obj {
				f.stmts, f.start = true, l.start
			}
			stack = append(stack, f)
			continue
		case json.Delim('}'), json.Delim(']'):
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.obj && f.stmts {
				spans = append(spans, [2]int64{f.start, off})
				if l := list(); l != nil {
					l.start = off
				}
			}
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	out := make([][2]Position, len(spans))
	for i, sp := range spans {
		out[i] = [2]Position{position(doc, sp[0]), position(doc, sp[1])}
	}
	return out
}

// position converts a byte offset of doc into a line and column: the
// place of the character at off, or just past the end of its line when
// off is at the line's end.
func position(doc []byte, off int64) Position {
	before := doc[:off]
	line := bytes.Count(before, []byte{'\n'})
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return Position{Line: line + 1, Column: col + 1}
}
