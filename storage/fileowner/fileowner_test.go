package fileowner

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestReadHint: the hint is given for a permission error of a path of
// another user that others may not read, and only then; it names the
// owner, this process's user and both fixes.
func TestReadHint(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no user ids")
	}
	dir := t.TempDir()
	file := func(name string, mode fs.FileMode, owner int) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if owner != os.Geteuid() {
			if err := os.Chown(p, owner, -1); err != nil {
				t.Skipf("cannot give a file to another user: %v", err)
			}
		}
		return p
	}
	denied := func(p string) error { return &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission} }
	me := os.Geteuid()
	other := me + 1
	tests := []struct {
		name string
		err  func() error
		want []string // nil: no hint
	}{
		{"not a permission error", func() error { return &fs.PathError{Op: "open", Path: dir, Err: fs.ErrNotExist} }, nil},
		{"no path", func() error { return fs.ErrPermission }, nil},
		{"missing file", func() error { return denied(filepath.Join(dir, "nope")) }, nil},
		{"this user's file", func() error { return denied(file("mine", 0o600, me)) }, nil},
		{"another's file others may read", func() error { return denied(file("open", 0o644, other)) }, nil},
		{"another's file, 0600", func() error { return denied(file("closed", 0o600, other)) }, []string{
			"belongs to uid " + strconv.Itoa(other), "mode 0600", "idpool runs as uid " + strconv.Itoa(me),
			"chmod 644 " + filepath.Join(dir, "closed"), "chown " + strconv.Itoa(me) + " " + filepath.Join(dir, "closed")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			got := ReadHint(err)
			if tt.want == nil {
				if got != "" {
					t.Errorf("ReadHint(%v): got %q, want none", err, got)
				}
				return
			}
			if !strings.HasPrefix(got, "; ") {
				t.Errorf("ReadHint(%v): got %q, want a hint starting with \"; \"", err, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("ReadHint(%v): got %q, want it to contain %q", err, got, w)
				}
			}
		})
	}
}
