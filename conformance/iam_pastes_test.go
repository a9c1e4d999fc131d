package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestIAMServicePrincipals: a trust policy's Service principal must have
// the shape of an AWS service's name, <name>.amazonaws.com (regional, or
// .amazonaws.com.cn in AWS China), or IAM answers Invalid principal in
// policy: "SERVICE":"<value>" (users' reports: "lambda",
// "eks.amazonaws.com.cn" outside China; aws-samples/aws-cdk-examples#801).
func TestIAMServicePrincipals(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	trust := func(service string) *string {
		return aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole"}))
	}
	role := ec2Role(ctx, t, c, "ServicePrincipal")
	tests := []struct {
		service string
		ok      bool
	}{
		{"lambda.amazonaws.com", true},
		{"logs.us-east-1.amazonaws.com", true},
		{"lambda", false},
		{"amazonaws.com", false},
		{"eks.amazonaws.com.cn", false}, // the commercial partition's endpoint
		{"lambda.amazonaws.con", false},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			msg := `Invalid principal in policy: "SERVICE":"` + tt.service + `"`
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Svc")), AssumeRolePolicyDocument: trust(tt.service)})
			if tt.ok {
				ok(t, err, "CreateRole")
			} else {
				wantIAMRefusal(t, "CreateRole", err, "MalformedPolicyDocument", http.StatusBadRequest, msg)
			}
			_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: trust(tt.service)})
			if tt.ok {
				ok(t, err, "UpdateAssumeRolePolicy")
			} else {
				wantIAMRefusal(t, "UpdateAssumeRolePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, msg)
			}
		})
	}
	// AWS China's IAM takes its own domain.
	cn := s.inRegion("cn-north-1", "aws-cn")
	_, err := cn.iam().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("SvcCN")), AssumeRolePolicyDocument: trust("eks.amazonaws.com.cn")})
	ok(t, err, "CreateRole in aws-cn")
}

// TestIAMLegacyParsing: a Resource ARN whose account field holds no
// account (an S3 bucket written with two colons, a placeholder left in,
// a policy variable, whose colon splits the ARN) is refused "The policy
// failed legacy parsing" (test_iam_policies.snapshot.json invalid-36;
// users' reports), by CreatePolicy and PutRolePolicy alike.
func TestIAMLegacyParsing(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "Legacy")
	doc := func(resource string) *string {
		return aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": resource}))
	}
	tests := []struct {
		resource string
		ok       bool
	}{
		{"arn:aws:ssm:us-east-1:" + s.accountID + ":parameter/x", true},
		{"arn:aws:ssm:*:*:parameter/x", true},
		{"arn:aws:ssm:us-east-1:<ACCOUNT_ID>:parameter/x", false},
		{"arn:aws:iam::${aws:PrincipalAccount}:role/x", false},
		{"arn:aws:s3::example_bucket", false},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			want := "The policy failed legacy parsing"
			if tt.ok {
				want = ""
			}
			wantPolicyWrites(ctx, t, c, role, doc(tt.resource), want)
		})
	}
}

// TestIAMNameValidation: IAM answers a role or policy name outside its
// pattern (a role's ARN or a path given as its name, a space in a policy
// name) "The specified value for <member> is invalid. It must contain
// only alphanumeric characters and/or the following: +=,.@_-" (users'
// reports of GetRole, AttachRolePolicy, PutRolePolicy, DeleteRolePolicy),
// and a name too long in the model's words, without the value, as its
// other validation messages are recorded.
func TestIAMNameValidation(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "Names")
	const chars = " is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-"
	roleARN := "arn:aws:iam::" + s.accountID + ":role/service-role/" + role
	doc := aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"GetRole of an ARN", func() error {
			_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleARN)})
			return err
		}, "The specified value for roleName" + chars},
		{"AttachRolePolicy of an ARN", func() error {
			_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleARN), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		}, "The specified value for roleName" + chars},
		{"DeleteRolePolicy of a path", func() error {
			_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("service-role/" + role), PolicyName: aws.String("p")})
			return err
		}, "The specified value for roleName" + chars},
		{"PutRolePolicy with a space", func() error {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("S3 access"), PolicyDocument: doc})
			return err
		}, "The specified value for policyName" + chars},
		{"CreateRole too long", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65)), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
			return err
		}, "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMRefusal(t, tt.name, tt.call(), "ValidationError", http.StatusBadRequest, tt.want)
		})
	}
}

// TestIAMInlineSyntaxText: PutRolePolicy answers a document that breaks
// the grammar (not JSON, an element IAM does not know) "Syntax errors in
// policy.", as CreatePolicy does (users' reports of PutRolePolicy and
// PutUserPolicy: aws-ia/terraform-aws-transfer-family#109,
// aws/aws-cli#4555); UpdateAssumeRolePolicy keeps its recorded "This
// policy contains invalid Json".
func TestIAMInlineSyntaxText(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "InlineSyntax")
	for _, doc := range []string{"./policy.json", `{"//":"why","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`} {
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
		wantIAMRefusal(t, "PutRolePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, "Syntax errors in policy.")
	}
	_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String("not valid json")})
	wantIAMRefusal(t, "UpdateAssumeRolePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, "This policy contains invalid Json")
}
