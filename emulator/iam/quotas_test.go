package iam

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// sized returns a policy document of size characters as policySize counts
// them, laid out with white space that does not count: the Sid of its one
// statement is padded to size.
func sized(t *testing.T, format string, size int) string {
	t.Helper()
	doc := fmt.Sprintf(format, "")
	pad := size - policySize(doc)
	if pad < 0 {
		t.Fatalf("sized: %q is larger than %d", doc, size)
	}
	doc = fmt.Sprintf(format, strings.Repeat("a", pad))
	if got := policySize(doc); got != size {
		t.Fatalf("sized: got %d, want %d", got, size)
	}
	return doc
}

const (
	trustFormat = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Sid\": \"s%s\", \"Effect\": \"Allow\",\n" +
		"    \"Principal\": {\"Federated\": \"cognito-identity.amazonaws.com\"}, \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n" +
		"    \"Condition\": {\"StringEquals\": {\"cognito-identity.amazonaws.com:aud\": \"us-east-1:p\"}}\n  }]\n}"
	permFormat = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Sid\": \"s%s\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"\n  }]\n}"
)

func TestPolicySize(t *testing.T) {
	tests := []struct {
		name, doc string
		want      int
	}{
		{"no white space", `{"a":"b c"}`, 10},
		{"white space of every kind", "{ \"a\" :\t\"b\"\r\n}\u00a0", 9},
		{"non-ASCII characters count once", `{"a":"é"}`, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policySize(tt.doc); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestPolicySizeQuotas: documents at IAM's quotas are taken and one
// character more is LimitExceeded, white space not counted.
func TestPolicySizeQuotas(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	pol, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	createRole := func(doc string) error {
		n++
		_, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: fmt.Sprintf("R%d", n), AssumeRolePolicyDocument: doc})
		return err
	}
	updateTrust := func(doc string) error {
		_, err := s.UpdateAssumeRolePolicy(ctx, &UpdateAssumeRolePolicyInput{RoleName: "R", PolicyDocument: doc})
		return err
	}
	createPolicy := func(doc string) error {
		n++
		_, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: fmt.Sprintf("P%d", n), PolicyDocument: doc})
		return err
	}
	createVersion := func(doc string) error {
		_, err := s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: doc})
		return err
	}
	putInline := func(name string) func(string) error {
		return func(doc string) error {
			_, err := s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "R", PolicyName: name, PolicyDocument: doc})
			return err
		}
	}
	tests := []struct {
		name   string
		call   func(string) error
		format string
		size   int
		want   string
		msg    string
	}{
		{"CreateRole at the quota", createRole, trustFormat, 2048, "", ""},
		{"CreateRole past the quota", createRole, trustFormat, 2049, CodeLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"UpdateAssumeRolePolicy at the quota", updateTrust, trustFormat, 2048, "", ""},
		{"UpdateAssumeRolePolicy past the quota", updateTrust, trustFormat, 2049, CodeLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"CreatePolicy at the quota", createPolicy, permFormat, 6144, "", ""},
		{"CreatePolicy past the quota", createPolicy, permFormat, 6145, CodeLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"CreatePolicyVersion at the quota", createVersion, permFormat, 6144, "", ""},
		{"CreatePolicyVersion past the quota", createVersion, permFormat, 6145, CodeLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"PutRolePolicy of half the quota", putInline("a"), permFormat, 5120, "", ""},
		{"PutRolePolicy of the other half", putInline("b"), permFormat, 5120, "", ""},
		{"PutRolePolicy of a third past the aggregate", putInline("c"), permFormat, 300, CodeLimitExceeded, "Maximum policy size of 10240 bytes exceeded for role R"},
		{"PutRolePolicy replacing one past the aggregate", putInline("b"), permFormat, 5121, CodeLimitExceeded, "Maximum policy size of 10240 bytes exceeded for role R"},
		{"PutRolePolicy replacing one smaller", putInline("b"), permFormat, 4820, "", ""},
		{"PutRolePolicy filling the aggregate", putInline("c"), permFormat, 300, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(sized(t, tt.format, tt.size))
			wantCode(t, err, tt.want, http.StatusConflict)
			if err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want the message %q", err, tt.msg)
			}
		})
	}
	r, err := s.store.GetRole(ctx, "R")
	if err != nil {
		t.Fatal(err)
	}
	if got := policySize(r.Policies["a"]) + policySize(r.Policies["b"]) + policySize(r.Policies["c"]); got != 10240 || len(r.Policies) != 3 {
		t.Errorf("inline policies after the refusals: got %d policies of %d characters, want 3 of 10240", len(r.Policies), got)
	}
}
