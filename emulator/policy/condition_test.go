package policy

import (
	"testing"
)

// allowIf returns a document allowing sts:AssumeRole to anyone under the
// given Condition block.
func allowIf(t *testing.T, condition string) *Document {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":` + condition + `}}`
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%s): %v", condition, err)
	}
	return d
}

type ctx = map[string][]string

func TestConditions(t *testing.T) {
	const (
		aud = "cognito-identity.amazonaws.com:aud"
		amr = "cognito-identity.amazonaws.com:amr"
		sub = "cognito-identity.amazonaws.com:sub"
	)
	pool := "us-east-1:11111111-2222-3333-4444-555555555555"
	authed := ctx{amr: {"authenticated", "graph.facebook.com", "graph.facebook.com:app:123"}}
	guest := ctx{amr: {"unauthenticated"}}
	tests := []struct {
		name string
		cond string
		ctx  ctx
		want bool
	}{
		// String operators.
		{"StringEquals match", `{"StringEquals":{"` + aud + `":"` + pool + `"}}`, ctx{aud: {pool}}, true},
		{"StringEquals other value", `{"StringEquals":{"` + aud + `":"` + pool + `"}}`, ctx{aud: {"us-east-1:other"}}, false},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:k":"Value"}}`, ctx{"aws:k": {"value"}}, false},
		{"StringEquals absent key", `{"StringEquals":{"aws:k":"v"}}`, nil, false},
		{"StringEquals empty value list is absent", `{"StringEquals":{"aws:k":"v"}}`, ctx{"aws:k": {}}, false},
		{"StringEquals values ORed", `{"StringEquals":{"aws:k":["a","b","c"]}}`, ctx{"aws:k": {"b"}}, true},
		{"StringEquals star is literal", `{"StringEquals":{"aws:k":"a*"}}`, ctx{"aws:k": {"abc"}}, false},
		{"StringEquals literal star", `{"StringEquals":{"aws:k":"a*"}}`, ctx{"aws:k": {"a*"}}, true},
		{"keys are case-insensitive", `{"StringEquals":{"AWS:K":"v"}}`, ctx{"aws:k": {"v"}}, true},
		{"keys are case-insensitive the other way", `{"StringEquals":{"aws:k":"v"}}`, ctx{"Aws:K": {"v"}}, true},
		{"StringNotEquals other value", `{"StringNotEquals":{"aws:k":"a"}}`, ctx{"aws:k": {"b"}}, true},
		{"StringNotEquals same value", `{"StringNotEquals":{"aws:k":"a"}}`, ctx{"aws:k": {"a"}}, false},
		{"StringNotEquals values NORed", `{"StringNotEquals":{"aws:k":["a","b"]}}`, ctx{"aws:k": {"b"}}, false},
		{"StringNotEquals absent key", `{"StringNotEquals":{"aws:k":"a"}}`, nil, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:k":"VaLuE"}}`, ctx{"aws:k": {"value"}}, true},
		{"StringEqualsIgnoreCase other", `{"StringEqualsIgnoreCase":{"aws:k":"value"}}`, ctx{"aws:k": {"values"}}, false},
		{"StringNotEqualsIgnoreCase same but case", `{"StringNotEqualsIgnoreCase":{"aws:k":"VALUE"}}`, ctx{"aws:k": {"value"}}, false},
		{"StringNotEqualsIgnoreCase other", `{"StringNotEqualsIgnoreCase":{"aws:k":"VALUE"}}`, ctx{"aws:k": {"other"}}, true},
		{"StringLike star", `{"StringLike":{"` + sub + `":"us-east-1:*"}}`, ctx{sub: {"us-east-1:abc"}}, true},
		{"StringLike star other region", `{"StringLike":{"` + sub + `":"us-east-1:*"}}`, ctx{sub: {"eu-west-1:abc"}}, false},
		{"StringLike question mark", `{"StringLike":{"aws:k":"a?c"}}`, ctx{"aws:k": {"abc"}}, true},
		{"StringLike question mark is one character", `{"StringLike":{"aws:k":"a?c"}}`, ctx{"aws:k": {"abbc"}}, false},
		{"StringLike question mark is one rune", `{"StringLike":{"aws:k":"a?c"}}`, ctx{"aws:k": {"aéc"}}, true},
		{"StringLike is case-sensitive", `{"StringLike":{"aws:k":"A*"}}`, ctx{"aws:k": {"abc"}}, false},
		{"StringLike without wildcard is equality", `{"StringLike":{"aws:k":"abc"}}`, ctx{"aws:k": {"abcd"}}, false},
		{"StringLike inner stars", `{"StringLike":{"aws:k":"*b*d*"}}`, ctx{"aws:k": {"abcde"}}, true},
		{"StringLike star backtracks", `{"StringLike":{"aws:k":"*ab"}}`, ctx{"aws:k": {"aaab"}}, true},
		{"StringNotLike match", `{"StringNotLike":{"aws:k":"a*"}}`, ctx{"aws:k": {"abc"}}, false},
		{"StringNotLike no match", `{"StringNotLike":{"aws:k":"a*"}}`, ctx{"aws:k": {"xyz"}}, true},
		{"StringNotLike absent key", `{"StringNotLike":{"aws:k":"a*"}}`, nil, true},

		// Multi-valued keys without a set operator: any value matches.
		{"StringLike amr without set operator", `{"StringLike":{"` + amr + `":"authenticated"}}`, authed, true},
		{"StringEquals amr without set operator, guest", `{"StringEquals":{"` + amr + `":"authenticated"}}`, guest, false},
		{"StringNotEquals amr without set operator is the negation", `{"StringNotEquals":{"` + amr + `":"unauthenticated"}}`, authed, true},
		{"StringNotEquals amr without set operator, guest", `{"StringNotEquals":{"` + amr + `":"unauthenticated"}}`, guest, false},

		// Set operators.
		{"ForAnyValue:StringLike authenticated", `{"ForAnyValue:StringLike":{"` + amr + `":"authenticated"}}`, authed, true},
		{"ForAnyValue:StringLike guest refused", `{"ForAnyValue:StringLike":{"` + amr + `":"authenticated"}}`, guest, false},
		{"ForAnyValue absent key is false", `{"ForAnyValue:StringLike":{"` + amr + `":"*"}}`, nil, false},
		{"ForAnyValue:StringNotEquals some value differs", `{"ForAnyValue:StringNotEquals":{"` + amr + `":"authenticated"}}`, authed, true},
		{"ForAnyValue:StringNotEquals every value listed", `{"ForAnyValue:StringNotEquals":{"` + amr + `":["unauthenticated"]}}`, guest, false},
		{"ForAnyValue absent key negated is false", `{"ForAnyValue:StringNotEquals":{"aws:k":"a"}}`, nil, false},
		{"ForAllValues:StringEquals subset", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}`, ctx{"aws:TagKeys": {"a", "c"}}, true},
		{"ForAllValues:StringEquals not a subset", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx{"aws:TagKeys": {"a", "z"}}, false},
		{"ForAllValues absent key is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`, nil, true},
		{"ForAllValues:StringNotLike all differ", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:TagKeys": {"key2:audit"}}, true},
		{"ForAllValues:StringNotLike one matches", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:TagKeys": {"key2", "key1:hr"}}, false},
		{"ForAllValues:StringLike amr authenticated only", `{"ForAllValues:StringLike":{"` + amr + `":"authenticated"}}`, authed, false},
		{"set operator names are case-insensitive", `{"forAnyValue:stringLike":{"` + amr + `":"graph.*"}}`, authed, true},

		// IfExists.
		{"StringEqualsIfExists absent", `{"StringEqualsIfExists":{"aws:k":"a"}}`, nil, true},
		{"StringEqualsIfExists present match", `{"StringEqualsIfExists":{"aws:k":"a"}}`, ctx{"aws:k": {"a"}}, true},
		{"StringEqualsIfExists present other", `{"StringEqualsIfExists":{"aws:k":"a"}}`, ctx{"aws:k": {"b"}}, false},
		{"StringNotLikeIfExists present match", `{"StringNotLikeIfExists":{"aws:k":"a*"}}`, ctx{"aws:k": {"ab"}}, false},
		{"ForAnyValue with IfExists absent", `{"ForAnyValue:StringLikeIfExists":{"aws:k":"a*"}}`, nil, true},
		{"NumericLessThanIfExists absent", `{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}`, nil, true},

		// Null.
		{"Null true absent", `{"Null":{"aws:k":"true"}}`, nil, true},
		{"Null true present", `{"Null":{"aws:k":"true"}}`, ctx{"aws:k": {"x"}}, false},
		{"Null true empty list", `{"Null":{"aws:k":"true"}}`, ctx{"aws:k": {}}, true},
		{"Null false present", `{"Null":{"aws:k":"false"}}`, ctx{"aws:k": {"x"}}, true},
		{"Null false absent", `{"Null":{"aws:k":"false"}}`, nil, false},
		{"Null JSON boolean", `{"Null":{"aws:k":false}}`, ctx{"aws:k": {""}}, true},

		// Bool.
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool case-insensitive", `{"Bool":{"aws:SecureTransport":true}}`, ctx{"aws:SecureTransport": {"TRUE"}}, true},
		{"Bool false against true", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx{"aws:SecureTransport": {"true"}}, false},
		{"Bool absent", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"BoolIfExists absent", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, nil, true},

		// Numeric.
		{"NumericEquals", `{"NumericEquals":{"aws:n":"10"}}`, ctx{"aws:n": {"10.0"}}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"aws:n":10}}`, ctx{"aws:n": {"11"}}, true},
		{"NumericNotEquals equal", `{"NumericNotEquals":{"aws:n":10}}`, ctx{"aws:n": {"10"}}, false},
		{"NumericLessThan", `{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}`, ctx{"aws:MultiFactorAuthAge": {"120"}}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"aws:n":5}}`, ctx{"aws:n": {"5"}}, false},
		{"NumericLessThanEquals equal", `{"NumericLessThanEquals":{"aws:n":5}}`, ctx{"aws:n": {"5"}}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"aws:n":5}}`, ctx{"aws:n": {"6"}}, true},
		{"NumericGreaterThanEquals less", `{"NumericGreaterThanEquals":{"aws:n":5}}`, ctx{"aws:n": {"4.5"}}, false},
		{"Numeric request not a number", `{"NumericEquals":{"aws:n":5}}`, ctx{"aws:n": {"five"}}, false},

		// Date.
		{"DateLessThan ISO", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, ctx{"aws:CurrentTime": {"2026-05-01T12:00:00Z"}}, true},
		{"DateLessThan later", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}`, ctx{"aws:CurrentTime": {"2026-05-01T12:00:00Z"}}, false},
		{"DateGreaterThan epoch", `{"DateGreaterThan":{"aws:TokenIssueTime":1700000000}}`, ctx{"aws:TokenIssueTime": {"2024-01-01T00:00:00Z"}}, true},
		{"DateEquals zones", `{"DateEquals":{"aws:d":"2024-01-01T01:00:00+01:00"}}`, ctx{"aws:d": {"2024-01-01T00:00:00Z"}}, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:d":"2024-01-01"}}`, ctx{"aws:d": {"2024-01-02"}}, true},
		{"DateLessThanEquals equal", `{"DateLessThanEquals":{"aws:d":"2024-01-01T00:00Z"}}`, ctx{"aws:d": {"2024-01-01T00:00:00Z"}}, true},
		{"DateGreaterThanEquals before", `{"DateGreaterThanEquals":{"aws:d":"2024-01-02"}}`, ctx{"aws:d": {"2024-01-01"}}, false},
		{"DateGreaterThan a year alone", `{"DateGreaterThan":{"aws:CurrentTime":"01T"}}`, ctx{"aws:CurrentTime": {"0001-01-01T00:00:00.001Z"}}, true},
		{"DateGreaterThan a year alone, equal", `{"DateGreaterThan":{"aws:CurrentTime":"01T"}}`, ctx{"aws:CurrentTime": {"0001-01-01T00:00:00Z"}}, false},
		{"DateLessThanEquals an offset of hours", `{"DateLessThanEquals":{"aws:d":"2016-12-13t2:00:00.593194+23"}}`, ctx{"aws:d": {"2016-12-12T03:00:00.593Z"}}, true},
		{"DateLessThanEquals an offset of hours, later", `{"DateLessThanEquals":{"aws:d":"2016-12-13t2:00:00.593194+23"}}`, ctx{"aws:d": {"2016-12-12T03:00:00.594Z"}}, false},
		{"DateLessThan the largest epoch time", `{"DateLessThan":{"aws:d":"9223372036854775807"}}`, ctx{"aws:d": {"292278993-12-31T23:59:59Z"}}, true},
		{"DateGreaterThan the smallest epoch time", `{"DateGreaterThan":{"aws:d":"-9223372036854775808"}}`, ctx{"aws:d": {"-292275054-01-01"}}, true},
		{"DateEquals a week date", `{"DateEquals":{"aws:d":"2016-W05-1"}}`, ctx{"aws:d": {"2016-02-01"}}, true},
		{"DateEquals a lenient request value", `{"DateEquals":{"aws:d":"2024-01-01T00:00:00Z"}}`, ctx{"aws:d": {"2024-1-1t0"}}, true},
		{"DateEquals a request value not a date", `{"DateEquals":{"aws:d":"2024-01-01T00:00:00Z"}}`, ctx{"aws:d": {"2024-13-01"}}, false},

		// IP addresses.
		{"IpAddress in block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress outside block", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ctx{"aws:SourceIp": {"198.51.100.1"}}, false},
		{"IpAddress single address", `{"IpAddress":{"aws:SourceIp":"10.0.0.1"}}`, ctx{"aws:SourceIp": {"10.0.0.1"}}, true},
		{"IpAddress IPv6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ctx{"aws:SourceIp": {"2001:db8::1"}}, true},
		{"IpAddress mapped IPv4 request", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx{"aws:SourceIp": {"::ffff:10.1.2.3"}}, true},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx{"aws:SourceIp": {"192.0.2.1"}}, true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx{"aws:SourceIp": {"10.9.9.9"}}, false},

		// ARNs.
		{"ArnEquals", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/R"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/R"}}, true},
		{"ArnLike account wildcard", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/R"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/R"}}, true},
		{"ArnLike wildcard does not span components", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::12*2:role/R"}}`, ctx{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/R:2:role/R"}}, false},
		{"ArnLike resource may hold colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:logs:*:*:log-group:*"}}`, ctx{"aws:SourceArn": {"arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"}}, true},
		{"ArnLike star alone", `{"ArnLike":{"aws:SourceArn":"*"}}`, ctx{"aws:SourceArn": {"arn:aws:s3:::b"}}, true},
		{"ArnLike other service", `{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:*"}}`, ctx{"aws:SourceArn": {"arn:aws:s3:::b"}}, false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::*"}}`, ctx{"aws:SourceArn": {"arn:aws:sqs:us-east-1:1:q"}}, true},
		{"ArnNotEquals absent", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"}}`, nil, true},

		// Binary.
		{"BinaryEquals", `{"BinaryEquals":{"aws:b":"QmluYXJ5"}}`, ctx{"aws:b": {"QmluYXJ5"}}, true},
		{"BinaryEquals other", `{"BinaryEquals":{"aws:b":"QmluYXJ5"}}`, ctx{"aws:b": {"b3RoZXI="}}, false},

		// Blocks: operators and keys ANDed.
		{"two operators both hold", `{"StringEquals":{"` + aud + `":"` + pool + `"},"ForAnyValue:StringLike":{"` + amr + `":"authenticated"}}`,
			ctx{aud: {pool}, amr: {"authenticated"}}, true},
		{"two operators one fails", `{"StringEquals":{"` + aud + `":"` + pool + `"},"ForAnyValue:StringLike":{"` + amr + `":"authenticated"}}`,
			ctx{aud: {pool}, amr: {"unauthenticated"}}, false},
		{"two keys one fails", `{"StringEquals":{"aws:a":"1","aws:b":"2"}}`, ctx{"aws:a": {"1"}, "aws:b": {"3"}}, false},
		{"two keys both hold", `{"StringEquals":{"aws:a":"1","aws:b":"2"}}`, ctx{"aws:a": {"1"}, "aws:b": {"2"}}, true},
		{"empty block", `{}`, nil, true},

		// Policy variables.
		{"variable in StringEquals", `{"StringEquals":{"aws:userid":"${cognito-identity.amazonaws.com:sub}"}}`,
			ctx{"aws:userid": {"us-east-1:abc"}, sub: {"us-east-1:abc"}}, true},
		{"variable other value", `{"StringEquals":{"aws:userid":"${cognito-identity.amazonaws.com:sub}"}}`,
			ctx{"aws:userid": {"us-east-1:abc"}, sub: {"us-east-1:xyz"}}, false},
		{"variable inside a pattern", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`,
			ctx{"s3:prefix": {"home/ann/docs"}, "aws:username": {"ann"}}, true},
		{"variable key case-insensitive", `{"StringLike":{"s3:prefix":"home/${AWS:UserName}/*"}}`,
			ctx{"s3:prefix": {"home/ann/docs"}, "aws:username": {"ann"}}, true},
		{"substituted value is literal", `{"StringLike":{"s3:prefix":"${aws:username}"}}`,
			ctx{"s3:prefix": {"anything"}, "aws:username": {"*"}}, false},
		{"unresolved variable fails the condition", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`,
			ctx{"s3:prefix": {"home/ann/docs"}}, false},
		{"unresolved variable fails a negated condition", `{"StringNotEquals":{"aws:k":"${aws:username}"}}`,
			ctx{"aws:k": {"x"}}, false},
		{"unresolved variable, absent key, negated", `{"StringNotEquals":{"aws:k":"${aws:username}"}}`, nil, false},
		{"unresolved variable, absent key, IfExists", `{"StringEqualsIfExists":{"aws:k":"${aws:username}"}}`, nil, true},
		{"unresolved variable, present key, IfExists", `{"StringEqualsIfExists":{"aws:k":"${aws:username}"}}`, ctx{"aws:k": {"x"}}, false},
		{"multi-valued variable is unresolved", `{"StringEquals":{"aws:k":"${` + amr + `}"}}`,
			ctx{"aws:k": {"authenticated"}, amr: {"authenticated", "x"}}, false},
		{"variable default", `{"StringEquals":{"aws:k":"${aws:username, 'nobody'}"}}`, ctx{"aws:k": {"nobody"}}, true},
		{"variable default with quote", `{"StringEquals":{"aws:k":"${aws:username, 'it''s'}"}}`, ctx{"aws:k": {"it's"}}, true},
		{"escaped star is literal", `{"StringLike":{"aws:k":"a${*}"}}`, ctx{"aws:k": {"a*"}}, true},
		{"escaped star does not match", `{"StringLike":{"aws:k":"a${*}"}}`, ctx{"aws:k": {"ab"}}, false},
		{"escaped dollar", `{"StringEquals":{"aws:k":"${$}{x}"}}`, ctx{"aws:k": {"${x}"}}, true},
		{"unterminated variable is literal", `{"StringEquals":{"aws:k":"${aws:username"}}`, ctx{"aws:k": {"${aws:username"}}, true},
		{"variable in ArnLike", `{"ArnLike":{"aws:SourceArn":"arn:aws:cognito-sync:*:*:identitypool/${cognito-identity.amazonaws.com:aud}/*"}}`,
			ctx{"aws:SourceArn": {"arn:aws:cognito-sync:us-east-1:123:identitypool/" + pool + "/identity/x"}, aud: {pool}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := allowIf(t, tc.cond)
			if got := d.Allowed(Request{Action: "sts:AssumeRole", Context: tc.ctx}); got != tc.want {
				t.Errorf("Allowed(%v): got %v, want %v", tc.ctx, got, tc.want)
			}
			// The same condition in a permission policy decides a session's
			// request the same way.
			p := mustParsePermissions(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject",`+
				`"Resource":"*","Condition":`+tc.cond+`}}`)
			want := ImplicitDeny
			if tc.want {
				want = Allowed
			}
			r := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: tc.ctx}
			if got := Evaluate([]Named{{ID: "p", Doc: p}}, nil, r).Decision; got != want {
				t.Errorf("Evaluate(%v): got %v, want %v", tc.ctx, got, want)
			}
			// As a Deny it refuses exactly when it matches.
			deny := mustParsePermissions(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},`+
				`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":`+tc.cond+`}]}`)
			want = Allowed
			if tc.want {
				want = ExplicitDeny
			}
			if got := Evaluate([]Named{{ID: "d", Doc: deny}}, nil, r).Decision; got != want {
				t.Errorf("Evaluate with a conditional Deny (%v): got %v, want %v", tc.ctx, got, want)
			}
		})
	}
}

// TestVariablesNeedVersion2012 checks that older documents keep ${…}
// literally, as IAM does.
func TestVariablesNeedVersion2012(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		value         string
		want          bool
	}{
		{"2012 substitutes", `"Version":"2012-10-17",`, "ann", true},
		{"2012 literal does not match", `"Version":"2012-10-17",`, "${aws:username}", false},
		{"2008 keeps literal", `"Version":"2008-10-17",`, "${aws:username}", true},
		{"no version keeps literal", ``, "${aws:username}", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{` + tc.version + `"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",` +
				`"Condition":{"StringEquals":{"aws:k":"${aws:username}"}}}}`
			d, err := Parse([]byte(doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			r := Request{Action: "sts:AssumeRole", Context: ctx{"aws:k": {tc.value}, "aws:username": {"ann"}}}
			if got := d.Allowed(r); got != tc.want {
				t.Errorf("Allowed with aws:k=%q: got %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}
