package conformance

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// TestStrictIAMSparseTagLists: strict mode reads the tags of an IAM
// request as its operation does, sparse list indexes included (the query
// codec keeps Tags.member.2 without a Tags.member.1): a request whose tags
// or tag keys skip an index is denied by a policy on aws:TagKeys exactly
// as one numbered from 1, and a sparse list without the denied key is
// still allowed.
func TestStrictIAMSparseTagLists(t *testing.T) {
	t.Parallel()
	s, dev, _, keys := strictUserWith(t,
		map[string]any{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "iam:*", "Resource": "*",
			"Condition": map[string]any{"ForAnyValue:StringEquals": map[string]any{"aws:TagKeys": []string{"env"}}}})
	ctx := context.Background()
	role, user := uniqueName("r"), uniqueName("u")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err, "CreateRole")
	_, err = dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	ok(t, err, "CreateUser")
	pol, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("P")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	polARN := aws.ToString(pol.Policy.Arn)

	// tags is a Tags list with key env (or other) at index i, and team
	// at 1 when i > 2.
	tags := func(i, key string, kv ...string) []string {
		out := append(kv, "Tags.member."+i+".Key", key, "Tags.member."+i+".Value", "prod")
		if i != "1" && i != "2" {
			out = append(out, "Tags.member.1.Key", "team", "Tags.member.1.Value", "a")
		}
		return out
	}
	tests := []struct {
		name string
		form url.Values
		deny bool
	}{
		{"CreateRole dense", iamForm("CreateRole", tags("1", "env", "RoleName", uniqueName("c"), "AssumeRolePolicyDocument", lambdaTrust)...), true},
		{"CreateRole sparse", iamForm("CreateRole", tags("2", "env", "RoleName", uniqueName("c"), "AssumeRolePolicyDocument", lambdaTrust)...), true},
		{"CreateRole sparse after another tag", iamForm("CreateRole", tags("4", "env", "RoleName", uniqueName("c"), "AssumeRolePolicyDocument", lambdaTrust)...), true},
		{"CreateRole sparse without the key", iamForm("CreateRole", tags("2", "other", "RoleName", uniqueName("c"), "AssumeRolePolicyDocument", lambdaTrust)...), false},
		{"CreateUser sparse", iamForm("CreateUser", tags("3", "env", "UserName", uniqueName("c"))...), true},
		{"TagRole sparse", iamForm("TagRole", tags("5", "env", "RoleName", role)...), true},
		{"TagUser sparse", iamForm("TagUser", tags("2", "env", "UserName", user)...), true},
		{"TagPolicy sparse", iamForm("TagPolicy", tags("7", "env", "PolicyArn", polARN)...), true},
		{"UntagRole sparse", iamForm("UntagRole", "RoleName", role, "TagKeys.member.3", "env"), true},
		{"UntagUser sparse", iamForm("UntagUser", "UserName", user, "TagKeys.member.2", "env"), true},
		{"UntagRole sparse without the key", iamForm("UntagRole", "RoleName", role, "TagKeys.member.3", "other"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.iamRaw(t, tt.form, keys)
			denied := res.status == http.StatusForbidden && bytes.Contains(res.body, []byte("<Code>AccessDenied</Code>"))
			switch {
			case tt.deny && !denied:
				t.Errorf("%s: got %d %s, want 403 AccessDenied", tt.form.Get("Action"), res.status, res.body)
			case !tt.deny && res.status != http.StatusOK:
				t.Errorf("%s: got %d %s, want 200", tt.form.Get("Action"), res.status, res.body)
			}
		})
	}
	// No refused request tagged anything.
	rt, err := dev.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(role)})
	ok(t, err, "ListRoleTags")
	for _, tg := range rt.Tags {
		if aws.ToString(tg.Key) == "env" {
			t.Errorf("tags of %s: got env, want none (TagRole was refused)", role)
		}
	}
}

// TestStrictFederationTokenTagKeys: in strict mode the policies of the
// IAM user asking for GetFederationToken see the session tags it gives as
// aws:RequestTag/<key> and aws:TagKeys, as the Service Authorization
// Reference lists them for sts:GetFederationToken, read as the operation
// reads them (a sparse Tags.member.N included).
func TestStrictFederationTokenTagKeys(t *testing.T) {
	t.Parallel()
	s, _, userARN, keys := strictUserWith(t,
		map[string]any{"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "sts:GetFederationToken", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestTag/env": "prod"}}},
		map[string]any{"Effect": "Deny", "Action": "sts:GetFederationToken", "Resource": "*",
			"Condition": map[string]any{"ForAnyValue:StringEquals": map[string]any{"aws:TagKeys": []string{"secret"}}}})
	ctx := context.Background()
	fed := s.stsWith(keys)
	allowAll := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for _, tt := range []struct {
		name string
		tags []types.Tag
		deny bool
	}{
		{"env=prod", []types.Tag{tag("env", "prod")}, true},
		{"secret key", []types.Tag{tag("team", "a"), tag("secret", "x")}, true},
		{"env=dev", []types.Tag{tag("env", "dev")}, false},
		{"untagged", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fed.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Fed"), Policy: aws.String(allowAll), Tags: tt.tags})
			if !tt.deny {
				ok(t, err, "GetFederationToken")
				return
			}
			wantSTSDenied(t, err, userARN)
		})
	}
	t.Run("sparse env=prod", func(t *testing.T) {
		form := url.Values{"Action": {"GetFederationToken"}, "Version": {"2011-06-15"}, "Name": {"Fed"},
			"Tags.member.3.Key": {"env"}, "Tags.member.3.Value": {"prod"}}
		body := []byte(form.Encode())
		req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		res := s.do(t, signedRequest(t, req, body, keys, "sts", region))
		if res.status != http.StatusForbidden || !bytes.Contains(res.body, []byte("<Code>AccessDenied</Code>")) {
			t.Errorf("GetFederationToken with Tags.member.3 env=prod: got %d %s, want 403 AccessDenied", res.status, res.body)
		}
	})
}

// wantSTSDenied fails t unless err is STS's AccessDenied of
// sts:GetFederationToken for userARN by an explicit deny.
func wantSTSDenied(t *testing.T, err error, userARN string) {
	t.Helper()
	if err == nil {
		t.Fatalf("GetFederationToken: got no error, want AccessDenied")
	}
	msg := err.Error()
	if !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, userARN+" is not authorized to perform: sts:GetFederationToken") || !strings.Contains(msg, "explicit deny") {
		t.Errorf("GetFederationToken: got %v, want AccessDenied of sts:GetFederationToken by an explicit deny", err)
	}
}

// TestAuthorizeActionCase: /_idpool/authorize gives an IAM action the
// condition keys of its operation whatever the case it is named in, as
// IAM matches actions ignoring case: a Deny on iam:PermissionsBoundary of
// iam:DeleteRolePermissionsBoundary refuses it named in lower or upper
// case too, as it refuses the request itself.
func TestAuthorizeActionCase(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	bnd := s.boundaryPolicy(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	target := uniqueName("Bounded")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(target), AssumeRolePolicyDocument: aws.String(lambdaTrust),
		PermissionsBoundary: aws.String(bnd)})
	ok(t, err, "CreateRole")
	_, c := s.policySession(t, "Denied", "case", map[string]any{"Effect": "Deny", "Action": "iam:DeleteRolePermissionsBoundary", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": bnd}}})
	for _, action := range []string{"iam:DeleteRolePermissionsBoundary", "iam:deleterolepermissionsboundary", "IAM:DELETEROLEPERMISSIONSBOUNDARY"} {
		t.Run(action, func(t *testing.T) {
			if got := s.authorizeDecision(t, c.SessionToken, action, s.roleARN(target), nil); got != "explicitDeny" {
				t.Errorf("/_idpool/authorize %s: got %s, want explicitDeny", action, got)
			}
		})
	}
}
