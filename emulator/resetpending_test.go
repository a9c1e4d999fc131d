package emulator

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/fixtures"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestStartCompletesInterruptedReset: a database holding the record of a
// reset in progress (a reset a SIGKILL interrupted) is reset at start,
// before the server serves, with its fixtures: the run-time pool goes
// and outbound identity federation is off. A start without fixtures (none
// configured, a missing path, an empty directory) keeps what the database
// holds, as it does without the record, warns of the interrupted reset
// and forgets it. Before, a start with fixtures left a half-done reset as
// it was; then a start without fixtures completed the reset to no
// fixture, deleting every pool and all IAM.
func TestStartCompletesInterruptedReset(t *testing.T) {
	const runTime, fixed = "us-east-1:11111111-2222-4333-8444-555555555555", "us-east-1:00000000-0000-4000-8000-000000000001"
	fx := &fixtures.Fixture{IdentityPools: []fixtures.IdentityPool{{IdentityPoolId: fixed, IdentityPoolName: "fixed", AllowUnauthenticatedIdentities: true}}}
	none := func(*testing.T) string { return "" }
	missing := func(t *testing.T) string { return filepath.Join(t.TempDir(), "fixtures") }
	emptyDir := func(t *testing.T) string { return t.TempDir() }
	tests := []struct {
		name      string
		fixture   *fixtures.Fixture
		path      func(*testing.T) string // Config.Fixtures
		pending   bool
		wantPools []string
		wantOn    bool
		wantWarn  bool
	}{
		{"interrupted, without fixtures", nil, none, true, []string{runTime}, true, true},
		{"interrupted, fixtures path missing", nil, missing, true, []string{runTime}, true, true},
		{"interrupted, fixtures directory empty", nil, emptyDir, true, []string{runTime}, true, true},
		{"interrupted, with fixtures", fx, none, true, []string{fixed}, false, false},
		{"not interrupted", fx, none, false, []string{fixed, runTime}, true, false},
		{"not interrupted, without fixtures", nil, none, false, []string{runTime}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := seedInterrupted(t, runTime, tc.pending)
			var log bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&log, nil))
			s, err := New(ctx, Config{DB: path, Fixture: tc.fixture, Fixtures: tc.path(t)}, logger)
			if err != nil {
				t.Fatalf("New: got error %v, want nil", err)
			}
			defer s.Close()
			checkInterruptedWarning(t, log.String(), tc.wantWarn)
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

// seedInterrupted creates a database holding a run-time pool of the id
// pool and outbound identity federation enabled, and with pending the
// record of a reset in progress, as a reset a SIGKILL interrupted leaves
// it; it returns the database's path.
func seedInterrupted(t *testing.T, pool string, pending bool) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idpool.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	err = st.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, storage.Pool{ID: pool, Name: "run-time", CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		if err := tx.SetOutboundFederation(ctx, storage.OutboundFederation{Issuer: "https://idpool.test/_idpool/outbound/x", Enabled: true}); err != nil {
			return err
		}
		return tx.(interface {
			SetResetPending(context.Context, bool) error
		}).SetResetPending(ctx, pending)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkInterruptedWarning fails t unless log holds a warning of an
// interrupted reset exactly when want.
func checkInterruptedWarning(t *testing.T, log string, want bool) {
	t.Helper()
	if got := strings.Contains(log, "level=WARN msg=\"a reset was interrupted by a crash"); got != want {
		t.Errorf("a warning of the interrupted reset: got %v, want %v; log:\n%s", got, want, log)
	}
}

// TestExportInterruptedReset: Export of a database holding the record of
// a reset a crash interrupted writes the part-reset state as it is, and
// warns of it, so that the export is not loaded elsewhere unawares;
// without the record it does not warn. Before, it wrote the part-reset
// state silently.
func TestExportInterruptedReset(t *testing.T) {
	const runTime = "us-east-1:11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name    string
		pending bool
	}{
		{"interrupted", true},
		{"not interrupted", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := seedInterrupted(t, runTime, tc.pending)
			var out, log bytes.Buffer
			if err := Export(t.Context(), Config{DB: path}, &out, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
				t.Fatalf("Export: got error %v, want nil", err)
			}
			checkInterruptedWarning(t, log.String(), tc.pending)
			if !strings.Contains(out.String(), runTime) {
				t.Errorf("export: got %s, want the stored pool %s", out.String(), runTime)
			}
		})
	}
}
