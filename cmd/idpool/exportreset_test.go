package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// TestExportInterruptedReset: idpool export of a database a crash left
// in the middle of a reset writes the part-reset state to stdout and a
// warning naming the interrupted reset to stderr, at serve's log level,
// so that the file is not loaded elsewhere unawares. Before, it wrote the
// state silently.
func TestExportInterruptedReset(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "idpool.db")
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx storage.Tx) error {
		return tx.(interface {
			SetResetPending(context.Context, bool) error
		}).SetResetPending(ctx, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantWarn bool
	}{
		{"default log level", nil, true},
		{"errors only", []string{"--log-level", "error"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, env(nil), append([]string{"export", "--db", db}, tt.args...)...)
			if code != 0 || !strings.HasPrefix(stdout, "{") {
				t.Fatalf("export: got exit %d, stdout %q, stderr %q; want 0 and a fixture file", code, stdout, stderr)
			}
			if got := strings.Contains(stderr, "level=WARN") && strings.Contains(stderr, "a reset was interrupted by a crash"); got != tt.wantWarn {
				t.Errorf("a warning of the interrupted reset on stderr: got %v, want %v; stderr %q", got, tt.wantWarn, stderr)
			}
		})
	}
}
