package sts

import (
	"context"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestGetFederationToken: the federated user's session lasts 12 hours by
// default, 900 to 129600 seconds as asked, the root's at most an hour; it
// acts as arn:aws:sts::<account>:federated-user/<Name>, UserId
// "<account>:<Name>", with the request's session policies and tags;
// temporary credentials are refused.
func TestGetFederationToken(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	reads := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	tests := []struct {
		name     string
		caller   *protocol.Principal
		in       GetFederationTokenInput
		duration time.Duration
		code     string
		status   int
		message  string
	}{
		{name: "IAM user default", caller: iamUser, in: GetFederationTokenInput{Name: "Bob"}, duration: 12 * time.Hour},
		{name: "IAM user longest", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", DurationSeconds: ptr[int32](129600)}, duration: 36 * time.Hour},
		{name: "root default", caller: root, in: GetFederationTokenInput{Name: "Bob"}, duration: time.Hour},
		{name: "root capped", caller: root, in: GetFederationTokenInput{Name: "Bob", DurationSeconds: ptr[int32](7200)}, duration: time.Hour},
		{name: "root shorter", caller: root, in: GetFederationTokenInput{Name: "Bob", DurationSeconds: ptr[int32](900)}, duration: 15 * time.Minute},
		{name: "with policy and tags", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", Policy: ptr(reads),
			PolicyArns: []PolicyDescriptor{{ARN: "arn:aws:iam::123456789012:policy/p"}}, Tags: []Tag{{Key: "team", Value: "a"}}}, duration: 12 * time.Hour},
		{name: "role session", caller: issuedPrincipal(t, e, roleSession), in: GetFederationTokenInput{Name: "Bob"},
			code: CodeAccessDenied, status: 403, message: "Cannot call GetFederationToken with session credentials"},
		{name: "GetSessionToken session", caller: issuedPrincipal(t, e, userSession), in: GetFederationTokenInput{Name: "Bob"},
			code: CodeAccessDenied, status: 403, message: "Cannot call GetFederationToken with session credentials"},
		{name: "unsigned", in: GetFederationTokenInput{Name: "Bob"}, code: CodeMissingAuthentication, status: 403},
		{name: "policy without Statement", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", Policy: ptr(`{}`)}, code: CodeMalformedPolicyDocument, status: 400},
		{name: "policy IAM refuses", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", Policy: ptr(`{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`)},
			code: CodeMalformedPolicyDocument, status: 400},
		{name: "tag keys twice", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", Tags: []Tag{{Key: "a", Value: "1"}, {Key: "A", Value: "2"}}},
			code: CodeInvalidParameterValue, status: 400, message: "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{name: "packed too large", caller: iamUser, in: GetFederationTokenInput{Name: "Bob", Policy: ptr(bigPolicy(2000)), PolicyArns: manyARNs(10)},
			code: CodePackedPolicyTooLarge, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			out, err := e.svc.GetFederationToken(ctx, &tt.in)
			if tt.code != "" {
				wantError(t, err, tt.code, tt.status, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := openCreds(t, e, out.Credentials)
			if want := e.clock.now().Add(tt.duration); !c.Expiration.Equal(want) {
				t.Errorf("expiration: got %v, want %v", c.Expiration, want)
			}
			if !Federated(c.Session) || c.Session.UserARN != tt.caller.ARN || c.Session.Policy != deref(tt.in.Policy) || len(c.Session.PolicyARNs) != len(tt.in.PolicyArns) ||
				len(c.Session.PrincipalTags) != len(tt.in.Tags) {
				t.Errorf("session: got %+v, want a federated user's of %s with the request's policies and tags", c.Session, tt.caller.ARN)
			}
			p := Principal(c)
			wantARN, wantID := "arn:aws:sts::123456789012:federated-user/Bob", "123456789012:Bob"
			if p.ARN != wantARN || p.UserID != wantID || p.Account != "123456789012" || p.RoleSession() || !p.Temporary {
				t.Errorf("principal: got %+v, want %s, %s, temporary and no role session", p, wantARN, wantID)
			}
			if out.FederatedUser.Arn != wantARN || out.FederatedUser.FederatedUserId != wantID {
				t.Errorf("FederatedUser: got %+v, want %s and %s", out.FederatedUser, wantARN, wantID)
			}
			if sized := tt.in.Policy != nil || len(tt.in.PolicyArns) > 0 || len(tt.in.Tags) > 0; (out.PackedPolicySize > 0) != sized {
				t.Errorf("PackedPolicySize: got %d, want above 0: %v", out.PackedPolicySize, sized)
			}
			// A federated user may call no STS operation but
			// GetCallerIdentity.
			fed := protocol.WithPrincipal(context.Background(), p)
			if _, err := e.svc.GetCallerIdentity(fed, &GetCallerIdentityInput{}); err != nil {
				t.Errorf("GetCallerIdentity: %v", err)
			}
			_, err = e.svc.AssumeRole(fed, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "s"})
			wantError(t, err, CodeAccessDenied, 403, "User: "+wantARN+" is not authorized to perform: sts:AssumeRole on resource: "+roleARN)
			_, err = e.svc.GetSessionToken(fed, &GetSessionTokenInput{})
			wantError(t, err, CodeAccessDenied, 403, "Cannot call GetSessionToken with session credentials")
			_, err = e.svc.GetFederationToken(fed, &GetFederationTokenInput{Name: "Carol"})
			wantError(t, err, CodeAccessDenied, 403, "Cannot call GetFederationToken with session credentials")
			_, err = e.svc.DecodeAuthorizationMessage(fed, &DecodeAuthorizationMessageInput{EncodedMessage: "m"})
			wantError(t, err, CodeAccessDenied, 403, "Cannot call DecodeAuthorizationMessage with session credentials")
		})
	}
}

// TestDecodeAuthorizationMessage: every message is one idpool did not
// encode, InvalidAuthorizationMessageException, for long-term keys and
// role sessions; GetSessionToken sessions may not call it.
func TestDecodeAuthorizationMessage(t *testing.T) {
	e := newEnv(t, Config{}, tokens.Config{})
	tests := []struct {
		name    string
		caller  *protocol.Principal
		code    string
		status  int
		message string
	}{
		{"root", root, CodeInvalidAuthorization, 400, msgUndecodable},
		{"IAM user", iamUser, CodeInvalidAuthorization, 400, msgUndecodable},
		{"role session", issuedPrincipal(t, e, roleSession), CodeInvalidAuthorization, 400, msgUndecodable},
		{"GetSessionToken session", issuedPrincipal(t, e, userSession), CodeAccessDenied, 403, "Cannot call DecodeAuthorizationMessage with session credentials"},
		{"unsigned", nil, CodeMissingAuthentication, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.caller != nil {
				ctx = protocol.WithPrincipal(ctx, tt.caller)
			}
			_, err := e.svc.DecodeAuthorizationMessage(ctx, &DecodeAuthorizationMessageInput{EncodedMessage: "this-is-not-valid"})
			wantError(t, err, tt.code, tt.status, tt.message)
		})
	}
}
