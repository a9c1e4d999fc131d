package iam

import (
	"net/http"
	"testing"

	"github.com/idpool/idpool/emulator/policy"
)

const (
	allowGet = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	allowS3  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

// newBoundary creates a managed policy allowing only s3:GetObject and
// returns its ARN.
func newBoundary(t *testing.T, s *Service, name string) string {
	t.Helper()
	out, err := s.CreatePolicy(t.Context(), &CreatePolicyInput{PolicyName: name, PolicyDocument: allowGet})
	if err != nil {
		t.Fatal(err)
	}
	return out.Policy.Arn
}

func TestRoleBoundaryChecked(t *testing.T) {
	s := newService(t)
	b := newBoundary(t, s, "bnd")
	tests := []struct {
		name, arn, code string
		status          int
	}{
		{"customer managed policy", b, "", 0},
		{"AWS managed policy", "arn:aws:iam::aws:policy/PowerUserAccess", "", 0},
		{"policy IAM does not hold", "arn:aws:iam::123456789012:policy/nothing", CodeNoSuchEntity, http.StatusNotFound},
		{"role ARN", "arn:aws:iam::123456789012:role/r", CodeInvalidInput, http.StatusBadRequest},
		{"not an ARN", "bnd", "ValidationError", http.StatusBadRequest},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "r" + string(rune('a'+i))
			_, err := s.CreateRole(t.Context(), &CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust, PermissionsBoundary: &tt.arn})
			wantCode(t, err, tt.code, tt.status)
			r, gerr := s.GetRole(t.Context(), &GetRoleInput{RoleName: name})
			if tt.code != "" {
				if gerr == nil {
					t.Errorf("a role refused was created: %+v", r.Role)
				}
				return
			}
			if gerr != nil {
				t.Fatal(gerr)
			}
			want := AttachedPermissionsBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: tt.arn}
			if got := r.Role.PermissionsBoundary; got == nil || *got != want {
				t.Errorf("GetRole PermissionsBoundary: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRoleBoundaryLifecycle(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	b := newBoundary(t, s, "bnd")
	if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "app", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	usage := func(want int32) {
		t.Helper()
		p, err := s.GetPolicy(ctx, &GetPolicyInput{PolicyArn: b})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Policy.PermissionsBoundaryUsageCount; got != want {
			t.Errorf("PermissionsBoundaryUsageCount: got %d, want %d", got, want)
		}
		l, err := s.ListPolicies(ctx, &ListPoliciesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Policies[0].PermissionsBoundaryUsageCount; got != want {
			t.Errorf("ListPolicies PermissionsBoundaryUsageCount: got %d, want %d", got, want)
		}
	}
	usage(0)
	_, err := s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "app", PermissionsBoundary: b + "x"})
	wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)
	_, err = s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "nobody", PermissionsBoundary: b})
	wantCode(t, err, CodeNoSuchEntity, http.StatusNotFound)
	if _, err := s.PutRolePermissionsBoundary(ctx, &PutRolePermissionsBoundaryInput{RoleName: "app", PermissionsBoundary: b}); err != nil {
		t.Fatal(err)
	}
	usage(1)
	_, err = s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: b})
	wantCode(t, err, CodeDeleteConflict, http.StatusConflict)
	l, err := s.ListRoles(ctx, &ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Roles[0].PermissionsBoundary; got != nil {
		t.Errorf("ListRoles PermissionsBoundary: got %+v, want none, as IAM lists roles", got)
	}
	if _, err := s.DeleteRolePermissionsBoundary(ctx, &DeleteRolePermissionsBoundaryInput{RoleName: "app"}); err != nil {
		t.Fatal(err)
	}
	usage(0)
	r, err := s.GetRole(ctx, &GetRoleInput{RoleName: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Role.PermissionsBoundary != nil {
		t.Errorf("GetRole after DeleteRolePermissionsBoundary: got %+v, want none", r.Role.PermissionsBoundary)
	}
	if _, err := s.DeletePolicy(ctx, &DeletePolicyInput{PolicyArn: b}); err != nil {
		t.Errorf("DeletePolicy of a boundary no longer used: %v", err)
	}
}

// TestRoleBoundaryCaps: the role's boundary caps what its identity
// policies allow, for the sessions (HeldRolePolicies) and the simulator.
func TestRoleBoundaryCaps(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	b := newBoundary(t, s, "bnd")
	out, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "app", AssumeRolePolicyDocument: trust, PermissionsBoundary: &b})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "app", PolicyName: "all", PolicyDocument: allowS3}); err != nil {
		t.Fatal(err)
	}
	set, err := rolePolicies(t, s, "app")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: out.Role.Arn,
		SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{"s3:GetObject", "s3:PutObject"}}})
	if err != nil {
		t.Fatal(err)
	}
	over, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: out.Role.Arn,
		SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{"s3:PutObject"}, PermissionsBoundaryPolicyInputList: []string{allowS3}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"session s3:GetObject", set.Evaluate(policy.Request{Action: "s3:GetObject", Resource: "*"}).Decision.String(), "allowed"},
		{"session s3:PutObject", set.Evaluate(policy.Request{Action: "s3:PutObject", Resource: "*"}).Decision.String(), "implicitDeny"},
		{"simulated s3:GetObject", sim.EvaluationResults[0].EvalDecision, "allowed"},
		{"simulated s3:PutObject", sim.EvaluationResults[1].EvalDecision, "implicitDeny"},
		{"simulated with a boundary given instead", over.EvaluationResults[0].EvalDecision, "allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
		})
	}
	if d := sim.EvaluationResults[1].PermissionsBoundaryDecisionDetail; d == nil || d.AllowedByPermissionsBoundary {
		t.Errorf("PermissionsBoundaryDecisionDetail of s3:PutObject: got %+v, want not allowed", d)
	}
}
