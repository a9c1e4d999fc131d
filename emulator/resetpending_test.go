package emulator

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestStartCompletesInterruptedReset: a database holding the record of a
// reset in progress (a reset a SIGKILL interrupted) is reset at start,
// before the server serves, with its fixtures or without any: the
// run-time pool goes and outbound identity federation is off. Without the
// record, a start keeps what the database holds. Before, a start left a
// half-done reset as it was (run-time pools beside a fixture pool
// emptied, federation on), and a start without fixtures did not look.
func TestStartCompletesInterruptedReset(t *testing.T) {
	const runTime, fixed = "us-east-1:11111111-2222-4333-8444-555555555555", "us-east-1:00000000-0000-4000-8000-000000000001"
	fx := &fixtures.Fixture{IdentityPools: []fixtures.IdentityPool{{IdentityPoolId: fixed, IdentityPoolName: "fixed", AllowUnauthenticatedIdentities: true}}}
	tests := []struct {
		name      string
		fixture   *fixtures.Fixture
		pending   bool
		wantPools []string
		wantOn    bool
	}{
		{"interrupted, without fixtures", nil, true, nil, false},
		{"interrupted, with fixtures", fx, true, []string{fixed}, false},
		{"not interrupted", fx, false, []string{fixed, runTime}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "idpool.db")
			st, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
			err = st.Update(ctx, func(tx storage.Tx) error {
				if err := tx.CreatePool(ctx, storage.Pool{ID: runTime, Name: "run-time", CreatedAt: now, ModifiedAt: now}); err != nil {
					return err
				}
				if err := tx.SetOutboundFederation(ctx, storage.OutboundFederation{Issuer: "https://idpool.test/_idpool/outbound/x", Enabled: true}); err != nil {
					return err
				}
				return tx.(interface {
					SetResetPending(context.Context, bool) error
				}).SetResetPending(ctx, tc.pending)
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := New(ctx, Config{DB: path, Fixture: tc.fixture}, nil)
			if err != nil {
				t.Fatalf("New: got error %v, want nil", err)
			}
			defer s.Close()
			pools, err := s.store.ListPools(ctx, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range pools {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(ids, tc.wantPools) {
				t.Errorf("pools after the start: got %v, want %v", ids, tc.wantPools)
			}
			fed, err := s.store.OutboundFederation(ctx)
			if err != nil || fed.Enabled != tc.wantOn {
				t.Errorf("outbound federation after the start: got %+v, %v, want enabled %v", fed, err, tc.wantOn)
			}
			if p, err := s.store.(interface {
				ResetPending(context.Context) (bool, error)
			}).ResetPending(ctx); err != nil || p {
				t.Errorf("ResetPending after the start: got %v, %v, want false", p, err)
			}
		})
	}
}
