package iam

import (
	"net/http"
	"slices"
	"testing"
)

// TestSimulateCustomPolicy checks the simulator's permissions boundary,
// resource policy and missing context keys against IAM's evaluation logic.
func TestSimulateCustomPolicy(t *testing.T) {
	const (
		allowS3   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
		allowGet  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		denyPut   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`
		denyAllRP = `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`
		alice     = "arn:aws:iam::123456789012:user/alice"
		allowRP   = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:PutObject"}]}`
		vars      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject",` +
			`"Resource":"arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*",` +
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}},` +
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"v"}}}]}`
	)
	tests := []struct {
		name         string
		in           SimulateCustomPolicyInput
		want         string
		wantBoundary *bool // PermissionsBoundaryDecisionDetail, nil when absent
		wantMissing  []string
		wantMatched  []string // SourcePolicyId of each matched statement
		code         string
	}{
		{name: "no boundary", in: SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}},
			want: "allowed", wantMatched: []string{"PolicyInputList.1"}},
		{name: "boundary caps identity allow",
			in:   SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, PermissionsBoundaryPolicyInputList: []string{allowGet}},
			want: "implicitDeny", wantBoundary: ptr(false)},
		{name: "boundary and identity allow",
			in:   SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, PermissionsBoundaryPolicyInputList: []string{allowS3}},
			want: "allowed", wantBoundary: ptr(true), wantMatched: []string{"PolicyInputList.1"}},
		{name: "boundary deny refuses",
			in:   SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, PermissionsBoundaryPolicyInputList: []string{denyPut}},
			want: "explicitDeny", wantBoundary: ptr(false), wantMatched: []string{"PermissionsBoundaryPolicyInputList.1"}},
		{name: "boundary alone grants nothing",
			in:   SimulateCustomPolicyInput{PermissionsBoundaryPolicyInputList: []string{allowS3}},
			want: "implicitDeny", wantBoundary: ptr(true)},
		{name: "two boundaries", in: SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, PermissionsBoundaryPolicyInputList: []string{allowS3, allowS3}},
			code: CodeInvalidInput},
		{name: "malformed boundary", in: SimulateCustomPolicyInput{PermissionsBoundaryPolicyInputList: []string{`{`}}, code: CodeInvalidInput},
		{name: "resource policy deny",
			in:   SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, ResourcePolicy: ptr(denyAllRP)},
			want: "explicitDeny", wantMatched: []string{"ResourcePolicy"}},
		{name: "resource policy allows the caller",
			in:   SimulateCustomPolicyInput{ResourcePolicy: ptr(allowRP), CallerArn: ptr(alice)},
			want: "allowed", wantMatched: []string{"ResourcePolicy"}},
		{name: "resource policy names another caller",
			in:   SimulateCustomPolicyInput{ResourcePolicy: ptr(allowRP), CallerArn: ptr("arn:aws:iam::123456789012:user/bob")},
			want: "implicitDeny"},
		{name: "cross-account resource policy needs identity allow",
			in:   SimulateCustomPolicyInput{ResourcePolicy: ptr(allowRP), CallerArn: ptr(alice), ResourceOwner: ptr("arn:aws:iam::210987654321:root")},
			want: "implicitDeny"},
		{name: "cross-account both allow",
			in: SimulateCustomPolicyInput{PolicyInputList: []string{allowS3}, ResourcePolicy: ptr(allowRP), CallerArn: ptr(alice),
				ResourceOwner: ptr("arn:aws:iam::210987654321:root")},
			want: "allowed", wantMatched: []string{"PolicyInputList.1", "ResourcePolicy"}},
		{name: "caller must be a user", in: SimulateCustomPolicyInput{ResourcePolicy: ptr(allowRP), CallerArn: ptr("arn:aws:iam::123456789012:role/r")},
			code: CodeInvalidInput},
		{name: "resource policy without principal", in: SimulateCustomPolicyInput{ResourcePolicy: ptr(allowS3)}, code: CodeInvalidInput},
		{name: "missing context values", in: SimulateCustomPolicyInput{PolicyInputList: []string{vars}},
			want: "implicitDeny", wantMissing: []string{"aws:PrincipalTag/team", "cognito-identity.amazonaws.com:sub"}},
		{name: "context values given",
			in: SimulateCustomPolicyInput{PolicyInputList: []string{vars}, ContextEntries: []ContextEntry{
				{ContextKeyName: ptr("aws:principaltag/team"), ContextKeyValues: []string{"x"}},
				{ContextKeyName: ptr("cognito-identity.amazonaws.com:sub"), ContextKeyValues: []string{"us-east-1:abc"}}}},
			want: "allowed", wantMatched: []string{"PolicyInputList.1"}},
		// A key typed as a list is multivalued, and so no policy
		// variable even with one value (IAM User Guide, "Single-valued
		// vs. multivalued context keys"); before, it resolved.
		{name: "context value typed as a list is no variable",
			in: SimulateCustomPolicyInput{PolicyInputList: []string{vars}, ContextEntries: []ContextEntry{
				{ContextKeyName: ptr("aws:principaltag/team"), ContextKeyValues: []string{"x"}},
				{ContextKeyName: ptr("cognito-identity.amazonaws.com:sub"), ContextKeyValues: []string{"us-east-1:abc"}, ContextKeyType: ptr("stringList")}}},
			want: "implicitDeny"},
		{name: "context value typed as a string is a variable",
			in: SimulateCustomPolicyInput{PolicyInputList: []string{vars}, ContextEntries: []ContextEntry{
				{ContextKeyName: ptr("aws:principaltag/team"), ContextKeyValues: []string{"x"}},
				{ContextKeyName: ptr("cognito-identity.amazonaws.com:sub"), ContextKeyValues: []string{"us-east-1:abc"}, ContextKeyType: ptr("string")}}},
			want: "allowed", wantMatched: []string{"PolicyInputList.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ActionNames = []string{"s3:PutObject"}
			tt.in.ResourceArns = []string{"arn:aws:s3:::b/us-east-1:abc/k"}
			out, err := newService(t).SimulateCustomPolicy(t.Context(), &tt.in)
			wantCode(t, err, tt.code, 400)
			if tt.code != "" {
				return
			}
			if len(out.EvaluationResults) != 1 {
				t.Fatalf("got %d results, want 1", len(out.EvaluationResults))
			}
			r := out.EvaluationResults[0]
			if r.EvalDecision != tt.want {
				t.Errorf("got %s, want %s", r.EvalDecision, tt.want)
			}
			switch {
			case tt.wantBoundary == nil && r.PermissionsBoundaryDecisionDetail != nil:
				t.Errorf("got PermissionsBoundaryDecisionDetail %+v, want none", *r.PermissionsBoundaryDecisionDetail)
			case tt.wantBoundary != nil && r.PermissionsBoundaryDecisionDetail == nil:
				t.Errorf("got no PermissionsBoundaryDecisionDetail, want AllowedByPermissionsBoundary %v", *tt.wantBoundary)
			case tt.wantBoundary != nil && r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != *tt.wantBoundary:
				t.Errorf("got AllowedByPermissionsBoundary %v, want %v", !*tt.wantBoundary, *tt.wantBoundary)
			}
			// A named resource's missing keys are resource-specific.
			if len(r.MissingContextValues) > 0 {
				t.Errorf("got MissingContextValues %q, want none outside ResourceSpecificResults", r.MissingContextValues)
			}
			if len(r.ResourceSpecificResults) != 1 {
				t.Fatalf("got %d ResourceSpecificResults, want 1", len(r.ResourceSpecificResults))
			}
			rr := r.ResourceSpecificResults[0]
			if rr.EvalResourceName != tt.in.ResourceArns[0] || rr.EvalResourceDecision != tt.want {
				t.Errorf("got resource result %s %s, want %s %s", rr.EvalResourceName, rr.EvalResourceDecision, tt.in.ResourceArns[0], tt.want)
			}
			if !slices.Equal(rr.MissingContextValues, tt.wantMissing) && len(rr.MissingContextValues)+len(tt.wantMissing) > 0 {
				t.Errorf("got MissingContextValues %q, want %q", rr.MissingContextValues, tt.wantMissing)
			}
			var matched []string
			for _, m := range r.MatchedStatements {
				matched = append(matched, m.SourcePolicyId)
			}
			if !slices.Equal(matched, tt.wantMatched) {
				t.Errorf("got matched %q, want %q", matched, tt.wantMatched)
			}
		})
	}
}

// TestSimulatePrincipalPolicy checks that a principal's simulation takes
// the boundary and resource policy too, the caller defaulting to the
// simulated user.
func TestSimulatePrincipalPolicy(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "r", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "r", PolicyName: "s3",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	// dana's inline policy allows; erin's too, but a managed policy she
	// attaches denies.
	deny, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "deny",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"dana", "erin"} {
		if _, err := s.CreateUser(ctx, &CreateUserInput{UserName: u, Path: ptr("/team/")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: u, PolicyName: "s3",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AttachUserPolicy(ctx, &AttachUserPolicyInput{UserName: "erin", PolicyArn: deny.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	const (
		role  = "arn:aws:iam::123456789012:role/r"
		alice = "arn:aws:iam::123456789012:user/alice"
		dana  = "arn:aws:iam::123456789012:user/team/dana"
		erin  = "arn:aws:iam::123456789012:user/team/erin"
	)
	tests := []struct {
		name string
		in   SimulatePrincipalPolicyInput
		want string
	}{
		{"role", SimulatePrincipalPolicyInput{PolicySourceArn: role}, "allowed"},
		{"role with boundary", SimulatePrincipalPolicyInput{PolicySourceArn: role, SimulateCustomPolicyInput: SimulateCustomPolicyInput{
			PermissionsBoundaryPolicyInputList: []string{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}}}, "implicitDeny"},
		{"user named by the resource policy", SimulatePrincipalPolicyInput{PolicySourceArn: alice, SimulateCustomPolicyInput: SimulateCustomPolicyInput{
			ResourcePolicy: ptr(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:PutObject"}]}`)}}, "allowed"},
		{"CallerArn overrides the user", SimulatePrincipalPolicyInput{PolicySourceArn: alice, SimulateCustomPolicyInput: SimulateCustomPolicyInput{
			CallerArn:      ptr("arn:aws:iam::123456789012:user/bob"),
			ResourcePolicy: ptr(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:PutObject"}]}`)}}, "implicitDeny"},
		{"user without policies", SimulatePrincipalPolicyInput{PolicySourceArn: alice}, "implicitDeny"},
		{"user's inline policy", SimulatePrincipalPolicyInput{PolicySourceArn: dana}, "allowed"},
		{"user's attached policy denies", SimulatePrincipalPolicyInput{PolicySourceArn: erin}, "explicitDeny"},
	}
	// GetContextKeysForPrincipalPolicy reads a user's own policies too.
	if _, err := s.PutUserPolicy(ctx, &PutUserPolicyInput{UserName: "dana", PolicyName: "ip",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`}); err != nil {
		t.Fatal(err)
	}
	keys, err := s.GetContextKeysForPrincipalPolicy(ctx, &GetContextKeysForPrincipalPolicyInput{PolicySourceArn: dana})
	if err != nil || !slices.Equal(keys.ContextKeyNames, []string{"aws:SourceIp"}) {
		t.Errorf("GetContextKeysForPrincipalPolicy of a user: got %v, %v; want [aws:SourceIp]", keys, err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ActionNames = []string{"s3:PutObject"}
			out, err := s.SimulatePrincipalPolicy(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.EvaluationResults[0].EvalDecision; got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestSimulateMissingForAnyResource: without ResourceArns the missing keys
// are the result's own, and there is no resource-specific result.
func TestSimulateMissingForAnyResource(t *testing.T) {
	out, err := newService(t).SimulateCustomPolicy(t.Context(), &SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",` +
			`"Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}]}`},
		ActionNames: []string{"s3:GetObject"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if want := []string{"aws:PrincipalTag/team"}; !slices.Equal(r.MissingContextValues, want) || len(r.ResourceSpecificResults) != 0 {
		t.Errorf("got MissingContextValues %q and %d resource results, want %q and none", r.MissingContextValues, len(r.ResourceSpecificResults), want)
	}
}

// TestPrincipalPoliciesOtherEntity: the simulator and the sessions' and
// users' decisions read the policies of the entity an ARN names only when
// IAM holds it under that account and path (its name in any case, any
// partition): an ARN of another account or path is NoSuchEntity, not the
// policies of IAM's entity of its name.
func TestPrincipalPoliciesOtherEntity(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	for _, call := range []func() error{
		func() error { return second(s.CreateUser(ctx, &CreateUserInput{UserName: "Dev", Path: new("/team/")})) },
		func() error { return second(s.CreateGroup(ctx, &CreateGroupInput{GroupName: "Admins"})) },
		func() error {
			return second(s.CreateRole(ctx, &CreateRoleInput{RoleName: "Admin", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`}))
		},
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		arn  string
		held bool
	}{
		{"arn:aws:iam::123456789012:user/team/Dev", true},
		{"arn:aws:iam::123456789012:user/team/dev", true},
		{"arn:aws:iam::123456789012:user/Dev", false},
		{"arn:aws:iam::999999999999:user/team/Dev", false},
		{"arn:aws:iam::123456789012:group/Admins", true},
		{"arn:aws:iam::999999999999:group/Admins", false},
		{"arn:aws:iam::123456789012:group/other/Admins", false},
		{"arn:aws-us-gov:iam::123456789012:role/Admin", true},
		{"arn:aws:iam::999999999999:role/Admin", false},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			_, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: tt.arn,
				SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{"iam:CreateUser"}}})
			if tt.held {
				if err != nil {
					t.Errorf("got %v, want the entity's policies", err)
				}
				return
			}
			wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)
		})
	}
}
