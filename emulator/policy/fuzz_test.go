package policy

import (
	"errors"
	"testing"
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
		d.Unconstrained(fed, key)
	})
}
