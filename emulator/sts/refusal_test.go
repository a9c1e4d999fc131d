package sts

import (
	"context"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// Sessions of each kind STS issues, for the refusal tests.
var (
	roleSession  = creds.Session{RoleARN: "arn:aws:iam::123456789012:role/R", SessionName: "s"}
	userSession  = creds.Session{UserARN: "arn:aws:iam::123456789012:user/dev"}
	mfaSession   = creds.Session{UserARN: "arn:aws:iam::123456789012:user/dev", MFA: 1}
	fedSession   = creds.Session{UserARN: "arn:aws:iam::123456789012:user/dev", SessionName: "Fed"}
	rootSession  = creds.Session{UserARN: "arn:aws:iam::123456789012:root"}
	sessionKinds = map[string]creds.Session{"role session": roleSession, "GetSessionToken session": userSession,
		"GetSessionToken session with MFA": mfaSession, "federated user": fedSession, "root's GetSessionToken session": rootSession}
)

// TestRefusal: what credentials STS issued may not do whatever their
// policies allow. A federated user's session calls no IAM operation and no
// STS operation but GetCallerIdentity, a GetSessionToken session no IAM
// operation without MFA and no STS operation but AssumeRole and
// GetCallerIdentity, and no temporary credentials GetSessionToken or
// GetFederationToken; a role session is refused none of these by its
// credentials.
func TestRefusal(t *testing.T) {
	tests := []struct {
		sess    string
		action  string
		refused bool
	}{
		{"role session", "iam:GetRole", false},
		{"role session", "sts:DecodeAuthorizationMessage", false},
		{"role session", "sts:GetFederationToken", true},
		{"role session", "sts:GetSessionToken", true},
		{"GetSessionToken session", "iam:GetRole", true},
		{"GetSessionToken session with MFA", "iam:GetRole", false},
		{"GetSessionToken session", "sts:AssumeRole", false},
		{"GetSessionToken session", "sts:GetCallerIdentity", false},
		{"GetSessionToken session with MFA", "sts:DecodeAuthorizationMessage", true},
		{"GetSessionToken session", "sts:GetAccessKeyInfo", true},
		{"GetSessionToken session", "cognito-identity:ListIdentityPools", false},
		{"root's GetSessionToken session", "sts:GetFederationToken", true},
		{"federated user", "iam:GetRole", true},
		{"federated user", "sts:AssumeRole", true},
		{"federated user", "STS:getcalleridentity", false},
		{"federated user", "cognito-sync:ListRecords", false},
	}
	for _, tt := range tests {
		t.Run(tt.sess+", "+tt.action, func(t *testing.T) {
			if got := Refusal(creds.Credentials{Session: sessionKinds[tt.sess]}, tt.action) != ""; got != tt.refused {
				t.Errorf("Refusal(%s): got refused %v, want %v", tt.action, got, tt.refused)
			}
		})
	}
}

// TestServiceRefusesSessions: the STS operations refuse, in AWS's words,
// the issued credentials Refusal refuses, and let the others through to
// their own checks.
func TestServiceRefusesSessions(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	ops := map[string]func(ctx context.Context) error{
		"GetSessionToken": func(ctx context.Context) error {
			_, err := e.svc.GetSessionToken(ctx, &GetSessionTokenInput{})
			return err
		},
		"GetFederationToken": func(ctx context.Context) error {
			_, err := e.svc.GetFederationToken(ctx, &GetFederationTokenInput{Name: "Bob"})
			return err
		},
		"GetAccessKeyInfo": func(ctx context.Context) error {
			_, err := e.svc.GetAccessKeyInfo(ctx, &GetAccessKeyInfoInput{AccessKeyId: "AKIAIOSFODNN7EXAMPLE"})
			return err
		},
		"GetCallerIdentity": func(ctx context.Context) error {
			_, err := e.svc.GetCallerIdentity(ctx, &GetCallerIdentityInput{})
			return err
		},
	}
	for kind, sess := range sessionKinds {
		p := issuedPrincipal(t, e, sess)
		for op, call := range ops {
			t.Run(kind+", "+op, func(t *testing.T) {
				err := call(protocol.WithPrincipal(context.Background(), p))
				if Refusal(creds.Credentials{Session: sess}, "sts:"+op) == "" {
					if err != nil {
						t.Errorf("got %v, want no error", err)
					}
					return
				}
				wantError(t, err, CodeAccessDenied, 403, "Cannot call "+op+" with session credentials")
			})
		}
	}
}

// issuedPrincipal issues credentials of sess with e's issuer and returns
// their principal, as the authenticator finds it.
func issuedPrincipal(t *testing.T, e *env, sess creds.Session) *protocol.Principal {
	t.Helper()
	c, err := e.creds.Issue(sess, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return Principal(c)
}
