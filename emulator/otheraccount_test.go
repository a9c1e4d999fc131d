package emulator

import (
	"context"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// TestUnheldRoleReason: strict mode's reason for a role IAM does not hold
// points at IAM's CreateRole only for a role of idpool's own account,
// which CreateRole can make; for another account's role it points at the
// fixtures alone, for AssumeRole and GetCredentialsForIdentity alike.
func TestUnheldRoleReason(t *testing.T) {
	const (
		own   = "arn:aws:iam::123456789012:role/Nope"
		other = "arn:aws:iam::333333333333:role/Nope"
	)
	rs := storeRoles(t, true, nil, 0)
	caller := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/dev", Account: "123456789012"}
	assume := func(role string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			_, err := rs.Authorize(ctx, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: role, Caller: caller, SessionName: "s"})
			return err
		}
	}
	enhanced := func(role string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			_, err := rs.allowEnhanced(ctx, identity.Session{RoleARN: role, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"unauthenticated"}})
			return err
		}
	}
	tests := []struct {
		name          string
		call          func(ctx context.Context) error
		want, wantNot string
	}{
		{"AssumeRole of the account's role", assume(own), "create it (IAM CreateRole) or declare it in the fixtures' Roles", ""},
		{"AssumeRole of another account's role", assume(other),
			"it is a role of account 333333333333, not of idpool's account 123456789012 (which IAM CreateRole makes), so declare it in the fixtures' Roles by its ARN", "create it"},
		{"GetCredentialsForIdentity of another account's role", enhanced(other), "so declare it in the fixtures' Roles by its ARN", "create it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(t.Context(), "req")
			if err := tt.call(ctx); err == nil {
				t.Fatal("got success, want a refusal")
			}
			got := protocol.RequestFrom(ctx).Reason
			if !strings.Contains(got, tt.want) {
				t.Errorf("got reason %q, want it to say %q", got, tt.want)
			}
			if tt.wantNot != "" && strings.Contains(got, tt.wantNot) {
				t.Errorf("got reason %q, want no %q", got, tt.wantNot)
			}
		})
	}
}
