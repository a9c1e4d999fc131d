package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// matched is a matched statement as the tests compare it: its policy, the
// type the simulator names it by, and its positions.
type matched struct {
	id, typ    string
	start, end [2]int32
}

// matchedOf returns the statements of one result as matched values.
func matchedOf(ss []iamtypes.Statement) []matched {
	var out []matched
	for _, st := range ss {
		m := matched{id: aws.ToString(st.SourcePolicyId), typ: string(st.SourcePolicyType)}
		if p := st.StartPosition; p != nil {
			m.start = [2]int32{p.Line, p.Column}
		}
		if p := st.EndPosition; p != nil {
			m.end = [2]int32{p.Line, p.Column}
		}
		out = append(out, m)
	}
	return out
}

// TestSimulateAsAWSAnswers: the simulator's MatchedStatements name every
// identity policy "IAM Policy", whatever kind of identity policy it is, the
// resource policy "Resource Policy" and the permissions boundary
// "Permissions Boundary Policy", as AWS answers (not the model's
// PolicySourceType enum), and place a statement as AWS does: the
// aws-cli's simulate-custom-policy example policy spans column 38 to 167.
func TestSimulateAsAWSAnswers(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	// aws/aws-cli awscli/examples/iam/simulate-custom-policy.rst.
	const cliExample = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	const denyDelete = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:DeleteTable","Resource":"*"}]}`
	pos := func(col int32) [2]int32 { return [2]int32{1, col} }

	name := uniqueName("SimTypes")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t, anyPoolTrust()))})
	ok(t, err, "CreateRole")
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(cliExample)})
	ok(t, err, "PutRolePolicy")
	managed, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("SimManaged")), PolicyDocument: aws.String(cliExample)})
	ok(t, err, "CreatePolicy")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: managed.Policy.Arn})
	ok(t, err, "AttachRolePolicy")
	boundary, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("SimBoundary")), PolicyDocument: aws.String(denyDelete)})
	ok(t, err, "CreatePolicy boundary")
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(name), PermissionsBoundary: boundary.Policy.Arn})
	ok(t, err, "PutRolePermissionsBoundary")

	ctxEntries := []iamtypes.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{"2019-04-25T11:00:00Z"},
		ContextKeyType: iamtypes.ContextKeyTypeEnumDate}}
	tests := []struct {
		name string
		call func() (*iam.SimulatePrincipalPolicyOutput, error)
		want []matched
	}{
		{"custom policy, as the aws-cli example", func() (*iam.SimulatePrincipalPolicyOutput, error) {
			out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{cliExample},
				ActionNames: []string{"dynamodb:CreateBackup"}, ContextEntries: ctxEntries})
			return (*iam.SimulatePrincipalPolicyOutput)(out), err
		}, []matched{{"PolicyInputList.1", "IAM Policy", pos(38), pos(167)}}},
		{"resource policy and boundary deny", func() (*iam.SimulatePrincipalPolicyOutput, error) {
			out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{cliExample},
				PermissionsBoundaryPolicyInputList: []string{denyDelete},
				ResourcePolicy:                     aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteTable","Resource":"*"}]}`),
				ActionNames:                        []string{"dynamodb:DeleteTable"}, ContextEntries: ctxEntries})
			return (*iam.SimulatePrincipalPolicyOutput)(out), err
		}, []matched{
			{"PermissionsBoundaryPolicyInputList.1", "Permissions Boundary Policy", pos(38), pos(102)},
			{"ResourcePolicy", "Resource Policy", pos(38), pos(118)},
		}},
		{"a role's inline and managed policies", func() (*iam.SimulatePrincipalPolicyOutput, error) {
			return c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(s.roleARN(name)),
				ActionNames: []string{"dynamodb:CreateBackup"}, ContextEntries: ctxEntries, PermissionsBoundaryPolicyInputList: []string{cliExample}})
		}, []matched{
			{"inline", "IAM Policy", pos(38), pos(167)},
			{aws.ToString(managed.Policy.PolicyName), "IAM Policy", pos(38), pos(167)},
		}},
		{"a role's managed boundary denies", func() (*iam.SimulatePrincipalPolicyOutput, error) {
			return c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(s.roleARN(name)),
				ActionNames: []string{"dynamodb:DeleteTable"}, ContextEntries: ctxEntries})
		}, []matched{{aws.ToString(boundary.Policy.PolicyName), "Permissions Boundary Policy", pos(38), pos(102)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.call()
			ok(t, err, "simulate")
			if len(out.EvaluationResults) != 1 {
				t.Fatalf("got %d results, want 1", len(out.EvaluationResults))
			}
			got := matchedOf(out.EvaluationResults[0].MatchedStatements)
			if len(got) != len(tt.want) {
				t.Fatalf("MatchedStatements: got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("MatchedStatements[%d]: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestSimulateResourceResults: without ResourceArns, AWS's answers leave
// ResourceSpecificResults and EvalDecisionDetails out (aws-cli outputs of
// simulate-principal-policy and simulate-custom-policy); for a resource
// ResourceArns names they carry the resource's result and an empty
// EvalDecisionDetails (a recorded boto3 SimulateCustomPolicy answer; a
// pasted aws-cli answer with --resource-arns).
func TestSimulateResourceResults(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	allow := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
	tests := []struct {
		name      string
		resources []string
		want      bool // ResourceSpecificResults and EvalDecisionDetails present
	}{
		{"no ResourceArns", nil, false},
		{"a named resource", []string{"arn:aws:s3:::b/k"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allow},
				ActionNames: []string{"s3:GetObject", "s3:PutObject"}, ResourceArns: tt.resources})
			ok(t, err, "SimulateCustomPolicy")
			for _, r := range out.EvaluationResults {
				if got := r.ResourceSpecificResults != nil; got != tt.want {
					t.Errorf("%s: got ResourceSpecificResults %v, want present %v", aws.ToString(r.EvalActionName), r.ResourceSpecificResults, tt.want)
				}
				if got := r.EvalDecisionDetails != nil; got != tt.want || len(r.EvalDecisionDetails) != 0 {
					t.Errorf("%s: got EvalDecisionDetails %v, want present (and empty) %v", aws.ToString(r.EvalActionName), r.EvalDecisionDetails, tt.want)
				}
				if tt.want && (len(r.ResourceSpecificResults) != 1 || r.ResourceSpecificResults[0].EvalResourceDecision != r.EvalDecision) {
					t.Errorf("%s: got ResourceSpecificResults %+v, want the resource's result", aws.ToString(r.EvalActionName), r.ResourceSpecificResults)
				}
			}
		})
	}
}

// TestGetContextKeysAsAWSCLI: GetContextKeysForCustomPolicy and
// GetContextKeysForPrincipalPolicy list the keys in the order the policy
// uses them, as the aws-cli's examples show (aws/aws-cli
// awscli/examples/iam/get-context-keys-for-custom-policy.rst and
// get-context-keys-for-principal-policy.rst): aws:username, from the
// Resource, before aws:CurrentTime, from the Condition, unsorted.
func TestGetContextKeysAsAWSCLI(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	const example = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}`
	want := []string{"aws:username", "aws:CurrentTime"}

	name := uniqueName("saanvi")
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser")
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(example)})
	ok(t, err, "PutUserPolicy")

	tests := []struct {
		name string
		call func() (*iam.GetContextKeysForPrincipalPolicyOutput, error)
	}{
		{"GetContextKeysForCustomPolicy", func() (*iam.GetContextKeysForPrincipalPolicyOutput, error) {
			out, err := c.GetContextKeysForCustomPolicy(ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{example}})
			return (*iam.GetContextKeysForPrincipalPolicyOutput)(out), err
		}},
		{"GetContextKeysForPrincipalPolicy", func() (*iam.GetContextKeysForPrincipalPolicyOutput, error) {
			return c.GetContextKeysForPrincipalPolicy(ctx, &iam.GetContextKeysForPrincipalPolicyInput{
				PolicySourceArn: aws.String("arn:aws:iam::" + s.accountID + ":user/" + name)})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.call()
			ok(t, err, tt.name)
			if !slices.Equal(out.ContextKeyNames, want) {
				t.Errorf("got %q, want %q", out.ContextKeyNames, want)
			}
		})
	}
}
