package conformance

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestIAMTrustPrincipals: a trust policy may name an IAM role or user of
// the account only when it exists (AWS knowledge center,
// iam-trust-policy-error; terraform-provider-aws retries on this very
// message while IAM propagates a new role), and a Federated principal only
// as a domain name or a provider's ARN (terraform-aws-modules/terraform-aws-iam#202).
// An account, and another account's roles, which idpool cannot know, are
// taken.
func TestIAMTrustPrincipals(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	held := ec2Role(ctx, t, c, "Held")
	prefix := "arn:aws:iam::" + s.accountID + ":"
	missing := prefix + "role/" + uniqueName("Missing")
	awsTrust := func(p string) string {
		return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": p}, "Action": "sts:AssumeRole"})
	}
	fedTrust := func(p string) string {
		return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": p}, "Action": "sts:AssumeRoleWithWebIdentity"})
	}
	const badFederated = "Federated principals must be valid domain names or SAML metadata ARNs"
	tests := []struct {
		name, doc, msg string // msg "" for accepted
	}{
		{"held role", awsTrust(prefix + "role/" + held), ""},
		{"account", awsTrust(s.accountID), ""},
		{"account root", awsTrust(prefix + "root"), ""},
		{"another account's role", awsTrust("arn:aws:iam::210987654321:role/doesnotexist"), ""},
		{"missing role", awsTrust(missing), `Invalid principal in policy: "AWS":"` + missing + `"`},
		{"provider domain", fedTrust("accounts.google.com"), ""},
		{"provider ARN", fedTrust(prefix + "oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"), ""},
		{"provider URL", fedTrust("https://accounts.google.com"), badFederated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(uniqueName("Trusting")), AssumeRolePolicyDocument: aws.String(tt.doc)})
			_, uerr := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(held), PolicyDocument: aws.String(tt.doc)})
			if tt.msg == "" {
				ok(t, err, "CreateRole")
				ok(t, uerr, "UpdateAssumeRolePolicy")
				return
			}
			wantIAMRefusal(t, "CreateRole", err, "MalformedPolicyDocument", http.StatusBadRequest, tt.msg)
			wantIAMRefusal(t, "UpdateAssumeRolePolicy", uerr, "MalformedPolicyDocument", http.StatusBadRequest, tt.msg)
		})
	}

	// Once the role exists, the trust that named it is taken.
	name := missing[len(prefix+"role/"):]
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(ec2Trust(t))})
	ok(t, err, "CreateRole")
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(held), PolicyDocument: aws.String(awsTrust(missing))})
	ok(t, err, "UpdateAssumeRolePolicy once the principal exists")
}
