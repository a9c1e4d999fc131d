package console_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/console"
)

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
