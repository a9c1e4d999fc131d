package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// lambdaTrust is a trust policy that lets Lambda assume a role, for roles
// that are only acted on.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// iamCase is one IAM call of a strict-mode test and the refusal it
// should get: "" for none, else the end of IAM's message ("with an
// explicit deny…", "because no…").
type iamCase struct {
	name    string
	action  string
	shown   string
	call    func() error
	refusal string
}

// runIAMCases runs tests as the IAM user userARN, each wanting its
// refusal or none.
func runIAMCases(t *testing.T, userARN string, tests []iamCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.refusal == "" {
				ok(t, err, tt.action)
				return
			}
			wantIAMRefusal(t, tt.action, err, "AccessDenied", http.StatusForbidden, msgDenied(userARN, tt.action, tt.shown)+" "+tt.refusal)
		})
	}
}

const (
	explicitDeny = "with an explicit deny in an identity-based policy"
	noAllow      = "because no identity-based policy allows the "
)

// strictUserWith starts a strict server and creates an IAM user there with
// an access key and an inline policy of statements. It returns the server,
// the developer's IAM client, and the user's ARN and key.
func strictUserWith(t *testing.T, statements ...map[string]any) (*server, *iam.Client, string, aws.Credentials) {
	t.Helper()
	s, dev, userARN, name, keys := strictUser(t)
	_, err := dev.PutUserPolicy(context.Background(), &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("abac"),
		PolicyDocument: aws.String(policyJSON(t, statements...))})
	ok(t, err, "PutUserPolicy")
	return s, dev, userARN, keys
}

// TestStrictPermissionsBoundaryKey: iam:PermissionsBoundary is, for the
// operations on a role or user other than those that set a boundary, the
// boundary the role or user has now, as the Service Authorization
// Reference lists it (AttachRolePolicy, PutRolePolicy,
// DeleteRolePermissionsBoundary…). So the IAM User Guide's delegated
// administrator may attach and put policies on the roles it created with
// the boundary it must set, and no other, and AWS's
// "DenyRemovalOfPermBoundaryFromAnyUserOrRole" statement keeps it from
// removing that boundary from a role or from itself.
func TestStrictPermissionsBoundaryKey(t *testing.T) {
	t.Parallel()
	s, dev, userARN, name, keys := strictUser(t)
	ctx := context.Background()
	doc := aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))
	mk := func(n string) string {
		p, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName(n)), PolicyDocument: doc})
		ok(t, err, "CreatePolicy")
		return aws.ToString(p.Policy.Arn)
	}
	boundary, other, power := mk("Boundary"), mk("Other"), mk("Power")
	_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("deleg"), PolicyDocument: aws.String(policyJSON(t,
		map[string]any{"Sid": "CreateOrChangeOnlyWithBoundary", "Effect": "Allow", "Action": []string{"iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"},
			"Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": boundary}}},
		map[string]any{"Effect": "Allow", "Action": []string{"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"}, "Resource": "*"},
		map[string]any{"Sid": "DenyRemovalOfPermBoundary", "Effect": "Deny", "Action": []string{"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"},
			"Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": boundary}}}))})
	ok(t, err, "PutUserPolicy")
	_, err = dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(name), PermissionsBoundary: aws.String(boundary)})
	ok(t, err, "PutUserPermissionsBoundary")
	free, otherBound := uniqueName("free"), uniqueName("otherbound")
	_, err = dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(free), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err, "CreateRole")
	_, err = dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(otherBound), AssumeRolePolicyDocument: aws.String(lambdaTrust), PermissionsBoundary: aws.String(other)})
	ok(t, err, "CreateRole")

	user := s.iamWith(keys)
	app := uniqueName("app")
	inline := aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
	attach := func(role string) func() error {
		return func() error {
			_, err := user.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(power)})
			return err
		}
	}
	unbound := func(role string) func() error {
		return func() error {
			_, err := user.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(role)})
			return err
		}
	}
	runIAMCases(t, userARN, []iamCase{
		{"CreateRole with the boundary", "iam:CreateRole", "", func() error {
			_, err := user.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(app), AssumeRolePolicyDocument: aws.String(lambdaTrust), PermissionsBoundary: aws.String(boundary)})
			return err
		}, ""},
		{"AttachRolePolicy on the bounded role", "iam:AttachRolePolicy", "", attach(app), ""},
		{"PutRolePolicy on the bounded role", "iam:PutRolePolicy", "", func() error {
			_, err := user.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(app), PolicyName: aws.String("read"), PolicyDocument: inline})
			return err
		}, ""},
		{"AttachRolePolicy on a role without boundary", "iam:AttachRolePolicy", "role " + free, attach(free), noAllow + "iam:AttachRolePolicy action"},
		{"AttachRolePolicy on a role with another boundary", "iam:AttachRolePolicy", "role " + otherBound, attach(otherBound), noAllow + "iam:AttachRolePolicy action"},
		{"DeleteRolePermissionsBoundary of the boundary", "iam:DeleteRolePermissionsBoundary", "role " + app, unbound(app), explicitDeny},
		{"DeleteUserPermissionsBoundary of itself", "iam:DeleteUserPermissionsBoundary", "user " + name, func() error {
			_, err := user.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(name)})
			return err
		}, explicitDeny},
		{"DeleteRolePermissionsBoundary of another boundary", "iam:DeleteRolePermissionsBoundary", "", unbound(otherBound), ""},
	})
	r, err := dev.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(app)})
	ok(t, err, "GetRole")
	if r.Role.PermissionsBoundary == nil || aws.ToString(r.Role.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("boundary of %s after the refusal: got %+v, want %s", app, r.Role.PermissionsBoundary, boundary)
	}
	u, err := dev.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	ok(t, err, "GetUser")
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("boundary of %s after the refusal: got %+v, want %s", name, u.User.PermissionsBoundary, boundary)
	}
}

// TestStrictIAMTagKeys: an IAM request's policies see the tags of the
// role, user or managed policy it acts on as aws:ResourceTag/<key> (and a
// role's or user's as iam:ResourceTag/<key>), whatever the case of the
// key in the policy, as condition keys are; the tags a Create… or Tag…
// request gives as aws:RequestTag/<key> and aws:TagKeys; and the keys an
// Untag… request removes as aws:TagKeys, as the Service Authorization
// Reference lists them.
func TestStrictIAMTagKeys(t *testing.T) {
	t.Parallel()
	s, dev, userARN, keys := strictUserWith(t,
		map[string]any{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/protected": "true"}}},
		map[string]any{"Effect": "Deny", "Action": "iam:PutRolePolicy", "Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"iam:resourcetag/tier": "gold"}}},
		map[string]any{"Effect": "Deny", "Action": []string{"iam:TagRole", "iam:UntagRole"}, "Resource": "*",
			"Condition": map[string]any{"ForAnyValue:StringEquals": map[string]any{"aws:TagKeys": []string{"owner"}}}},
		map[string]any{"Effect": "Deny", "Action": "iam:CreateRole", "Resource": "*", "Condition": map[string]any{"StringNotEquals": map[string]any{"aws:RequestTag/team": "dev"}}})
	ctx := context.Background()
	role := func(tags ...types.Tag) string {
		n := uniqueName("r")
		_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(n), AssumeRolePolicyDocument: aws.String(lambdaTrust), Tags: tags})
		ok(t, err, "CreateRole")
		return n
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	prot, gold, plain := role(tag("protected", "true")), role(tag("Tier", "gold")), role(tag("owner", "ann"))
	protUser := uniqueName("pu")
	_, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(protUser), Tags: []types.Tag{tag("protected", "true")}})
	ok(t, err, "CreateUser")
	pol, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("P")), Tags: []types.Tag{tag("protected", "true")},
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	polARN := aws.ToString(pol.Policy.Arn)

	user := s.iamWith(keys)
	doc := aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))
	put := func(r string) func() error {
		return func() error {
			_, err := user.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r), PolicyName: aws.String("x"), PolicyDocument: doc})
			return err
		}
	}
	untag := func(k string) func() error {
		return func() error {
			_, err := user.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(plain), TagKeys: []string{k}})
			return err
		}
	}
	newARN := "arn:aws:iam::" + s.accountID + ":role/"
	runIAMCases(t, userARN, []iamCase{
		{"PutRolePolicy on a protected role", "iam:PutRolePolicy", "role " + prot, put(prot), explicitDeny},
		{"PutRolePolicy on a gold role (iam:ResourceTag, key case)", "iam:PutRolePolicy", "role " + gold, put(gold), explicitDeny},
		{"PutRolePolicy on an untagged role", "iam:PutRolePolicy", "", put(plain), ""},
		{"PutUserPolicy on a protected user", "iam:PutUserPolicy", "user " + protUser, func() error {
			_, err := user.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(protUser), PolicyName: aws.String("x"), PolicyDocument: doc})
			return err
		}, explicitDeny},
		{"CreatePolicyVersion of a protected policy", "iam:CreatePolicyVersion", "policy " + polARN, func() error {
			_, err := user.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(polARN), PolicyDocument: doc})
			return err
		}, explicitDeny},
		{"UntagRole of a denied key", "iam:UntagRole", "role " + plain, untag("owner"), explicitDeny},
		{"UntagRole of another key", "iam:UntagRole", "", untag("other"), ""},
		{"TagRole with a denied key", "iam:TagRole", "role " + plain, func() error {
			_, err := user.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(plain), Tags: []types.Tag{tag("owner", "bob")}})
			return err
		}, explicitDeny},
	})
	// CreateRole's refusal names the ARN of the role it creates, a name
	// each case makes.
	for _, tt := range []struct {
		name string
		tags []types.Tag
		deny bool
	}{{"CreateRole tagged team=dev", []types.Tag{tag("team", "dev")}, false}, {"CreateRole tagged team=ops", []types.Tag{tag("team", "ops")}, true}, {"CreateRole untagged", nil, true}} {
		t.Run(tt.name, func(t *testing.T) {
			n := uniqueName("c")
			_, err := user.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(n), AssumeRolePolicyDocument: aws.String(lambdaTrust), Tags: tt.tags})
			if !tt.deny {
				ok(t, err, "CreateRole")
				return
			}
			wantIAMRefusal(t, "iam:CreateRole", err, "AccessDenied", http.StatusForbidden, msgDenied(userARN, "iam:CreateRole", newARN+n)+" "+explicitDeny)
		})
	}
}

// TestStrictPoolTagKeys: a Cognito Identity request's policies see the
// tags of the identity pool it acts on as aws:ResourceTag/<key>, the tags
// CreateIdentityPool and TagResource give as aws:RequestTag/<key> and
// aws:TagKeys, and the keys UntagResource removes as aws:TagKeys, as the
// Service Authorization Reference lists them for cognito-identity: a Deny
// on aws:ResourceTag/env "prod" protects a pool tagged so.
func TestStrictPoolTagKeys(t *testing.T) {
	t.Parallel()
	s, _, userARN, keys := strictUserWith(t,
		map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "cognito-identity:*", "Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/env": "prod"}}},
		map[string]any{"Effect": "Deny", "Action": []string{"cognito-identity:CreateIdentityPool", "cognito-identity:TagResource"}, "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestTag/env": "prod"}}},
		map[string]any{"Effect": "Deny", "Action": "cognito-identity:UntagResource", "Resource": "*",
			"Condition": map[string]any{"ForAnyValue:StringEquals": map[string]any{"aws:TagKeys": []string{"env"}}}})
	ctx := context.Background()
	pool := func(tags map[string]string) *cognitoidentity.CreateIdentityPoolInput {
		in := s.fullPool(uniqueDev())
		in.IdentityPoolName, in.IdentityPoolTags = aws.String(uniqueName("pool")), tags
		return in
	}
	prod, dev2 := s.createPool(t, pool(map[string]string{"env": "prod"})), s.createPool(t, pool(map[string]string{"env": "dev"}))
	poolARN := func(id string) string {
		return "arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/" + id
	}

	c := s.identityWith(keys)
	describe := func(id string) func() error {
		return func() error {
			_, err := c.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(id)})
			return err
		}
	}
	tests := []struct {
		name, action, shown string
		call                func() error
		refused             bool
	}{
		{"DescribeIdentityPool of a prod pool", "cognito-identity:DescribeIdentityPool", poolARN(prod), describe(prod), true},
		{"DeleteIdentityPool of a prod pool", "cognito-identity:DeleteIdentityPool", poolARN(prod), func() error {
			_, err := c.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(prod)})
			return err
		}, true},
		{"DescribeIdentityPool of a dev pool", "cognito-identity:DescribeIdentityPool", "", describe(dev2), false},
		{"TagResource env=prod", "cognito-identity:TagResource", poolARN(dev2), func() error {
			_, err := c.TagResource(ctx, &cognitoidentity.TagResourceInput{ResourceArn: aws.String(poolARN(dev2)), Tags: map[string]string{"env": "prod"}})
			return err
		}, true},
		{"UntagResource env", "cognito-identity:UntagResource", poolARN(dev2), func() error {
			_, err := c.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(poolARN(dev2)), TagKeys: []string{"env"}})
			return err
		}, true},
		{"UntagResource another key", "cognito-identity:UntagResource", "", func() error {
			_, err := c.UntagResource(ctx, &cognitoidentity.UntagResourceInput{ResourceArn: aws.String(poolARN(dev2)), TagKeys: []string{"team"}})
			return err
		}, false},
		{"CreateIdentityPool env=prod", "cognito-identity:CreateIdentityPool", "arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/", func() error {
			_, err := c.CreateIdentityPool(ctx, pool(map[string]string{"env": "prod"}))
			return err
		}, true},
		{"CreateIdentityPool env=dev", "cognito-identity:CreateIdentityPool", "", func() error {
			_, err := c.CreateIdentityPool(ctx, pool(map[string]string{"env": "dev"}))
			return err
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !tt.refused {
				ok(t, err, tt.action)
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != msgDenied(userARN, tt.action, tt.shown) {
				t.Errorf("got %v, want AccessDeniedException %q", err, msgDenied(userARN, tt.action, tt.shown))
			}
		})
	}
}

// TestAuthorizeResourceTagKeys: /_idpool/authorize answers for an IAM or
// Cognito Identity action what strict mode decides for the request: its
// policies see the tags of the role or identity pool idpool holds as
// aws:ResourceTag/<key>, unless Context gives the key (in any case).
func TestAuthorizeResourceTagKeys(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	tags := []types.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}
	prot, plain := uniqueName("prot"), uniqueName("plain")
	for _, r := range []struct {
		name string
		tags []types.Tag
	}{{prot, tags}, {plain, nil}} {
		_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), AssumeRolePolicyDocument: aws.String(lambdaTrust), Tags: r.tags})
		ok(t, err, "CreateRole")
	}
	in := s.fullPool(uniqueDev())
	in.IdentityPoolTags = map[string]string{"protected": "true"}
	pool := s.createPool(t, in)
	_, c := s.policySession(t, "Abac", "abac", map[string]any{"Effect": "Allow", "Action": []string{"iam:GetRole", "cognito-identity:DescribeIdentityPool"}, "Resource": "*",
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:ResourceTag/protected": "true"}}})
	roleARN := "arn:aws:iam::" + s.accountID + ":role/"
	tests := []struct {
		name, action, resource string
		context                map[string]any
		want                   string
	}{
		{"GetRole of a protected role", "iam:GetRole", roleARN + prot, nil, "implicitDeny"},
		{"GetRole of an untagged role", "iam:GetRole", roleARN + plain, nil, "allowed"},
		{"GetRole of a protected role, Context's tag", "iam:GetRole", roleARN + prot, map[string]any{"aws:resourcetag/protected": "false"}, "allowed"},
		{"DescribeIdentityPool of a protected pool", "cognito-identity:DescribeIdentityPool",
			"arn:aws:cognito-identity:" + region + ":" + s.accountID + ":identitypool/" + pool, nil, "implicitDeny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"SessionToken": c.SessionToken, "Action": tt.action, "Resource": tt.resource, "Context": tt.context})
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			res := s.do(t, req)
			var out struct{ Decision string }
			if err := json.Unmarshal(res.body, &out); err != nil || res.status != http.StatusOK || out.Decision != tt.want {
				t.Errorf("got %d %s, want 200 with Decision %s", res.status, res.body, tt.want)
			}
		})
	}
}
