package policy

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:x"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`,
		`{"Statement":{"Effect":"Deny","Principal":"*","NotAction":["sts:Tag*","iam:?"],"Condition":{"Null":{"aws:k":"true"},"ArnLike":{"aws:SourceArn":"arn:aws:*:*:*:${aws:username}"}}}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::1:role/R"]},"Action":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::ffff:1.2.3.4/120"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"NumericLessThanIfExists":{"aws:n":3},"ForAllValues:StringEqualsIgnoreCase":{"aws:TagKeys":["${aws:x, 'd'}"]}}}}`,
		`{"Statement":[]}`,
		`{`,
		`null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "sts:AssumeRoleWithWebIdentity", "cognito-identity.amazonaws.com", "aws:x", "value")
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, fed, key, val string) {
		d, err := Parse(doc)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse error %v does not wrap ErrMalformed", err)
			}
			return
		}
		r := Request{Action: action, Federated: fed, AWS: val, Context: map[string][]string{
			key: {val}, "cognito-identity.amazonaws.com:amr": {"authenticated", val}, "aws:username": {val}}}
		allowed := d.Allowed(r)
		if got := d.Explain(r) == ""; got != allowed {
			t.Fatalf("Explain and Allowed disagree: Allowed %v, Explain %q", allowed, d.Explain(r))
		}
		d.Allowed(Request{})
		_ = d.validate()
	})
}

func FuzzParsePermissions(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Allow","Action":["s3:GetObject","s3:Put*"],"Resource":"arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*"},` +
			`{"Effect":"Deny","NotAction":"s3:?et*","NotResource":["arn:aws:s3:::b/${aws:username, 'anonymous'}","*"],"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":"${cognito-identity.amazonaws.com:sub}"}}}]}`,
		`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:logs:*:*:log-group:${*}${?}${$}"}}`,
		"{\n \"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::é/*\"}\n ]\n}",
		`{"Statement":[{"Effect":"Allow","Action":"s3:x","Resource":"arn:aws"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:x","Resource":"*","Principal":"*"}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "s3:GetObject", "arn:aws:s3:::bucket/us-east-1:a/x", "cognito-identity.amazonaws.com:sub", "us-east-1:a")
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource, key, val string) {
		d, err := ParsePermissions(doc)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParsePermissions error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if spans := statementSpans(doc); len(spans) != len(d.stmts) {
			t.Fatalf("statementSpans: got %d spans, want one per statement (%d)", len(spans), len(d.stmts))
		}
		r := Request{Action: action, Resource: resource, Context: map[string][]string{key: {val}, "aws:username": {val}}}
		policies := []Named{{ID: "p", Doc: d}}
		res := Evaluate(policies, nil, r)
		if allowed := d.Allowed(r); allowed != (res.Decision == Allowed) {
			t.Fatalf("Allowed %v and Evaluate %v disagree", allowed, res.Decision)
		}
		if got := Evaluate(policies, policies, r).Decision; got != res.Decision {
			t.Fatalf("a session policy equal to the identity policy changed the decision: got %v, want %v", got, res.Decision)
		}
		if got := d.Explain(r) == ""; got != (res.Decision == Allowed) {
			t.Fatalf("Explain %q disagrees with %v", d.Explain(r), res.Decision)
		}
	})
}

// FuzzArnLike checks ARN matching (Resource elements and Arn conditions)
// against a regular expression built from the same pattern: [^:] in the
// first five fields, any character in the resource part, any character
// everywhere when the pattern has fewer than six fields.
func FuzzArnLike(f *testing.F) {
	f.Add("arn:aws:s3:::bucket/*/private/*", "arn:aws:s3:::bucket/us-east-1:a/private/x")
	f.Add("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:1:2:table/T")
	f.Add("arn:aws:logs:us-?ast-1:*", "arn:aws:logs:us-east-1:1:log-group:g")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return
		}
		got := arnLike(compile(pattern, true, false), s)
		fields := strings.SplitN(pattern, ":", 6)
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for i, field := range fields {
			if i > 0 {
				re.WriteString(":")
			}
			anyRune, anyRun := ".", ".*"
			if len(fields) == 6 && i < 5 {
				anyRune, anyRun = "[^:]", "[^:]*"
			}
			for _, c := range field {
				switch c {
				case '*':
					re.WriteString(anyRun)
				case '?':
					re.WriteString(anyRune)
				default:
					re.WriteString(regexp.QuoteMeta(string(c)))
				}
			}
		}
		re.WriteString(`$`)
		if want := regexp.MustCompile(re.String()).MatchString(s); got != want {
			t.Fatalf("arnLike(%q, %q): got %v, want %v (%s)", pattern, s, got, want, re.String())
		}
	})
}
