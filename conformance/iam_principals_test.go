package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
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
		// STS matches a trusted principal exactly, so a held role named in
		// another case could never be matched: it is refused.
		{"held role in another case", awsTrust(prefix + "role/" + strings.ToUpper(held)),
			`Invalid principal in policy: "AWS":"` + prefix + "role/" + strings.ToUpper(held) + `"`},
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

// TestIAMTrustRoundTrip: a trust policy naming a role deleted since, read
// with GetRole, edited and sent back, is taken by UpdateAssumeRolePolicy,
// as AWS takes back the unique id it shows for the deleted role.
func TestIAMTrustRoundTrip(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	gone := ec2Role(ctx, t, c, "Gone")
	stmt := func(principal string) map[string]any {
		return map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": "sts:AssumeRole"}
	}
	trusting := uniqueName("Trusting")
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(trusting),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, stmt("arn:aws:iam::"+s.accountID+":role/"+gone)))})
	ok(t, err, "CreateRole")
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(gone)})
	ok(t, err, "DeleteRole")
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(trusting)})
	ok(t, err, "GetRole")
	text, err := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	ok(t, err, "unescape the trust policy")
	var doc map[string]any
	ok(t, json.Unmarshal([]byte(text), &doc), "decode the trust policy")
	doc["Statement"] = append(doc["Statement"].([]any), stmt(s.accountID))
	edited, _ := json.Marshal(doc)
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(trusting), PolicyDocument: aws.String(string(edited))})
	ok(t, err, "UpdateAssumeRolePolicy of the trust policy GetRole answered, edited")
}
