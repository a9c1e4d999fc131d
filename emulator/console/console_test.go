package console_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/console"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

const (
	poolID = "us-east-1:11111111-1111-4111-8111-111111111111"
	idA    = "us-east-1:aaaaaaaa-0000-4000-8000-000000000001"
	idB    = "us-east-1:bbbbbbbb-0000-4000-8000-000000000002"
	evil   = `<script>alert("x")</script>`
)

type fixture struct {
	store   *sqlite.Store
	con     *console.Console
	srv     *httptest.Server
	deleted []string
	resets  int
	// identityReads counts the console's reads of an identity.
	identityReads atomic.Int64
}

// countingReader is a store that counts its GetIdentity calls.
type countingReader struct {
	storage.Reader
	n *atomic.Int64
}

func (c countingReader) GetIdentity(ctx context.Context, id string) (storage.Identity, error) {
	c.n.Add(1)
	return c.Reader.GetIdentity(ctx, id)
}

// newFixture seeds a pool (named with markup) with two identities, one
// with a Google login and one with a developer user identifier, and a
// dataset with a live record (whose value is markup) and a deleted one.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The clock is not in UTC, which every time shown must be.
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).In(time.FixedZone("UTC+5", 5*3600))
	val := evil
	err = st.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, storage.Pool{ID: poolID, Name: "pool" + evil, DeveloperProviderName: "login.dev",
			SupportedLoginProviders: map[string]string{"accounts.google.com": "client"},
			Roles:                   map[string]string{"authenticated": "arn:aws:iam::123456789012:role/Auth"},
			RoleMappings: map[string]storage.RoleMapping{"accounts.google.com": {Type: "Rules", AmbiguousRoleResolution: "Deny", Rules: []storage.MappingRule{
				{Claim: "hd", MatchType: "Equals", Value: "zz-first.example", RoleARN: "arn:aws:iam::123456789012:role/First"},
				{Claim: "hd", MatchType: "Equals", Value: "aa-second.example", RoleARN: "arn:aws:iam::123456789012:role/Second"},
			}}},
			CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: idA, PoolID: poolID, Logins: []storage.Login{{Provider: "accounts.google.com", UserID: "google-user-1"}}, CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: idB, PoolID: poolID, Logins: []storage.Login{{Provider: "login.dev", UserID: "dev-user-7"}}, CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		if err := tx.PutDataset(ctx, storage.Dataset{IdentityID: idA, Name: "profile", SyncCount: 2, NumRecords: 1, LastModifiedBy: "123456789012", CreatedAt: now, ModifiedAt: now}, 0); err != nil {
			return err
		}
		spaces, empty, spaced := "   ", "", "a  b\n c"
		return tx.PutRecords(ctx, idA, "profile", []storage.Record{
			{Key: "color", Value: &val, SyncCount: 1, LastModifiedBy: "123456789012", ModifiedAt: now},
			{Key: "spaces", Value: &spaces, SyncCount: 1, LastModifiedBy: "123456789012", ModifiedAt: now},
			{Key: "empty", Value: &empty, SyncCount: 1, LastModifiedBy: "123456789012", ModifiedAt: now},
			{Key: "spaced", Value: &spaced, SyncCount: 1, LastModifiedBy: "123456789012", ModifiedAt: now},
			{Key: "gone", SyncCount: 2, LastModifiedBy: "123456789012", ModifiedAt: now},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: st}
	f.con, err = console.New(console.Config{
		Store:    countingReader{Reader: st, n: &f.identityReads},
		Now:      func() time.Time { return now },
		Describe: func(ctx context.Context, id string) (any, error) { return map[string]string{"IdentityPoolId": id}, nil },
		Roles:    func(ctx context.Context, id string) (any, error) { return map[string]string{"Roles": "x"}, nil },
		DeleteIdentity: func(ctx context.Context, id string) error {
			f.deleted = append(f.deleted, id)
			return nil
		},
		Reset: func(ctx context.Context) error { f.resets++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	// Requests that are not the console's go through the activity
	// recorder to a stand-in for the services, which refuses as a codec
	// does: the error recorded on the request.
	svc := f.con.Activity.Record(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		req := protocol.RequestFrom(r.Context())
		req.Operation = "GetCredentialsForIdentity"
		req.Err = &protocol.Error{Code: "NotAuthorizedException", Message: "Invalid login token. " + evil}
		w.WriteHeader(http.StatusBadRequest)
	}))
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(protocol.WithRequest(r.Context(), &protocol.Request{ID: "req-1"}))
		if strings.HasPrefix(r.URL.Path, console.Prefix) {
			f.con.ServeHTTP(w, r)
			return
		}
		svc.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// call sends a Cognito Identity call to the stand-in service.
func (f *fixture) call(body string) error {
	req, _ := http.NewRequest("POST", f.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetCredentialsForIdentity")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return res.Body.Close()
}

func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// check gets path and fails unless the answer has status, every string
// of want and none of not. It returns the page.
func (f *fixture) check(t *testing.T, path string, status int, want, not []string) string {
	t.Helper()
	got, body := f.get(t, path)
	if got != status {
		t.Fatalf("GET %s: got status %d, want %d\n%s", path, got, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("GET %s: got no %q in the page", path, w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("GET %s: got %q in the page, want it absent", path, n)
		}
	}
	return body
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	// A refused request, for the activity page.
	if err := f.call(`{"IdentityId": "` + idA + `", "IdentityPoolId":"` + poolID + `"}`); err != nil {
		t.Fatal(err)
	}
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`
	tests := []struct {
		name, path string
		status     int
		want       []string
		not        []string
	}{
		{"pools", "/_idpool/console/", 200, []string{"us-east-1", "pool" + escaped, poolID, "accounts.google.com", "login.dev", "role/Auth", "<td>2</td>"}, []string{"disabled)"}},
		{"pool lists identities", "/_idpool/console/pools/" + url.PathEscape(poolID), 200, []string{idA, idB, "google-user-1", "IdentityPoolId"}, nil},
		{"search by login", "/_idpool/console/pools/" + url.PathEscape(poolID) + "?q=google-user-1", 200, []string{idA}, []string{idB}},
		{"search by developer user", "/_idpool/console/pools/" + url.PathEscape(poolID) + "?q=dev-user-7", 200, []string{idB}, []string{idA}},
		{"search by key=user", "/_idpool/console/pools/" + url.PathEscape(poolID) + "?q=login.dev%3Ddev-user-7", 200, []string{idB}, []string{idA}},
		{"search by id prefix", "/_idpool/console/pools/" + url.PathEscape(poolID) + "?q=us-east-1:bbbb", 200, []string{idB}, []string{idA}},
		{"search finds nothing", "/_idpool/console/pools/" + url.PathEscape(poolID) + "?q=nobody", 200, []string{"No identity matches."}, []string{idA, idB}},
		{"identity", "/_idpool/console/identities/" + url.PathEscape(idA), 200, []string{"google-user-1", "profile", "color", escaped, `class="deleted"`, "gone"}, nil},
		// Values keep their whitespace, and one of spaces is not shown
		// as the empty string is.
		{"record values as stored", "/_idpool/console/identities/" + url.PathEscape(idA), 200, []string{`<span class="v">   </span>`, `<span class="v">a  b` + "\n" + ` c</span>`, "<em class=\"muted\">empty string</em>"}, nil},
		{"developer identity", "/_idpool/console/identities/" + url.PathEscape(idB), 200, []string{"dev-user-7", "login.dev"}, nil},
		{"unknown identity", "/_idpool/console/identities/us-east-1:nope", 404, []string{"Not found"}, nil},
		{"unknown console page", "/_idpool/console/nope", 404, []string{"Not found", "idpool console"}, nil},
		// A form posting to the page's own URL would carry its ?done=
		// flash along.
		{"token form posts to a clean URL", "/_idpool/console/token?done=Rotated", 200, []string{`<form method="post" action="/_idpool/console/token">`}, nil},
		{"reset form posts to a clean URL", "/_idpool/console/reset?done=x", 200, []string{`<form method="post" action="/_idpool/console/reset"`}, nil},
		{"activity", "/_idpool/console/activity?errors=1", 200, []string{"GetCredentialsForIdentity", "NotAuthorizedException", "Invalid login token. " + escaped, idA, poolID}, nil},
		{"activity filtered out", "/_idpool/console/activity?op=GetId", 200, nil, []string{"NotAuthorizedException"}},
		{"stylesheet", "/_idpool/console/static/style.css", 200, []string{"prefers-color-scheme: dark", ".v { white-space: pre-wrap;"}, nil},
		// A page without an icon link makes the browser ask the emulator
		// for /favicon.ico, which it refuses.
		{"no favicon request", "/_idpool/console/token", 200, []string{`<link rel="icon" href="data:,">`}, nil},
	}
	t.Run("role-mapping rules in order", func(t *testing.T) {
		_, body := f.get(t, "/_idpool/console/pools/"+url.PathEscape(poolID))
		first, second := strings.Index(body, "zz-first.example"), strings.Index(body, "aa-second.example")
		if first < 0 || second < first {
			t.Errorf("got rule 1 at %d and rule 2 at %d, want both, in order", first, second)
		}
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := f.check(t, tc.path, tc.status, tc.want, tc.not)
			if strings.Contains(body, evil) {
				t.Errorf("GET %s: got the raw %q, want it escaped", tc.path, evil)
			}
		})
	}
}

func TestTokenInspector(t *testing.T) {
	f := newFixture(t)
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc([]byte(`{"sub":"<script>alert(1)</script>","exp":1000}`)) + "." + enc([]byte("sig"))
	bare := enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"sub":"x","exp":4102444800}`)) + "." + enc([]byte("sig"))
	tests := []struct {
		name, token string
		want        []string
	}{
		{"expired token", tok, []string{"Decodes as a JWT", "RS256", "k1", "Not expired", "expired at 1970-01-01T00:16:40Z", "&lt;script&gt;alert(1)"}},
		{"not a JWT", "nope", []string{"✗ Decodes as a JWT"}},
		{"no kid, no iss", bare, []string{"no key id (kid)", "✗ Names an issuer (iss)</b>: no iss claim"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.PostForm(f.srv.URL+"/_idpool/console/token", url.Values{"token": {tc.token}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("got no %q in the page\n%s", w, body)
				}
			}
			if strings.Contains(body, "&lt;nil&gt;") {
				t.Errorf("got %q in the page, want words", "<nil>")
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("got a raw <script>, want it escaped")
			}
		})
	}
}

func TestActions(t *testing.T) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name, path, form string
		header           map[string]string
		status           int
		deleted, resets  int
	}{
		{"delete from the console", "/identities/" + url.PathEscape(idA) + "/delete", "confirm=yes", map[string]string{"Sec-Fetch-Site": "same-origin"}, 303, 1, 0},
		// One keypress on the button must not delete (WCAG 3.3.4).
		{"delete without confirming", "/identities/" + url.PathEscape(idA) + "/delete", "", map[string]string{"Sec-Fetch-Site": "same-origin"}, 303, 0, 0},
		{"delete confirmed otherwise", "/identities/" + url.PathEscape(idA) + "/delete", "confirm=on", nil, 303, 0, 0},
		{"delete from another site", "/identities/" + url.PathEscape(idA) + "/delete", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, 0, 0},
		{"delete from another origin", "/identities/" + url.PathEscape(idA) + "/delete", "", map[string]string{"Origin": "http://evil.example"}, 403, 0, 0},
		{"delete an unknown identity", "/identities/us-east-1:nope/delete", "", nil, 404, 0, 0},
		{"reset without confirming", "/reset", "", nil, 303, 0, 0},
		{"reset confirmed", "/reset", "confirm=yes", nil, 303, 0, 1},
		{"reset from another site", "/reset", "confirm=yes", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			req, _ := http.NewRequest("POST", f.srv.URL+console.Prefix+tc.path, strings.NewReader(tc.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("got status %d, want %d", res.StatusCode, tc.status)
			}
			if len(f.deleted) != tc.deleted || f.resets != tc.resets {
				t.Errorf("got %d deletions and %d resets, want %d and %d", len(f.deleted), f.resets, tc.deleted, tc.resets)
			}
		})
	}
}

func TestActivityRing(t *testing.T) {
	a := console.NewActivity(3)
	h := a.Record(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, p := range []string{"/a", "/b", "/c", "/d", console.Prefix + "/", "/_idpool/health", "/favicon.ico"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	got := a.Recent(10, func(console.Entry) bool { return true })
	var ops []string
	for _, e := range got {
		ops = append(ops, e.Operation)
	}
	if want := "GET /d,GET /c,GET /b"; strings.Join(ops, ",") != want {
		t.Errorf("got %v, want %s (newest first, bounded, console, health and favicon left out)", ops, want)
	}
}

// TestActivityEnd: End closes the streams that are open, so that a
// server's Shutdown need not wait for their clients, and a stream opened
// after it ends at once.
func TestActivityEnd(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, br := f.openStream(ctx, t)
	f.con.Activity.End()
	if rest, err := io.ReadAll(br); err != nil {
		t.Errorf("stream open at End: got %q, %v, want it ended", rest, err)
	}
	if rest, err := io.ReadAll(f.events(ctx, t).Body); err != nil || string(rest) != ": idpool activity\n\n" {
		t.Errorf("stream opened after End: got %q, %v, want its first comment and its end", rest, err)
	}
}

// TestActivityEvents: a request made while the event stream is open
// arrives on it as one JSON entry; one the filter leaves out does not.
func TestActivityEvents(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+console.Prefix+"/activity/events?identity="+url.QueryEscape(idB), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("got Content-Type %q, want text/event-stream", ct)
	}
	// nginx holds a proxied answer until some 8 KB pile up unless told not to.
	if xab := res.Header.Get("X-Accel-Buffering"); xab != "no" {
		t.Errorf("got X-Accel-Buffering %q, want no (nginx would buffer the stream)", xab)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "data: ") {
				lines <- l
			}
		}
		close(lines)
	}()
	var wg sync.WaitGroup
	for _, id := range []string{idA, idB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.call(`{"IdentityId":"` + id + `"}`)
		}()
	}
	wg.Wait()
	var e console.Entry
	select {
	case l := <-lines:
		if want := `"time":"2026-01-02T03:04:05Z"`; !strings.Contains(l, want) {
			t.Errorf("got event %s, want %s (in UTC, as the pages show times)", l, want)
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "data: ")), &e); err != nil {
			t.Fatalf("event %q: %v", l, err)
		}
	case <-ctx.Done():
		t.Fatal("got no event, want one")
	}
	if e.Identity != idB || e.Code != "NotAuthorizedException" || e.Status != 400 {
		t.Errorf("got event %+v, want identity %s refused with NotAuthorizedException", e, idB)
	}
}

// TestStoredMergesAndCounts: the pools page counts every identity of a
// pool exactly, past any page size, with the disabled ones apart; the
// identity pages show the merges the store records, after a restart
// (a new store and console on the same file) and not the ones only the
// in-memory record of issues holds.
func TestStoredMergesAndCounts(t *testing.T) {
	ctx := t.Context()
	const guests = 1500
	var (
		path     = filepath.Join(t.TempDir(), "idpool.db")
		now      = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		survivor = "us-east-1:5a5a5a5a-0000-4000-8000-000000000001"
		loser1   = "us-east-1:10001111-0000-4000-8000-000000000002"
		loser2   = "us-east-1:10002222-0000-4000-8000-000000000003"
		unlinked = "us-east-1:0f0f0f0f-0000-4000-8000-000000000004"
		deleted  = "us-east-1:de1e7ed0-0000-4000-8000-000000000005"
		big      = "us-east-1:b1b1b1b1-0000-4000-8000-000000000006"
		guest    = func(n int) string { return fmt.Sprintf("us-east-1:99999999-0000-4000-8000-%012d", n) }
	)
	const bigMerged = 51 // guests merged into big: one more than its page lists
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreatePool(ctx, storage.Pool{ID: poolID, Name: "merges", CreatedAt: now, ModifiedAt: now}); err != nil {
			return err
		}
		ids := []storage.Identity{
			{ID: survivor, PoolID: poolID, Logins: []storage.Login{{Provider: "accounts.google.com", UserID: "g1"}, {Provider: "accounts.google.com", UserID: "g2"}}},
			{ID: loser1, PoolID: poolID, Disabled: true, MergedInto: survivor},
			{ID: loser2, PoolID: poolID, Disabled: true, MergedInto: survivor},
			{ID: unlinked, PoolID: poolID, Disabled: true},
			{ID: big, PoolID: poolID},
		}
		for n := range guests {
			i := storage.Identity{ID: guest(n), PoolID: poolID}
			if n < bigMerged {
				i.Disabled, i.MergedInto = true, big
			}
			ids = append(ids, i)
		}
		for _, i := range ids {
			i.CreatedAt, i.ModifiedAt = now, now
			if err := tx.CreateIdentity(ctx, i); err != nil {
				return err
			}
		}
		return tx.PutDataset(ctx, storage.Dataset{IdentityID: survivor, Name: "profile.merged", MergedFrom: deleted, CreatedAt: now, ModifiedAt: now}, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	con, err := console.New(console.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(con)
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv}

	link := func(id string) string { return `href="/_idpool/console/identities/` + url.PathEscape(id) + `"` }
	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"pools", "/", []string{fmt.Sprintf("<td>%d <span class=\"muted\">(%d disabled)</span></td>", guests+5, bigMerged+3)}, []string{"more than"}},
		{"more merged than a page", "/identities/" + url.PathEscape(big), []string{link(guest(0)), link(guest(bigMerged - 2)), "And more: the first 50 are listed."}, []string{link(guest(bigMerged - 1))}},
		{"survivor", "/identities/" + url.PathEscape(survivor),
			[]string{`id="merged-from"`, link(loser1), link(loser2), "Took over datasets of", link(deleted)},
			[]string{`id="merged-into"`, link(unlinked)}},
		{"loser", "/identities/" + url.PathEscape(loser1), []string{`id="merged-into"`, link(survivor)}, []string{`id="merged-from"`}},
		{"unlinked", "/identities/" + url.PathEscape(unlinked), []string{`id="no-merges"`}, []string{`id="merged-into"`, `id="merged-from"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.check(t, console.Prefix+tc.path, http.StatusOK, tc.want, tc.not)
		})
	}
}

// TestLinks follows the links that carry an id in their query string: each
// must lead to the page about that id, with the id escaped once.
func TestLinks(t *testing.T) {
	f := newFixture(t)
	if err := f.call(`{"IdentityId": "` + idA + `", "IdentityPoolId":"` + poolID + `"}`); err != nil {
		t.Fatal(err)
	}
	// More identities than a page lists, so that the pool page links to a
	// second one. They sort after idA and idB.
	const extra = 50
	ctx := context.Background()
	err := f.store.Update(ctx, func(tx storage.Tx) error {
		for i := range extra {
			id := fmt.Sprintf("us-east-1:cccccccc-0000-4000-8000-%012d", i)
			if err := tx.CreateIdentity(ctx, storage.Identity{ID: id, PoolID: poolID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := fmt.Sprintf("us-east-1:cccccccc-0000-4000-8000-%012d", extra-1)
	poolPage := "/_idpool/console/pools/" + url.PathEscape(poolID)
	tests := []struct {
		name, page, text string
		want, not        []string
	}{
		{"pool activity", poolPage, "Activity of this pool", []string{"NotAuthorizedException", idA}, nil},
		{"identity activity", "/_idpool/console/identities/" + url.PathEscape(idA), "Activity of this identity", []string{"NotAuthorizedException"}, nil},
		{"next page", poolPage, "Next page <span aria-hidden=\"true\">→</span>", []string{last}, []string{idA, idB}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := f.check(t, tc.page, 200, nil, nil)
			href := link(t, body, tc.text)
			target, err := url.Parse(f.srv.URL + tc.page)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := url.Parse(href)
			if err != nil {
				t.Fatalf("link %q: %v", href, err)
			}
			target = target.ResolveReference(ref)
			f.check(t, target.RequestURI(), 200, tc.want, tc.not)
		})
	}
}

// link returns the target of the anchor whose text is text in page, with
// its HTML character references decoded.
func link(t *testing.T, page, text string) string {
	t.Helper()
	end := strings.Index(page, ">"+text+"</a>")
	if end < 0 {
		t.Fatalf("got no link %q in the page", text)
	}
	start := strings.LastIndex(page[:end], `href="`)
	if start < 0 {
		t.Fatalf("link %q has no href", text)
	}
	href := page[start+len(`href="`):]
	return html.UnescapeString(href[:strings.IndexByte(href, '"')])
}

// TestSearchByIDPrefix: a search by the start of an id finds every id
// that starts with it, a page at a time, however many ids sort just
// before it, and none that does not start with it.
func TestSearchByIDPrefix(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := func(first string, n int) string {
		return fmt.Sprintf("us-east-1:%s0000000-0000-4000-8000-%012d", first, n)
	}
	err := f.store.Update(ctx, func(tx storage.Tx) error {
		for n := range 60 {
			for _, first := range []string{"c", "d", "e"} {
				if first == "d" && n >= 55 {
					continue
				}
				if err := tx.CreateIdentity(ctx, storage.Identity{ID: id(first, n), PoolID: poolID, Logins: []storage.Login{{Provider: "login.dev", UserID: first + fmt.Sprint(n)}}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(page string) []string {
		var out []string
		for _, m := range strings.Split(page, `<td class="mono"><a href="/_idpool/console/identities/`)[1:] {
			v, _ := url.PathUnescape(m[:strings.Index(m, `"`)])
			out = append(out, v)
		}
		return out
	}
	base := "/_idpool/console/pools/" + url.PathEscape(poolID)
	_, page := f.get(t, base+"?q="+url.QueryEscape("us-east-1:d"))
	first := ids(page)
	next := link(t, page, "Next page <span aria-hidden=\"true\">→</span>")
	_, page = f.get(t, base+next)
	second := ids(page)
	if len(first) != 50 || len(second) != 5 {
		t.Fatalf("got %d ids on the first page and %d on the next, want 50 and 5", len(first), len(second))
	}
	for k, got := range append(first, second...) {
		if want := id("d", k); got != want {
			t.Fatalf("got id %d %s, want %s", k, got, want)
		}
	}
	if strings.Contains(page, "Next page") {
		t.Errorf("got a next page after the last match")
	}
}

// TestActivityPages: every request the ring keeps can be seen, a page at
// a time, newest first, each once.
func TestActivityPages(t *testing.T) {
	f := newFixture(t)
	const n = 450
	for k := range n {
		if err := f.call(fmt.Sprintf(`{"IdentityId":"us-east-1:00000000-0000-4000-8000-%012d"}`, k)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	path := "/_idpool/console/activity?errors=1"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("got more than 5 pages")
		}
		_, page := f.get(t, path)
		if pages == 0 && !strings.Contains(page, "The last 1000 requests are kept (450 so far)") {
			t.Errorf("first page: got no sentence saying how many requests are kept")
		}
		for _, m := range strings.Split(page, `identities/us-east-1:00000000-0000-4000-8000-`)[1:] {
			got = append(got, m[:12])
		}
		path = ""
		if strings.Contains(page, "Older requests <span aria-hidden=\"true\">→</span>") {
			path = link(t, page, "Older requests <span aria-hidden=\"true\">→</span>")
		}
	}
	if len(got) != n {
		t.Fatalf("got %d requests over all pages, want %d", len(got), n)
	}
	for k, id := range got {
		if want := fmt.Sprintf("%012d", n-1-k); id != want {
			t.Fatalf("got request %s at %d, want %s (newest first, each once)", id, k, want)
		}
	}
}

// TestNoStore: no console answer may be cached, pages or actions.
func TestNoStore(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/activity", "/pools/" + url.PathEscape(poolID), "/nope"} {
		res, err := http.Get(f.srv.URL + console.Prefix + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: got Cache-Control %q, want no-store", p, got)
		}
	}
}

// TestLoginlessLabel: an identity without logins is a guest only while it
// is enabled; a disabled one lost its logins (unlinked or merged).
func TestLoginlessLabel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const guest, former = "us-east-1:cccccccc-0000-4000-8000-000000000003", "us-east-1:dddddddd-0000-4000-8000-000000000004"
	err := f.store.Update(ctx, func(tx storage.Tx) error {
		if err := tx.CreateIdentity(ctx, storage.Identity{ID: guest, PoolID: poolID}); err != nil {
			return err
		}
		return tx.CreateIdentity(ctx, storage.Identity{ID: former, PoolID: poolID, Disabled: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, page := f.get(t, "/_idpool/console/pools/"+url.PathEscape(poolID))
	row := func(id string) string {
		_, rest, _ := strings.Cut(page, id+"</a></td>")
		r, _, _ := strings.Cut(rest, "</tr>")
		return r
	}
	if r := row(guest); !strings.Contains(r, "guest") {
		t.Errorf("enabled identity without logins: got row %q, want guest", r)
	}
	if r := row(former); strings.Contains(r, "guest") || !strings.Contains(r, "no logins") {
		t.Errorf("disabled identity without logins: got row %q, want no logins, not guest", r)
	}
}

// TestCrossOriginRefusal: a POST that the cross-origin protection refuses
// is a 403 that names the Origin and the Host idpool received and says
// what to do, not Go's generic text, and the action is not taken.
func TestCrossOriginRefusal(t *testing.T) {
	tests := []struct {
		name, path, form string
		host             string // sent as Host; "" for the server's own
		header           map[string]string
		want, not        []string
	}{
		{name: "proxy rewrote the Host", path: "/identities/" + url.PathEscape(idA) + "/delete", host: "127.0.0.1:9350",
			header: map[string]string{"Origin": "http://nas.lan:8080"},
			want: []string{"<code>http://nas.lan:8080</code>", "<code>127.0.0.1:9350</code>", "<code>proxy_set_header Host $http_host;</code>",
				"must pass the client's <code>Host</code> unchanged", "the console at the URL idpool is reached at"}},
		{name: "reset from another origin", path: "/reset", form: "confirm=yes", header: map[string]string{"Origin": "http://evil.example"},
			want: []string{"<code>http://evil.example</code>", "proxy_set_header Host $http_host;"}},
		{name: "another site's page", path: "/reset", form: "confirm=yes",
			header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			want:   []string{"<code>Sec-Fetch-Site: cross-site</code>", "<code>https://evil.example</code>", "the console at the URL idpool is reached at"},
			not:    []string{"proxy_set_header"}},
		{name: "markup in the Origin", path: "/reset", form: "confirm=yes", header: map[string]string{"Origin": "http://<b>x"},
			want: []string{html.EscapeString("http://<b>x")}, not: []string{"<b>x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			req, _ := http.NewRequest("POST", f.srv.URL+console.Prefix+tc.path, strings.NewReader(tc.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.host != "" {
				req.Host = tc.host
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("got status %d, want 403", res.StatusCode)
			}
			if len(f.deleted) != 0 || f.resets != 0 {
				t.Errorf("got %d deletions and %d resets, want none", len(f.deleted), f.resets)
			}
			if host := f.srv.Listener.Addr().String(); tc.host == "" && !strings.Contains(body, "<code>"+host+"</code>") {
				t.Errorf("got no Host %s in the page, want it named\n%s", host, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("got no %q in the page, want it\n%s", w, body)
				}
			}
			for _, n := range append(tc.not, "cross-origin request detected") {
				if strings.Contains(body, n) {
					t.Errorf("got %q in the page, want it absent\n%s", n, body)
				}
			}
			if csp := res.Header.Get("Content-Security-Policy"); csp == "" {
				t.Error("got no Content-Security-Policy, want the console's")
			}
		})
	}
}
