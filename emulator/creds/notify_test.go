package creds

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"
)

func TestWithNotify(t *testing.T) {
	var got []Credentials
	i, err := New(bytes.Repeat([]byte{7}, KeySize), time.Now, rand.Reader, WithNotify(func(c Credentials) { got = append(got, c) }))
	if err != nil {
		t.Fatal(err)
	}
	c, err := i.Issue(Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s", IdentityID: "us-east-1:id"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].AccessKeyID != c.AccessKeyID || got[0].Session.IdentityID != "us-east-1:id" {
		t.Errorf("got notified of %+v, want once of %s for us-east-1:id", got, c.AccessKeyID)
	}
}
