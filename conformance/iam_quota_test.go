package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// nonSpace counts the characters of s that are not white space, as IAM
// counts a policy's size against its quotas.
func nonSpace(s string) int {
	return len(strings.Join(strings.Fields(s), ""))
}

// indented is a policy of n statements made by statement, pretty-printed:
// its white space does not count against IAM's quotas.
func indented(t *testing.T, n int, statement func(i int) map[string]any) string {
	t.Helper()
	var st []map[string]any
	for i := range n {
		st = append(st, statement(i))
	}
	b, err := json.MarshalIndent(map[string]any{"Version": "2012-10-17", "Statement": st}, "", "        ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIAMPolicySizeQuotas: IAM's quotas on policy sizes (a trust policy
// 2,048 characters, a managed policy 6,144, a role's inline policies
// 10,240 together, white space not counted) refuse a larger document with
// LimitExceeded (409) in IAM's words, and take a pretty-printed one whose
// white space alone puts it past them.
func TestIAMPolicySizeQuotas(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	trustOf := func(n int) string {
		return indented(t, n, func(i int) map[string]any {
			return map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%012d:root", i)}}
		})
	}
	permOf := func(n int) string {
		return indented(t, n, func(i int) map[string]any {
			return map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": fmt.Sprintf("arn:aws:s3:::bucket-%04d/*", i)}
		})
	}
	small, big := trustOf(20), trustOf(60)
	if len(small) <= 2048 || nonSpace(small) > 2048 || nonSpace(big) <= 2048 {
		t.Fatalf("trust policies of %d (%d) and %d characters, want one past 2048 by white space alone and one past it without", len(small), nonSpace(small), nonSpace(big))
	}
	role := uniqueName("Quota")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(small)})
	ok(t, err, "CreateRole with a pretty-printed trust policy")
	managedSmall, managedBig := permOf(70), permOf(100)
	if len(managedSmall) <= 6144 || nonSpace(managedSmall) > 6144 || nonSpace(managedBig) <= 6144 {
		t.Fatalf("managed policies of %d (%d) and %d characters, want one past 6144 by white space alone and one past it without", len(managedSmall), nonSpace(managedSmall), nonSpace(managedBig))
	}
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Quota")), PolicyDocument: aws.String(managedSmall)})
	ok(t, err, "CreatePolicy with a pretty-printed policy")
	inline := permOf(45)
	if n := nonSpace(inline); 2*n > 10240 || 3*n <= 10240 {
		t.Fatalf("inline policy of %d characters, want two within 10240 and three past it", n)
	}
	for i := range 2 {
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(fmt.Sprint("p", i)), PolicyDocument: aws.String(inline)})
		ok(t, err, "PutRolePolicy")
	}

	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"CreateRole", func() error {
			return second(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Big")), AssumeRolePolicyDocument: aws.String(big)}))
		}, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"UpdateAssumeRolePolicy", func() error {
			return second(c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(big)}))
		}, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"CreatePolicy", func() error {
			return second(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Big")), PolicyDocument: aws.String(managedBig)}))
		}, "Cannot exceed quota for PolicySize: 6144"},
		{"CreatePolicyVersion", func() error {
			return second(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(managedBig)}))
		}, "Cannot exceed quota for PolicySize: 6144"},
		{"PutRolePolicy past the role's aggregate", func() error {
			return second(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("p2"), PolicyDocument: aws.String(inline)}))
		}, "Maximum policy size of 10240 bytes exceeded for role " + role},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantIAMError(t, err, "LimitExceeded", http.StatusConflict, new(*iamtypes.LimitExceededException))
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want the message %q", err, tt.msg)
			}
		})
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	ok(t, err, "ListRolePolicies")
	if len(names.PolicyNames) != 2 {
		t.Errorf("ListRolePolicies after the refusal: got %v, want p0 and p1", names.PolicyNames)
	}
}
