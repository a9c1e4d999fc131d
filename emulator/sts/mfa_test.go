package sts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
)

// TestMFA: SerialNumber and TokenCode authenticate a request with MFA (any
// code for a device Config.MFA does not hold). GetSessionToken seals the time in its
// session; AssumeRole shows it to the role (RoleRequest.MFA) and seals it
// in the role session, and a session made with MFA passes its own time on
// to the roles it assumes without a code, so that aws:MultiFactorAuthAge
// counts from the authentication.
func TestMFA(t *testing.T) {
	roles := &fakeRoles{}
	e := newEnv(t, Config{Roles: roles}, tokens.Config{})
	device := AssumeRoleInput{SerialNumber: ptr("arn:aws:iam::123456789012:mfa/alice"), TokenCode: ptr("123456")}
	start := e.clock.now().Unix()
	session := func(t *testing.T, in GetSessionTokenInput) *protocol.Principal {
		t.Helper()
		out, err := e.svc.GetSessionToken(protocol.WithPrincipal(context.Background(), iamUser), &in)
		if err != nil {
			t.Fatal(err)
		}
		c := openCreds(t, e, out.Credentials)
		return Principal(c)
	}
	withMFA := session(t, GetSessionTokenInput{SerialNumber: device.SerialNumber, TokenCode: device.TokenCode})
	without := session(t, GetSessionTokenInput{})
	e.clock.advance(10 * time.Minute)
	now := e.clock.now().Unix()

	tests := []struct {
		name   string
		caller *protocol.Principal
		in     AssumeRoleInput
		want   int64 // RoleRequest.MFA and the new session's MFA
	}{
		{name: "long-term key without a code", caller: iamUser},
		{name: "long-term key with a code", caller: iamUser, in: device, want: now},
		{name: "session without MFA", caller: without},
		{name: "session without MFA, with a code", caller: without, in: device, want: now},
		{name: "MFA session keeps its time", caller: withMFA, want: start},
		{name: "MFA session with a fresh code", caller: withMFA, in: device, want: now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.RoleArn, in.RoleSessionName = roleARN, "mfa"
			out, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), tt.caller), &in)
			if err != nil {
				t.Fatal(err)
			}
			if roles.got.MFA != tt.want {
				t.Errorf("RoleRequest.MFA: got %d, want %d", roles.got.MFA, tt.want)
			}
			c := openCreds(t, e, out.Credentials)
			if c.Session.MFA != tt.want {
				t.Errorf("session MFA: got %d, want %d", c.Session.MFA, tt.want)
			}
			// A role chained from this session carries the same time.
			e.clock.advance(time.Minute)
			defer e.clock.advance(-time.Minute)
			chained, err := e.svc.AssumeRole(protocol.WithPrincipal(context.Background(), Principal(c)), &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "chained"})
			if err != nil {
				t.Fatal(err)
			}
			if got := openCreds(t, e, chained.Credentials).Session.MFA; got != tt.want {
				t.Errorf("chained session MFA: got %d, want %d", got, tt.want)
			}
		})
	}

	t.Run("GetSessionToken", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			caller *protocol.Principal
			want   int64
		}{{"with a code", withMFA, start}, {"without", without, 0}} {
			c, err := e.creds.Open(tt.caller.SessionToken)
			if err != nil {
				t.Fatal(err)
			}
			if c.Session.MFA != tt.want {
				t.Errorf("%s: session MFA: got %d, want %d", tt.name, c.Session.MFA, tt.want)
			}
		}
	})
}

// fakeDevices is a Config.MFA holding one device, assigned to iamUser,
// whose one good code is 654321.
type fakeDevices struct{ err error }

func (f fakeDevices) CheckMFACode(_ context.Context, serial, caller, code string) (held, valid bool, err error) {
	if serial != "arn:aws:iam::123456789012:mfa/held" {
		return false, false, f.err
	}
	return true, caller == iamUser.ARN && code == "654321", f.err
}

// TestMFADevices: a device Config.MFA holds takes its good code from its
// own user alone (AccessDenied with AWS's text otherwise), in AssumeRole
// and GetSessionToken alike; a serial it does not hold takes any code.
func TestMFADevices(t *testing.T) {
	e := newEnv(t, Config{Roles: &fakeRoles{}, MFA: fakeDevices{}}, tokens.Config{})
	other := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/bob", UserID: "AIDABOB", Account: "123456789012", AccessKeyID: "AKIABOB"}
	const denied = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	tests := []struct {
		name, serial, code string
		caller             *protocol.Principal
		want               string // the refusal's message, "" for none
	}{
		{"the good code", "arn:aws:iam::123456789012:mfa/held", "654321", iamUser, ""},
		{"another code", "arn:aws:iam::123456789012:mfa/held", "123456", iamUser, denied},
		{"another user's device", "arn:aws:iam::123456789012:mfa/held", "654321", other, denied},
		{"a device not held", "arn:aws:iam::123456789012:mfa/made-up", "123456", iamUser, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithPrincipal(context.Background(), tt.caller)
			_, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "mfa", SerialNumber: &tt.serial, TokenCode: &tt.code})
			_, err2 := e.svc.GetSessionToken(ctx, &GetSessionTokenInput{SerialNumber: &tt.serial, TokenCode: &tt.code})
			for _, err := range []error{err, err2} {
				var pe *protocol.Error
				switch {
				case tt.want == "" && err != nil:
					t.Errorf("got %v, want success", err)
				case tt.want != "" && (!errors.As(err, &pe) || pe.Code != "AccessDenied" || pe.Message != tt.want):
					t.Errorf("got %v, want AccessDenied %q", err, tt.want)
				}
			}
		})
	}
}
