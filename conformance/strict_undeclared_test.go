package conformance

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/idpool/idpool/protocol/shape"
)

// iamRaw sends the IAM request form, a form body, signed with c by the
// SDK's own signer, and reads the whole answer: for parameters an SDK
// never sends.
func (s *server) iamRaw(t *testing.T, form url.Values, c aws.Credentials) rawResponse {
	t.Helper()
	body := []byte(form.Encode())
	req, err := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return s.do(t, signedRequest(t, req, body, c, "iam", region))
}

// iamForm is the form of the IAM operation op with the parameters
// name=value pairs kv.
func iamForm(op string, kv ...string) url.Values {
	form := url.Values{"Action": {op}, "Version": {"2010-05-08"}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return form
}

// requestID matches the request id of an IAM answer, which differs from
// one answer to the next.
var requestID = regexp.MustCompile(`<RequestId>[^<]*</RequestId>`)

// TestStrictIAMUndeclaredParameters: an IAM request is authorized on the
// resource its operation acts on (the IAM Service Authorization
// Reference's resource of each action), found among the members its input
// declares, never on a parameter it does not read. A role session allowed
// iam:* on its own role only may not create an access key for another
// user, or put a policy on one, by adding RoleName=<its role> to
// CreateAccessKey or PutUserPolicy, whose input has no RoleName; a user
// allowed iam:* on its own user may not create a policy version or an
// account alias by adding its UserName. And for every IAM operation idpool
// serves, adding a RoleName, UserName, PolicyArn, PolicySourceArn or
// OpenIDConnectProviderArn its input does not declare never changes the
// answer.
func TestStrictIAMUndeclaredParameters(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	prefix := "arn:aws:iam::" + s.accountID + ":"

	victim := uniqueName("carol")
	_, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(victim)})
	ok(t, err, "CreateUser")
	alice, aliceKeys := s.iamUserKeys(t)
	aliceName := alice[len(prefix+"user/"):]
	_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(aliceName), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "iam:*", "Resource": prefix + "user/${aws:username}"}))})
	ok(t, err, "PutUserPolicy")
	pol, err := dev.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(uniqueName("P")),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))})
	ok(t, err, "CreatePolicy")
	policyARN := aws.ToString(pol.Policy.Arn)
	oidcARN := prefix + "oidc-provider/idp.example"

	// The session may do everything on its own role, on alice, on the
	// policy and on the provider: each undeclared parameter below names
	// one of those.
	self, sess := s.policySession(t, "Self", "self", map[string]any{"Effect": "Allow", "Action": "iam:*",
		"Resource": []string{prefix + "role/Self_*", alice, policyARN, oidcARN}})
	caller := s.assumedARN(self, "self")

	t.Run("escalations", func(t *testing.T) {
		tests := []struct {
			name   string
			form   url.Values
			keys   aws.Credentials
			who    string
			action string
			shown  string
		}{
			{"CreateAccessKey for another user with RoleName", iamForm("CreateAccessKey", "UserName", victim, "RoleName", self),
				sess, caller, "iam:CreateAccessKey", "user " + victim},
			{"PutUserPolicy on another user with RoleName", iamForm("PutUserPolicy", "UserName", victim, "RoleName", self,
				"PolicyName", "admin", "PolicyDocument", policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})),
				sess, caller, "iam:PutUserPolicy", "user " + victim},
			{"CreatePolicyVersion with UserName", iamForm("CreatePolicyVersion", "PolicyArn", policyARN, "UserName", aliceName,
				"PolicyDocument", policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})),
				aliceKeys, alice, "iam:CreatePolicyVersion", "policy " + policyARN},
			{"CreateAccountAlias with UserName", iamForm("CreateAccountAlias", "AccountAlias", "taken-alias", "UserName", aliceName),
				aliceKeys, alice, "iam:CreateAccountAlias", "*"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantRefused(t, s.iamRaw(t, tt.form, tt.keys), http.StatusForbidden, "AccessDenied",
					msgDenied(tt.who, tt.action, tt.shown)+" because no identity-based policy allows the "+tt.action+" action")
			})
		}
		keys, err := dev.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(victim)})
		ok(t, err, "ListAccessKeys")
		if len(keys.AccessKeyMetadata) != 0 {
			t.Errorf("got %d access keys of %s, want none: the refused CreateAccessKey ran", len(keys.AccessKeyMetadata), victim)
		}
		policies, err := dev.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(victim)})
		ok(t, err, "ListUserPolicies")
		if len(policies.PolicyNames) != 0 {
			t.Errorf("got policies %v of %s, want none: the refused PutUserPolicy ran", policies.PolicyNames, victim)
		}
	})

	t.Run("every operation", func(t *testing.T) {
		model := shape.IAM()
		undeclared := map[string]string{"RoleName": self, "UserName": aliceName, "PolicyArn": policyARN,
			"PolicySourceArn": s.roleARN(self), "OpenIDConnectProviderArn": oidcARN}
		served := 0
		for _, op := range model.Operations() {
			base := s.iamRaw(t, iamForm(op.Name), sess)
			if bytes.Contains(base.body, []byte("InvalidAction")) {
				continue // not served
			}
			served++
			members, _ := model.Bindings(op.InputShape)
			declared := map[string]bool{}
			for _, m := range members {
				declared[m.Member] = true
			}
			for name, value := range undeclared {
				if declared[name] {
					continue
				}
				got := s.iamRaw(t, iamForm(op.Name, name, value), sess)
				if got.status != base.status || !bytes.Equal(requestID.ReplaceAll(got.body, nil), requestID.ReplaceAll(base.body, nil)) {
					t.Errorf("%s with %s=%s, which its input does not declare: got %d %s, want %d %s as without it",
						op.Name, name, value, got.status, got.body, base.status, base.body)
				}
			}
		}
		if served < 80 {
			t.Errorf("got %d IAM operations served, want every one idpool serves (80 or more)", served)
		}
	})
}
