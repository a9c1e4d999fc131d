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

func BenchmarkEvaluate(b *testing.B) {
	d, err := ParsePermissions([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*"},
		{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/T",
		 "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":"${cognito-identity.amazonaws.com:sub}"}}},
		{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*/private/*",
		 "Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	s := Session{RoleID: "AROAEXAMPLEROLEID0001", Name: "CognitoIdentityCredentials", Provider: Cognito,
		Subject: "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab", Audience: "us-east-1:12345678-corner-cafe-123456790ab",
		AMR: []string{"authenticated", "graph.facebook.com", "graph.facebook.com:1:2"}}
	r := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab/photo.jpg", Context: s.Keys()}
	policies := []Named{{ID: "p", Doc: d}}
	b.ReportAllocs()
	for b.Loop() {
		if Evaluate(policies, nil, r).Decision != Allowed {
			b.Fatal("refused")
		}
	}
}
