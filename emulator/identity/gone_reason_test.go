package identity

import (
	"context"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// forgetHint ends every reason of an unknown identity id.
const forgetHint = "a client that kept the id must forget it and call GetId again (Amplify v6 keeps it in localStorage under com.amplify.Cognito.<IdentityPoolId>.identityId)"

// TestGoneIdentityReason: an identity id that names nothing (deleted, with
// its pool, or from before an in-memory idpool started) is refused with
// AWS's ResourceNotFoundException, and the console's reason says what can
// have removed it and that the client must forget the id.
func TestGoneIdentityReason(t *testing.T) {
	tests := []struct {
		name string
		// gone returns an identity id that names nothing, made in e.
		gone      func(t *testing.T, e *env) string
		ephemeral bool
		call      func(ctx context.Context, s *Service, id string) error
		want      []string
	}{
		{
			name: "deleted by DeleteIdentities, GetCredentialsForIdentity",
			gone: deletedIdentity,
			call: getCredentials,
			want: []string{"it was deleted (DeleteIdentities, or DeleteIdentityPool of its pool), or made before a reset (POST /_idpool/reset)", forgetHint},
		},
		{
			name: "deleted by DeleteIdentities, DescribeIdentity",
			gone: deletedIdentity,
			call: func(ctx context.Context, s *Service, id string) error {
				_, err := s.DescribeIdentity(ctx, &DescribeIdentityInput{IdentityId: id})
				return err
			},
			want: []string{"it was deleted (DeleteIdentities", forgetHint},
		},
		{
			name: "deleted with its pool, the region's only one",
			gone: func(t *testing.T, e *env) string {
				pool := e.createPool(t, fullPool())
				id := e.getID(t, pool, nil)
				if _, err := e.svc.DeleteIdentityPool(e.ctx, &DeleteIdentityPoolInput{IdentityPoolId: pool}); err != nil {
					t.Fatalf("DeleteIdentityPool: %v", err)
				}
				return id
			},
			call: getCredentials,
			want: []string{"region us-east-1 has no identity pool now, so its pool was deleted (DeleteIdentityPool) or idpool was reset (POST /_idpool/reset)", forgetHint},
		},
		{
			name: "from before an in-memory idpool started",
			gone: func(t *testing.T, e *env) string {
				e.createPool(t, fullPool())
				return "us-east-1:00000000-0000-4000-8000-000000000000"
			},
			ephemeral: true,
			call:      getCredentials,
			want:      []string{"this idpool keeps its state in memory and started at 2025-05-26T12:00:00Z, forgetting every identity made before; or it was deleted", forgetHint},
		},
		{
			name: "in-memory idpool without pools in the region",
			gone: func(*testing.T, *env) string {
				return "us-east-1:00000000-0000-4000-8000-000000000000"
			},
			ephemeral: true,
			call:      getCredentials,
			want:      []string{"region us-east-1 has no identity pool now", "or this idpool keeps its state in memory and started at 2025-05-26T12:00:00Z", forgetHint},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.svc.cfg.Ephemeral = tt.ephemeral
			id := tt.gone(t, e)
			req := &protocol.Request{ID: "test"}
			err := tt.call(protocol.WithRequest(e.ctx, req), e.svc, id)
			wantErr(t, err, CodeResourceNotFound, "Identity '"+id+"' not found.")
			for _, w := range append(tt.want, "no identity "+id+" exists: ") {
				if !strings.Contains(req.Reason, w) {
					t.Errorf("got reason %q, want it to contain %q", req.Reason, w)
				}
			}
			if !tt.ephemeral && strings.Contains(req.Reason, "in memory") {
				t.Errorf("got reason %q, want no in-memory restart for a store that persists", req.Reason)
			}
		})
	}
}

// deletedIdentity makes a guest identity in a new pool and deletes it.
func deletedIdentity(t *testing.T, e *env) string {
	t.Helper()
	id := e.getID(t, e.createPool(t, fullPool()), nil)
	out, err := e.svc.DeleteIdentities(e.ctx, &DeleteIdentitiesInput{IdentityIdsToDelete: []string{id}})
	if err != nil || len(out.UnprocessedIdentityIds) > 0 {
		t.Fatalf("DeleteIdentities: got %v, %+v, want the identity deleted", err, out)
	}
	return id
}

// getCredentials asks credentials for identity id as a guest, as Amplify
// does with the id it kept.
func getCredentials(ctx context.Context, s *Service, id string) error {
	_, err := s.GetCredentialsForIdentity(ctx, &GetCredentialsForIdentityInput{IdentityId: id})
	return err
}
