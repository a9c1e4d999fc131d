package policy

import (
	"strings"
	"testing"
)

// TestMultivaluedVariables: a multivalued context key is no policy
// variable, even when the request gives it one value ("you cannot use a
// multivalued context key as a policy variable", IAM User Guide,
// "Single-valued vs. multivalued context keys"): it resolves as a missing
// key does, so that the statement does not match unless the variable has a
// default. (Before, ${cognito-identity.amazonaws.com:amr} in a Resource
// allowed …/b/unauthenticated/x to a guest.)
func TestMultivaluedVariables(t *testing.T) {
	const amr = "cognito-identity.amazonaws.com:amr"
	guest := ctx{amr: {"unauthenticated"}, "aws:TagKeys": {"team"}, "aws:PrincipalServiceNamesList": {"ec2.amazonaws.com"}, "aws:k": {"v"}}
	tests := []struct {
		name     string
		resource string // the statement's Resource
		cond     string // its Condition, none when ""
		lists    []string
		want     Decision
	}{
		{name: "amr in a Resource", resource: "arn:aws:s3:::b/${" + amr + "}/*", want: ImplicitDeny},
		{name: "amr in a Resource, in another case", resource: "arn:aws:s3:::b/${Cognito-Identity.amazonaws.com:AMR}/*", want: ImplicitDeny},
		{name: "amr with a default", resource: "arn:aws:s3:::b/${" + amr + ", 'unauthenticated'}/*", want: Allowed},
		{name: "aws:TagKeys in a Resource", resource: "arn:aws:s3:::b/${aws:TagKeys}/*", want: ImplicitDeny},
		{name: "aws:PrincipalServiceNamesList in a condition", resource: "*",
			cond: `{"StringEquals":{"aws:k":"${aws:PrincipalServiceNamesList}"}}`, want: ImplicitDeny},
		{name: "a single-valued key resolves", resource: "arn:aws:s3:::b/${aws:k}/*", want: ImplicitDeny},
		{name: "a key the request types as a list", resource: "*", cond: `{"StringEquals":{"aws:other":"${aws:k}"}}`,
			lists: []string{"AWS:K"}, want: ImplicitDeny},
		{name: "a key typed as a list, in an IfExists condition whose key is absent", resource: "*",
			cond: `{"StringEqualsIfExists":{"aws:absent":"${aws:k}"}}`, lists: []string{"aws:k"}, want: Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := `"Effect":"Allow","Action":"s3:GetObject","Resource":"` + tt.resource + `"`
			if tt.cond != "" {
				st += `,"Condition":` + tt.cond
			}
			doc := mustParsePermissions(t, `{"Version":"2012-10-17","Statement":{`+st+`}}`)
			c := ctx{"aws:other": {"v"}}
			for k, v := range guest {
				c[k] = v
			}
			r := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/unauthenticated/x", Context: c, Lists: tt.lists}
			if got := Evaluate([]Named{{ID: "p", Doc: doc}}, nil, r).Decision; got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// A single-valued key with one value does resolve.
	doc := mustParsePermissions(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:k}/*"}}`)
	if got := Evaluate([]Named{{ID: "p", Doc: doc}}, nil, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/v/x", Context: guest}).Decision; got != Allowed {
		t.Errorf("a single-valued key: got %v, want allowed", got)
	}
}

// TestSetOperatorsNullDataset: a key whose only value is an empty string
// is a null dataset to the set operators, as to a request without it
// (IAM User Guide, "Multivalued context key examples": ForAllValues
// "also returns true if … the context key value resolves to a null
// dataset, such as an empty string"; ForAnyValue is false then). The
// single-valued operators compare the empty string as a value, and Null
// takes the key as present. (Before, ForAllValues:StringEquals {"a"} was
// false on [""].)
func TestSetOperatorsNullDataset(t *testing.T) {
	const tk = "aws:TagKeys"
	tests := []struct {
		name string
		cond string
		ctx  ctx
		want bool
	}{
		{"ForAllValues on an empty string", `{"ForAllValues:StringEquals":{"` + tk + `":["a"]}}`, ctx{tk: {""}}, true},
		{"ForAllValues:StringNotEquals on an empty string", `{"ForAllValues:StringNotEquals":{"` + tk + `":["a"]}}`, ctx{tk: {""}}, true},
		{"ForAllValues:StringLike on an empty string", `{"ForAllValues:StringLike":{"` + tk + `":["a*"]}}`, ctx{tk: {""}}, true},
		{"ForAllValues on an empty string among others", `{"ForAllValues:StringEquals":{"` + tk + `":["a"]}}`, ctx{tk: {"", "a"}}, false},
		{"ForAllValues on a value", `{"ForAllValues:StringEquals":{"` + tk + `":["a"]}}`, ctx{tk: {"b"}}, false},
		{"ForAnyValue on an empty string", `{"ForAnyValue:StringEquals":{"` + tk + `":[""]}}`, ctx{tk: {""}}, false},
		{"ForAnyValue:StringNotEquals on an empty string", `{"ForAnyValue:StringNotEquals":{"` + tk + `":["a"]}}`, ctx{tk: {""}}, false},
		{"StringEquals on an empty string", `{"StringEquals":{"aws:PrincipalTag/x":""}}`, ctx{"aws:PrincipalTag/x": {""}}, true},
		{"StringNotEquals on an empty string", `{"StringNotEquals":{"aws:PrincipalTag/x":"a"}}`, ctx{"aws:PrincipalTag/x": {""}}, true},
		{"Null false on an empty string", `{"Null":{"aws:PrincipalTag/x":"false"}}`, ctx{"aws:PrincipalTag/x": {""}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := allowIf(t, tt.cond)
			if got := d.Allowed(Request{Action: "sts:AssumeRole", Context: tt.ctx}); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExplainConditionValues: Explain names, for a condition a request
// fails, the values it wants and the request's, or that the request lacks
// the key and which of its keys the name is a near miss of.
func TestExplainConditionValues(t *testing.T) {
	const (
		aud  = "cognito-identity.amazonaws.com:aud"
		amr  = "cognito-identity.amazonaws.com:amr"
		pool = "us-east-1:16000000-0000-0000-0000-000000000000"
		req  = "us-east-1:24020000-0000-0000-0000-000000000000"
	)
	request := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: Cognito,
		Context: ctx{aud: {req}, amr: {"unauthenticated"}, "aws:SourceIp": {"10.0.0.1"}, "aws:PrincipalTag/cost": {""}}}
	tests := []struct {
		name, cond, want string
	}{
		{"a wanted value", `{"StringEquals":{"` + aud + `":"` + pool + `"}}`,
			"condition StringEquals on " + aud + " wants " + pool + "; this request's is " + req},
		{"several wanted values", `{"StringEquals":{"` + aud + `":["a","b"]}}`,
			"condition StringEquals on " + aud + " wants one of a, b; this request's is " + req},
		{"a negated operator", `{"StringNotEquals":{"` + aud + `":"` + req + `"}}`,
			"condition StringNotEquals on " + aud + " wants none of " + req + "; this request's is " + req},
		{"a key typo", `{"ForAnyValue:StringLike":{"cognito-identity.amazon.com:amr":"unauthenticated"}}`,
			"condition ForAnyValue:StringLike on cognito-identity.amazon.com:amr wants unauthenticated; the request has no key cognito-identity.amazon.com:amr (did you mean " + amr + "?)"},
		{"a key the request lacks, no near miss", `{"StringEquals":{"aws:PrincipalTag/team":"a"}}`,
			"condition StringEquals on aws:PrincipalTag/team wants a; the request has no key aws:PrincipalTag/team"},
		{"a key with an empty value, single-valued operator", `{"StringEquals":{"aws:PrincipalTag/cost":"a"}}`,
			`condition StringEquals on aws:PrincipalTag/cost wants a; this request's is ""`},
		{"a key with an empty value, set operator", `{"ForAnyValue:StringEquals":{"aws:PrincipalTag/cost":"a"}}`,
			`condition ForAnyValue:StringEquals on aws:PrincipalTag/cost wants a; this request's is "", which a set operator reads as no value`},
		{"a number", `{"NumericLessThan":{"aws:SourceIp":"5"}}`,
			"condition NumericLessThan on aws:SourceIp wants 5; this request's is 10.0.0.1"},
		{"Null", `{"Null":{"` + amr + `":"true"}}`,
			"condition Null on " + amr + " wants the key absent; this request's is unauthenticated"},
		{"a variable", `{"StringEquals":{"` + aud + `":"${aws:SourceIp}"}}`,
			"condition StringEquals on " + aud + " wants 10.0.0.1; this request's is " + req},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},` +
				`"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + tt.cond + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			got := d.Explain(request)
			if !strings.HasSuffix(got, "statement 1: "+tt.want) {
				t.Errorf("got %q, want it to end with %q", got, "statement 1: "+tt.want)
			}
		})
	}
}
