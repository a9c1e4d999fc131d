package conformance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMPolicyVersions: through the SDK, a managed policy's version ids
// are never handed out twice (a deleted version's id stays used, as in
// IAM), and its UpdateDate is when its newest version was created:
// SetDefaultPolicyVersion and DeletePolicyVersion, made a second later,
// leave it, in GetPolicy and ListPolicies alike.
func TestIAMPolicyVersions(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	name := uniqueName("Versions")
	p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	ok(t, err, "CreatePolicy")
	arn := p.Policy.Arn
	create := func(want string) time.Time {
		t.Helper()
		out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc)})
		ok(t, err, "CreatePolicyVersion")
		if got := aws.ToString(out.PolicyVersion.VersionId); got != want {
			t.Errorf("CreatePolicyVersion: got %s, want %s", got, want)
		}
		return aws.ToTime(out.PolicyVersion.CreateDate)
	}
	create("v2")
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v2")})
	ok(t, err, "DeletePolicyVersion v2")
	created := create("v3")

	// The wire's dates are in seconds: wait for the next one.
	time.Sleep(time.Until(created.Add(1100 * time.Millisecond)))
	_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	ok(t, err, "SetDefaultPolicyVersion v3")
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	ok(t, err, "DeletePolicyVersion v1")

	g, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	ok(t, err, "GetPolicy")
	if got := aws.ToTime(g.Policy.UpdateDate); !got.Equal(created) {
		t.Errorf("GetPolicy: got UpdateDate %v, want %v, when v3 was created", got, created)
	}
	if got := aws.ToString(g.Policy.DefaultVersionId); got != "v3" {
		t.Errorf("GetPolicy: got DefaultVersionId %s, want v3", got)
	}
	l, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{})
	ok(t, err, "ListPolicies")
	i := slices.IndexFunc(l.Policies, func(p iamtypes.Policy) bool { return aws.ToString(p.Arn) == aws.ToString(arn) })
	if i < 0 {
		t.Fatalf("ListPolicies: got no %s", aws.ToString(arn))
	}
	if got := aws.ToTime(l.Policies[i].UpdateDate); !got.Equal(created) {
		t.Errorf("ListPolicies: got UpdateDate %v, want %v", got, created)
	}
	create("v4")
}
