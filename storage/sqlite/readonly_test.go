package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage"
)

// TestOpenReadOnly: a Store opened WithReadOnly reads a database beside its
// server, after a crash and in a read-only directory, and changes nothing:
// no file is created, written or removed. TestOpenErrorsUnprivileged runs
// it again as nobody, for whom the read-only modes are real.
func TestOpenReadOnly(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name string
		// setup returns the database to open and the server beside it,
		// if one runs.
		setup func(t *testing.T, dir string) (string, *Store)
		want  []string // the pools the reader must see
	}{
		{
			name: "beside a server",
			setup: func(t *testing.T, dir string) (string, *Store) {
				path := filepath.Join(dir, "idpool.db")
				srv := openFile(t, path)
				t.Cleanup(func() { srv.Close() })
				createPools(t, srv, "p1")
				return path, srv
			},
			want: []string{"p1"},
		},
		{
			name: "after a crash",
			setup: func(t *testing.T, dir string) (string, *Store) {
				return crashed(t, dir), nil
			},
			want: []string{"p1", "p2"},
		},
		{
			name: "read-only directory",
			setup: func(t *testing.T, dir string) (string, *Store) {
				path := filepath.Join(dir, "idpool.db")
				srv := openFile(t, path)
				createPools(t, srv, "p1")
				if err := srv.Close(); err != nil {
					t.Fatal(err)
				}
				readOnly(t, dir)
				return path, nil
			},
			want: []string{"p1"},
		},
		{
			name: "read-only directory after a crash",
			setup: func(t *testing.T, dir string) (string, *Store) {
				path := crashed(t, dir)
				readOnly(t, dir)
				return path, nil
			},
			want: []string{"p1", "p2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, srv := tt.setup(t, dir)
			before := files(t, dir)
			r, err := Open(ctx, path, WithReadOnly())
			if err != nil {
				t.Fatalf("Open WithReadOnly: got %v, want nil", err)
			}
			checkPools(t, r, tt.want)
			if srv != nil {
				// The reader sees what the server commits after it opened.
				createPools(t, srv, "p9")
				checkPools(t, r, append(slices.Clone(tt.want), "p9"))
			}
			if err := r.Update(ctx, func(storage.Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Update: got %v, want ErrReadOnly", err)
			}
			if err := r.Close(); err != nil {
				t.Errorf("Close: got %v, want nil", err)
			}
			if srv != nil {
				return // the server's files change as it writes
			}
			if after := files(t, dir); !maps.EqualFunc(before, after, bytes.Equal) {
				t.Errorf("files after the read-only Store: got %v, want them unchanged %v", names(after), names(before))
			}
		})
	}
}

// TestOpenReadOnlyOtherSchema: a database of another schema cannot be
// migrated by a reader and is refused with what to do, which is to
// upgrade it only when it is older: the server refuses a newer one.
func TestOpenReadOnlyOtherSchema(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		version     int
		want        string
		wantUpgrade bool
	}{
		{name: "older", version: 1, want: "schema is version 1 and this idpool reads", wantUpgrade: true},
		{name: "newer", version: len(ms) + 1, want: fmt.Sprintf("schema is version %d, newer than this idpool reads (%d)", len(ms)+1, len(ms))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "idpool.db")
			s := openFile(t, path)
			s.Close()
			execFile(t, path, fmt.Sprintf("PRAGMA user_version = %d", tt.version))
			_, err := Open(t.Context(), path, WithReadOnly())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open WithReadOnly of schema %d: got %v, want an error naming the path and %q", tt.version, err, tt.want)
			}
			if got := strings.Contains(err.Error(), "upgrade"); got != tt.wantUpgrade {
				t.Errorf("Open WithReadOnly of schema %d: got %v, want advice to upgrade: %v", tt.version, err, tt.wantUpgrade)
			}
		})
	}
}

// execFile runs query on the database at path through a connection of its
// own: the Store's writer connection is its writer goroutine's.
func execFile(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// createPools commits pools of the given ids.
func createPools(t *testing.T, s *Store, ids ...string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx storage.Tx) error {
		for _, id := range ids {
			if err := tx.CreatePool(context.Background(), testPool(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkPools(t *testing.T, r *Store, want []string) {
	t.Helper()
	ps, err := r.ListPools(context.Background(), "", 0)
	if err != nil {
		t.Fatalf("ListPools: got %v, want nil", err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pools: got %v, want %v", got, want)
	}
}

// crashed leaves in dir the files of a server killed after committing p2:
// the database, its write-ahead log holding p2 and its index, copied while
// the server runs, as a kill -9 leaves them.
func crashed(t *testing.T, dir string) string {
	t.Helper()
	live := filepath.Join(t.TempDir(), "idpool.db")
	srv := openFile(t, live)
	defer srv.Close()
	createPools(t, srv, "p1")
	// Checkpoint p1 into the file, so that only p2 lives in the log.
	execFile(t, live, "PRAGMA wal_checkpoint(TRUNCATE)")
	createPools(t, srv, "p2")
	path := filepath.Join(dir, "idpool.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(live + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+suffix, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// readOnly makes dir and its files read-only, and writable again when the
// test ends.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
}

// files returns the content of every file in dir, by name, but for the
// shared-memory index (-shm), which readers may rebuild: it is no part
// of the database, and only its presence counts.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "-shm") {
			m[e.Name()] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

func names(m map[string][]byte) []string {
	ns := make([]string, 0, len(m))
	for k, v := range m {
		ns = append(ns, fmt.Sprintf("%s(%d bytes)", k, len(v)))
	}
	slices.Sort(ns)
	return ns
}
