package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// The tests of this file hold idpool's IAM to answers real AWS gave,
// which LocalStack's snapshot tests recorded
// (localstack/localstack, tests/aws/services/iam/*.snapshot.json).

// wantIAMRefusal checks an IAM refusal's code, HTTP status and exact
// message.
func wantIAMRefusal(t *testing.T, call string, err error, code string, status int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got success, want %d %s %q", call, status, code, msg)
	}
	wantIAMError(t, err, code, status, nil)
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != msg {
		t.Errorf("%s: got message %q, want %q", call, ae.ErrorMessage(), msg)
	}
}

// ec2Trust is the trust policy of LocalStack's recordings: EC2 may assume
// the role.
func ec2Trust(t *testing.T) string {
	return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
}

// ec2Role creates a role EC2 may assume, named from prefix, and returns its
// name.
func ec2Role(ctx context.Context, t *testing.T, c *iam.Client, prefix string) string {
	t.Helper()
	name := uniqueName(prefix)
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
	ok(t, err, "CreateRole")
	return name
}

// TestIAMTrustActions: a trust policy may name only the STS actions that
// assume a role (test_iam_roles.snapshot.json,
// test_update_assume_role_policy_errors invalid-action-error).
func TestIAMTrustActions(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	trust := func(action any) string {
		return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": action})
	}
	role := uniqueName("TrustActions")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust("sts:AssumeRole"))})
	ok(t, err, "CreateRole")
	const msg = "AssumeRole policy may only specify STS AssumeRole actions."
	tests := []struct {
		name   string
		action any
		ok     bool
	}{
		{"assume role and tags", []string{"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}, true},
		{"sts star", "sts:*", true},
		{"invalid sts action", "sts:InvalidAction", false},
		{"another service", "s3:GetObject", false},
		{"TagSessions typo", []string{"sts:AssumeRole", "sts:TagSessions"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(trust(tt.action))})
			if tt.ok {
				ok(t, err, "UpdateAssumeRolePolicy")
			} else {
				wantIAMRefusal(t, "UpdateAssumeRolePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, msg)
			}
			_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Trust")), AssumeRolePolicyDocument: aws.String(trust(tt.action))})
			if tt.ok {
				ok(t, err, "CreateRole")
			} else {
				wantIAMRefusal(t, "CreateRole", err, "MalformedPolicyDocument", http.StatusBadRequest, msg)
			}
		})
	}
}

// TestIAMPolicyARNNotAnARN: a PolicyArn that is not an ARN (a policy's
// name) is ValidationError "ARN <value> is not valid."
// (test_iam_roles.snapshot.json test_role_managed_policy_errors
// non-existent-malformed-policy-arn, existing-policy-name-provided).
func TestIAMPolicyARNNotAnARN(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "NotAnARN")
	name := uniqueName("PolicyNameLongerThanTwenty") // the model's arnType is 20 characters at least
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	for _, v := range []string{"longpolicynamebutnoarn", name} {
		msg := "ARN " + v + " is not valid."
		_, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(v)})
		wantIAMRefusal(t, "AttachRolePolicy", err, "ValidationError", http.StatusBadRequest, msg)
		_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(v)})
		wantIAMRefusal(t, "DetachRolePolicy", err, "ValidationError", http.StatusBadRequest, msg)
		_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: aws.String(v)})
		wantIAMRefusal(t, "PutRolePermissionsBoundary", err, "ValidationError", http.StatusBadRequest, msg)
	}
}

// TestIAMOIDCProviderRefusals: a URL IAM refuses is ValidationError, more
// than five thumbprints InvalidInput (test_iam_oidc.snapshot.json
// invalid-url, too-many-thumbprints), a thumbprint of another length than
// 40 ValidationError; one that is not hex is taken.
func TestIAMOIDCProviderRefusals(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	thumb := strings.Repeat("a", 40)
	_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("example.org"), ThumbprintList: []string{thumb}})
	wantIAMRefusal(t, "CreateOpenIDConnectProvider", err, "ValidationError", http.StatusBadRequest, "Invalid Open ID Connect Provider URL")

	const tooMany = "Thumbprint list must contain fewer than 5 entries."
	url := "https://" + strings.ToLower(uniqueName("thumbs")) + ".example.com"
	_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(url), ThumbprintList: slices.Repeat([]string{thumb}, 6)})
	wantIAMRefusal(t, "CreateOpenIDConnectProvider", err, "InvalidInput", http.StatusBadRequest, tooMany)
	out, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(url), ThumbprintList: slices.Repeat([]string{thumb}, 5)})
	ok(t, err, "CreateOpenIDConnectProvider")
	_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: out.OpenIDConnectProviderArn,
		ThumbprintList: slices.Repeat([]string{thumb}, 6)})
	wantIAMRefusal(t, "UpdateOpenIDConnectProviderThumbprint", err, "InvalidInput", http.StatusBadRequest, tooMany)

	// The model asks a thumbprint of 40 characters and no more: its own
	// example (iam-examples.json CreateOpenIDConnectProvider) is not hex.
	example := "https://" + strings.ToLower(uniqueName("example")) + ".example.com"
	_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(example),
		ClientIDList: []string{"my-application-id"}, ThumbprintList: []string{"3768084dfb3d2b68b7897bf5f565da8efEXAMPLE"}})
	ok(t, err, "CreateOpenIDConnectProvider with the model's example thumbprint")
	_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: out.OpenIDConnectProviderArn,
		ThumbprintList: []string{thumb[:39]}})
	wantIAMError(t, err, "ValidationError", http.StatusBadRequest, nil)
}

// TestIAMPolicyDocumentsAsAWS: CreatePolicy and CreatePolicyVersion take
// and refuse documents as AWS did (test_iam_policies.snapshot.json
// TestPolicyDocumentValidity invalid-N, valid-N).
func TestIAMPolicyDocumentsAsAWS(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	const bucket = `"Resource":"arn:aws:s3:::example_bucket"`
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow",` + body + `}}`
	}
	const old = "Policy document must be version 2012-10-17 or greater."
	tests := []struct {
		name, doc, want string // want is the refusal's text, "" when taken
	}{
		{"invalid-1 no Version", `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `}}`, old},
		{"invalid-2 2008-10-17", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket",` + bucket + `}}`, old},
		{"invalid-13 vendor with a space", stmt(`"Action":"a a:ListBucket",` + bucket), "Vendor a a is not valid"},
		{"invalid-14 two colons", stmt(`"Action":"s3:List:Bucket",` + bucket), "Actions/Condition can contain only one colon."},
		{"invalid-55 IAM with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:iam:us-east-1::example_bucket"`),
			"IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."},
		{"invalid-56 S3 with a region", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1::example_bucket"`),
			"Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."},
		{"valid-9 a short ARN", stmt(`"Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"`), ""},
		{"valid-19 unknown operator without keys", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"a":{}}`), ""},
		{"valid-32 condition key without vendor", stmt(`"Action":"s3:ListBucket",` + bucket + `,"Condition":{"StringEqualsIfExists":{"a":"asf"}}`), ""},
	}
	base, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Docs")), PolicyDocument: aws.String(stmt(`"Action":"s3:ListBucket",` + bucket))})
	ok(t, err, "CreatePolicy")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Doc")), PolicyDocument: aws.String(tt.doc)})
			if tt.want == "" {
				ok(t, err, "CreatePolicy")
				return
			}
			wantIAMRefusal(t, "CreatePolicy", err, "MalformedPolicyDocument", http.StatusBadRequest, tt.want)
			_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: base.Policy.Arn, PolicyDocument: aws.String(tt.doc)})
			wantIAMRefusal(t, "CreatePolicyVersion", err, "MalformedPolicyDocument", http.StatusBadRequest, tt.want)
		})
	}
}

// TestIAMAnswerShapes: AWS leaves Tags out of an answer about an entity
// without tags, and out of ListRoles always, but answers an empty list
// from GetPolicy and GetOpenIDConnectProvider; CreateRole answers neither
// MaxSessionDuration nor Description, CreatePolicy no Description
// (test_iam_roles.snapshot.json test_create_role_defaults,
// test_role_with_tags; test_iam_policies.snapshot.json
// test_policy_tag_lifecycle; test_iam_oidc.snapshot.json get-response).
func TestIAMAnswerShapes(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	trust := ec2Trust(t)
	prefix := "/" + strings.ToLower(uniqueName("shapes")) + "/"
	tagged := []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}

	plain, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Plain")), Path: aws.String(prefix),
		AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("described"), MaxSessionDuration: aws.Int32(7200)})
	ok(t, err, "CreateRole")
	if r := plain.Role; r.Tags != nil || r.Description != nil || r.MaxSessionDuration != nil {
		t.Errorf("CreateRole: got Tags %v Description %v MaxSessionDuration %v, want none", r.Tags, r.Description, r.MaxSessionDuration)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: plain.Role.RoleName})
	ok(t, err, "GetRole")
	if r := got.Role; r.Tags != nil || aws.ToString(r.Description) != "described" || aws.ToInt32(r.MaxSessionDuration) != 7200 {
		t.Errorf("GetRole: got Tags %v Description %v MaxSessionDuration %v, want no Tags, described and 7200", r.Tags, r.Description, r.MaxSessionDuration)
	}
	withTags, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Tagged")), Path: aws.String(prefix),
		AssumeRolePolicyDocument: aws.String(trust), Tags: tagged})
	ok(t, err, "CreateRole")
	if len(withTags.Role.Tags) != 1 {
		t.Errorf("CreateRole with a tag: got Tags %v, want it", withTags.Role.Tags)
	}
	list, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(prefix)})
	ok(t, err, "ListRoles")
	for _, r := range list.Roles {
		if r.Tags != nil {
			t.Errorf("ListRoles %s: got Tags %v, want none", aws.ToString(r.RoleName), r.Tags)
		}
	}

	doc := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"})
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Shaped")), PolicyDocument: aws.String(doc),
		Description: aws.String("described")})
	ok(t, err, "CreatePolicy")
	if p := pol.Policy; p.Tags != nil || p.Description != nil {
		t.Errorf("CreatePolicy: got Tags %v Description %v, want none", p.Tags, p.Description)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err, "GetPolicy")
	if p := gp.Policy; p.Tags == nil || len(p.Tags) != 0 || aws.ToString(p.Description) != "described" {
		t.Errorf("GetPolicy: got Tags %#v Description %v, want [] and described", p.Tags, p.Description)
	}

	user, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(uniqueName("shaped"))})
	ok(t, err, "CreateUser")
	if user.User.Tags != nil {
		t.Errorf("CreateUser: got Tags %v, want none", user.User.Tags)
	}

	prov, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + strings.ToLower(uniqueName("shaped")) + ".example.com"), ThumbprintList: []string{strings.Repeat("a", 40)}})
	ok(t, err, "CreateOpenIDConnectProvider")
	if prov.Tags != nil {
		t.Errorf("CreateOpenIDConnectProvider: got Tags %v, want none", prov.Tags)
	}
	gprov, err := c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: prov.OpenIDConnectProviderArn})
	ok(t, err, "GetOpenIDConnectProvider")
	if gprov.Tags == nil || len(gprov.Tags) != 0 {
		t.Errorf("GetOpenIDConnectProvider: got Tags %#v, want []", gprov.Tags)
	}
}

// TestIAMRefusalTexts: refusals whose code AWS shares with idpool carry
// AWS's text (test_iam_roles.snapshot.json, test_iam_policies.snapshot.json,
// test_iam_oidc.snapshot.json).
func TestIAMRefusalTexts(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	role := ec2Role(ctx, t, c, "Texts")
	missing := "arn:aws:iam::" + s.accountID + ":policy/" + uniqueName("nonexistent")
	prov, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + strings.ToLower(uniqueName("texts")) + ".example.com"), ThumbprintList: []string{strings.Repeat("a", 40)}})
	ok(t, err, "CreateOpenIDConnectProvider")
	_, err = c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: prov.OpenIDConnectProviderArn})
	ok(t, err, "DeleteOpenIDConnectProvider")
	const bucket = `"Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"`
	createPolicy := func(doc string) error {
		_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("Text")), PolicyDocument: aws.String(doc)})
		return err
	}

	notFound := []struct {
		name string
		err  error
		want string
	}{
		{"AttachRolePolicy", second(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(missing)})),
			"Policy " + missing + " does not exist or is not attachable."},
		{"PutRolePermissionsBoundary", second(c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: aws.String(missing)})),
			"Scope ARN: " + missing + " does not exist or is not attachable."},
		{"GetPolicyVersion", second(c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(missing), VersionId: aws.String("v1")})),
			"Policy " + missing + " version v1 does not exist or is not attachable."},
		{"SetDefaultPolicyVersion", second(c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(missing), VersionId: aws.String("v1")})),
			"Policy " + missing + " version v1 does not exist or is not attachable."},
		{"ListEntitiesForPolicy", second(c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(missing)})),
			"Policy " + missing + " does not exist or is not attachable."},
		{"DeleteOpenIDConnectProvider", second(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: prov.OpenIDConnectProviderArn})),
			"OpenId connect Provider " + aws.ToString(prov.OpenIDConnectProviderArn) + " cannot be found."},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMRefusal(t, tt.name, tt.err, "NoSuchEntity", http.StatusNotFound, tt.want)
		})
	}

	malformed := []struct {
		name, doc, want string
	}{
		{"invalid-0 not JSON", "This is not a json document", "Syntax errors in policy."},
		{"invalid-3 another Version", `{"Version":"2013-10-17","Statement":{"Effect":"Allow",` + bucket + `}}`, "Syntax errors in policy."},
		{"invalid-10 Effect invalid", `{"Version":"2012-10-17","Statement":{"Effect":"invalid",` + bucket + `}}`, "Syntax errors in policy."},
		{"invalid-59 duplicate Sid", `{"Version":"2012-10-17","Statement":[{"Sid":"sdf","Effect":"Allow",` + bucket + `},{"Sid":"sdf","Effect":"Allow"}]}`,
			"Statement IDs (SID) in a single policy must be unique."},
	}
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			wantIAMRefusal(t, "CreatePolicy", createPolicy(tt.doc), "MalformedPolicyDocument", http.StatusBadRequest, tt.want)
		})
	}

	var fifty []iamtypes.Tag
	for i := range 50 {
		fifty = append(fifty, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	full, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://" + strings.ToLower(uniqueName("full")) + ".example.com"), ThumbprintList: []string{strings.Repeat("a", 40)}, Tags: fifty})
	ok(t, err, "CreateOpenIDConnectProvider")
	_, err = c.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: full.OpenIDConnectProviderArn,
		Tags: []iamtypes.Tag{{Key: aws.String("string"), Value: aws.String("string")}}})
	wantIAMRefusal(t, "TagOpenIDConnectProvider", err, "LimitExceeded", http.StatusConflict, "The number of tags has reached the maximum limit.")
}
