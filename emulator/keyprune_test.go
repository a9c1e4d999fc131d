package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// TestRotateDeletesRetiredKeys: through the control, a rotation deletes
// from the store, the JWKS and the export every key retired more than 24
// hours before by the server's clock, the longest a token idpool signs
// lives (TokenDuration 86400), and keeps the key it retires, those
// retired since (their tokens keep verifying) and the fixture's key; a
// reset and a restart keep the active key.
func TestRotateDeletesRetiredKeys(t *testing.T) {
	const pool = "us-east-1:00000000-0000-4000-8000-00000000ab1e"
	pemKey, err := os.ReadFile(filepath.Join("..", "fixtures", "testdata", "key-pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	fixture, _ := json.Marshal(map[string]any{
		"SigningKeys": []map[string]string{{"Kid": "fixture-key", "PrivateKey": string(pemKey)}},
		"IdentityPools": []map[string]any{{"IdentityPoolId": pool, "IdentityPoolName": "keys",
			"AllowUnauthenticatedIdentities": false, "DeveloperProviderName": "login.keys"}},
	})
	dir := t.TempDir()
	fx, db := filepath.Join(dir, "fixture.json"), filepath.Join(dir, "idpool.db")
	if err := os.WriteFile(fx, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var now atomic.Int64 // the server's clock, in unix nanoseconds
	now.Store(t0.UnixNano())
	cfg := Config{DB: db, Fixtures: fx, Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }}
	srv, err := New(t.Context(), cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if srv != nil {
			srv.Close()
		}
	})
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	// sign makes token a developer token of the active key that lives
	// as long as any can.
	var token string
	sign := func(t *testing.T) {
		t.Helper()
		w := apiCall(srv.Handler(), "GetOpenIdTokenForDeveloperIdentity",
			`{"IdentityPoolId":"`+pool+`","Logins":{"login.keys":"user"},"TokenDuration":86400}`, true)
		var out struct{ Token string }
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &out) != nil {
			t.Fatalf("GetOpenIdTokenForDeveloperIdentity: got %d %s, want 200", w.Code, w.Body)
		}
		token = out.Token
	}
	// verifies checks that the token verifies with the published keys and
	// with the server's own.
	verifies := func(t *testing.T) {
		t.Helper()
		jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS512})
		if err != nil {
			t.Fatal(err)
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(jwks(t, srv), &set); err != nil {
			t.Fatal(err)
		}
		kid := jws.Signatures[0].Header.KeyID
		if keys := set.Key(kid); len(keys) == 0 {
			t.Errorf("token of %s: got its key missing from the JWKS, want it there", kid)
		} else if _, err := jws.Verify(keys[0]); err != nil {
			t.Errorf("token of %s against the JWKS: got %v, want it verified", kid, err)
		}
		if _, err := srv.tokens.Verify(t.Context(), token); err != nil {
			t.Errorf("token of %s: got %v from the server, want it verified", kid, err)
		}
	}

	steps := []struct {
		name   string
		at     time.Time
		before func(t *testing.T) // run just before the rotation, at the step's time
		after  func(t *testing.T)
		// want is the JWKS's kids after the rotation, the active key
		// first, and the export's (in any order).
		want []string
	}{
		{"retires the fixture's key", at(0), nil, nil, []string{"us-east-1-1", "fixture-key"}},
		{"retires the key of a day-long token", at(time.Hour), sign, nil,
			[]string{"us-east-1-2", "us-east-1-1", "fixture-key"}},
		{"keeps a key retired 23 hours ago", at(24 * time.Hour), nil, verifies,
			[]string{"us-east-1-3", "us-east-1-2", "us-east-1-1", "fixture-key"}},
		{"deletes a key retired more than 24 hours ago", at(25*time.Hour + time.Second), nil, nil,
			[]string{"us-east-1-4", "us-east-1-3", "us-east-1-2", "fixture-key"}},
		{"keeps the key it retires, however long it signed", at(1000 * time.Hour), nil, nil,
			[]string{"us-east-1-5", "us-east-1-4", "fixture-key"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			now.Store(st.at.UnixNano())
			if st.before != nil {
				st.before(t)
			}
			postControl(t, srv, "/_idpool/keys/rotate")
			if st.after != nil {
				st.after(t)
			}
			if got := jwksKIDs(t, jwks(t, srv)); !slices.Equal(got, st.want) {
				t.Errorf("JWKS kids: got %v, want %v", got, st.want)
			}
			if got, want := exportKIDs(t, cfg), slices.Sorted(slices.Values(st.want)); !slices.Equal(got, want) {
				t.Errorf("exported kids: got %v, want %v", got, want)
			}
		})
	}

	// The fixture's key, kept, is not made active again by a reset or a
	// restart, which apply the fixture again.
	want := []string{"us-east-1-5", "us-east-1-4", "fixture-key"}
	postControl(t, srv, "/_idpool/reset")
	if got := jwksKIDs(t, jwks(t, srv)); !slices.Equal(got, want) {
		t.Errorf("JWKS kids after a reset: got %v, want %v", got, want)
	}
	srv.Close()
	srv, err = New(t.Context(), cfg, nil)
	if err != nil {
		t.Fatalf("New again: %v", err)
	}
	if got := jwksKIDs(t, jwks(t, srv)); !slices.Equal(got, want) {
		t.Errorf("JWKS kids after a restart: got %v, want %v", got, want)
	}
}

// postControl calls the test control at path, as a local client does.
func postControl(t *testing.T, srv *Server, path string) {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://localhost:9230"+path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("POST %s: got %d %s, want 200", path, rec.Code, rec.Body)
	}
}

// jwks returns the server's published key set.
func jwks(t *testing.T, srv *Server) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/jwks_uri", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("JWKS: got %d %s, want 200", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// jwksKIDs returns the kids of a key set, in its order.
func jwksKIDs(t *testing.T, b []byte) []string {
	t.Helper()
	var set struct{ Keys []struct{ Kid string } }
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatalf("JWKS %s: %v", b, err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	return kids
}

// exportKIDs returns the kids of the signing keys an export of cfg's
// database holds, sorted.
func exportKIDs(t *testing.T, cfg Config) []string {
	t.Helper()
	var out bytes.Buffer
	if err := Export(t.Context(), Config{DB: cfg.DB}, &out, nil); err != nil {
		t.Fatalf("Export: %v", err)
	}
	var f struct{ SigningKeys []struct{ Kid string } }
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatalf("export: %v", err)
	}
	var kids []string
	for _, k := range f.SigningKeys {
		kids = append(kids, k.Kid)
	}
	slices.Sort(kids)
	return kids
}
