package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AWS's refusals of an MFA code, as users paste them: a code the device
// does not take (a wrong one, or one given before), and a serial number
// that names no device of the caller (aws/aws-cli#6325,
// broamski/aws-mfa#25, with its two blanks after "code.").
const (
	msgMFACode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	msgMFASerial = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	msgChained   = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
)

// mfaCodes hands out codes of virtual MFA devices of a user that STS
// takes, each once, as AWS takes a code: a device gives the code of the
// step of now and that of the next (STS takes either), and once both are
// given in a step a new device, created and enabled for the user, gives
// the next ones. A user holds eight devices at most.
type mfaCodes struct {
	s      *server
	user   string
	serial string
	secret []byte
	next   int64 // the step of the device's next code
}

// code returns a device's serial number and a code of it STS has not
// taken.
func (m *mfaCodes) code(t *testing.T) (serial, code string) {
	t.Helper()
	now := time.Now().Unix() / 30
	if m.serial == "" || m.next > now+1 {
		dev := m.s.iamWith(developerKeys())
		m.serial, m.secret = newMFADevice(t, dev, uniqueName("mfa"))
		ok(t, enable(dev, m.user, m.serial, m.secret), "EnableMFADevice")
		m.next = now
	}
	m.next = max(m.next, now)
	code = totpCode(m.secret, time.Unix(m.next*30, 0))
	m.next++
	return m.serial, code
}

// wantMFA fails t unless the calls named in errs (operation: its error)
// succeeded, when want is "", or were refused AccessDenied 403 with the
// text want.
func wantMFA(t *testing.T, want string, errs map[string]error) {
	t.Helper()
	for op, err := range errs {
		if want == "" {
			ok(t, err, op)
		} else {
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, want)
		}
	}
}

// inStrictModes runs test in parallel against a permissive and a strict
// strictServer.
func inStrictModes(t *testing.T, test func(t *testing.T, s *server, strict bool)) {
	t.Helper()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			s, _ := strictServer(t, strict)
			test(t, s, strict)
		})
	}
}

// TestSTSRoleChainingFromSessionToken: AssumeRole signed with a
// GetSessionToken session is role chaining, as AWS holds it (users of MFA
// tools that call GetSessionToken first paste the refusal:
// mmmorris1975/aws-runas#11, 99designs/aws-vault#263): DurationSeconds over
// an hour is ValidationError, even for a role whose MaxSessionDuration is
// longer, and without it the session lasts an hour. The user's long-term
// key itself is not chaining.
func TestSTSRoleChainingFromSessionToken(t *testing.T) {
	t.Parallel()
	inStrictModes(t, func(t *testing.T, s *server, strict bool) {
		ctx := context.Background()
		user := assumerKeys()
		role := s.createRole(t, "Long", s.trustRoot("sts:AssumeRole", nil))
		_, err := s.iamWith(developerKeys()).UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(strings.TrimPrefix(role, s.roleARN(""))), MaxSessionDuration: aws.Int32(43200)})
		ok(t, err, "UpdateRole MaxSessionDuration")

		out, err := s.assume(user, role, "direct", sts.AssumeRoleInput{DurationSeconds: aws.Int32(7200)})
		ok(t, err, "AssumeRole for two hours with the user's key")
		checkTempCreds(t, fromSTS(t, out.Credentials), out.Credentials.Expiration, 2*time.Hour)

		codes := &mfaCodes{s: s, user: assumerName}
		serial, code := codes.code(t)
		for _, tt := range []struct {
			name string
			in   sts.GetSessionTokenInput
		}{
			{"without MFA", sts.GetSessionTokenInput{}},
			{"with MFA", sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				st, err := s.stsWith(user).GetSessionToken(ctx, &tt.in)
				ok(t, err, "GetSessionToken")
				session := fromSTS(t, st.Credentials)
				_, err = s.assume(session, role, "long", sts.AssumeRoleInput{DurationSeconds: aws.Int32(7200)})
				wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, msgChained)
				// The SDK's own provider, as MFA tools chain it.
				_, err = stscreds.NewAssumeRoleProvider(s.stsWith(session), role, func(o *stscreds.AssumeRoleOptions) {
					o.Duration = 3601 * time.Second
				}).Retrieve(ctx)
				wantSTSError(t, err, codeSTSInvalid, http.StatusBadRequest, msgChained)
				for _, d := range []*int32{aws.Int32(3600), nil} {
					out, err := s.assume(session, role, "hour", sts.AssumeRoleInput{DurationSeconds: d})
					ok(t, err, "AssumeRole for an hour or less")
					checkTempCreds(t, fromSTS(t, out.Credentials), out.Credentials.Expiration, time.Hour)
				}
			})
		}
	})
}

// TestSTSMFACodeOnce: STS takes each code of an MFA device once, as AWS
// does (1Password/shell-plugins#180: "the second operation that passes"
// the same code fails until the next 30-second step; glassechidna/awsweb#5):
// the code again, from GetSessionToken or AssumeRole, or the SDK's
// provider of a second profile given the code the first took, is
// AccessDenied "invalid MFA one time pass code", and so is a code of an
// earlier step than one taken. The next step's code is taken. The codes
// EnableMFADevice took do not count.
func TestSTSMFACodeOnce(t *testing.T) {
	t.Parallel()
	inStrictModes(t, func(t *testing.T, s *server, strict bool) {
		ctx := context.Background()
		user := assumerKeys()
		dev := s.iamWith(developerKeys())
		serial, secret := newMFADevice(t, dev, uniqueName("mfa"))
		ok(t, enable(dev, assumerName, serial, secret), "EnableMFADevice")
		needMFA := s.createRole(t, "NeedMFA", s.trustRoot("sts:AssumeRole", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}))
		other := s.createRole(t, "NeedMFA", s.trustRoot("sts:AssumeRole", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}))
		now := time.Now()
		code, next, before := totpCode(secret, now), totpCode(secret, now.Add(30*time.Second)), totpCode(secret, now.Add(-30*time.Second))
		withCode := func(c string) sts.AssumeRoleInput {
			return sts.AssumeRoleInput{SerialNumber: aws.String(serial), TokenCode: aws.String(c)}
		}

		// The code of now, which EnableMFADevice took as its second.
		_, err := s.stsWith(user).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
		ok(t, err, "GetSessionToken with the code of now")
		_, err = s.assume(user, needMFA, "again", withCode(code))
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFACode)
		_, err = s.stsWith(user).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFACode)

		// Two profiles of one mfa_serial, the code typed once for both.
		provider := func(role string) *stscreds.AssumeRoleProvider {
			return stscreds.NewAssumeRoleProvider(s.stsWith(user), role, func(o *stscreds.AssumeRoleOptions) {
				o.SerialNumber = aws.String(serial)
				o.TokenProvider = func() (string, error) { return next, nil }
			})
		}
		_, err = provider(needMFA).Retrieve(ctx)
		ok(t, err, "AssumeRole (stscreds) with the next step's code")
		_, err = provider(other).Retrieve(ctx)
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFACode)

		_, err = s.assume(user, needMFA, "before", withCode(before))
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFACode)
	})
}

// TestSTSMFACodeTakenOnSuccess: a code is taken by the request that
// succeeds with it. An AssumeRole refused after its code was checked,
// for a DurationSeconds over the role's MaxSessionDuration or by a trust
// policy (an ExternalId the role does not trust), leaves the code, so that
// the retry with the same code and a correct request succeeds (as an SDK
// retries too); that success takes it.
func TestSTSMFACodeTakenOnSuccess(t *testing.T) {
	t.Parallel()
	inStrictModes(t, func(t *testing.T, s *server, strict bool) {
		user := assumerKeys()
		role := s.createRole(t, "Hour", s.trustRoot("sts:AssumeRole", map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "s3cret"}}))
		codes := &mfaCodes{s: s, user: assumerName}
		for _, tt := range []struct {
			name   string
			in     sts.AssumeRoleInput
			code   string // the refusal's
			status int
			msg    string
		}{
			{"DurationSeconds over MaxSessionDuration", sts.AssumeRoleInput{ExternalId: aws.String("s3cret"), DurationSeconds: aws.Int32(40000)},
				codeSTSInvalid, http.StatusBadRequest, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
			{"an ExternalId the trust policy refuses", sts.AssumeRoleInput{ExternalId: aws.String("wrong")}, codeAccessDenied, http.StatusForbidden, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				serial, code := codes.code(t)
				in := tt.in
				in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
				_, err := s.assume(user, role, "refused", in)
				wantSTSError(t, err, tt.code, tt.status, tt.msg)
				good := sts.AssumeRoleInput{ExternalId: aws.String("s3cret"), SerialNumber: aws.String(serial), TokenCode: aws.String(code)}
				_, err = s.assume(user, role, "retry", good)
				ok(t, err, "AssumeRole again with the refused request's code")
				_, err = s.assume(user, role, "again", good)
				wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgMFACode)
			})
		}
	})
}

// TestSTSMFASerialNotTheCallers: a SerialNumber that names no device of
// the caller is AccessDenied "unable to validate MFA code" with AWS's
// text (broamski/aws-mfa#25: a user's ARN given as the serial), in both
// modes for a device idpool holds that is another user's or no one's,
// even with that device's code of now. A serial idpool holds no device of
// takes any code in permissive mode, so that setups that name a made-up
// device keep working, and is refused in strict mode, as AWS refuses it.
func TestSTSMFASerialNotTheCallers(t *testing.T) {
	t.Parallel()
	inStrictModes(t, func(t *testing.T, s *server, strict bool) {
		ctx := context.Background()
		user := assumerKeys()
		dev := s.iamWith(developerKeys())
		otherUser := uniqueName("mfauser")
		_, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(otherUser)})
		ok(t, err, "CreateUser")
		otherSerial, otherSecret := newMFADevice(t, dev, uniqueName("mfa"))
		ok(t, enable(dev, otherUser, otherSerial, otherSecret), "EnableMFADevice of another user")
		looseSerial, looseSecret := newMFADevice(t, dev, uniqueName("loose"))
		role := s.createRole(t, "Any", s.trustRoot("sts:AssumeRole", nil))
		account := "arn:aws:iam::" + s.accountID + ":"
		madeUp := ""
		if strict {
			madeUp = msgMFASerial
		}
		for _, tt := range []struct {
			name, serial string
			secret       []byte // the device's, nil for a made-up one
			want         string // the refusal's text, "" for none
		}{
			{"another user's device", otherSerial, otherSecret, msgMFASerial},
			{"an unassigned device", looseSerial, looseSecret, msgMFASerial},
			{"a device idpool does not hold", account + "mfa/nosuch", nil, madeUp},
			{"the user's ARN", account + "user/" + assumerName, nil, madeUp},
		} {
			t.Run(tt.name, func(t *testing.T) {
				code := "123456"
				if tt.secret != nil {
					code = totpCode(tt.secret, time.Now())
				}
				_, err := s.assume(user, role, "mfa", sts.AssumeRoleInput{SerialNumber: aws.String(tt.serial), TokenCode: aws.String(code)})
				_, err2 := s.stsWith(user).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(tt.serial), TokenCode: aws.String(code)})
				wantMFA(t, tt.want, map[string]error{"AssumeRole": err, "GetSessionToken": err2})
			})
		}
	})
}
