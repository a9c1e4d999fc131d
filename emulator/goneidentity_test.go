package emulator

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoneIdentityRestart: the reason of an unknown identity id, on the
// console's Activity row, blames a restart only when the server's
// database is in memory, as the usual Compose setup runs it: a database
// file keeps identities across restarts.
func TestGoneIdentityRestart(t *testing.T) {
	const (
		id      = "us-east-1:00000000-0000-4000-8000-00000000dead"
		restart = "this idpool keeps its state in memory and started at"
	)
	tests := []struct {
		name string
		db   func(t *testing.T) string
		want bool
	}{
		{"in memory", func(*testing.T) string { return ":memory:" }, true},
		{"a database file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "idpool.db") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := New(t.Context(), Config{DB: tt.db(t)}, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			t.Cleanup(func() { srv.Close() })
			h := srv.Handler()
			if w := apiCall(h, "GetCredentialsForIdentity", `{"IdentityId":"`+id+`"}`, false); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "ResourceNotFoundException") {
				t.Fatalf("GetCredentialsForIdentity: got %d %s, want 400 ResourceNotFoundException", w.Code, w.Body)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/activity?errors=1", nil))
			row := w.Body.String()
			if !strings.Contains(row, "no identity "+id+" exists") {
				t.Fatalf("activity: got no reason for %s in %s", id, row)
			}
			if got := strings.Contains(row, restart); got != tt.want {
				t.Errorf("activity: got %q in the reason %v, want %v", restart, got, tt.want)
			}
		})
	}
}
