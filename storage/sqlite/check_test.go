package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: Check, which the health check asks, fails once the Store is
// closed, as every read and write does, and when its database file was
// deleted or replaced; it passes on an open Store.
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the Store to check, doing to it what the case says.
		setup func(t *testing.T) *Store
		is    error  // the error must wrap it, if set
		want  string // in the message; "" for no error
	}{
		{"open memory", func(t *testing.T) *Store { return openFile(t, Memory) }, nil, ""},
		{"open file", func(t *testing.T) *Store { return openFile(t, filepath.Join(t.TempDir(), "idpool.db")) }, nil, ""},
		{"closed memory", func(t *testing.T) *Store {
			s := openFile(t, Memory)
			s.Close()
			return s
		}, ErrClosed, "closed"},
		{"closed file", func(t *testing.T) *Store {
			s := openFile(t, filepath.Join(t.TempDir(), "idpool.db"))
			s.Close()
			return s
		}, ErrClosed, "closed"},
		{"deleted file", func(t *testing.T) *Store {
			path := filepath.Join(t.TempDir(), "idpool.db")
			s := openFile(t, path)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			return s
		}, nil, "was deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.setup(t)
			defer s.Close()
			err := s.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check: got %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Check: got %v, want an error saying %q", err, tt.want)
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Errorf("Check: got %v, want it to wrap %v", err, tt.is)
			}
		})
	}
}
