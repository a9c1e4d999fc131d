package policy

import "testing"

func BenchmarkAllowed(b *testing.B) {
	d, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],
		"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-corner-cafe-123456790ab"},
		"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	r := Request{Action: "sts:AssumeRoleWithWebIdentity", Federated: "cognito-identity.amazonaws.com",
		Context: map[string][]string{
			"cognito-identity.amazonaws.com:aud": {"us-east-1:12345678-corner-cafe-123456790ab"},
			"cognito-identity.amazonaws.com:sub": {"us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab"},
			"cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com", "graph.facebook.com:1:2"},
		}}
	b.ReportAllocs()
	for b.Loop() {
		if !d.Allowed(r) {
			b.Fatal("refused")
		}
	}
}
