package sqlite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenErrors: every failure to open a database names the path and
// says why, in words.
func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the path to open, in a fresh directory.
		setup func(t *testing.T, dir string) string
		opts  []Option
		want  []string // in the message, besides the path
		is    error    // the error must wrap it, if set
	}{
		{
			name:  "missing directory",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "nope", "idpool.db") },
			want:  []string{"directory", "nope", "does not exist"},
			is:    fs.ErrNotExist,
		},
		{
			name: "directory is a file",
			setup: func(t *testing.T, dir string) string {
				writeFile(t, filepath.Join(dir, "file"), "x")
				return filepath.Join(dir, "file", "idpool.db")
			},
			want: []string{"is not a directory"},
		},
		{
			name: "database is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "idpool.db")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			},
			want: []string{"is a directory"},
		},
		{
			name: "not a database",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "notes.txt")
				writeFile(t, p, strings.Repeat("these are not the pages you are looking for\n", 200))
				return p
			},
			want: []string{"not an SQLite database"},
		},
		{
			name:  "missing database with WithExisting",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "typo.db") },
			opts:  []Option{WithExisting()},
			want:  []string{"no such database file"},
			is:    fs.ErrNotExist,
		},
		{
			name: "read-only file",
			setup: func(t *testing.T, dir string) string {
				skipIfRoot(t)
				p := filepath.Join(dir, "idpool.db")
				writeFile(t, p, "")
				if err := os.Chmod(p, 0o444); err != nil {
					t.Fatal(err)
				}
				return p
			},
			want: []string{"not writable", "permission denied"},
		},
		{
			name: "read-only directory",
			setup: func(t *testing.T, dir string) string {
				skipIfRoot(t)
				ro := filepath.Join(dir, "ro")
				if err := os.Mkdir(ro, 0o555); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(ro, "idpool.db")
			},
			want: []string{"directory", "not writable", "permission denied"},
		},
		{
			// A lock file left by another user (a run as root before the
			// image's user) is named, not taken for the directory.
			name: "read-only lock file",
			setup: func(t *testing.T, dir string) string {
				skipIfRoot(t)
				p := filepath.Join(dir, "idpool.db")
				writeFile(t, p+lockSuffix, "")
				if err := os.Chmod(p+lockSuffix, 0o444); err != nil {
					t.Fatal(err)
				}
				return p
			},
			want: []string{"lock file", lockSuffix, "not writable", "permission denied"},
		},
		{
			name: "read-only write-ahead log",
			setup: func(t *testing.T, dir string) string {
				skipIfRoot(t)
				p := filepath.Join(dir, "idpool.db")
				writeFile(t, p, "")
				writeFile(t, p+"-wal", "")
				if err := os.Chmod(p+"-wal", 0o444); err != nil {
					t.Fatal(err)
				}
				return p
			},
			want: []string{"file", "-wal", "not writable", "permission denied"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t, t.TempDir())
			s, err := Open(t.Context(), path, tt.opts...)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q): got nil error, want one", path)
			}
			msg := err.Error()
			for _, w := range append([]string{path}, tt.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("Open(%q): got %q, want it to contain %q", path, msg, w)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Open(%q): got %v, want it to wrap %v", path, err, tt.is)
			}
		})
	}
}

// TestOpenExistingCreatesNothing: a mistyped path with WithExisting leaves
// no file behind.
func TestOpenExistingCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	if s, err := Open(t.Context(), filepath.Join(dir, "typo.db"), WithReadOnly()); err == nil {
		s.Close()
		t.Fatal("Open of a missing database with WithExisting: got nil error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("directory after the refused Open: got %d entries (%s…), want none", len(entries), entries[0].Name())
	}
}

// TestLock: a second Store on a database is refused while the first is
// open, with a message naming the database and the holder; the first
// keeps working, and the lock goes with Close.
func TestLock(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "idpool.db")
	first := openFile(t, path)

	_, err := Open(ctx, path)
	if !errors.Is(err, ErrLocked) {
		first.Close()
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
	for _, w := range []string{path, "already open in this process", path + lockSuffix} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("second Open: got %q, want it to contain %q", err, w)
		}
	}
	if _, err := first.CountPools(ctx); err != nil {
		t.Errorf("first Store after the refused Open: got %v, want it working", err)
	}

	// A symbolic link to the database, or into its directory, is the same
	// database, with the same lock.
	dir := filepath.Dir(path)
	link := filepath.Join(t.TempDir(), "link.db")
	dirLink := filepath.Join(t.TempDir(), "dir")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, dirLink); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, filepath.Join(dirLink, "idpool.db")} {
		if s, err := Open(ctx, p); !errors.Is(err, ErrLocked) {
			if err == nil {
				s.Close()
			}
			t.Errorf("Open(%q), a link to the open database: got %v, want ErrLocked", p, err)
		}
	}

	// A reader that takes no lock is let in beside the writer.
	reader, err := Open(ctx, path, WithReadOnly())
	if err != nil {
		t.Fatalf("Open WithReadOnly beside the writer: got %v, want nil", err)
	}
	reader.Close()

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	// An export of the stopped database holds a shared lock: a server is
	// refused meanwhile, without the stale pid of the last server.
	writeFile(t, path+lockSuffix, "2147483646\n")
	export, err := Open(ctx, path, WithReadOnly())
	if err != nil {
		t.Fatalf("Open WithReadOnly of the stopped database: got %v, want nil", err)
	}
	if s, err := Open(ctx, path); !errors.Is(err, ErrLocked) || strings.Contains(err.Error(), "2147483646") || !strings.Contains(err.Error(), "export") {
		if err == nil {
			s.Close()
		}
		t.Errorf("Open beside an export: got %v, want ErrLocked naming an export, not the stale pid", err)
	}
	export.Close()

	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Close: got %v, want nil", err)
	}
	again.Close()

	if s, err := Open(ctx, Memory); err != nil {
		t.Errorf("Open(:memory:): got %v, want nil (no lock)", err)
	} else {
		s.Close()
	}
}

// TestLockHardLink: a second name (hard link) of a database is refused,
// by a server or an export, while a server has the database open through
// the first name or not: the lock is named after one name, and SQLite
// names its write-ahead log after the name it opens, so a server through
// the second name would write a log of its own over the same file (the
// crash probe's hardlink_repro.sh: 500 "database disk image is malformed"
// and a damaged file). Once the file has one name again, it opens.
func TestLockHardLink(t *testing.T) {
	tests := []struct {
		name    string
		serving bool // a Store has the database open through its first name
		opts    []Option
	}{
		{name: "server beside a server", serving: true},
		{name: "server of a stopped database"},
		{name: "export beside a server", serving: true, opts: []Option{WithReadOnly()}},
		{name: "export of a stopped database", opts: []Option{WithReadOnly()}},
	}
	for _, tt := range tests {
		for _, where := range []string{"same directory", "another directory"} {
			t.Run(tt.name+"/"+where, func(t *testing.T) {
				ctx := t.Context()
				path := filepath.Join(t.TempDir(), "idpool.db")
				first := openFile(t, path)
				defer func() { first.Close() }()
				if !tt.serving {
					if err := first.Close(); err != nil {
						t.Fatal(err)
					}
				}
				second := filepath.Join(filepath.Dir(path), "second.db")
				if where == "another directory" {
					second = filepath.Join(t.TempDir(), "idpool.db")
				}
				if err := os.Link(path, second); err != nil {
					t.Skipf("no hard links here: %v", err)
				}

				s, err := Open(ctx, second, tt.opts...)
				if err == nil {
					s.Close()
				}
				if !errors.Is(err, ErrLinked) {
					t.Fatalf("Open(%q), a hard link to the database: got %v, want ErrLinked", second, err)
				}
				for _, w := range []string{second, "2 names", "hard link"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("Open(%q): got %q, want it to contain %q", second, err, w)
					}
				}
				if tt.serving {
					if _, err := first.CountPools(ctx); err != nil {
						t.Errorf("first Store after the refused Open: got %v, want it working", err)
					}
					if err := first.Close(); err != nil {
						t.Fatal(err)
					}
				}

				// One name again: the database opens through it.
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				again, err := Open(ctx, second, tt.opts...)
				if err != nil {
					t.Fatalf("Open(%q), the one name left: got %v, want nil", second, err)
				}
				again.Close()
			})
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func skipIfRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		t.Skip("root may write anything: TestOpenErrorsUnprivileged runs this case as nobody")
	}
}
