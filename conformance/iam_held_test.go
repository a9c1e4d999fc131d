package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMHeldPolicies: permission policies an earlier idpool stored,
// which IAM now refuses to write (an S3 bucket or IAM resource with a
// region, an action with two colons, a vendor with a space), still work
// when a store or an export holds them: the server starts with them in
// its fixtures (strict mode on), SimulatePrincipalPolicy and
// /_idpool/authorize evaluate them, and strict mode lets a session of
// their role do what they allow. PutRolePolicy refuses them.
func TestIAMHeldPolicies(t *testing.T) {
	const (
		account = "123456789012"
		adminID = "AKIAHELDADMIN0000001"
		role    = "arn:aws:iam::" + account + ":role/Held"
	)
	stmt := func(action, resource string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	doc := func(stmts ...map[string]any) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": stmts}
	}
	type form struct{ name, action, resource, reason string }
	forms := []form{
		{"s3 bucket with a region", "s3:GetObject", "arn:aws:s3:us-east-1::bucket/x", "Resource arn:aws:s3:us-east-1::bucket/x can not contain region information."},
		{"iam with a region", "iam:GetRole", "arn:aws:iam:us-east-1:" + account + ":role/x",
			"IAM resource arn:aws:iam:us-east-1:" + account + ":role/x cannot contain region information."},
		{"two colons", "s3:List:Bucket", "*", "Actions/Condition can contain only one colon."},
	}
	var inline []any
	for i, f := range forms {
		inline = append(inline, map[string]any{"PolicyName": "p" + string(rune('1'+i)), "PolicyDocument": doc(stmt(f.action, f.resource))})
	}
	dir := t.TempDir()
	path := writeJSON(t, dir, "held.json", map[string]any{
		"Users": []any{
			map[string]any{"UserName": "admin", "AccessKeys": []any{map[string]string{"AccessKeyId": adminID, "SecretAccessKey": secretKey}},
				"Policies": adminPolicies()},
		},
		"ManagedPolicies": []any{map[string]any{"ManagedPolicyName": "Vendor",
			"PolicyDocument": doc(stmt("a a:ListBucket", "*"), stmt("cognito-identity:DescribeIdentityPool", "*"))}},
		"Roles": []any{map[string]any{
			"Arn": role,
			"AssumeRolePolicyDocument": map[string]any{"Statement": map[string]any{"Effect": "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::" + account + ":user/admin"}, "Action": "sts:AssumeRole"}},
			"Policies":          inline,
			"ManagedPolicyArns": []string{"arn:aws:iam::" + account + ":policy/Vendor"},
		}},
	})
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path, "IDPOOL_STRICT": "true"})
	ctx := context.Background()
	admin := aws.Credentials{AccessKeyID: adminID, SecretAccessKey: secretKey}
	c := s.iamWith(admin)
	// The fourth form is in the managed policy.
	forms = append(forms, form{"vendor with a space", "a a:ListBucket", "*", "Vendor a a is not valid"})

	for _, f := range forms {
		t.Run("SimulatePrincipalPolicy "+f.name, func(t *testing.T) {
			out, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(role),
				ActionNames: []string{f.action}, ResourceArns: []string{f.resource}})
			ok(t, err, "SimulatePrincipalPolicy")
			if got := string(out.EvaluationResults[0].EvalDecision); got != "allowed" {
				t.Errorf("SimulatePrincipalPolicy %s on %s: got %s, want allowed", f.action, f.resource, got)
			}
		})
	}

	assumed, err := s.stsWith(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("held")})
	ok(t, err, "AssumeRole")
	session := aws.Credentials{AccessKeyID: aws.ToString(assumed.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(assumed.Credentials.SecretAccessKey), SessionToken: aws.ToString(assumed.Credentials.SessionToken)}
	for _, f := range forms {
		if got := s.authorizeDecision(t, session.SessionToken, f.action, f.resource, nil); got != "allowed" {
			t.Errorf("/_idpool/authorize %s on %s: got %s, want allowed", f.action, f.resource, got)
		}
	}

	pool, err := s.identityWith(admin).CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("held"), AllowUnauthenticatedIdentities: true})
	ok(t, err, "CreateIdentityPool")
	_, err = s.identityWith(session).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: pool.IdentityPoolId})
	ok(t, err, "DescribeIdentityPool in strict mode, allowed by the role's managed policy")

	for _, f := range forms {
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Held"), PolicyName: aws.String("new"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"` + f.action + `","Resource":"` + f.resource + `"}}`)})
		wantIAMRefusal(t, "PutRolePolicy "+f.name, err, "MalformedPolicyDocument", http.StatusBadRequest, f.reason)
	}
}
