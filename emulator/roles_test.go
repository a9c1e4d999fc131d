package emulator

import (
	"context"
	"errors"
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
			if err := tx.CreateRole(t.Context(), storage.Role{Name: roleName(arn), ARN: arn, AssumeRolePolicy: doc, MaxSessionDuration: maxSession}); err != nil {
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
		{"same name, other path: another role, without a policy", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, true},
		{"same name, other account: another role", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/OtherAccount", Caller: guestSession}, false},
		{"strict: web identity into a role without a policy", true, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, tt.strict, docs, 0)
			_, err := rs.Authorize(context.Background(), tt.req)
			if tt.want && err != nil {
				t.Fatalf("got %v, want allowed", err)
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

func TestRolesAllowEnhanced(t *testing.T) {
	rs := storeRoles(t, false, map[string]string{"arn:aws:iam::123456789012:role/Auth": authOnly}, 0)
	ok := identity.Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"authenticated", "x"}}
	if err := rs.allowEnhanced(t.Context(), ok); err != nil {
		t.Errorf("authenticated: got %v, want nil", err)
	}
	guest := ok
	guest.AMR = []string{"unauthenticated"}
	var e *protocol.Error
	if err := rs.allowEnhanced(t.Context(), guest); !errors.As(err, &e) || e.Code != identity.CodeInvalidIdentityPoolConfiguration {
		t.Errorf("guest: got %v, want InvalidIdentityPoolConfigurationException", err)
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
			got, err := storeRoles(t, false, map[string]string{arn: trustsDeveloper}, tt.max).Authorize(t.Context(), req)
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}
