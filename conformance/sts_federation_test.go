package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// codeBadMessage is DecodeAuthorizationMessage's refusal of a message AWS
// did not encode (the model's InvalidAuthorizationMessageException, and
// awsdocs/aws-doc-sdk-examples python/example_code/sts/test/
// test_sts_basics.py, which asserts it for "this-is-not-valid").
const codeBadMessage = "InvalidAuthorizationMessageException"

// msgBadMessage is idpool's text for it: AWS's own was found in no
// recording or paste, so it is worded after the model's documentation.
const msgBadMessage = "The encoded authorization message is invalid or has expired."

// msgSessionCreds is STS's refusal of temporary credentials calling op
// ("AccessDenied: Cannot call GetFederationToken with session
// credentials", as users paste it).
func msgSessionCreds(op string) string {
	return "Cannot call " + op + " with session credentials"
}

// federationUser makes an IAM user with the inline policy of statements
// (none when empty) and an access key, and returns its ARN and key.
func (s *server) federationUser(t *testing.T, statements ...map[string]any) (string, aws.Credentials) {
	t.Helper()
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	name := uniqueName("fed")
	made, err := dev.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	ok(t, err, "CreateUser")
	if len(statements) > 0 {
		_, err = dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(policyJSON(t, statements...))})
		ok(t, err, "PutUserPolicy")
	}
	key, err := dev.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	ok(t, err, "CreateAccessKey")
	return aws.ToString(made.User.Arn), aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
}

// TestGetFederationToken: GetFederationToken answers credentials of the
// federated user arn:aws:sts::<account>:federated-user/<Name>, whose
// UserId is "<account>:<Name>" (the GetCallerIdentity API reference's
// example of a federated user), that really sign; 12 hours by default, an
// hour at most for the root; PackedPolicySize 0 without session policies
// (LocalStack's recording of AWS, test_sts.snapshot.json
// test_get_federation_token). Temporary credentials may not call it, and
// a federated user may call no IAM and no STS operation but
// GetCallerIdentity.
func TestGetFederationToken(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	reads := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
	userARN, userKeys := s.federationUser(t)

	tests := []struct {
		name      string
		keys      aws.Credentials
		in        *sts.GetFederationTokenInput
		wantFor   time.Duration
		wantSized bool // PackedPolicySize above 0
	}{
		{"root, an hour at most", developerKeys(), &sts.GetFederationTokenInput{Name: aws.String("Bob"), DurationSeconds: aws.Int32(7200), Policy: aws.String(reads)}, time.Hour, true},
		{"root by default", developerKeys(), &sts.GetFederationTokenInput{Name: aws.String("bob.smith@example.com")}, time.Hour, false},
		{"user by default", userKeys, &sts.GetFederationTokenInput{Name: aws.String("Alice"), Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}, 12 * time.Hour, true},
		{"user, 36 hours", userKeys, &sts.GetFederationTokenInput{Name: aws.String("Al"), DurationSeconds: aws.Int32(129600)}, 36 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.stsWith(tt.keys).GetFederationToken(ctx, tt.in)
			ok(t, err, "GetFederationToken")
			name := aws.ToString(tt.in.Name)
			wantARN, wantID := "arn:aws:sts::"+s.accountID+":federated-user/"+name, s.accountID+":"+name
			if got := aws.ToString(out.FederatedUser.Arn); got != wantARN {
				t.Errorf("got FederatedUser.Arn %s, want %s", got, wantARN)
			}
			if got := aws.ToString(out.FederatedUser.FederatedUserId); got != wantID {
				t.Errorf("got FederatedUserId %s, want %s", got, wantID)
			}
			if out.PackedPolicySize == nil || (*out.PackedPolicySize > 0) != tt.wantSized {
				t.Errorf("got PackedPolicySize %v, want one above 0: %v", out.PackedPolicySize, tt.wantSized)
			}
			c := fromSTS(t, out.Credentials)
			if !strings.HasPrefix(c.AccessKeyID, "ASIA") {
				t.Errorf("got access key %s, want ASIA…", c.AccessKeyID)
			}
			if left := time.Until(aws.ToTime(out.Credentials.Expiration)); left > tt.wantFor || left < tt.wantFor-time.Minute {
				t.Errorf("got credentials for %s, want %s", left.Round(time.Second), tt.wantFor)
			}
			who, err := s.stsWith(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			ok(t, err, "GetCallerIdentity with the federated credentials")
			if aws.ToString(who.Arn) != wantARN || aws.ToString(who.UserId) != wantID || aws.ToString(who.Account) != s.accountID {
				t.Errorf("got caller %s %s %s, want %s %s %s", aws.ToString(who.Arn), aws.ToString(who.UserId), aws.ToString(who.Account), wantARN, wantID, s.accountID)
			}
		})
	}

	// The refusals.
	fed, err := s.stsWith(userKeys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Carol"), Policy: aws.String(reads)})
	ok(t, err, "GetFederationToken")
	fedKeys, fedARN := fromSTS(t, fed.Credentials), aws.ToString(fed.FederatedUser.Arn)
	session, err := s.stsWith(userKeys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	role := s.wideRole(t, false)
	for _, c := range []struct {
		name string
		keys aws.Credentials
	}{{"federated user", fedKeys}, {"GetSessionToken session", fromSTS(t, session.Credentials)}} {
		_, err = s.stsWith(c.keys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Dave")})
		t.Run(c.name+" calls GetFederationToken", func(t *testing.T) {
			wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgSessionCreds("GetFederationToken"))
		})
	}
	_, err = s.stsWith(fedKeys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	t.Run("federated user calls GetSessionToken", func(t *testing.T) {
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, msgSessionCreds("GetSessionToken"))
	})
	_, err = s.stsWith(fedKeys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("sess")})
	t.Run("federated user calls AssumeRole", func(t *testing.T) {
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "User: "+fedARN+" is not authorized to perform: sts:AssumeRole on resource: "+role)
	})
	_, err = s.iamWith(fedKeys).ListRoles(ctx, &iam.ListRolesInput{})
	t.Run("federated user calls IAM", func(t *testing.T) {
		wantIAMRefusal(t, "ListRoles", err, codeBadClientTok, http.StatusForbidden, "The security token included in the request is invalid")
	})
	_ = userARN
}

// TestGetFederationTokenValidation: GetFederationToken checks its input
// as the model and AssumeRole do: Name is 2 to 32 characters of
// [\w+=,.@-], DurationSeconds 900 to 129600, Policy a policy document,
// tag keys unique whatever their case.
func TestGetFederationTokenValidation(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   sts.GetFederationTokenInput
		code string
	}{
		{"name too short", sts.GetFederationTokenInput{Name: aws.String("a")}, codeSTSInvalid},
		{"name too long", sts.GetFederationTokenInput{Name: aws.String(strings.Repeat("n", 33))}, codeSTSInvalid},
		{"name with a blank", sts.GetFederationTokenInput{Name: aws.String("Bob Smith")}, codeSTSInvalid},
		{"duration too short", sts.GetFederationTokenInput{Name: aws.String("Bob"), DurationSeconds: aws.Int32(899)}, codeSTSInvalid},
		{"duration too long", sts.GetFederationTokenInput{Name: aws.String("Bob"), DurationSeconds: aws.Int32(129601)}, codeSTSInvalid},
		{"policy not JSON", sts.GetFederationTokenInput{Name: aws.String("Bob"), Policy: aws.String("{not json")}, codeBadPolicy},
		{"policy without Statement", sts.GetFederationTokenInput{Name: aws.String("Bob"), Policy: aws.String(`{"Version":"2012-10-17"}`)}, codeBadPolicy},
		{"tag keys twice", sts.GetFederationTokenInput{Name: aws.String("Bob"), Tags: []ststypes.Tag{
			{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("Team"), Value: aws.String("b")}}}, "InvalidParameterValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.stsWith(developerKeys()).GetFederationToken(ctx, &tt.in)
			wantSTSError(t, err, tt.code, http.StatusBadRequest, "")
		})
	}
}

// TestFederationStrict: in strict mode a federated user may do what both
// its IAM user's policies and its session policies allow, and nothing
// without session policies (the GetFederationToken API reference); the
// root's federated user what its session policies allow. The IAM user
// needs sts:GetFederationToken.
func TestFederationStrict(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	a := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	b := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	c := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	describe := func(p string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": "cognito-identity:DescribeIdentityPool", "Resource": s.poolARN(p)}
	}
	allowFed := map[string]any{"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"}
	userARN, userKeys := s.federationUser(t, allowFed, describe(a), describe(b))
	_, noPermKeys := s.federationUser(t, describe(a))

	_, err := s.stsWith(noPermKeys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Bob")})
	t.Run("user without sts:GetFederationToken", func(t *testing.T) {
		wantSTSError(t, err, codeAccessDenied, http.StatusForbidden, "")
	})

	session := policyJSON(t, describe(a), describe(c))
	deny := policyJSON(t, map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"},
		map[string]any{"Effect": "Deny", "Action": "cognito-identity:DescribeIdentityPool", "Resource": s.poolARN(a)})
	tests := []struct {
		name    string
		keys    aws.Credentials
		policy  string // "" for none
		pool    string
		allowed bool
	}{
		{"user and session policy allow", userKeys, session, a, true},
		{"only the user's policy allows", userKeys, session, b, false},
		{"only the session policy allows", userKeys, session, c, false},
		{"no session policy", userKeys, "", a, false},
		{"session policy denies", userKeys, deny, a, false},
		{"session policy allows what the user's does not deny", userKeys, deny, b, true},
		{"root, session policy allows", developerKeys(), session, c, true},
		{"root, session policy does not allow", developerKeys(), session, b, false},
		{"root, no session policy", developerKeys(), "", a, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sts.GetFederationTokenInput{Name: aws.String("Fed")}
			if tt.policy != "" {
				in.Policy = aws.String(tt.policy)
			}
			out, err := s.stsWith(tt.keys).GetFederationToken(ctx, in)
			ok(t, err, "GetFederationToken")
			fed := fromSTS(t, out.Credentials)
			// /_idpool/authorize decides as strict mode does.
			want := "implicitDeny"
			switch {
			case tt.allowed:
				want = "allowed"
			case tt.policy == deny && tt.pool == a:
				want = "explicitDeny"
			}
			if got := s.authorizeDecision(t, fed.SessionToken, "cognito-identity:DescribeIdentityPool", s.poolARN(tt.pool), nil); got != want {
				t.Errorf("/_idpool/authorize: got %s, want %s", got, want)
			}
			_, err = s.identityWith(fed).DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(tt.pool)})
			if tt.allowed {
				ok(t, err, "DescribeIdentityPool")
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied(aws.ToString(out.FederatedUser.Arn), "cognito-identity:DescribeIdentityPool", s.poolARN(tt.pool)))
		})
	}

	out, err := s.stsWith(userKeys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Fed"),
		Policy: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "GetFederationToken")
	_, err = s.iamWith(fromSTS(t, out.Credentials)).GetUser(ctx, &iam.GetUserInput{})
	t.Run("federated user calls IAM", func(t *testing.T) {
		wantIAMRefusal(t, "GetUser", err, codeBadClientTok, http.StatusForbidden, "The security token included in the request is invalid")
	})
	_ = userARN
}

// TestDecodeAuthorizationMessage: idpool encodes no authorization message,
// so it decodes none: every EncodedMessage is answered 400
// InvalidAuthorizationMessageException, as AWS answers a message not its
// own (test_sts_basics.py of awsdocs/aws-doc-sdk-examples). A
// GetSessionToken or federated user session may not call it; in strict
// mode an IAM user needs sts:DecodeAuthorizationMessage.
func TestDecodeAuthorizationMessage(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		t.Run(modeName(strict), func(t *testing.T) {
			t.Parallel()
			s, _ := strictServer(t, strict)
			ctx := context.Background()
			_, allowed := s.federationUser(t, map[string]any{"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"})
			noneARN, none := s.federationUser(t)
			session, err := s.stsWith(allowed).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			ok(t, err, "GetSessionToken")
			decode := func(c aws.Credentials, msg string) error {
				_, err := s.stsWith(c).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(msg)})
				return err
			}
			wantSTSError(t, decode(developerKeys(), "this-is-not-valid"), codeBadMessage, http.StatusBadRequest, msgBadMessage)
			wantSTSError(t, decode(allowed, "this-is-not-valid"), codeBadMessage, http.StatusBadRequest, msgBadMessage)
			wantSTSError(t, decode(developerKeys(), ""), codeSTSInvalid, http.StatusBadRequest,
				"1 validation error detected: Value '' at 'encodedMessage' failed to satisfy constraint: Member must have length greater than or equal to 1")
			long := strings.Repeat("m", 10241)
			wantSTSError(t, decode(developerKeys(), long), codeSTSInvalid, http.StatusBadRequest,
				"1 validation error detected: Value '"+long+"' at 'encodedMessage' failed to satisfy constraint: Member must have length less than or equal to 10240")
			wantSTSError(t, decode(fromSTS(t, session.Credentials), "this-is-not-valid"), codeAccessDenied, http.StatusForbidden, msgSessionCreds("DecodeAuthorizationMessage"))
			if !strict {
				wantSTSError(t, decode(none, "this-is-not-valid"), codeBadMessage, http.StatusBadRequest, msgBadMessage)
				return
			}
			wantSTSError(t, decode(none, "this-is-not-valid"), codeAccessDenied, http.StatusForbidden,
				"User: "+noneARN+" is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
		})
	}
}
