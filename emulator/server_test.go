package emulator

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idpool/idpool/storage/sqlite"
)

// TestNewZeroConfig: a zero Config with a store choice and a nil logger
// serve requests.
func TestNewZeroConfig(t *testing.T) {
	srv, err := New(t.Context(), Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer srv.Close()
	// GetId needs no signature; the pool does not exist.
	body := strings.NewReader(`{"IdentityPoolId":"us-east-1:00000000-0000-4000-8000-000000000000"}`)
	req := httptest.NewRequest(http.MethodPost, "/", body)
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "ResourceNotFoundException") {
		t.Errorf("GetId: got %d %s, want 400 ResourceNotFoundException", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, healthPath, nil))
	if rec.Code != http.StatusOK {
		t.Errorf("health: got %d, want 200", rec.Code)
	}
}

// TestHealthDatabaseGone: the health check fails once the database file
// is deleted or replaced under the running server, whose later writes
// would be lost with the file it still has open.
func TestHealthDatabaseGone(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, db string)
		want   string
	}{
		{name: "deleted", change: func(t *testing.T, db string) {
			for _, f := range []string{db, db + "-wal", db + "-shm"} {
				os.Remove(f)
			}
		}, want: "was deleted"},
		{name: "replaced", change: func(t *testing.T, db string) {
			tmp := db + ".new"
			if err := os.WriteFile(tmp, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, db); err != nil {
				t.Fatal(err)
			}
		}, want: "was replaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "idpool.db")
			srv, err := New(t.Context(), Config{DB: db}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer srv.Close()
			health := func() *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, healthPath, nil))
				return rec
			}
			if rec := health(); rec.Code != http.StatusOK {
				t.Fatalf("health before: got %d, want 200", rec.Code)
			}
			tt.change(t, db)
			if rec := health(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("health after: got %d %s, want 503 saying it %s", rec.Code, rec.Body, tt.want)
			}
		})
	}
}

// TestUnknownControl: a path under /_idpool/ that idpool does not serve
// gets idpool's 404, not an AWS error, the console's paths included when
// it is off.
func TestUnknownControl(t *testing.T) {
	srv, err := New(t.Context(), Config{DB: ":memory:", NoConsole: true}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer srv.Close()
	tests := []struct{ method, path string }{
		{http.MethodGet, "/_idpool/console"},
		{http.MethodGet, "/_idpool/console/"},
		{http.MethodPost, "/_idpool/nothing"},
		{http.MethodGet, "/_idpool/reset"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, "http://localhost:9230"+tt.path, nil))
			if rec.Code != http.StatusNotFound || rec.Header().Get("x-amzn-ErrorType") != "" || !strings.Contains(rec.Body.String(), tt.path) {
				t.Errorf("got %d %q (x-amzn-ErrorType %q), want 404 naming the path", rec.Code, rec.Body, rec.Header().Get("x-amzn-ErrorType"))
			}
		})
	}
}

// TestNewStore: a Store given in Config is used and left open by Close.
func TestNewStore(t *testing.T) {
	store, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, err := New(t.Context(), Config{Store: store}, nil)
	if err != nil {
		t.Fatalf("New with a Store: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CountPools(t.Context()); err != nil {
		t.Errorf("the given Store after Server.Close: got %v, want it open", err)
	}
}

// TestFixturesDirectory: an empty fixtures directory starts a server and
// says so in the log; a missing path not named like a fixture file does
// too, at warn, as it may be a typo; a missing fixture file is an error.
func TestFixturesDirectory(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		path      string
		wantErr   bool
		wantLevel string
	}{
		{"empty directory", dir, false, "level=INFO"},
		{"missing directory", filepath.Join(dir, "fixtures"), false, "level=WARN"},
		{"missing file not named .json", filepath.Join(dir, "app.jsn"), false, "level=WARN"},
		{"missing file", filepath.Join(dir, "app.json"), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			srv, err := New(t.Context(), Config{DB: ":memory:", Fixtures: tt.path}, slog.New(slog.NewTextHandler(&logs, nil)))
			if tt.wantErr {
				if err == nil {
					srv.Close()
					t.Fatalf("New: got nil error, want one naming %s", tt.path)
				}
				if !strings.Contains(err.Error(), tt.path) {
					t.Errorf("New: got %v, want an error naming %s", err, tt.path)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: got %v, want nil", err)
			}
			srv.Close()
			var line string
			for l := range strings.Lines(logs.String()) {
				if strings.Contains(l, "no fixtures found") {
					line = l
				}
			}
			if !strings.Contains(line, tt.path) || !strings.Contains(line, tt.wantLevel) {
				t.Errorf("log: got %q, want a line at %s saying no fixtures were found at %s", logs.String(), tt.wantLevel, tt.path)
			}
		})
	}
}

// TestExportMissing: Export of a database that does not exist fails,
// naming it, and does not create it.
func TestExportMissing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "typo.db")
	var out bytes.Buffer
	err := Export(t.Context(), Config{DB: db}, &out, nil)
	if err == nil || !strings.Contains(err.Error(), db) {
		t.Errorf("Export: got %v, want an error naming %s", err, db)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("Stat after Export: got %v, want the file not to exist", err)
	}
}

// TestExportUnstored: what the store does not hold (the region) is
// exported only from the fixtures named, never from the export command's
// defaults; the account is also found from the store's IAM entities, whose
// ARNs name it (see exportAccount), and IAM's OpenID Connect providers are
// exported either way, as IAM entities.
func TestExportUnstored(t *testing.T) {
	fx := filepath.Join("..", "fixtures", "testdata", "valid.json")
	db := filepath.Join(t.TempDir(), "idpool.db")
	srv, err := New(t.Context(), Config{DB: db, Fixtures: fx}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.Close()
	tests := []struct {
		name     string
		fixtures string
		want     bool // whether Region is written
	}{
		{"store alone", "", false},
		{"with the fixtures", fx, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Export(t.Context(), Config{DB: db, Fixtures: tt.fixtures}, &out, nil); err != nil {
				t.Fatalf("Export: got %v, want nil", err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if _, ok := got["Region"]; ok != tt.want {
				t.Errorf("member Region: got written %v, want %v", ok, tt.want)
			}
			if acct := string(got["AccountId"]); acct != `"123456789012"` {
				t.Errorf("member AccountId: got %s, want \"123456789012\", the fixtures' account, which the store's IAM entities name", acct)
			}
			if _, ok := got["Providers"]; !ok {
				t.Error("member Providers: got none, want IAM's OpenID Connect providers")
			}
		})
	}
}

// TestControlOrigins: a browser's request to a test control from a page of
// another site is refused, even when its name is the Host's (a rebound
// name); pages of this machine and clients that are not browsers may call
// them. The console's pages carry
// no CORS header that would let another site read them.
func TestControlOrigins(t *testing.T) {
	srv, err := New(t.Context(), Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer srv.Close()
	tests := []struct {
		name, path, origin string
		want               int
	}{
		{"no origin", "/_idpool/reset", "", http.StatusOK},
		{"localhost page", "/_idpool/reset", "http://localhost:5173", http.StatusOK},
		{"loopback page", "/_idpool/keys/rotate", "http://127.0.0.1:3000", http.StatusOK},
		{"IPv6 loopback page", "/_idpool/reset", "http://[::1]:8080", http.StatusOK},
		{"a .localhost name", "/_idpool/reset", "https://app.localhost", http.StatusOK},
		{"a name that is the Host (DNS rebinding)", "/_idpool/reset", "http://idpool:9230", http.StatusForbidden},
		{"another site", "/_idpool/reset", "http://evil.example", http.StatusForbidden},
		{"another site rotating keys", "/_idpool/keys/rotate", "https://evil.example", http.StatusForbidden},
		{"another site expiring tokens", "/_idpool/tokens/expire", "https://evil.example", http.StatusForbidden},
		{"another site expiring credentials", "/_idpool/credentials/ASIAXXXXXXXXXXXXXXXX/expire", "https://evil.example", http.StatusForbidden},
		{"another site asking", "/_idpool/authorize", "https://evil.example", http.StatusForbidden},
		{"a name that only starts like localhost", "/_idpool/reset", "http://localhost.evil.example", http.StatusForbidden},
		{"an opaque origin", "/_idpool/reset", "null", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "http://idpool:9230"+tt.path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "text/plain")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			// Past the origin check, the controls may still refuse the
			// body; only the check's own answer is 403.
			if got := rec.Code == http.StatusForbidden; got != (tt.want == http.StatusForbidden) {
				t.Errorf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
		})
	}
	t.Run("console pages", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "http://idpool:9230/_idpool/console/", nil)
		req.Header.Set("Origin", "http://evil.example")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("got %d with Access-Control-Allow-Origin %q, want 200 with none", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
	})
}

// TestLaxTrustWarning: a fixture role whose trust policy IAM now refuses
// to create loads, and the log names it.
func TestLaxTrustWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.json")
	doc := `{"Roles": [{"Arn": "arn:aws:iam::123456789012:role/AnyPool", "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", ` +
		`"Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}}}]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv, err := New(t.Context(), Config{DB: ":memory:", Fixtures: path}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("New: got %v, want the fixture loaded", err)
	}
	srv.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "role/AnyPool") {
		t.Errorf("log: got %q, want a warning naming role/AnyPool", logs.String())
	}
}
