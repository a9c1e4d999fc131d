package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestIAMPolicyTextRules: the rules IAM applies to the text of a policy
// being written, as AWS was recorded answering CreatePolicy
// (test_iam_policies.snapshot.json): Date condition values in IAM's
// lenient ISO 8601 grammar, an IAM resource's path, a resource's
// partition read from its second field, and the account fields legacy
// parsing takes. PutRolePolicy answers the same.
func TestIAMPolicyTextRules(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "TextRules")
	const (
		legacy  = "The policy failed legacy parsing"
		iamPath = `IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
	)
	date := func(op, value string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket",
			"Condition": map[string]any{op: map[string]any{"a": value}}}
	}
	resource := func(r string) map[string]any {
		return map[string]any{"Effect": "Allow", "NotAction": "s3s:ListBucket", "Resource": r}
	}
	tests := []struct {
		name string
		stmt map[string]any
		want string // the refusal's message, "" when taken
	}{
		{"valid-30 a year and a lower-case T", date("DateGreaterThan", "01T"), ""},
		{"valid-36 an offset of hours", date("DateLessThanEquals", "2016-12-13t2:00:00.593194+23"), ""},
		{"valid-37 a negative number", date("DateLessThan", "-292275054"), ""},
		{"invalid-64 not a date", date("DateGreaterThan", "sdfdsf"), legacy},
		{"invalid-73 an offset of one digit", date("DateLessThanEquals", "2016-12-13t2:00:00.593194+1"), legacy},
		{"invalid-74 ten digits of fraction", date("DateLessThanEquals", "2016-12-13t2:00:00.1999999999+10:59"), legacy},
		{"invalid-75 past 64 bits", date("DateLessThan", "9223372036854775808"), legacy},
		{"invalid-35 an IAM resource of no type", resource("arn:aws:iam:::example_bucket"), iamPath},
		{"valid-7 an IAM user", resource("arn:aws:iam:::user/example_bucket"), ""},
		{"invalid-21 not an ARN", resource("a:bsdfdsafsad"), `Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".`},
		{"invalid-24 no arn: prefix", resource("aws:s3:::example_bucket"), `Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".`},
		{"invalid-77 no service", resource("arn:aws::fdsasf"), legacy},
		{"valid-42 placeholders", resource("arn:aws:ec2:region:account-id:instance/*"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPolicyWrites(ctx, t, c, role, aws.String(policyJSON(t, tt.stmt)), tt.want)
		})
	}
}

// wantPolicyWrites writes doc with CreatePolicy and as role's inline
// policy with PutRolePolicy, and checks that both take it (want "") or
// both refuse it MalformedPolicyDocument (400) with the message want.
func wantPolicyWrites(ctx context.Context, t *testing.T, c *iam.Client, role string, doc *string, want string) {
	t.Helper()
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Text")), PolicyDocument: doc})
	if want == "" {
		ok(t, err, "CreatePolicy")
	} else {
		wantIAMRefusal(t, "CreatePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, want)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("p"), PolicyDocument: doc})
	if want == "" {
		ok(t, err, "PutRolePolicy")
	} else {
		wantIAMRefusal(t, "PutRolePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, want)
	}
}
