package creds

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"
)

// benchSession is a session of a Cognito identity, as
// GetCredentialsForIdentity issues it.
var benchSession = Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", SessionName: "CognitoIdentityCredentials",
	IdentityID: "us-east-1:c1335518-7730-44a9-b875-c82108c71b65", PoolID: "us-east-1:0f0f0f0f-1111-2222-3333-444444444444",
	Subject: "user-1", Audience: "app-client", Provider: "login.example.com",
	AMR: []string{"authenticated", "login.example.com", "login.example.com:us-east-1:0f0f0f0f:user-1"}}

func benchIssuer(b *testing.B) *Issuer {
	b.Helper()
	i, err := New(bytes.Repeat([]byte{1}, KeySize), time.Now, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return i
}

// BenchmarkIssue is the cost of minting credentials: sealing the token
// and deriving the secret.
func BenchmarkIssue(b *testing.B) {
	i := benchIssuer(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := i.Issue(benchSession, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the cost of a token's first use: unsealing it and
// deriving the secret again.
func BenchmarkOpen(b *testing.B) {
	i := benchIssuer(b)
	c, err := i.Issue(benchSession, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := i.open(c.SessionToken); err != nil {
			b.Fatal(err)
		}
	}
}
