package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleSetting: the console is served by default, and --console=false
// or IDPOOL_CONSOLE=false turn it off; a refused request shows in its
// activity with the code the client was told.
func TestConsoleSetting(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		console bool
	}{
		{"default", nil, nil, true},
		{"flag off", []string{"--console=false"}, nil, false},
		{"env off", nil, map[string]string{"IDPOOL_CONSOLE": "false"}, false},
		{"flag wins over env", []string{"--console"}, map[string]string{"IDPOOL_CONSOLE": "false"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.NoConsole == tc.console {
				t.Fatalf("got NoConsole %v, want %v", cfg.NoConsole, !tc.console)
			}
			cfg.DB = ":memory:"
			srv, err := New(t.Context(), cfg, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer srv.Close()
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"IdentityPoolId":"us-east-1:00000000-0000-4000-8000-000000000000"}`))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			srv.Handler().ServeHTTP(httptest.NewRecorder(), req)

			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/activity", nil))
			served := rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), "ResourceNotFoundException") &&
				strings.Contains(rec.Body.String(), "us-east-1:00000000-0000-4000-8000-000000000000")
			if served != tc.console {
				t.Errorf("GET /_idpool/console/activity: got %d, console served %v, want %v\n%s", rec.Code, served, tc.console, rec.Body)
			}
		})
	}
	if c, err := Load(nil, func(k string) string { return map[string]string{"IDPOOL_CONSOLE": "maybe"}[k] }); err != nil || c.Validate() == nil {
		t.Errorf("IDPOOL_CONSOLE=maybe: got Load error %v and Validate nil, want Validate to fail", err)
	}
}

// TestConsoleActions: the console lists the credentials and token issued
// to an identity, its expire action expires the credentials as the test
// control does, and its rotate action rotates the signing key.
func TestConsoleActions(t *testing.T) {
	h := memoryServer(t)
	call := func(target, body string, signed bool) string {
		t.Helper()
		w := apiCall(h, target, body, signed)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: got %d %s, want 200", target, w.Code, w.Body)
		}
		return w.Body.String()
	}
	member := func(body, name string) string {
		t.Helper()
		_, v, ok := strings.Cut(body, `"`+name+`":"`)
		if !ok {
			t.Fatalf("got no %s in %s", name, body)
		}
		v, _, _ = strings.Cut(v, `"`)
		return v
	}
	pool := member(call("CreateIdentityPool", `{"IdentityPoolName":"console","AllowUnauthenticatedIdentities":true}`, true), "IdentityPoolId")
	call("SetIdentityPoolRoles", `{"IdentityPoolId":"`+pool+`","Roles":{"unauthenticated":"arn:aws:iam::123456789012:role/Guest"}}`, true)
	id := member(call("GetId", `{"IdentityPoolId":"`+pool+`"}`, false), "IdentityId")
	call("GetOpenIdToken", `{"IdentityId":"`+id+`"}`, false)
	key := member(call("GetCredentialsForIdentity", `{"IdentityId":"`+id+`"}`, false), "AccessKeyId")

	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost:9230"+path, nil))
		return w
	}
	page := get("/_idpool/console/identities/" + id).Body.String()
	for _, want := range []string{key, "OpenID token", "role/Guest"} {
		if !strings.Contains(page, want) {
			t.Errorf("identity page: got no %q", want)
		}
	}
	if w := get("/_idpool/credentials/" + key); !strings.Contains(w.Body.String(), `"Expired":false`) {
		t.Fatalf("credentials before the console expired them: got %s, want Expired false", w.Body)
	}
	req := httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/console/identities/"+id+"/expire", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "?done=expired") {
		t.Fatalf("expire: got %d to %q, want 303 with ?done=expired", w.Code, w.Header().Get("Location"))
	}
	if w := get("/_idpool/credentials/" + key); !strings.Contains(w.Body.String(), `"Expired":true`) {
		t.Errorf("credentials after the console expired them: got %s, want Expired true", w.Body)
	}
	if page := get("/_idpool/console/identities/" + id).Body.String(); !strings.Contains(page, "expired early") {
		t.Errorf("identity page after the console expired its credentials: got no %q", "expired early")
	}
	// A second click finds nothing left to expire.
	req = httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/console/identities/"+id+"/expire", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=nothing-expired") {
		t.Errorf("expire again: got %d to %q, want 303 with ?done=nothing-expired", w.Code, loc)
	}

	// A token the test controls expired early is expired in the inspector.
	tok := member(call("GetOpenIdToken", `{"IdentityId":"`+id+`"}`, false), "Token")
	inspect := func() string {
		req := httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/console/token", strings.NewReader("token="+tok))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Body.String()
	}
	if page := inspect(); !strings.Contains(page, "✓ Not expired") {
		t.Fatalf("inspector before the token was expired: got no %q", "✓ Not expired")
	}
	req = httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/tokens/expire", strings.NewReader(`{"Token":"`+tok+`"}`))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusNoContent {
		t.Fatalf("expire the token: got %d %s, want 204", w.Code, w.Body)
	}
	if page := inspect(); !strings.Contains(page, "✗ Not expired</b>: expired early") {
		t.Errorf("inspector after the token was expired early: got no %q", "✗ Not expired: expired early")
	}

	// Rotating the signing key publishes a second key.
	req = httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/console/keys/rotate", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "?done=rotated") {
		t.Fatalf("rotate: got %d to %q, want 303 with ?done=rotated", w.Code, w.Header().Get("Location"))
	}
	if n := strings.Count(get("/.well-known/jwks.json").Body.String(), `"kid"`); n != 2 {
		t.Errorf("after the console rotated the key: got %d keys published, want 2", n)
	}
}

// TestConsoleWebIdentity: AssumeRoleWithWebIdentity with one of idpool's
// tokens is the activity of the token's identity and pool, refused or
// not, as long as the token's signature verifies; a forged one is no
// one's.
func TestConsoleWebIdentity(t *testing.T) {
	h := memoryServer(t)
	member := func(w *httptest.ResponseRecorder, name string) string {
		t.Helper()
		_, v, ok := strings.Cut(w.Body.String(), `"`+name+`":"`)
		if w.Code != http.StatusOK || !ok {
			t.Fatalf("got %d %s, want 200 with %s", w.Code, w.Body, name)
		}
		v, _, _ = strings.Cut(v, `"`)
		return v
	}
	pool := member(apiCall(h, "CreateIdentityPool", `{"IdentityPoolName":"sts","AllowUnauthenticatedIdentities":true}`, true), "IdentityPoolId")
	id := member(apiCall(h, "GetId", `{"IdentityPoolId":"`+pool+`"}`, false), "IdentityId")
	tok := member(apiCall(h, "GetOpenIdToken", `{"IdentityId":"`+id+`"}`, false), "Token")
	assume := func(token string, status int) {
		t.Helper()
		form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
			"RoleArn": {"arn:aws:iam::123456789012:role/Web"}, "RoleSessionName": {"session"}, "WebIdentityToken": {token}}
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != status {
			t.Fatalf("AssumeRoleWithWebIdentity: got %d %s, want %d", w.Code, w.Body, status)
		}
	}
	assume(tok, http.StatusOK)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/tokens/expire", strings.NewReader(`{"Token":"`+tok+`"}`)))
	if w.Code != http.StatusNoContent {
		t.Fatalf("expire the token: got %d %s, want 204", w.Code, w.Body)
	}
	assume(tok, http.StatusBadRequest)
	// The same claims under a signature that is not idpool's.
	forged := tok[:strings.LastIndexByte(tok, '.')+1] + "AAAA"
	assume(forged, http.StatusBadRequest)

	for _, filter := range []string{"identity=" + url.QueryEscape(id), "pool=" + url.QueryEscape(pool)} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/activity?op=AssumeRoleWithWebIdentity&"+filter, nil))
		page := w.Body.String()
		if n := strings.Count(page, "<td>AssumeRoleWithWebIdentity</td>"); n != 2 {
			t.Errorf("activity of %s: got %d AssumeRoleWithWebIdentity calls, want 2 (the forged token's is no one's)", filter, n)
		}
		if !strings.Contains(page, "ExpiredTokenException") {
			t.Errorf("activity of %s: got no refusal of the expired token", filter)
		}
	}
}

// apiCall sends a Cognito Identity call to h; signed, it carries a SigV4
// header with a dummy signature, which the permissive server accepts.
func apiCall(h http.Handler, target, body string, signed bool) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if signed {
		r.Header.Set("X-Amz-Date", "20260101T000000Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestTrustReason: a trust policy's refusal of GetCredentialsForIdentity
// shows on the console's activity page with the condition that failed.
func TestTrustReason(t *testing.T) {
	const (
		role = "arn:aws:iam::123456789012:role/Auth"
		pool = "us-east-1:00000000-0000-4000-8000-00000000c0de"
	)
	fixture := `{"Roles":[{"Arn":"` + role + `","AssumeRolePolicyDocument":` + authOnly + `}],
 "IdentityPools":[{"IdentityPoolId":"` + pool + `","IdentityPoolName":"trust","AllowUnauthenticatedIdentities":true,
  "Roles":{"unauthenticated":"` + role + `"}}]}`
	path := filepath.Join(t.TempDir(), "fixture.json")
	if err := os.WriteFile(path, []byte(fixture), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), Config{DB: ":memory:", Fixtures: path}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer srv.Close()
	h := srv.Handler()
	w := apiCall(h, "GetId", `{"IdentityPoolId":"`+pool+`"}`, false)
	_, id, _ := strings.Cut(w.Body.String(), `"IdentityId":"`)
	id, _, _ = strings.Cut(id, `"`)
	if w := apiCall(h, "GetCredentialsForIdentity", `{"IdentityId":"`+id+`"}`, false); w.Code != http.StatusBadRequest {
		t.Fatalf("GetCredentialsForIdentity of a guest into an authenticated-only role: got %d %s, want 400", w.Code, w.Body)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/activity?errors=1", nil))
	for _, want := range []string{"InvalidIdentityPoolConfigurationException", "trust policy of " + role, "no statement allows sts:AssumeRoleWithWebIdentity", "amr"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("activity page: got no %q", want)
		}
	}
}

// TestConsoleMerges: both identities of a developer-identity merge show it.
func TestConsoleMerges(t *testing.T) {
	h := memoryServer(t)
	member := func(target, body, name string) string {
		t.Helper()
		w := apiCall(h, target, body, true)
		_, v, ok := strings.Cut(w.Body.String(), `"`+name+`":"`)
		if w.Code != http.StatusOK || !ok {
			t.Fatalf("%s: got %d %s, want 200 with %s", target, w.Code, w.Body, name)
		}
		v, _, _ = strings.Cut(v, `"`)
		return v
	}
	pool := member("CreateIdentityPool", `{"IdentityPoolName":"merge","AllowUnauthenticatedIdentities":false,"DeveloperProviderName":"login.merge"}`, "IdentityPoolId")
	dev := func(user string) string {
		return member("GetOpenIdTokenForDeveloperIdentity", `{"IdentityPoolId":"`+pool+`","Logins":{"login.merge":"`+user+`"}}`, "IdentityId")
	}
	survivor, loser := dev("a"), dev("b")
	member("MergeDeveloperIdentities", `{"IdentityPoolId":"`+pool+`","DeveloperProviderName":"login.merge","SourceUserIdentifier":"b","DestinationUserIdentifier":"a"}`, "IdentityId")
	for _, tc := range []struct{ id, want string }{
		{survivor, "merged from <a class=\"mono\" href=\"/_idpool/console/identities/" + loser},
		{loser, "merged into <a class=\"mono\" href=\"/_idpool/console/identities/" + survivor},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://localhost:9230/_idpool/console/identities/"+tc.id, nil))
		if !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("identity %s: got no %q in the page", tc.id, tc.want)
		}
	}
}

// memoryServer returns the handler of a server on a private in-memory
// store, closed when t ends.
func memoryServer(t *testing.T) http.Handler {
	t.Helper()
	srv, err := New(t.Context(), Config{DB: ":memory:"}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Handler()
}
