package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestAuthorizeRefusedSessions: /_idpool/authorize decides as the request
// path does for what credentials may not do whatever their policies
// allow: a federated user's session (GetFederationToken) calls no IAM
// operation and no STS operation but GetCallerIdentity, a GetSessionToken
// session made without MFA no IAM operation and no STS operation but
// AssumeRole and GetCallerIdentity (the GetSessionToken and
// GetFederationToken API references), and no temporary credentials
// GetFederationToken. The user's policies allow everything: the path
// refuses each call, and /_idpool/authorize answers implicitDeny.
func TestAuthorizeRefusedSessions(t *testing.T) {
	t.Parallel()
	s, _ := strictServer(t, true)
	ctx := context.Background()
	_, userKeys := s.federationUser(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	target := uniqueName("Target")
	_, err := s.iamWith(developerKeys()).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(target),
		AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole")
	fedOut, err := s.stsWith(userKeys).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Fed"),
		Policy: aws.String(policyJSON(t, map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}))})
	ok(t, err, "GetFederationToken")
	gstOut, err := s.stsWith(userKeys).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	ok(t, err, "GetSessionToken")
	fed, gst := fromSTS(t, fedOut.Credentials), fromSTS(t, gstOut.Credentials)

	calls := map[string]func(c aws.Credentials) error{
		"iam:GetRole": func(c aws.Credentials) error {
			_, err := s.iamWith(c).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(target)})
			return err
		},
		"sts:AssumeRole": func(c aws.Credentials) error {
			_, err := s.stsWith(c).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(s.roleARN(target)), RoleSessionName: aws.String("chained")})
			return err
		},
		"sts:GetFederationToken": func(c aws.Credentials) error {
			_, err := s.stsWith(c).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Again")})
			return err
		},
		"sts:GetCallerIdentity": func(c aws.Credentials) error {
			_, err := s.stsWith(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
		"cognito-identity:ListIdentityPools": func(c aws.Credentials) error {
			_, err := s.identityWith(c).ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(1)})
			return err
		},
	}
	tests := []struct {
		name    string
		c       aws.Credentials
		action  string
		allowed bool
	}{
		{"federated IAM", fed, "iam:GetRole", false},
		{"federated AssumeRole", fed, "sts:AssumeRole", false},
		{"federated GetFederationToken", fed, "sts:GetFederationToken", false},
		{"federated GetCallerIdentity", fed, "sts:GetCallerIdentity", true},
		{"federated Cognito Identity", fed, "cognito-identity:ListIdentityPools", true},
		{"GetSessionToken without MFA, IAM", gst, "iam:GetRole", false},
		{"GetSessionToken AssumeRole", gst, "sts:AssumeRole", true},
		{"GetSessionToken GetFederationToken", gst, "sts:GetFederationToken", false},
		{"GetSessionToken Cognito Identity", gst, "cognito-identity:ListIdentityPools", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := map[bool]string{true: "allowed", false: "implicitDeny"}[tt.allowed]
			if got := s.authorizeDecision(t, tt.c.SessionToken, tt.action, s.roleARN(target), nil); got != want {
				t.Errorf("/_idpool/authorize %s: got %s, want %s", tt.action, got, want)
			}
			err := calls[tt.action](tt.c)
			if tt.allowed {
				ok(t, err, tt.action)
			} else if err == nil {
				t.Errorf("%s: got success, want a refusal", tt.action)
			}
		})
	}
	if d := s.authorizeDecision(t, fed.SessionToken, "sts:DecodeAuthorizationMessage", "*", nil); d != "implicitDeny" {
		t.Errorf("/_idpool/authorize sts:DecodeAuthorizationMessage of a federated session: got %s, want implicitDeny", d)
	}
}
