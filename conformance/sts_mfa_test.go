package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestSTSMFA: SerialNumber and TokenCode authenticate with MFA, as AWS's
// "Configuring MFA-protected API access" describes it. A role whose trust
// policy requires MFA ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, or
// a recent one with aws:MultiFactorAuthAge) is refused without and
// assumed with a code, directly or from a GetSessionToken session made
// with one; such a session may call IAM, which refuses one made without;
// and a role session made with MFA carries it into its own requests.
func TestSTSMFA(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			ctx, user := context.Background(), assumerKeys()
			s, _ := strictServer(t, strict)
			// Virtual MFA devices of strictServer's IAM user, each code
			// given once, as STS takes it.
			codes := &mfaCodes{s: s, user: assumerName}
			withCode := func(t *testing.T, in sts.AssumeRoleInput) sts.AssumeRoleInput {
				t.Helper()
				serial, code := codes.code(t)
				in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
				return in
			}
			needMFA := s.createRole(t, "NeedMFA", s.trustRoot("sts:AssumeRole", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}))
			recent := s.createRole(t, "RecentMFA", s.trustRoot("sts:AssumeRole", map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": "3600"}}))
			// Within two seconds of the authentication: a code given to
			// AssumeRole itself is always that recent.
			fresh := s.createRole(t, "FreshMFA", s.trustRoot("sts:AssumeRole", map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": "2"}}))
			denied := func(t *testing.T, err error) {
				t.Helper()
				wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "")
			}

			session := func(t *testing.T, in sts.GetSessionTokenInput) aws.Credentials {
				t.Helper()
				out, err := s.stsWith(user).GetSessionToken(ctx, &in)
				ok(t, err, "GetSessionToken")
				return fromSTS(t, out.Credentials)
			}
			first := withCode(t, sts.AssumeRoleInput{})
			mfaSession := session(t, sts.GetSessionTokenInput{SerialNumber: first.SerialNumber, TokenCode: first.TokenCode})
			plainSession := session(t, sts.GetSessionTokenInput{})

			t.Run("the user's key", func(t *testing.T) {
				for _, role := range []string{needMFA, recent, fresh} {
					_, err := s.assume(user, role, "no-code", sts.AssumeRoleInput{})
					denied(t, err)
					_, err = s.assume(user, role, "code", withCode(t, sts.AssumeRoleInput{}))
					ok(t, err, "AssumeRole "+role+" with an MFA code")
				}
			})
			t.Run("GetSessionToken session without MFA", func(t *testing.T) {
				_, err := s.assume(plainSession, needMFA, "plain", sts.AssumeRoleInput{})
				denied(t, err)
				_, err = s.assume(plainSession, needMFA, "plain", withCode(t, sts.AssumeRoleInput{}))
				ok(t, err, "AssumeRole with an MFA code from a session without MFA")
				_, err = s.iamWith(plainSession).GetUser(ctx, &iam.GetUserInput{})
				wantIAMError(t, err, "InvalidClientTokenId", http.StatusForbidden, nil)
			})
			t.Run("GetSessionToken session with MFA", func(t *testing.T) {
				_, err := s.assume(mfaSession, needMFA, "mfa", sts.AssumeRoleInput{})
				ok(t, err, "AssumeRole of a role requiring MFA from an MFA session")
				_, err = s.assume(mfaSession, recent, "mfa", sts.AssumeRoleInput{})
				ok(t, err, "AssumeRole of a role requiring MFA within the hour from an MFA session")
				out, err := s.iamWith(mfaSession).GetUser(ctx, &iam.GetUserInput{})
				ok(t, err, "IAM GetUser with an MFA session")
				if want := "arn:aws:iam::" + s.accountID + ":user/" + assumerName; aws.ToString(out.User.Arn) != want {
					t.Errorf("GetUser: got %s, want %s", aws.ToString(out.User.Arn), want)
				}
			})
			t.Run("aws:MultiFactorAuthAge counts from the authentication", func(t *testing.T) {
				time.Sleep(2 * time.Second)
				_, err := s.assume(mfaSession, fresh, "stale", sts.AssumeRoleInput{})
				denied(t, err)
				_, err = s.assume(mfaSession, fresh, "fresh", withCode(t, sts.AssumeRoleInput{}))
				ok(t, err, "AssumeRole with a fresh code")
				_, err = s.assume(mfaSession, recent, "recent", sts.AssumeRoleInput{})
				ok(t, err, "AssumeRole of a role requiring MFA within the hour")
			})
			t.Run("a role session keeps its MFA", func(t *testing.T) {
				// A role the account trusts whose policy allows only
				// MFA-authenticated requests; /_idpool/authorize evaluates
				// it with the session's keys.
				role := uniqueName("MFAOnly")
				dev := s.iamWith(developerKeys())
				_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
					AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
				ok(t, err, "CreateRole")
				_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("mfa"),
					PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
						"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}}))})
				ok(t, err, "PutRolePolicy")
				for _, tt := range []struct {
					name   string
					caller aws.Credentials
					in     sts.AssumeRoleInput
					want   string
				}{
					{"assumed without MFA", user, sts.AssumeRoleInput{}, "implicitDeny"},
					{"assumed with a code", user, withCode(t, sts.AssumeRoleInput{}), "allowed"},
					{"assumed from an MFA session", mfaSession, sts.AssumeRoleInput{}, "allowed"},
					{"assumed from a session without MFA", plainSession, sts.AssumeRoleInput{}, "implicitDeny"},
				} {
					out, err := s.assume(tt.caller, s.roleARN(role), "keeps", tt.in)
					ok(t, err, "AssumeRole "+tt.name)
					// The request's own keys cannot make up MFA.
					got := s.authorizeDecision(t, aws.ToString(out.Credentials.SessionToken), "s3:GetObject", "arn:aws:s3:::b/k",
						map[string][]string{"aws:MultiFactorAuthPresent": {"true"}})
					if got != tt.want {
						t.Errorf("%s: /_idpool/authorize decided %s, want %s", tt.name, got, tt.want)
					}
				}
			})
		})
	}
}

// TestSTSMFAValidation: the MFA parameters are held to the model's shapes
// (a six-digit code, a serial of 9 to 256 characters of letters, digits
// and +=/:,.@-), and one without the other is refused.
func TestSTSMFAValidation(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	role := s.roleARN(uniqueName("Any"))
	serial := "arn:aws:iam::" + s.accountID + ":mfa/alice"
	tests := []struct {
		name         string
		serial, code *string
		field        string // the member a ValidationError names; "" for AccessDenied 403
	}{
		{"letters in the code", aws.String(serial), aws.String("12a456"), "tokenCode"},
		{"a five-digit code", aws.String(serial), aws.String("12345"), "tokenCode"},
		{"a serial with a blank", aws.String("arn:aws:iam::1:mfa/a b"), aws.String("123456"), "serialNumber"},
		{"a short serial", aws.String("GAHT1234"), aws.String("123456"), "serialNumber"},
		{"a code without a serial", nil, aws.String("123456"), ""},
		{"a serial without a code", aws.String(serial), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.stsWith(developerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("mfa"),
				SerialNumber: tt.serial, TokenCode: tt.code})
			_, errGST := s.stsWith(developerKeys()).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: tt.serial, TokenCode: tt.code})
			for op, err := range map[string]error{"AssumeRole": err, "GetSessionToken": errGST} {
				t.Run(op, func(t *testing.T) {
					if tt.field != "" {
						wantSTSError(t, err, "ValidationError", http.StatusBadRequest, "")
						if !strings.Contains(err.Error(), "'"+tt.field+"'") {
							t.Errorf("got %v, want it to name %s", err, tt.field)
						}
					} else {
						wantSTSError(t, err, codeAccessDenied, http.StatusForbidden,
							"MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.")
					}
				})
			}
		})
	}
}
