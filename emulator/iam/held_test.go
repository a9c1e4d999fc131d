package iam

import (
	"net/http"
	"testing"

	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/storage"
)

// heldForms are permission policies an earlier idpool stored and IAM now
// refuses to write, each with an action and resource it allows and IAM's
// reason for refusing it.
var heldForms = []struct {
	name, action, resource, reason string
}{
	{"s3 bucket with a region", "s3:GetObject", "arn:aws:s3:us-east-1::bucket/x",
		"Resource arn:aws:s3:us-east-1::bucket/x can not contain region information."},
	{"iam with a region", "iam:GetRole", "arn:aws:iam:us-east-1:123456789012:role/x",
		"IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information."},
	{"two colons", "s3:List:Bucket", "*", "Actions/Condition can contain only one colon."},
	{"vendor with a space", "a a:ListBucket", "*", "Vendor a a is not valid"},
}

func heldDocument(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}}`
}

// TestHeldPoliciesRead: a role's inline or managed policy that an earlier
// idpool stored and IAM now refuses to write is refused by PutRolePolicy,
// CreatePolicy and CreatePolicyVersion, but read back as it is stored:
// SimulatePrincipalPolicy (and HeldRolePolicies, which strict mode and
// /_idpool/authorize read) evaluates it.
func TestHeldPoliciesRead(t *testing.T) {
	for _, form := range heldForms {
		t.Run(form.name, func(t *testing.T) {
			s := newService(t)
			ctx := t.Context()
			doc := heldDocument(form.action, form.resource)
			if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "Inline", AssumeRolePolicyDocument: trust}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateRole(ctx, &CreateRoleInput{RoleName: "Managed", AssumeRolePolicyDocument: trust}); err != nil {
				t.Fatal(err)
			}
			_, err := s.PutRolePolicy(ctx, &PutRolePolicyInput{RoleName: "Inline", PolicyName: "p", PolicyDocument: doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, form.reason)
			_, err = s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "Bad", PolicyDocument: doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, form.reason)
			mp, err := s.CreatePolicy(ctx, &CreatePolicyInput{PolicyName: "M", PolicyDocument: heldDocument("s3:GetObject", "*")})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.CreatePolicyVersion(ctx, &CreatePolicyVersionInput{PolicyArn: mp.Policy.Arn, PolicyDocument: doc})
			wantError(t, err, CodeMalformedPolicyDocument, http.StatusBadRequest, form.reason)
			if _, err := s.AttachRolePolicy(ctx, &AttachRolePolicyInput{RoleName: "Managed", PolicyArn: mp.Policy.Arn}); err != nil {
				t.Fatal(err)
			}

			// As an earlier idpool stored them.
			err = s.store.Update(ctx, func(tx storage.Tx) error {
				r, err := tx.GetRole(ctx, "Inline")
				if err != nil {
					return err
				}
				r.Policies = map[string]string{"p": doc}
				if err := tx.UpdateRole(ctx, r); err != nil {
					return err
				}
				p, err := tx.GetManagedPolicy(ctx, mp.Policy.Arn)
				if err != nil {
					return err
				}
				p.Versions[0].Document = doc
				return tx.UpdateManagedPolicy(ctx, p)
			})
			if err != nil {
				t.Fatal(err)
			}

			for _, role := range []string{"Inline", "Managed"} {
				arn := "arn:aws:iam::123456789012:role/" + role
				out, err := s.SimulatePrincipalPolicy(ctx, &SimulatePrincipalPolicyInput{PolicySourceArn: arn,
					SimulateCustomPolicyInput: SimulateCustomPolicyInput{ActionNames: []string{form.action}, ResourceArns: []string{form.resource}}})
				if err != nil {
					t.Fatalf("SimulatePrincipalPolicy %s: got %v, want the stored policy evaluated", role, err)
				}
				if got := out.EvaluationResults[0].EvalDecision; got != "allowed" {
					t.Errorf("SimulatePrincipalPolicy %s: got %s, want allowed", role, got)
				}
				if _, err := rolePolicies(t, s, role); err != nil {
					t.Errorf("HeldRolePolicies %s: got %v, want the stored policies", role, err)
				}
			}
		})
	}
}

// rolePolicies returns the policies of the role name that decide its
// sessions' requests, as the server reads them: from the role IAM holds
// (HeldRolePolicies).
func rolePolicies(t *testing.T, s *Service, name string) (policy.Set, error) {
	t.Helper()
	r, err := s.store.GetRole(t.Context(), name)
	if err != nil {
		t.Fatalf("GetRole %s: %v", name, err)
	}
	return s.HeldRolePolicies(t.Context(), r)
}
