package emulator

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// TestAddMFAKeys: the MFA keys of a request are present with MFA (its age
// in seconds since the authentication), "false" without for temporary
// credentials, and absent for long-term keys without MFA.
func TestAddMFAKeys(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name      string
		temporary bool
		mfa       int64
		want      map[string][]string
	}{
		{name: "long-term key", want: map[string][]string{}},
		{name: "temporary credentials without MFA", temporary: true, want: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}},
		{name: "long-term key with a code", mfa: now.Unix(),
			want: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}, "aws:MultiFactorAuthAge": {"0"}}},
		{name: "session made with MFA ten minutes ago", temporary: true, mfa: now.Unix() - 600,
			want: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}, "aws:MultiFactorAuthAge": {"600"}}},
		{name: "clock behind the authentication", temporary: true, mfa: now.Unix() + 5,
			want: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}, "aws:MultiFactorAuthAge": {"0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][]string{}
			addMFAKeys(got, tt.temporary, tt.mfa, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// mfaTrust returns a trust policy that trusts the account for
// sts:AssumeRole under condition (an operator and its key and value).
func mfaTrust(condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
 "Action":"sts:AssumeRole","Condition":` + condition + `}]}`
}

// TestRolesMFA: trust policies see aws:MultiFactorAuthPresent and
// aws:MultiFactorAuthAge of the AssumeRole request (RoleRequest.MFA: the
// request's code or the caller session's MFA) as AWS gives them, in both
// modes; in strict mode a role session's own policies see them too.
func TestRolesMFA(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	const (
		needMFA = "arn:aws:iam::123456789012:role/NeedMFA"
		recent  = "arn:aws:iam::123456789012:role/Recent"
		noMFA   = "arn:aws:iam::123456789012:role/DenyWithoutMFA"
	)
	docs := map[string]string{
		needMFA: mfaTrust(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`),
		recent:  mfaTrust(`{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`),
		// AWS's warning: Bool "false" does not match long-term keys, which
		// carry no key at all.
		noMFA: mfaTrust(`{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`),
	}
	user := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012"}
	userSession := &protocol.Principal{ARN: user.ARN, Account: "123456789012", Temporary: true}
	tests := []struct {
		name   string
		role   string
		caller *protocol.Principal
		mfa    int64
		want   bool
	}{
		{"long-term key without a code", needMFA, user, 0, false},
		{"long-term key with a code", needMFA, user, now.Unix(), true},
		{"session without MFA", needMFA, userSession, 0, false},
		{"MFA session", needMFA, userSession, now.Unix() - 600, true},
		{"recent MFA", recent, userSession, now.Unix() - 3599, true},
		{"MFA over an hour ago", recent, userSession, now.Unix() - 3600, false},
		{"no MFA has no age", recent, userSession, 0, false},
		{"Bool false: long-term key has no key", noMFA, user, 0, false},
		{"Bool false: session without MFA", noMFA, userSession, 0, true},
		{"Bool false: MFA session", noMFA, userSession, now.Unix(), false},
	}
	for _, strict := range []bool{false, true} {
		mode := map[bool]string{false: "permissive", true: "strict"}[strict]
		for _, tt := range tests {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				rs := storeRoles(t, strict, docs, 0)
				rs.now = func() time.Time { return now }
				_, err := rs.Authorize(context.Background(), sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: tt.role, Caller: tt.caller, MFA: tt.mfa})
				if tt.want != (err == nil) {
					t.Errorf("got %v, want allowed %v", err, tt.want)
				}
			})
		}
	}

	// In strict mode a role session that assumes a role trusting only
	// the account needs its own policies to allow it; they see the
	// request's MFA, not only the session's.
	t.Run("strict/caller's policies see the request's MFA", func(t *testing.T) {
		rs := storeRoles(t, true, docs, 0)
		rs.now = func() time.Time { return now }
		var seen map[string][]string
		rs.decide = func(ctx context.Context, c *creds.Credentials, p *protocol.Principal, action, resource string, request map[string][]string, _ []policy.Named) (policy.Result, string, refuser, error) {
			seen = map[string][]string{}
			addMFAKeys(seen, true, c.Session.MFA, now)
			if seen["aws:MultiFactorAuthPresent"][0] != "true" {
				return policy.Result{Decision: policy.ImplicitDeny}, "no MFA", byIdentity, nil
			}
			return policy.Result{Decision: policy.Allowed}, "", "", nil
		}
		session := &creds.Credentials{Session: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Caller", SessionName: "s"}}
		caller := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Caller/s", Account: "123456789012", Temporary: true}
		req := sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: needMFA, Caller: caller, CallerCredentials: session}
		var e *protocol.Error
		if _, err := rs.Authorize(context.Background(), req); !errors.As(err, &e) || e.Code != sts.CodeAccessDenied {
			t.Errorf("without MFA: got %v, want AccessDenied", err)
		}
		req.MFA = now.Unix()
		if _, err := rs.Authorize(context.Background(), req); err != nil {
			t.Errorf("with the request's MFA: got %v, want allowed", err)
		}
		if session.Session.MFA != 0 {
			t.Errorf("the caller's credentials were changed: MFA %d", session.Session.MFA)
		}
	})
}
