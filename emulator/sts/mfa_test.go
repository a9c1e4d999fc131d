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

// fakeDevices is a Config.MFA holding two devices: held, assigned to
// iamUser, whose one good code is 654321 and which takes it once, and
// loose, assigned to no one.
type fakeDevices struct {
	err  error
	used *bool // whether held took 654321
}

func (f fakeDevices) CheckMFACode(_ context.Context, serial, caller, code string) (held, owned bool, use func() bool, err error) {
	switch serial {
	case "arn:aws:iam::123456789012:mfa/held":
		if caller != iamUser.ARN {
			return true, false, nil, f.err
		}
		if code == "654321" && !*f.used {
			use = func() bool {
				taken := !*f.used
				*f.used = true
				return taken
			}
		}
		return true, true, use, f.err
	case "arn:aws:iam::123456789012:mfa/loose":
		return true, false, nil, f.err
	}
	return false, false, nil, f.err
}

// TestMFACodeTakenOnSuccess: a request refused after its code was checked
// (DurationSeconds over the role's maximum, a role that does not trust the
// caller) leaves the code to its retry, and the request that succeeds
// takes it.
func TestMFACodeTakenOnSuccess(t *testing.T) {
	serial, code := "arn:aws:iam::123456789012:mfa/held", "654321"
	long := int32(40000)
	tests := []struct {
		name  string
		roles fakeRoles
		in    AssumeRoleInput
		want  string // the refusal's code
	}{
		{name: "DurationSeconds over the maximum", roles: fakeRoles{max: time.Hour}, in: AssumeRoleInput{DurationSeconds: &long}, want: "ValidationError"},
		{name: "a role that does not trust the caller", roles: fakeRoles{deny: true}, want: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roles := tt.roles
			used := new(bool)
			e := newEnv(t, Config{Roles: &roles, MFA: fakeDevices{used: used}}, tokens.Config{})
			ctx := protocol.WithPrincipal(context.Background(), iamUser)
			in := tt.in
			in.RoleArn, in.RoleSessionName, in.SerialNumber, in.TokenCode = roleARN, "mfa", &serial, &code
			var pe *protocol.Error
			if _, err := e.svc.AssumeRole(ctx, &in); !errors.As(err, &pe) || pe.Code != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if *used {
				t.Errorf("got the code taken by the refused request, want it left")
			}
			roles.deny = false
			if _, err := e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "mfa", SerialNumber: &serial, TokenCode: &code}); err != nil {
				t.Fatalf("retry: got %v, want success", err)
			}
			if !*used {
				t.Errorf("got the code left by the successful request, want it taken")
			}
		})
	}
}

// TestMFADevices: a device Config.MFA holds takes its good code from its
// own user alone, and once, in AssumeRole and GetSessionToken alike, with
// AWS's texts: "invalid MFA one time pass code" for a code it does not
// take, "unable to validate MFA code" for a device not the caller's. A
// serial it does not hold takes any code, unless Config.HeldMFAOnly
// (strict mode) refuses it as one of no device of the caller.
func TestMFADevices(t *testing.T) {
	other := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/bob", UserID: "AIDABOB", Account: "123456789012", AccessKeyID: "AKIABOB"}
	const (
		badCode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
		badSerial = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	)
	type call struct {
		serial, code string
		caller       *protocol.Principal
		want         string // the refusal's message, "" for none
	}
	tests := []struct {
		name   string
		strict bool
		calls  []call // in order, on one service
	}{
		{name: "the good code, once", calls: []call{
			{"arn:aws:iam::123456789012:mfa/held", "654321", iamUser, ""},
			{"arn:aws:iam::123456789012:mfa/held", "654321", iamUser, badCode},
		}},
		{name: "another code", calls: []call{{"arn:aws:iam::123456789012:mfa/held", "123456", iamUser, badCode}}},
		{name: "another user's device", calls: []call{{"arn:aws:iam::123456789012:mfa/held", "654321", other, badSerial}}},
		{name: "an unassigned device", calls: []call{{"arn:aws:iam::123456789012:mfa/loose", "654321", iamUser, badSerial}}},
		{name: "a device not held", calls: []call{{"arn:aws:iam::123456789012:mfa/made-up", "123456", iamUser, ""}}},
		{name: "a user's ARN", calls: []call{{"arn:aws:iam::123456789012:user/alice", "123456", iamUser, ""}}},
		{name: "strict: a device not held", strict: true, calls: []call{{"arn:aws:iam::123456789012:mfa/made-up", "123456", iamUser, badSerial}}},
		{name: "strict: a user's ARN", strict: true, calls: []call{{"arn:aws:iam::123456789012:user/alice", "123456", iamUser, badSerial}}},
		{name: "strict: another user's device", strict: true, calls: []call{{"arn:aws:iam::123456789012:mfa/held", "654321", other, badSerial}}},
		{name: "strict: the good code", strict: true, calls: []call{{"arn:aws:iam::123456789012:mfa/held", "654321", iamUser, ""}}},
	}
	for _, tt := range tests {
		for _, op := range []string{"AssumeRole", "GetSessionToken"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				e := newEnv(t, Config{Roles: &fakeRoles{}, MFA: fakeDevices{used: new(bool)}, HeldMFAOnly: tt.strict}, tokens.Config{})
				for i, c := range tt.calls {
					ctx := protocol.WithPrincipal(context.Background(), c.caller)
					var err error
					if op == "AssumeRole" {
						_, err = e.svc.AssumeRole(ctx, &AssumeRoleInput{RoleArn: roleARN, RoleSessionName: "mfa", SerialNumber: &c.serial, TokenCode: &c.code})
					} else {
						_, err = e.svc.GetSessionToken(ctx, &GetSessionTokenInput{SerialNumber: &c.serial, TokenCode: &c.code})
					}
					var pe *protocol.Error
					switch {
					case c.want == "" && err != nil:
						t.Errorf("call %d: got %v, want success", i, err)
					case c.want != "" && (!errors.As(err, &pe) || pe.Code != "AccessDenied" || pe.Status != 403 || pe.Message != c.want):
						t.Errorf("call %d: got %v, want AccessDenied %q", i, err, c.want)
					}
				}
			})
		}
	}
}
