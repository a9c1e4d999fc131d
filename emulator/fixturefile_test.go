package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResetEditedFixtureFile: a reset puts back the fixture files as
// they were read at start; the server keeps no copy of their identities,
// so once a file was edited the reset is refused, and logged naming the
// file, and the store keeps what it held.
func TestResetEditedFixtureFile(t *testing.T) {
	const (
		pool = "us-east-1:0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
		id   = "us-east-1:1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
	)
	path := filepath.Join(t.TempDir(), "app.json")
	content := `{"IdentityPools": [{"IdentityPoolId": "` + pool + `", "IdentityPoolName": "app",
		"AllowUnauthenticatedIdentities": true, "Identities": [{"IdentityId": "` + id + `"}]}]}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var log bytes.Buffer
	s, err := New(ctx, Config{DB: ":memory:", Fixtures: path}, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	reset := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/reset", nil))
		return rec
	}
	if rec := reset(); rec.Code != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", rec.Code, rec.Body)
	}
	if _, err := s.store.GetIdentity(ctx, id); err != nil {
		t.Fatalf("the fixture identity after a reset: got %v, want it stored", err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(content, `"app"`, `"edited"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if rec := reset(); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), path+": has changed since it was read") ||
		!strings.Contains(rec.Body.String(), "restart") {
		t.Errorf("reset after an edit: got %d %s, want 409 naming %s and saying to restart", rec.Code, rec.Body, path)
	}
	p, err := s.store.GetPool(ctx, pool)
	if err != nil || p.Name != "app" {
		t.Errorf("the pool after the refused reset: got %+v, %v, want it as read at start", p, err)
	}
	if _, err := s.store.GetIdentity(ctx, id); err != nil {
		t.Errorf("the fixture identity after the refused reset: got %v, want it stored", err)
	}
}
