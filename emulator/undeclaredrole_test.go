package emulator

import (
	"context"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
)

// TestUndeclaredRoleNote: permissive mode lets a session into a role IAM
// does not hold, which AWS refuses; the request's reason, shown on its
// console Activity row, says so, and a role IAM holds gets no note.
func TestUndeclaredRoleNote(t *testing.T) {
	const (
		free = "arn:aws:iam::123456789012:role/Free"
		auth = "arn:aws:iam::123456789012:role/Auth"
		note = "role " + free + " is not declared: its trust policy was not checked (AWS and --strict refuse it)"
	)
	rs := storeRoles(t, false, map[string]string{auth: authOnly}, 0)
	web := &sts.WebIdentity{Provider: sts.CognitoProvider, Audience: "us-east-1:pool", Subject: "us-east-1:id", AMR: []string{"authenticated"}}
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"AssumeRoleWithWebIdentity of an undeclared role", func(ctx context.Context) error {
			_, err := rs.Authorize(ctx, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: free, WebIdentity: web})
			return err
		}, note},
		{"GetCredentialsForIdentity of an undeclared role", func(ctx context.Context) error {
			_, err := rs.allowEnhanced(ctx, identity.Session{RoleARN: free, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"unauthenticated"}})
			return err
		}, note},
		{"a declared role", func(ctx context.Context) error {
			_, err := rs.allowEnhanced(ctx, identity.Session{RoleARN: auth, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: []string{"authenticated"}})
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(t.Context(), "req")
			if err := tt.call(ctx); err != nil {
				t.Fatalf("got %v, want success", err)
			}
			if got := protocol.RequestFrom(ctx).Reason; got != tt.want {
				t.Errorf("got reason %q, want %q", got, tt.want)
			}
		})
	}
}
