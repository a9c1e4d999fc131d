package emulator

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixturesDirSkipped checks that the entries of a fixtures directory
// that are not read are named, with why, in one warning, whether other
// files are read or none is.
func TestFixturesDirSkipped(t *testing.T) {
	tests := []struct {
		name  string
		files []string // "sub/" is a directory
		want  string   // the warning's skipped list
	}{
		{"only yaml", []string{"f.yaml"}, `skipped="f.yaml (not .json)"`},
		{"mixed", []string{"a.json", "extra.yaml", "b.JSON", ".hidden.json", "sub/"},
			`skipped=".hidden.json (hidden), extra.yaml (not .json), sub (a directory)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, name := range tt.files {
				p := filepath.Join(dir, name)
				var err error
				if strings.HasSuffix(name, "/") {
					err = os.Mkdir(p, 0o700)
				} else {
					err = os.WriteFile(p, []byte(`{"Region": "us-east-1"}`), 0o600)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			var logs bytes.Buffer
			srv, err := New(t.Context(), Config{DB: ":memory:", Fixtures: dir}, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatalf("New: got %v, want nil", err)
			}
			srv.Close()
			var warnings []string
			for l := range strings.Lines(logs.String()) {
				if strings.Contains(l, "level=WARN") && strings.Contains(l, "skipped=") {
					warnings = append(warnings, l)
				}
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0], tt.want) {
				t.Errorf("got warnings %q, want one with %s", warnings, tt.want)
			}
		})
	}
}
