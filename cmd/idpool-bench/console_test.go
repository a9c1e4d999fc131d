package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// dropQuery makes a console that ignores its search box: it shows the
// first page of the pool's identities whatever was searched for.
func dropQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, consolePrefix+"/") {
			r.URL.RawQuery = ""
		}
		next.ServeHTTP(w, r)
	})
}

// TestConsoleScenario seeds the console's pool the way -server does, serves
// a real idpool on that database in this process and runs the scenario:
// against idpool its requests must all be answered, and its check must
// catch a console that is off or does not search.
func TestConsoleScenario(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wrap    func(http.Handler) http.Handler
		wantErr string // in each row's set-up error; "" when the rows measure
	}{
		{name: "idpool"},
		{name: "console off", args: []string{"--console=false"}, wantErr: "404 Not Found"},
		{name: "search ignored", wrap: dropQuery, wantErr: "without identity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := filepath.Join(t.TempDir(), "idpool.db")
			p := newConsolePool("us-east-1", 200)
			if _, err := seed(ctx, db, "arn:aws:iam::123456789012:role/idpool-bench", t.Logf, p); err != nil {
				t.Fatalf("seed: %v", err)
			}
			c := serveEmulator(t, tc.wrap, append([]string{"--db", db}, tc.args...)...)
			o := options{rounds: 2, duration: 200 * time.Millisecond}
			lopts := load.Options{Client: &http.Client{}, Workers: c.workers}
			rep := &Report{}
			if err := runConsole(ctx, o, c, lopts, p, rep, t.Logf); err != nil {
				t.Fatalf("runConsole: %v", err)
			}
			if got, want := len(rep.Scenarios), len(consoleSearches); got != want {
				t.Fatalf("got %d rows, want %d", got, want)
			}
			for _, row := range rep.Scenarios {
				if row.target != consoleTarget {
					t.Errorf("%s: target %+v, want %+v", row.Name, row.target, consoleTarget)
				}
				if tc.wantErr != "" {
					if !strings.Contains(row.SetupError, tc.wantErr) {
						t.Errorf("%s: got set-up error %q, want one saying %q", row.Name, row.SetupError, tc.wantErr)
					}
					continue
				}
				if row.SetupError != "" || row.Requests == 0 || row.Errors != 0 {
					t.Errorf("%s: got %d successes and %d errors (%s%s), want successes only", row.Name, row.Requests, row.Errors, row.SetupError, row.FirstError)
				}
				if row.Baseline != "ListIdentities of 60" || row.BaselineRate <= 0 {
					t.Errorf("%s: baseline %q at %v/s, want ListIdentities of 60 measured", row.Name, row.Baseline, row.BaselineRate)
				}
			}
		})
	}
}

// TestSearchRequest checks that the scenario's requests are what the
// console's search box sends: a GET of the pool's page with the query in
// q, escaped, and no signature.
func TestSearchRequest(t *testing.T) {
	c := &identityClient{endpoint: "http://127.0.0.1:9230"}
	p := newConsolePool("eu-west-1", 10)
	tests := []struct {
		name string
		q    string
		want string
	}{
		{"login", p.token(7), "http://127.0.0.1:9230/_idpool/console/pools/eu-west-1:5ca1e000-0000-4000-8000-000000000003?q=EAAscale3-00000007"},
		{"identity id", p.identityID(7), "http://127.0.0.1:9230/_idpool/console/pools/eu-west-1:5ca1e000-0000-4000-8000-000000000003?q=eu-west-1%3A5ca1e003-0000-4000-8000-000000000007"},
		{"provider and user", "graph.facebook.com=a b&c", "http://127.0.0.1:9230/_idpool/console/pools/eu-west-1:5ca1e000-0000-4000-8000-000000000003?q=graph.facebook.com%3Da+b%26c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := c.searchRequest(p, tc.q)
			if req.Method != http.MethodGet || req.URL != tc.want || req.Sign != nil || req.Body != nil {
				t.Errorf("got %s %s signed %v with body %q, want GET %s unsigned without a body", req.Method, req.URL, req.Sign, req.Body, tc.want)
			}
		})
	}
}

func TestWithBaseline(t *testing.T) {
	tests := []struct {
		name      string
		row       Row
		base      load.Result
		wantErrs  uint64
		wantFirst string
	}{
		{
			name: "baseline without errors",
			row:  Row{Errors: 1, Statuses: map[int]uint64{500: 1}, FirstError: "500: row"},
			base: load.Result{Requests: 100, Elapsed: time.Second}, wantErrs: 1, wantFirst: "500: row",
		},
		{
			name:     "baseline errors count",
			row:      Row{},
			base:     load.Result{Requests: 100, Errors: 3, Elapsed: time.Second, Statuses: map[int]uint64{400: 3}, FirstError: "400: nope"},
			wantErrs: 3, wantFirst: "baseline list: 400: nope",
		},
		{
			name:     "the row's first error first",
			row:      Row{Errors: 1, Statuses: map[int]uint64{400: 1}, FirstError: "400: row"},
			base:     load.Result{Requests: 100, Errors: 2, Elapsed: time.Second, Statuses: map[int]uint64{400: 2}, FirstError: "400: base"},
			wantErrs: 3, wantFirst: "400: row",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.row
			r.withBaseline("list", tc.base)
			if r.Baseline != "list" || r.BaselineRate != 100 {
				t.Errorf("got baseline %q at %v/s, want list at 100/s", r.Baseline, r.BaselineRate)
			}
			if r.Errors != tc.wantErrs || r.FirstError != tc.wantFirst {
				t.Errorf("got %d errors, first %q, want %d, first %q", r.Errors, r.FirstError, tc.wantErrs, tc.wantFirst)
			}
			var byStatus uint64
			for _, n := range r.Statuses {
				byStatus += n
			}
			if byStatus != tc.wantErrs {
				t.Errorf("got %d errors by status %v, want %d", byStatus, r.Statuses, tc.wantErrs)
			}
		})
	}
}
