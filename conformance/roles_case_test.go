package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestRoleARNCase: IAM role names are unique whatever their case, so a
// role ARN that names an IAM role in another case is that role: its trust
// policy and MaxSessionDuration apply to STS and to
// GetCredentialsForIdentity, and the session is named after the role as
// IAM holds it. An ARN with the role's name under another path names no
// role that can exist, and is refused.
func TestRoleARNCase(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())

	noTrust := uniqueName("NoTrust")
	ec2 := policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(noTrust), AssumeRolePolicyDocument: aws.String(ec2)})
	ok(t, err, "CreateRole "+noTrust)
	open := uniqueName("Open")
	anyone := policyJSON(t, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
	created, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(open), AssumeRolePolicyDocument: aws.String(anyone), MaxSessionDuration: aws.Int32(3600)})
	ok(t, err, "CreateRole "+open)
	roleID := aws.ToString(created.Role.RoleId)

	lower := func(name string) string { return s.roleARN(strings.ToLower(name)) }
	dev := s.stsWith(developerKeys())
	assume := func(arn string, dur *int32) (*sts.AssumeRoleOutput, error) {
		return dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("case"), DurationSeconds: dur})
	}

	refusals := []struct {
		name, arn string
		dur       *int32
		code      string
		status    int
	}{
		{"exact ARN, trust refuses", s.roleARN(noTrust), nil, "AccessDenied", http.StatusForbidden},
		{"lower-case ARN, trust refuses", lower(noTrust), nil, "AccessDenied", http.StatusForbidden},
		{"upper-case ARN, trust refuses", s.roleARN(strings.ToUpper(noTrust)), nil, "AccessDenied", http.StatusForbidden},
		{"lower-case ARN, beyond MaxSessionDuration", lower(open), aws.Int32(7200), "ValidationError", http.StatusBadRequest},
		{"the role's name under another path", "arn:aws:iam::" + s.accountID + ":role/other/" + open, nil, "AccessDenied", http.StatusForbidden},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assume(tt.arn, tt.dur)
			wantSTSError(t, err, tt.code, tt.status, "")
		})
	}

	t.Run("lower-case ARN of a trusting role names the role as IAM holds it", func(t *testing.T) {
		out, err := assume(lower(open), nil)
		ok(t, err, "AssumeRole")
		if got, want := aws.ToString(out.AssumedRoleUser.Arn), s.assumedARN(open, "case"); got != want {
			t.Errorf("got AssumedRoleUser.Arn %s, want %s", got, want)
		}
		if got, want := aws.ToString(out.AssumedRoleUser.AssumedRoleId), roleID+":case"; got != want {
			t.Errorf("got AssumedRoleId %s, want %s", got, want)
		}
		s.wantCaller(t, fromSTS(t, out.Credentials), s.assumedARN(open, "case"))
	})

	t.Run("GetCredentialsForIdentity applies the trust policy of a role named in another case", func(t *testing.T) {
		pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
			map[string]string{"unauthenticated": lower(noTrust)})
		guest := s.guestID(t, pool)
		_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
		wantAPIError(t, err, codeInvalidConfig, msgInvalidRoleSetup)
	})
}

// TestRoleSessionRoleID: a session of a role IAM holds carries the RoleId
// CreateRole returned, in AssumedRoleId, GetCallerIdentity's UserId and
// the aws:userid that /_idpool/authorize evaluates, whichever way it was
// issued.
func TestRoleSessionRoleID(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	c := s.iamWith(developerKeys())
	name := uniqueName("Guest")
	trust := policyJSON(t,
		anyPoolTrust(),
		map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
	role, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	ok(t, err, "CreateRole")
	roleID, roleARN := aws.ToString(role.Role.RoleId), aws.ToString(role.Role.Arn)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{
			"Sid": "ByUserID", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
			"Condition": map[string]any{"StringLike": map[string]any{"aws:userid": roleID + ":*"}},
		}))})
	ok(t, err, "PutRolePolicy")
	pool := s.rolePool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true},
		map[string]string{"unauthenticated": roleARN})
	guest, token := s.guestToken(t, pool)
	enhanced, _ := s.enhancedCreds(t, guest, nil)
	web, err := s.assumeWeb(token, roleARN, "web", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	assumed, err := s.stsWith(developerKeys()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("dev")})
	ok(t, err, "AssumeRole")
	if got, want := aws.ToString(web.AssumedRoleUser.AssumedRoleId), roleID+":web"; got != want {
		t.Errorf("AssumeRoleWithWebIdentity: got AssumedRoleId %s, want %s", got, want)
	}
	if got, want := aws.ToString(assumed.AssumedRoleUser.AssumedRoleId), roleID+":dev"; got != want {
		t.Errorf("AssumeRole: got AssumedRoleId %s, want %s", got, want)
	}

	tests := []struct {
		name    string
		creds   aws.Credentials
		session string
	}{
		{"GetCredentialsForIdentity", enhanced, cognitoSession},
		{"AssumeRoleWithWebIdentity", fromSTS(t, web.Credentials), "web"},
		{"AssumeRole", fromSTS(t, assumed.Credentials), "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.callerOf(tt.creds)
			ok(t, err, "GetCallerIdentity")
			if got, want := aws.ToString(out.UserId), roleID+":"+tt.session; got != want {
				t.Errorf("got UserId %s, want %s", got, want)
			}
			body, _ := json.Marshal(map[string]any{"SessionToken": tt.creds.SessionToken, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/x"})
			req, err := http.NewRequest(http.MethodPost, s.endpoint+"/_idpool/authorize", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			res := s.do(t, req)
			var dec struct{ Decision string }
			if err := json.Unmarshal(res.body, &dec); err != nil || res.status != http.StatusOK {
				t.Fatalf("got status %d %s, want 200", res.status, res.body)
			}
			if dec.Decision != "allowed" {
				t.Errorf("got decision %s, want allowed by aws:userid %s:*", dec.Decision, roleID)
			}
		})
	}
}
