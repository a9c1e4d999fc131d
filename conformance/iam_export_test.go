package conformance

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMExportRestart drives IAM through the SDK (a role with a path, a
// two-hour maximum session, a description and a tag of empty value; a
// customer managed policy whose second, default version denies s3:*,
// attached to the role), writes the database out with the idpool binary
// as the README does (idpool export --db FILE > fixtures.json, beside the
// running server), and starts a fresh server from that file alone: the
// role, the policy and what they decide are as before.
func TestIAMExportRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	s := testServerEnv(t, map[string]string{"IDPOOL_DB": db})
	ctx := context.Background()
	c := s.iamWith(developerKeys())

	trust := policyJSON(t, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("R"), Path: aws.String("/a/b/"),
		AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200), Description: aws.String("d"),
		Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("")}}})
	ok(t, err, "CreateRole")
	roleARN := aws.ToString(role.Role.Arn)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	mp, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("MP"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	policyARN := aws.ToString(mp.Policy.Arn)
	deny := policyJSON(t, map[string]any{"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN),
		PolicyDocument: aws.String(deny), SetAsDefault: true})
	ok(t, err, "CreatePolicyVersion")
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: aws.String(policyARN)})
	ok(t, err, "AttachRolePolicy")

	file := filepath.Join(dir, "fixtures.json")
	idpoolExport(t, db, file)
	back := testServerEnv(t, map[string]string{"IDPOOL_DB": filepath.Join(dir, "fresh.db"), "IDPOOL_FIXTURES": file})
	c = back.iamWith(developerKeys())

	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("R")})
	ok(t, err, "GetRole")
	r := got.Role
	if aws.ToString(r.Arn) != roleARN || aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "d" ||
		len(r.Tags) != 1 || aws.ToString(r.Tags[0].Key) != "k" || aws.ToString(r.Tags[0].Value) != "" {
		t.Errorf("GetRole: got ARN %s, max session %d, description %q, tags %v; want %s, 7200, \"d\", k=\"\"",
			aws.ToString(r.Arn), aws.ToInt32(r.MaxSessionDuration), aws.ToString(r.Description), r.Tags, roleARN)
	}
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	ok(t, err, "GetPolicy")
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: p.Policy.DefaultVersionId})
	ok(t, err, "GetPolicyVersion")
	if doc, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document)); doc != deny {
		t.Errorf("GetPolicyVersion: got default document %s, want %s", doc, deny)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("R")})
	ok(t, err, "ListAttachedRolePolicies")
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != policyARN {
		t.Errorf("ListAttachedRolePolicies: got %+v, want %s", att.AttachedPolicies, policyARN)
	}
	sim, err := c.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(roleARN),
		ActionNames: []string{"s3:GetObject"}})
	ok(t, err, "SimulatePrincipalPolicy")
	if d := sim.EvaluationResults[0].EvalDecision; d != iamtypes.PolicyEvaluationDecisionTypeExplicitDeny {
		t.Errorf("SimulatePrincipalPolicy s3:GetObject: got %s, want explicitDeny", d)
	}

	// The role's maximum session decides, as before the export.
	dev := back.stsWith(developerKeys())
	_, err = dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("two-hours"), DurationSeconds: aws.Int32(7200)})
	ok(t, err, "AssumeRole for 7200 seconds")
	_, err = dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("three-hours"), DurationSeconds: aws.Int32(10800)})
	if !isCode(err, "ValidationError") {
		t.Errorf("AssumeRole for 10800 seconds: got %v, want ValidationError (the role allows 7200)", err)
	}
}

// idpoolExport builds the idpool command and runs
// "idpool export --db db > file", as the README documents.
func idpoolExport(t *testing.T, db, file string) {
	t.Helper()
	bin := buildIdpool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, bin, "export", "--db", db)
	cmd.Stdout = out
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // no IDPOOL_* of the developer's
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("idpool export --db %s: %v\n%s", db, err, stderr.String())
	}
}
