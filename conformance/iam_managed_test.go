package conformance

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMAWSManagedPolicies: a role attaches AWS managed policies by ARN,
// as CloudFormation templates and Terraform modules do, though idpool
// holds no AWS managed policy (GetPolicy: NoSuchEntity).
func TestIAMAWSManagedPolicies(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := uniqueName("Lambda")
	trust := policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	lambda := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	readOnly := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	for _, arn := range []string{lambda, readOnly} {
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)})
		ok(t, err, "AttachRolePolicy "+arn)
	}
	var got []iamtypes.AttachedPolicy
	pages := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name), MaxItems: aws.Int32(1)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		ok(t, err, "ListAttachedRolePolicies")
		got = append(got, out.AttachedPolicies...)
	}
	want := []string{"AWSLambdaBasicExecutionRole " + lambda, "ReadOnlyAccess " + readOnly}
	var have []string
	for _, p := range got {
		have = append(have, aws.ToString(p.PolicyName)+" "+aws.ToString(p.PolicyArn))
	}
	if !slices.Equal(have, want) {
		t.Errorf("ListAttachedRolePolicies: got %v, want %v", have, want)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(lambda)})
	wantIAMError(t, err, "NoSuchEntity", http.StatusNotFound, new(*iamtypes.NoSuchEntityException))
	// idpool has no document for them: they allow nothing.
	sim, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + s.accountID + ":role/" + name), ActionNames: []string{"logs:PutLogEvents", "s3:GetObject"}})
	ok(t, err, "SimulatePrincipalPolicy")
	for _, r := range sim.EvaluationResults {
		if r.EvalDecision != iamtypes.PolicyEvaluationDecisionTypeImplicitDeny {
			t.Errorf("SimulatePrincipalPolicy %s: got %s, want implicitDeny", aws.ToString(r.EvalActionName), r.EvalDecision)
		}
	}
	for _, arn := range []string{lambda, readOnly} {
		_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)})
		ok(t, err, "DetachRolePolicy "+arn)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	ok(t, err, "DeleteRole")
}

// TestIAMPolicyNamesUnique: CreatePolicy refuses a name the account holds
// at another path or in another case, as IAM does ("Names are not
// distinguished by case"), and ListPolicies pages through each once.
func TestIAMPolicyNamesUnique(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	name := uniqueName("Dup")
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), Path: aws.String("/a/"), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	for _, tt := range []struct{ name, policy, path string }{
		{"another path", name, "/b/"},
		{"another case", strings.ToUpper(name), "/a/"},
		{"another case and path", strings.ToLower(name), "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(tt.policy), Path: aws.String(tt.path), PolicyDocument: aws.String(doc)})
			wantIAMError(t, err, "EntityAlreadyExists", http.StatusConflict, new(*iamtypes.EntityAlreadyExistsException))
		})
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name + "2"), Path: aws.String("/a/"), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy of another name")
	var names []string
	pages := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{PathPrefix: aws.String("/a/"), MaxItems: aws.Int32(1)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		ok(t, err, "ListPolicies")
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
	}
	if want := []string{name, name + "2"}; !slices.Equal(names, want) {
		t.Errorf("ListPolicies under /a/, pages of one: got %v, want %v", names, want)
	}
}
