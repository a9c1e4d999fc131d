package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

const authOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"cognito-identity.amazonaws.com"},
 "Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"},
  "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`

const trustsDeveloper = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`

// storeRoles returns roles reading a store that holds an IAM role of each
// ARN with its trust policy and maximum session (0: none set).
func storeRoles(t *testing.T, strict bool, docs map[string]string, maxSession int32) roles {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(t.Context(), func(tx storage.Tx) error {
		for arn, doc := range docs {
			if err := tx.CreateRole(t.Context(), storage.Role{Name: roleName(arn), ID: testRoleID(arn), ARN: arn, AssumeRolePolicy: doc, MaxSessionDuration: maxSession}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return roles{store: st, strict: strict}
}

// testRoleID is the RoleId storeRoles gives the role of arn.
func testRoleID(arn string) string { return "AROATEST" + strings.ToUpper(roleName(arn)) }

func TestRolesAuthorize(t *testing.T) {
	docs := map[string]string{
		"arn:aws:iam::123456789012:role/Auth":         authOnly,
		"arn:aws:iam::123456789012:role/service/Dev":  trustsDeveloper,
		"arn:aws:iam::999999999999:role/OtherAccount": trustsDeveloper,
	}
	web := func(aud string, amr ...string) *sts.WebIdentity {
		return &sts.WebIdentity{Provider: cognitoProvider, Audience: aud, Subject: "us-east-1:id", AMR: amr}
	}
	guestSession := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Unauth/CognitoIdentityCredentials", Temporary: true}
	tests := []struct {
		name   string
		strict bool
		req    sts.RoleRequest
		want   bool
	}{
		{"authenticated token", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "authenticated", "graph.facebook.com")}, true},
		{"guest token refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "unauthenticated")}, false},
		{"other pool refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:other", "authenticated")}, false},
		{"tags need TagSession", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: &sts.WebIdentity{Provider: cognitoProvider, Audience: "us-east-1:pool", AMR: []string{"authenticated"}, PrincipalTags: map[string]string{"k": "v"}}}, false},
		{"role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
		{"developer caller trusted", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"other account refused", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"chaining into a role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, true},
		{"strict: chaining into a role without a policy refused", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, false},
		{"strict: developer assumes a role without a policy", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"a role's ARN in another partition is the same role", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws-cn:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		// Role names are unique in an account: no role Dev can exist
		// beside service/Dev, and its ARN must not skip Dev's trust policy.
		{"same name, other path: no such role can exist", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"same name, other path in another case", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, false},
		{"name in another case: the role's trust policy refuses", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"name in another case: the role's trust policy allows", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/DEV", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"web identity, name in another case: refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/auth", WebIdentity: web("us-east-1:pool", "unauthenticated")}, false},
		{"same name, other account: another role", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/OtherAccount", Caller: guestSession}, false},
		{"strict: web identity into a role without a policy", true, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, tt.strict, docs, 0)
			g, err := rs.Authorize(context.Background(), tt.req)
			if tt.want && err != nil {
				t.Fatalf("got %v, want allowed", err)
			}
			if held := heldRole(docs, tt.req.RoleARN); tt.want && (g.RoleARN != held || held != "" && g.RoleID != testRoleID(held)) {
				t.Errorf("got role %q %q, want %q and its id", g.RoleARN, g.RoleID, held)
			}
			if !tt.want {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != sts.CodeAccessDenied || e.Status != 403 {
					t.Errorf("got %v, want 403 AccessDenied", err)
				}
			}
		})
	}
}

// heldRole is the ARN of the role of docs that arn names, by the rule of
// the store (the name in any case, the path as it is), or "".
func heldRole(docs map[string]string, arn string) string {
	for held := range docs {
		if strings.EqualFold(held, arn) && held[:strings.LastIndexByte(held, '/')] == arn[:strings.LastIndexByte(arn, '/')] {
			return held
		}
	}
	return ""
}

func TestRolesAllowEnhanced(t *testing.T) {
	const auth, open = "arn:aws:iam::123456789012:role/Auth", "arn:aws:iam::123456789012:role/app/Open"
	rs := storeRoles(t, false, map[string]string{auth: authOnly, open: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}]}`}, 0)
	session := func(arn string, amr ...string) identity.Session {
		return identity.Session{RoleARN: arn, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: amr}
	}
	tests := []struct {
		name    string
		s       identity.Session
		wantARN string // the session's role, or "" for a refusal
		wantID  string
	}{
		{"authenticated", session(auth, "authenticated", "x"), auth, testRoleID(auth)},
		{"guest refused", session(auth, "unauthenticated"), "", ""},
		{"guest refused, role named in another case", session("arn:aws:iam::123456789012:role/auth", "unauthenticated"), "", ""},
		{"role named in another case is IAM's role", session("arn:aws:iam::123456789012:role/app/OPEN", "unauthenticated"), open, testRoleID(open)},
		{"role named under another path refused", session("arn:aws:iam::123456789012:role/Open", "unauthenticated"), "", ""},
		{"role IAM does not hold", session("arn:aws:iam::123456789012:role/Free", "unauthenticated"), "arn:aws:iam::123456789012:role/Free", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := rs.allowEnhanced(t.Context(), tt.s)
			if tt.wantARN == "" {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != identity.CodeInvalidIdentityPoolConfiguration {
					t.Errorf("got %v, want InvalidIdentityPoolConfigurationException", err)
				}
				return
			}
			if err != nil || g.Role(tt.s.RoleARN) != tt.wantARN || g.RoleID != tt.wantID {
				t.Errorf("got %q %q, %v, want %q %q", g.Role(tt.s.RoleARN), g.RoleID, err, tt.wantARN, tt.wantID)
			}
		})
	}
}

// TestRolesMaxSession: a role's MaxSessionDuration bounds its sessions;
// without one, the 12 hours IAM allows at most.
func TestRolesMaxSession(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/Dev"
	req := sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: arn, Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}
	tests := []struct {
		name string
		max  int32
		want time.Duration
	}{
		{"set", 7200, 2 * time.Hour},
		{"not set", 0, maxRoleSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := storeRoles(t, false, map[string]string{arn: trustsDeveloper}, tt.max).Authorize(t.Context(), req)
			if got := g.MaxSession; err != nil || got != tt.want {
				t.Errorf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestHeldARN(t *testing.T) {
	const stored = "arn:aws:iam::123456789012:role/app/Reader"
	tests := []struct {
		name, arn, want string
		ok              bool
	}{
		{"same", stored, stored, true},
		{"name in another case", "arn:aws:iam::123456789012:role/app/READER", stored, true},
		{"another partition keeps it", "arn:aws-cn:iam::123456789012:role/app/reader", "arn:aws-cn:iam::123456789012:role/app/Reader", true},
		{"no path", "arn:aws:iam::123456789012:role/Reader", "", true},
		{"path in another case", "arn:aws:iam::123456789012:role/App/Reader", "", true},
		{"another account", "arn:aws:iam::999999999999:role/app/Reader", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := heldARN(stored, tt.arn)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v, want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
