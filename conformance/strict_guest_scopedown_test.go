package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awsv1 "github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// guestScopeDownARN is the AWS managed policy Cognito gives a guest's
// enhanced-flow credentials as a session policy.
const guestScopeDownARN = "arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy"

// TestStrictGuestScopeDown: the credentials GetCredentialsForIdentity
// issues an unauthenticated identity carry Cognito's scope-down session
// policy, AmazonCognitoUnAuthedIdentitiesSessionPolicy ("Cognito Identity
// Service will automatically include it as a scoped down policy when
// creating credentials", AWS Managed Policy Reference, v3), so that they
// may do only what both their role and it allow, whatever the role
// allows: a role allowing "*" lets a guest call no IAM operation, and AWS
// says why ("… because no session policy allows the iam:ListRoles
// action", aws/aws-sdk-js#4303). The services the Cognito Developer Guide
// lists for guests (iam-roles.html: Amazon S3, Cognito Sync…) stay open.
// The basic flow's session (GetOpenIdToken, then
// AssumeRoleWithWebIdentity) and an authenticated identity's credentials
// have no such cap; the cap lasts as long as the credentials, across a
// restart. (Before, a guest whose role allowed "*" could call IAM.)
func TestStrictGuestScopeDown(t *testing.T) {
	t.Parallel()
	s, key := strictServer(t, true)
	ctx := context.Background()
	dev := s.iamWith(developerKeys())
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true,
		OpenIdConnectProviderARNs: []string{"arn:aws:iam::" + s.accountID + ":oidc-provider/" + fxOIDC}})
	role := uniqueName("GuestAll")
	_, err := dev.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(cognitoTrust(t, pool, "*"))})
	ok(t, err, "CreateRole")
	_, err = dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "PutRolePolicy")
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool),
		Roles: map[string]string{"unauthenticated": s.roleARN(role), "authenticated": s.roleARN(role)}})
	ok(t, err, "SetIdentityPoolRoles")
	caller := s.assumedARN(role, "CognitoIdentityCredentials")

	guestID := s.guestID(t, pool)
	guest, _ := s.enhancedCreds(t, guestID, nil)
	logins := map[string]string{fxOIDC: providerToken(t, key, "alice")}
	authed, _ := s.enhancedCreds(t, s.loginID(t, pool, logins), logins)
	_, token := s.guestToken(t, pool)
	web, err := s.assumeWeb(token, s.roleARN(role), "CognitoIdentityCredentials", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	basic := fromSTS(t, web.Credentials)

	capped := func(t *testing.T) {
		t.Helper()
		_, err := s.iamWith(guest).ListRoles(ctx, &iam.ListRolesInput{})
		wantIAMRefusal(t, "ListRoles with a guest's enhanced-flow credentials", err, "AccessDenied", http.StatusForbidden,
			msgDenied(caller, "iam:ListRoles", "arn:aws:iam::"+s.accountID+":role/")+" because no session policy allows the iam:ListRoles action")
		for _, tt := range []struct {
			action, resource, want string
			by                     string // the matched statement of the scope-down policy, "" for none
		}{
			{"ec2:DescribeInstances", "*", "implicitDeny", ""},
			{"iam:ListRoles", "*", "implicitDeny", ""},
			{"sts:AssumeRole", s.roleARN(role), "implicitDeny", ""},
			{"polly:SynthesizeSpeech", "*", "allowed", "session " + guestScopeDownARN},
			{"kms:Decrypt", "*", "allowed", "session " + guestScopeDownARN},
			{"kms:CreateKey", "*", "implicitDeny", ""},
			{"s3:GetObject", "arn:aws:s3:::bucket/k", "allowed", "session " + guestScopeDownARN + "#services"},
			{"cognito-sync:ListRecords", s.syncARN(pool, guestID, "notes"), "allowed", "session " + guestScopeDownARN + "#services"},
		} {
			got, matched := s.authorizeMatches(t, guest.SessionToken, tt.action, tt.resource, nil)
			if got != tt.want {
				t.Errorf("/_idpool/authorize %s for the guest: got %s, want %s", tt.action, got, tt.want)
			}
			if tt.by != "" && !strings.Contains(strings.Join(matched, "\n"), tt.by) {
				t.Errorf("/_idpool/authorize %s for the guest: got matched %q, want a statement of %s", tt.action, matched, tt.by)
			}
		}
		// Cognito Sync of its own data stays open to the guest.
		_, err = s.syncWith(t, guest).ListDatasets(&cognitosync.ListDatasetsInput{IdentityPoolId: awsv1.String(pool), IdentityId: awsv1.String(guestID)})
		ok(t, err, "ListDatasets of its own data with a guest's enhanced-flow credentials")
	}
	t.Run("enhanced flow guest", capped)
	t.Run("enhanced flow authenticated", func(t *testing.T) {
		_, err := s.iamWith(authed).ListRoles(ctx, &iam.ListRolesInput{})
		ok(t, err, "ListRoles with an authenticated identity's credentials")
		if got := s.authorizeDecision(t, authed.SessionToken, "ec2:DescribeInstances", "*", nil); got != "allowed" {
			t.Errorf("/_idpool/authorize ec2:DescribeInstances: got %s, want allowed", got)
		}
	})
	t.Run("basic flow guest", func(t *testing.T) {
		_, err := s.iamWith(basic).ListRoles(ctx, &iam.ListRolesInput{})
		ok(t, err, "ListRoles with the basic flow's guest session")
		if got := s.authorizeDecision(t, basic.SessionToken, "ec2:DescribeInstances", "*", nil); got != "allowed" {
			t.Errorf("/_idpool/authorize ec2:DescribeInstances: got %s, want allowed", got)
		}
	})
	if s.restartFn != nil {
		s.restart(t)
		t.Run("enhanced flow guest after a restart", capped)
	}
}
