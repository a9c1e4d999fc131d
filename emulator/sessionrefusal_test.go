package emulator

import (
	"testing"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/protocol"
)

// TestSessionRefusal: the credential-level refusals the request path and
// /_idpool/authorize share: a federated user's session calls no IAM
// operation and no STS operation but GetCallerIdentity, a GetSessionToken
// session no IAM operation without MFA and no STS operation but AssumeRole
// and GetCallerIdentity, and no temporary credentials GetSessionToken or
// GetFederationToken; a role session is refused none of these by its
// credentials.
func TestSessionRefusal(t *testing.T) {
	const user = "arn:aws:iam::123456789012:user/dev"
	role := creds.Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s"}
	gst := creds.Session{UserARN: user}
	mfa := creds.Session{UserARN: user, MFA: 1}
	fed := creds.Session{UserARN: user, SessionName: "Fed"}
	tests := []struct {
		name    string
		sess    creds.Session
		action  string
		refused bool
	}{
		{"role session, IAM", role, "iam:GetRole", false},
		{"role session, DecodeAuthorizationMessage", role, "sts:DecodeAuthorizationMessage", false},
		{"role session, GetFederationToken", role, "sts:GetFederationToken", true},
		{"role session, GetSessionToken", role, "sts:GetSessionToken", true},
		{"GetSessionToken session without MFA, IAM", gst, "iam:GetRole", true},
		{"GetSessionToken session with MFA, IAM", mfa, "iam:GetRole", false},
		{"GetSessionToken session, AssumeRole", gst, "sts:AssumeRole", false},
		{"GetSessionToken session, GetCallerIdentity", gst, "sts:GetCallerIdentity", false},
		{"GetSessionToken session, DecodeAuthorizationMessage", mfa, "sts:DecodeAuthorizationMessage", true},
		{"GetSessionToken session, Cognito Identity", gst, "cognito-identity:ListIdentityPools", false},
		{"federated, IAM", fed, "iam:GetRole", true},
		{"federated, AssumeRole", fed, "sts:AssumeRole", true},
		{"federated, GetCallerIdentity in another case", fed, "STS:getcalleridentity", false},
		{"federated, Cognito Sync", fed, "cognito-sync:ListRecords", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &protocol.Principal{ARN: "arn:aws:sts::123456789012:caller"}
			if got := sessionRefusal(&creds.Credentials{Session: tt.sess}, p, tt.action) != ""; got != tt.refused {
				t.Errorf("sessionRefusal(%s): got refused %v, want %v", tt.action, got, tt.refused)
			}
		})
	}
}
