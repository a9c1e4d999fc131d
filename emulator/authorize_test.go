package emulator

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/iam"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
)

// TestDecisionKeys: the keys a session's request is decided with hold the
// time, the caller's request keys, and the session's own keys, which no
// caller key replaces or adds to.
func TestDecisionKeys(t *testing.T) {
	now := time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC)
	issued := now.Add(-time.Hour)
	cognito := policy.Session{Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/Auth", RoleID: "AROAX", Name: "CognitoIdentityCredentials",
		Provider: policy.Cognito, Subject: "us-east-1:me", Audience: "us-east-1:pool", AMR: []string{"authenticated"}, IssuedAt: issued}
	plain := policy.Session{Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/Cond", RoleID: "AROAY", Name: "dev", IssuedAt: issued}

	tests := []struct {
		name    string
		who     policy.Session
		request map[string][]string
		want    map[string][]string // keys that must have these values
		absent  []string            // keys that must not be there
	}{
		{name: "time and issue time", who: plain,
			want: map[string][]string{"aws:CurrentTime": {"2026-12-06T13:00:00Z"}, "aws:EpochTime": {"1796562000"}, "aws:TokenIssueTime": {"2026-12-06T12:00:00Z"}}},
		{name: "caller's request keys win", who: plain,
			request: map[string][]string{"aws:currenttime": {"2030-01-01T00:00:00Z"}, "aws:SourceIp": {"10.0.0.1"}, "s3:prefix": {"home/"}},
			want:    map[string][]string{"aws:currenttime": {"2030-01-01T00:00:00Z"}, "aws:SourceIp": {"10.0.0.1"}, "s3:prefix": {"home/"}, "aws:EpochTime": {"1796562000"}},
			absent:  []string{"aws:CurrentTime"}},
		{name: "caller cannot be another identity", who: cognito,
			request: map[string][]string{"cognito-identity.amazonaws.com:sub": {"victim"}, "COGNITO-IDENTITY.AMAZONAWS.COM:SUB": {"victim"}, "Cognito-Identity.amazonaws.com:amr": {"unauthenticated"}},
			want:    map[string][]string{"cognito-identity.amazonaws.com:sub": {"us-east-1:me"}, "cognito-identity.amazonaws.com:amr": {"authenticated"}},
			absent:  []string{"COGNITO-IDENTITY.AMAZONAWS.COM:SUB", "Cognito-Identity.amazonaws.com:amr"}},
		{name: "caller cannot add principal keys", who: plain,
			request: map[string][]string{
				"aws:PrincipalTag/team": {"admin"}, "aws:principalarn": {"arn:aws:iam::123456789012:role/Admin"}, "aws:userid": {"AROAZ:x"},
				"aws:TokenIssueTime": {"2000-01-01T00:00:00Z"}, "aws:MultiFactorAuthPresent": {"true"}, "aws:FederatedProvider": {policy.Cognito},
				"cognito-identity.amazonaws.com:sub": {"victim"}, "token.example.com/path:sub": {"victim"}, "localhost:8080:sub": {"victim"},
			},
			want:   map[string][]string{"aws:userid": {"AROAY:dev"}, "aws:PrincipalArn": {plain.RoleARN}, "aws:TokenIssueTime": {"2026-12-06T12:00:00Z"}},
			absent: []string{"aws:PrincipalTag/team", "aws:principalarn", "aws:MultiFactorAuthPresent", "aws:FederatedProvider", "cognito-identity.amazonaws.com:sub", "token.example.com/path:sub", "localhost:8080:sub"}},
		{name: "service keys with colons in tag keys pass", who: plain,
			request: map[string][]string{"aws:RequestTag/a:b": {"v"}, "s3:ExistingObjectTag/x:1": {"v"}, "dynamodb:LeadingKeys": {"k"}},
			want:    map[string][]string{"aws:RequestTag/a:b": {"v"}, "s3:ExistingObjectTag/x:1": {"v"}, "dynamodb:LeadingKeys": {"k"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decisionKeys(&tt.who, tt.request, now)
			for k, v := range tt.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s: got %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s: got %q, want no such key", k, v)
				}
			}
		})
	}
}

// TestSessionDecisionSessionPolicies: a session may do only what both its
// role's policies and its session policies (the inline Policy and the
// managed policies of PolicyArns, read from IAM at decision time) allow; a
// Deny in either refuses, and a managed policy IAM does not hold allows
// nothing. The reason of a refusal names the session policy, and the
// kind of policy that refused is the session's, as IAM's refusals say.
func TestSessionDecisionSessionPolicies(t *testing.T) {
	ctx := t.Context()
	srv, err := New(ctx, Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	const (
		role  = "arn:aws:iam::123456789012:role/Wide"
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
		wide  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cognito-identity:*","s3:*"],"Resource":"*"}]}`
		reads = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},` +
			`{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/secret/*"}]}`
	)
	created, err := srv.iamSvc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "Wide", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.iamSvc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: "Wide", PolicyName: "wide", PolicyDocument: wide}); err != nil {
		t.Fatal(err)
	}
	mp, err := srv.iamSvc.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: "Reads", PolicyDocument: reads})
	if err != nil {
		t.Fatal(err)
	}
	managed := mp.Policy.Arn

	tests := []struct {
		name             string
		sess             creds.Session
		action, resource string
		want             policy.Decision
		reason           string // a part of the reason, when refused
		by               refuser
	}{
		{name: "no session policy", sess: creds.Session{}, action: "s3:PutObject", resource: "arn:aws:s3:::bucket/x", want: policy.Allowed},
		{name: "inline allows", sess: creds.Session{Policy: reads}, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/x", want: policy.Allowed},
		{name: "inline does not allow", sess: creds.Session{Policy: reads}, action: "s3:PutObject", resource: "arn:aws:s3:::bucket/x",
			want: policy.ImplicitDeny, reason: "but no session policy of the session (Policy) allows it", by: bySession},
		{name: "inline denies", sess: creds.Session{Policy: reads}, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/secret/x",
			want: policy.ExplicitDeny, reason: "statement 2 (NoSecrets) of session policy Policy", by: bySession},
		{name: "role does not allow", sess: creds.Session{Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			action: "sqs:SendMessage", resource: "*", want: policy.ImplicitDeny, reason: "no permission policy of role", by: byIdentity},
		{name: "managed allows", sess: creds.Session{PolicyARNs: []string{managed}}, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/x", want: policy.Allowed},
		{name: "managed does not allow", sess: creds.Session{PolicyARNs: []string{managed}}, action: "cognito-identity:DescribeIdentityPool", resource: "*",
			want: policy.ImplicitDeny, reason: managed, by: bySession},
		{name: "unknown managed allows nothing", sess: creds.Session{PolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3FullAccess"}},
			action: "s3:GetObject", resource: "arn:aws:s3:::bucket/x", want: policy.ImplicitDeny, reason: "AmazonS3FullAccess", by: bySession},
		{name: "any session policy allows", sess: creds.Session{Policy: reads, PolicyARNs: []string{"arn:aws:iam::aws:policy/AmazonS3FullAccess"}},
			action: "s3:GetObject", resource: "arn:aws:s3:::bucket/x", want: policy.Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := creds.Credentials{AccessKeyID: "ASIAEXAMPLE", Session: tt.sess}
			c.Session.RoleARN, c.Session.RoleID, c.Session.SessionName = role, created.Role.RoleId, "s1"
			res, why, by, err := srv.sessionDecision(ctx, &c, sts.Principal(c), tt.action, tt.resource, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tt.want {
				t.Errorf("got %s, want %s", res.Decision, tt.want)
			}
			if !strings.Contains(why, tt.reason) {
				t.Errorf("got reason %q, want one with %q", why, tt.reason)
			}
			if by != tt.by {
				t.Errorf("got refused by %q, want %q", by, tt.by)
			}
		})
	}
}

// TestSessionDecisionOtherAccount: a session of a role ARN of another
// account or path than the role IAM holds under its name has none of that
// role's permissions, in any case of its name and any partition: the ARN
// names a role IAM does not hold. (Before, the role was looked up by its
// name alone, so that a session of arn:aws:iam::999999999999:role/Admin,
// which a role IAM does not hold lets anyone assume, had the account's
// Admin role's permissions.)
func TestSessionDecisionOtherAccount(t *testing.T) {
	ctx := t.Context()
	srv := strictServer(t)
	const (
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
		all   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	)
	created, err := srv.iamSvc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "Admin", Path: new("/ops/"), AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.iamSvc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: "Admin", PolicyName: "all", PolicyDocument: all}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, role string
		want       policy.Decision
	}{
		{"the role", "arn:aws:iam::123456789012:role/ops/Admin", policy.Allowed},
		{"its name in another case", "arn:aws:iam::123456789012:role/ops/ADMIN", policy.Allowed},
		{"another partition", "arn:aws-cn:iam::123456789012:role/ops/Admin", policy.Allowed},
		{"another account", "arn:aws:iam::999999999999:role/ops/Admin", policy.ImplicitDeny},
		{"another account, no path", "arn:aws:iam::000000000000:role/Admin", policy.ImplicitDeny},
		{"another path", "arn:aws:iam::123456789012:role/Admin", policy.ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := creds.Credentials{AccessKeyID: "ASIAEXAMPLE", Session: creds.Session{RoleARN: tt.role, RoleID: created.Role.RoleId, SessionName: "s"}}
			res, _, _, err := srv.sessionDecision(ctx, &c, sts.Principal(c), "iam:CreateUser", "*", nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tt.want {
				t.Errorf("got %s, want %s", res.Decision, tt.want)
			}
		})
	}
}

// TestSessionDecisionRoleCreatedLater: a session issued for a role IAM
// did not hold (which trusts everyone, and has no RoleId) gets none of the
// permissions nor tags of a role created under its name afterwards: AWS
// never issues a session of a role that does not exist, and the role
// created later trusts whom it names, not the session's owner.
func TestSessionDecisionRoleCreatedLater(t *testing.T) {
	ctx := t.Context()
	srv := strictServer(t)
	const role = "arn:aws:iam::123456789012:role/Later"
	c := creds.Credentials{AccessKeyID: "ASIAEXAMPLE", Session: creds.Session{RoleARN: role, SessionName: "early"}}
	decide := func() (policy.Decision, string) {
		t.Helper()
		res, why, _, err := srv.sessionDecision(ctx, &c, sts.Principal(c), "iam:CreateUser", "*", nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Decision, why
	}
	if d, _ := decide(); d != policy.ImplicitDeny {
		t.Fatalf("before the role exists: got %s, want implicitDeny", d)
	}
	const (
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
		all   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	)
	if _, err := srv.iamSvc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: "Later", AssumeRolePolicyDocument: trust,
		Tags: []iam.Tag{{Key: "Dept", Value: "Marketing"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.iamSvc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: "Later", PolicyName: "all", PolicyDocument: all}); err != nil {
		t.Fatal(err)
	}
	if d, why := decide(); d != policy.ImplicitDeny || !strings.Contains(why, "was created after this session") {
		t.Errorf("after the role is created: got %s (%s), want implicitDeny because it was created after the session", d, why)
	}
	if tags, err := heldSessionTags(ctx, srv.store, &c.Session); err != nil || len(tags) != 0 {
		t.Errorf("principal tags: got %v, %v, want none of the role created later", tags, err)
	}
}

// strictServer is a strict Server on an empty in-memory store, closed at
// the end of the test.
func strictServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(t.Context(), Config{DB: ":memory:", Strict: true}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
