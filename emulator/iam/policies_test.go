package iam

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

const perm = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`

func TestAWSManaged(t *testing.T) {
	tests := []struct {
		name, arn, path, policy string
		ok                      bool
	}{
		{"at the root", "arn:aws:iam::aws:policy/ReadOnlyAccess", "/", "ReadOnlyAccess", true},
		{"with a path", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "/service-role/", "AWSLambdaBasicExecutionRole", true},
		{"another partition", "arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess", "/job-function/", "ViewOnlyAccess", true},
		{"customer managed", "arn:aws:iam::123456789012:policy/ReadOnlyAccess", "", "", false},
		{"not a policy", "arn:aws:iam::aws:role/ReadOnlyAccess", "", "", false},
		{"no name", "arn:aws:iam::aws:policy/", "", "", false},
		{"empty path segment", "arn:aws:iam::aws:policy//X", "", "", false},
		{"not an ARN", "ReadOnlyAccess", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, name, ok := AWSManaged(tt.arn)
			if path != tt.path || name != tt.policy || ok != tt.ok {
				t.Errorf("got %q %q %v, want %q %q %v", path, name, ok, tt.path, tt.policy, tt.ok)
			}
		})
	}
}

// TestAttachAWSManaged: AWS managed policies attach, list and detach like
// customer managed ones, though IAM holds no document for them.
func TestAttachAWSManaged(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	// A customer managed policy of the same name as an AWS managed one:
	// the names are in different namespaces, and paging tells them apart.
	own, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "AWSLambdaBasicExecutionRole", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	lambda := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	for _, arn := range []string{lambda, "arn:aws:iam::aws:policy/ReadOnlyAccess", own.Policy.Arn} {
		if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: arn}); err != nil {
			t.Fatalf("AttachRolePolicy %s: got %v, want success", arn, err)
		}
	}
	_, err = s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: "arn:aws:iam::aws:policy/"})
	wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)
	_, err = s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: lambda})
	wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)

	var pages [][]AttachedPolicy
	var marker *string
	for {
		out, err := s.ListAttachedRolePolicies(ctx, &ListAttachedRolePoliciesInput{RoleName: "R", Marker: marker, MaxItems: ptr[int32](1)})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, out.AttachedPolicies)
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	want := [][]AttachedPolicy{
		{{"AWSLambdaBasicExecutionRole", own.Policy.Arn}},
		{{"AWSLambdaBasicExecutionRole", lambda}},
		{{"ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
	}
	if !slices.EqualFunc(pages, want, slices.Equal) {
		t.Errorf("ListAttachedRolePolicies pages of one: got %v, want %v", pages, want)
	}
	out, err := s.ListAttachedRolePolicies(ctx, &ListAttachedRolePoliciesInput{RoleName: "R", PathPrefix: ptr("/service-role/")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.AttachedPolicies, []AttachedPolicy{{"AWSLambdaBasicExecutionRole", lambda}}) {
		t.Errorf("ListAttachedRolePolicies under /service-role/: got %v, want the Lambda policy", out.AttachedPolicies)
	}
	if _, err := s.DetachRolePolicy(ctx, &DetachRolePolicyInput{RoleName: "R", PolicyArn: lambda}); err != nil {
		t.Errorf("DetachRolePolicy: got %v, want success", err)
	}
	_, err = s.DetachRolePolicy(ctx, &DetachRolePolicyInput{RoleName: "R", PolicyArn: lambda})
	wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)
}

// TestPolicyARNInput: a PolicyArn that is not an ARN at all (a policy's
// name) is ValidationError "ARN <value> is not valid." for
// AttachRolePolicy, DetachRolePolicy and a permissions boundary
// (test_iam_roles.snapshot.json non-existent-malformed-policy-arn).
func TestPolicyARNInput(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "Named", PolicyDocument: perm}); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		call func(arn string) error
	}{
		{"AttachRolePolicy", func(arn string) error {
			return second(s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: arn}))
		}},
		{"DetachRolePolicy", func(arn string) error {
			return second(s.DetachRolePolicy(ctx, &DetachRolePolicyInput{RoleName: "R", PolicyArn: arn}))
		}},
		{"PutRolePermissionsBoundary", func(arn string) error {
			return second(s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "R", PermissionsBoundary: arn}))
		}},
		{"CreateRole", func(arn string) error {
			return second(s.CreateRole(ctx, &CreateRoleInput{RoleName: "B", AssumeRolePolicyDocument: trust, PermissionsBoundary: &arn}))
		}},
	}
	for _, c := range calls {
		for _, arn := range []string{"longpolicynamebutnoarn", "Named", "arn:aws:iam::123456789012", "arn::iam::123456789012:policy/Named"} {
			t.Run(c.name+" "+arn, func(t *testing.T) {
				wantError(t, c.call(arn), "ValidationError", http.StatusBadRequest, "ARN "+arn+" is not valid.")
			})
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestManagedPolicyVersion: a managed policy's document must name Version
// 2012-10-17, before any other check (test_iam_policies.snapshot.json
// invalid-1, 2, 60, 65); an inline policy keeps taking the legacy
// version or none, of which AWS says nothing.
func TestManagedPolicyVersion(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	made, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "V", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	const stmt = `"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"}`
	const old = "Policy document must be version 2012-10-17 or greater."
	tests := []struct {
		name, doc, want string
	}{
		{"2012-10-17", `{"Version":"2012-10-17",` + stmt + `}`, ""},
		{"no Version", `{` + stmt + `}`, old},
		{"2008-10-17", `{"Version":"2008-10-17",` + stmt + `}`, old},
		{"no Version and a bad Effect", `{"Statement":{"Effect":"denY","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"}}`, old},
		{"no Version and a second statement without actions", `{"Statement":[{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"sdf","Effect":"Allow"}]}`, old},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: fmt.Sprintf("P%d", i), PolicyDocument: tt.doc})
			_, verr := s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: made.Policy.Arn, PolicyDocument: tt.doc})
			if tt.want == "" {
				wantCode(t, err, "", 0)
				wantCode(t, verr, "", 0)
				return
			}
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, tt.want)
			wantError(t, verr, CodeMalformedPolicyDocument, http.StatusBadRequest, tt.want)
		})
	}
	for _, doc := range []string{`{` + stmt + `}`, `{"Version":"2008-10-17",` + stmt + `}`} {
		if _, err := s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "R", PolicyName: "inline", PolicyDocument: doc}); err != nil {
			t.Errorf("PutRolePolicy %s: got %v, want it taken", doc, err)
		}
	}
}

// TestPolicyNamesUnique: a managed policy's name is the account's,
// whatever its path and case.
func TestPolicyNamesUnique(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "Dup", Path: ptr("/a/"), PolicyDocument: perm}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, policy, path string
		code               string
	}{
		{"same path", "Dup", "/a/", CodeEntityAlreadyExists},
		{"another path", "Dup", "/b/", CodeEntityAlreadyExists},
		{"another case", "DUP", "/c/", CodeEntityAlreadyExists},
		{"another case at the root", "dup", "/", CodeEntityAlreadyExists},
		{"another name", "Dup2", "/a/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: tt.policy, Path: &tt.path, PolicyDocument: perm})
			wantCode(t, err, tt.code, http.StatusConflict)
		})
	}
	var names []string
	var marker *string
	for {
		out, err := s.ListPolicies(ctx, &ListPoliciesInput{Marker: marker, MaxItems: ptr[int32](1)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.Policies {
			names = append(names, p.PolicyName)
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if !slices.Equal(names, []string{"Dup", "Dup2"}) {
		t.Errorf("ListPolicies pages of one: got %v, want [Dup Dup2]", names)
	}
}

// TestPolicyVersionIDsNotReused: a version id is never issued twice, even
// once the version that had it is deleted; ids keep counting, as IAM's
// do (v7 with five versions kept).
func TestPolicyVersionIDsNotReused(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	arn := p.Policy.Arn
	create := func(want string) {
		t.Helper()
		out, err := s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: perm})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.PolicyVersion.VersionId; got != want {
			t.Errorf("CreatePolicyVersion: got %s, want %s", got, want)
		}
	}
	del := func(id string) {
		t.Helper()
		if _, err := s.DeletePolicyVersion(ctx, &PolicyVersionInput{PolicyArn: arn, VersionId: id}); err != nil {
			t.Fatal(err)
		}
	}
	create("v2")
	del("v2") // the newest: its id is not handed out again
	create("v3")
	create("v4")
	create("v5")
	create("v6")
	del("v6")
	create("v7")
	vs, err := s.ListPolicyVersions(ctx, &ListPolicyVersionsInput{PolicyArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vs.Versions {
		ids = append(ids, v.VersionId)
	}
	if want := []string{"v7", "v5", "v4", "v3", "v1"}; !slices.Equal(ids, want) {
		t.Errorf("ListPolicyVersions: got %v, want %v", ids, want)
	}
}

// TestPolicyUpdateDate: a policy's UpdateDate is when its most recent
// version was created, as the IAM model says: CreatePolicyVersion moves
// it, SetDefaultPolicyVersion and DeletePolicyVersion do not, and
// GetPolicy and ListPolicies show the same.
func TestPolicyUpdateDate(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	s.now = func() time.Time { return clock }
	p, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	arn := p.Policy.Arn
	tests := []struct {
		name string
		call func() error
		want time.Time
	}{
		{"CreatePolicyVersion", func() error {
			_, err := s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: perm})
			return err
		}, t0.Add(time.Hour)},
		{"SetDefaultPolicyVersion", func() error {
			_, err := s.SetDefaultPolicyVersion(ctx, &PolicyVersionInput{PolicyArn: arn, VersionId: "v2"})
			return err
		}, t0.Add(time.Hour)},
		{"DeletePolicyVersion", func() error {
			_, err := s.DeletePolicyVersion(ctx, &PolicyVersionInput{PolicyArn: arn, VersionId: "v1"})
			return err
		}, t0.Add(time.Hour)},
		{"TagPolicy", func() error {
			_, err := s.TagPolicy(ctx, &TagPolicyInput{PolicyArn: arn, Tags: []Tag{{Key: "k", Value: "v"}}})
			return err
		}, t0.Add(time.Hour)},
		{"CreatePolicyVersion again", func() error {
			_, err := s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: perm})
			return err
		}, t0.Add(5 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock = clock.Add(time.Hour)
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			g, err := s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: arn})
			if err != nil {
				t.Fatal(err)
			}
			l, err := s.ListPolicies(ctx, &ListPoliciesInput{})
			if err != nil {
				t.Fatal(err)
			}
			want := protocol.At(tt.want)
			if got := g.Policy.UpdateDate; got != want {
				t.Errorf("GetPolicy: got UpdateDate %v, want %v", got.Time(), tt.want)
			}
			if got := l.Policies[0].UpdateDate; got != want {
				t.Errorf("ListPolicies: got UpdateDate %v, want %v", got.Time(), tt.want)
			}
			if got := g.Policy.CreateDate; got != protocol.At(t0) {
				t.Errorf("GetPolicy: got CreateDate %v, want %v", got.Time(), t0)
			}
		})
	}
}

// TestMissingEntityTexts: each operation answers a managed policy, a
// version or a provider it does not hold in AWS's words for it
// (test_iam_roles.snapshot.json, test_iam_policies.snapshot.json,
// test_iam_oidc.snapshot.json).
func TestMissingEntityTexts(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	const missing = "arn:aws:iam::123456789012:policy/nonexistent-policy"
	const provider = "arn:aws:iam::123456789012:oidc-provider/none.example.com"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"AttachRolePolicy", second(s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "R", PolicyArn: missing})),
			"Policy " + missing + " does not exist or is not attachable."},
		{"DetachRolePolicy", second(s.DetachRolePolicy(ctx, &DetachRolePolicyInput{RoleName: "R", PolicyArn: missing})),
			"Policy " + missing + " was not found."},
		{"PutRolePermissionsBoundary", second(s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "R", PermissionsBoundary: missing})),
			"Scope ARN: " + missing + " does not exist or is not attachable."},
		{"CreateRole with a boundary", second(s.CreateRole(ctx, &CreateRoleInput{RoleName: "B", AssumeRolePolicyDocument: trust, PermissionsBoundary: ptr(missing)})),
			"Scope ARN: " + missing + " does not exist or is not attachable."},
		{"GetPolicyVersion", second(s.GetPolicyVersion(ctx, &GetPolicyVersionInput{PolicyArn: missing, VersionId: "v1"})),
			"Policy " + missing + " version v1 does not exist or is not attachable."},
		{"SetDefaultPolicyVersion", second(s.SetDefaultPolicyVersion(ctx, &PolicyVersionInput{PolicyArn: missing, VersionId: "v1"})),
			"Policy " + missing + " version v1 does not exist or is not attachable."},
		{"DeletePolicyVersion", second(s.DeletePolicyVersion(ctx, &PolicyVersionInput{PolicyArn: missing, VersionId: "v2"})),
			"Policy " + missing + " version v2 does not exist or is not attachable."},
		{"ListEntitiesForPolicy", second(s.ListEntitiesForPolicy(ctx, &ListEntitiesForPolicyInput{PolicyArn: missing})),
			"Policy " + missing + " does not exist or is not attachable."},
		{"GetPolicy", second(s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: missing})), "Policy " + missing + " was not found."},
		{"TagPolicy", second(s.TagPolicy(ctx, &TagPolicyInput{PolicyArn: missing, Tags: []Tag{{Key: "k"}}})), "Policy " + missing + " was not found."},
		{"GetOpenIDConnectProvider", second(s.GetOpenIDConnectProvider(ctx, &ProviderInput{OpenIDConnectProviderArn: provider})),
			"OpenIDConnect Provider not found for arn " + provider},
		{"DeleteOpenIDConnectProvider", second(s.DeleteOpenIDConnectProvider(ctx, &ProviderInput{OpenIDConnectProviderArn: provider})),
			"OpenId connect Provider " + provider + " cannot be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.err, CodeNoSuchEntity, http.StatusNotFound, tt.want)
		})
	}
}

// TestTagLimitTexts: tagging past 50 tags is LimitExceeded, in another
// text for a provider (test_iam_oidc.snapshot.json tags-limit-error).
func TestTagLimitTexts(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	var fifty []Tag
	for i := range 50 {
		fifty = append(fifty, Tag{Key: fmt.Sprintf("k%02d", i)})
	}
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust, Tags: fifty}); err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateOpenIDConnectProvider(ctx, &CreateOpenIDConnectProviderInput{Url: "https://full.example.com", Tags: fifty})
	if err != nil {
		t.Fatal(err)
	}
	one := []Tag{{Key: "string", Value: "string"}}
	_, err = s.TagOpenIDConnectProvider(ctx, &TagProviderInput{OpenIDConnectProviderArn: p.OpenIDConnectProviderArn, Tags: one})
	wantError(t, err, CodeLimitExceeded, http.StatusConflict, "The number of tags has reached the maximum limit.")
	_, err = s.TagRole(ctx, &TagRoleInput{RoleName: "R", Tags: one})
	wantError(t, err, CodeLimitExceeded, http.StatusConflict, "Cannot exceed quota for TagsPerEntity: 50")
}

// TestManagedSyntaxText: CreatePolicy and CreatePolicyVersion answer a
// document that breaks the grammar "Syntax errors in policy."
// (test_iam_policies.snapshot.json invalid-0, 3, 6, 10), and so does
// PutRolePolicy, as users report it and PutUserPolicy answering
// (aws-ia/terraform-aws-transfer-family#109, aws/aws-cli#4555); a trust
// policy keeps the reason (UpdateAssumeRolePolicy was recorded answering
// "This policy contains invalid Json").
func TestManagedSyntaxText(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "R", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	made, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "P", PolicyDocument: perm})
	if err != nil {
		t.Fatal(err)
	}
	const bucket = `"Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"`
	tests := []struct {
		name, doc string
	}{
		{"not JSON", "This is not a json document"},
		{"another Version", `{"Version":"2013-10-17","Statement":{"Effect":"Allow",` + bucket + `}}`},
		{"Effect invalid", `{"Version":"2012-10-17","Statement":{"Effect":"invalid",` + bucket + `}}`},
		{"an unknown element", `{"//":"why","Version":"2012-10-17","Statement":{"Effect":"Allow",` + bucket + `}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "Q", PolicyDocument: tt.doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, "Syntax errors in policy.")
			_, err = s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: made.Policy.Arn, PolicyDocument: tt.doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, "Syntax errors in policy.")
			_, err = s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "R", PolicyName: "inline", PolicyDocument: tt.doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, "Syntax errors in policy.")
		})
	}
	_, err = s.UpdateAssumeRolePolicy(ctx, &UpdateAssumeRolePolicyInput{RoleName: "R", PolicyDocument: "not valid json"})
	wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, "This policy contains invalid Json")
}
