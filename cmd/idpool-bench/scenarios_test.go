package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
	"github.com/idpool/idpool/emulator"
)

// fakeIdentity is a minimal in-memory Cognito Identity: enough of each
// operation the scenarios use to tell a correct set-up from a broken one.
type fakeIdentity struct {
	mu     sync.Mutex
	pools  map[string]map[string]any
	logins map[string]string // pool + login → identity
	n      int
	// guestReuse makes guest GetId answer the same identity every time,
	// a server bug the GetId-guest set-up must catch.
	guestReuse bool
}

func (f *fakeIdentity) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityService.")
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	signed := strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
	pool, _ := in["IdentityPoolId"].(string)
	out := map[string]any{}
	fail := func(code string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code})
	}
	newID := func() string { f.n++; return fmt.Sprintf("us-east-1:%08d-0000-4000-8000-000000000000", f.n) }
	switch op {
	case "CreateIdentityPool", "DescribeIdentityPool", "DeleteIdentityPool", "GetOpenIdTokenForDeveloperIdentity":
		if !signed {
			fail("MissingAuthenticationTokenException")
			return
		}
	}
	switch op {
	case "CreateIdentityPool":
		pool = newID()
		f.pools[pool] = in
		out["IdentityPoolId"] = pool
	case "DescribeIdentityPool":
		if f.pools[pool] == nil {
			fail("ResourceNotFoundException")
			return
		}
		out["IdentityPoolId"] = pool
	case "DeleteIdentityPool":
		delete(f.pools, pool)
	case "GetId", "GetOpenIdTokenForDeveloperIdentity":
		if f.pools[pool] == nil {
			fail("ResourceNotFoundException")
			return
		}
		logins, _ := in["Logins"].(map[string]any)
		key := pool + fmt.Sprint(logins)
		id := f.logins[key]
		switch {
		case id != "":
		case len(logins) > 0 || f.guestReuse:
			id = newID()
			f.logins[key] = id
		default:
			id = newID()
		}
		out["IdentityId"] = id
		if op != "GetId" {
			out["Token"] = "h.p.s"
		}
	case "GetOpenIdToken":
		out["IdentityId"], out["Token"] = in["IdentityId"], "h.p.s"
	default:
		fail("UnknownOperationException")
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func newFakeIdentity(t *testing.T, guestReuse bool) (*fakeIdentity, *identityClient) {
	t.Helper()
	f := &fakeIdentity{pools: map[string]map[string]any{}, logins: map[string]string{}, guestReuse: guestReuse}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := &identityClient{
		http:     &http.Client{Timeout: 10 * time.Second},
		endpoint: srv.URL,
		region:   "us-east-1",
		signing: &load.Signing{
			Signer:      v4.NewSigner(),
			Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"},
			Service:     "cognito-identity",
			Region:      "us-east-1",
		},
		name: "test",
	}
	return f, c
}

// newEmulator serves a real idpool with a throw-away in-memory store in
// this process and returns a client of it, set up as the benchmark's own.
func newEmulator(t *testing.T) *identityClient {
	t.Helper()
	return serveEmulator(t, nil, "--db", ":memory:")
}

// serveEmulator is newEmulator for a server started with args, its
// handler wrapped by wrap when that is not nil.
func serveEmulator(t *testing.T, wrap func(http.Handler) http.Handler, args ...string) *identityClient {
	t.Helper()
	ctx := context.Background()
	cfg, err := emulator.Load(args, func(string) string { return "" })
	if err != nil {
		t.Fatalf("emulator.Load: %v", err)
	}
	srv, err := emulator.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})
	return &identityClient{
		http:         &http.Client{Timeout: 10 * time.Second},
		endpoint:     hs.URL,
		stsEndpoint:  hs.URL,
		syncEndpoint: hs.URL,
		region:       "us-east-1",
		signing: &load.Signing{
			Signer:      v4.NewSigner(),
			Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"},
			Service:     "cognito-identity",
			Region:      "us-east-1",
		},
		role:    "arn:aws:iam::123456789012:role/idpool-bench",
		workers: 2,
		name:    "test",
	}
}

// TestScenarioSetup prepares every scenario against the real server, has
// the generator send what it prepared, and cleans up.
func TestScenarioSetup(t *testing.T) {
	for _, s := range scenarioTable() {
		t.Run(s.name, func(t *testing.T) {
			c := newEmulator(t)
			ctx := context.Background()
			opts := load.Options{Client: &http.Client{}, Workers: c.workers}
			m, err := s.prepare(ctx, c, opts)
			if err != nil {
				t.Fatalf("set-up: %v", err)
			}
			// What set-up prepared must succeed when the generator sends it.
			res, err := m(ctx, 200*time.Millisecond, 0)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if res.Requests == 0 || res.Errors != 0 {
				t.Errorf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
			}
			if len(c.pools) == 0 {
				t.Errorf("set-up remembered no pool to delete, want its pools")
			}
			if err := c.cleanup(ctx); err != nil {
				t.Errorf("cleanup: %v", err)
			}
			var left struct{ IdentityPools []any }
			if err := c.call(ctx, "ListIdentityPools", map[string]any{"MaxResults": 60}, &left, true); err != nil {
				t.Fatal(err)
			}
			if len(left.IdentityPools) != 0 {
				t.Errorf("after cleanup %d pools remain, want 0", len(left.IdentityPools))
			}
		})
	}
}

// TestScenarioSetupFake prepares the scenarios the fake knows enough for
// (Cognito Identity's, without roles) against it, whose answers are pinned
// down here rather than by the server.
func TestScenarioSetupFake(t *testing.T) {
	known := map[string]bool{"DescribeIdentityPool": true, "GetId-known": true, "GetId-guest": true,
		"GetOpenIdToken": true, "GetOpenIdTokenForDeveloperIdentity": true}
	for _, s := range scenarioTable() {
		if !known[s.name] {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			f, c := newFakeIdentity(t, false)
			ctx := context.Background()
			req, err := s.setup(ctx, c)
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			opts := load.Options{Client: &http.Client{}, Workers: 2, Duration: 200 * time.Millisecond}
			res, err := load.Run(ctx, opts, req)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Requests == 0 || res.Errors != 0 {
				t.Errorf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
			}
			if err := c.cleanup(ctx); err != nil {
				t.Errorf("cleanup: %v", err)
			}
			if len(f.pools) != 0 {
				t.Errorf("after cleanup %d pools remain, want 0", len(f.pools))
			}
		})
	}
}

func TestScenarioSetupCatchesBrokenServer(t *testing.T) {
	_, c := newFakeIdentity(t, true)
	_, err := setupGetIDGuest(context.Background(), c)
	if err == nil || !strings.Contains(err.Error(), "want two new identities") {
		t.Errorf("setup against a server reusing guest identities: got %v, want an error", err)
	}
}

// TestWritesStream checks how the UpdateRecords stream spreads writes:
// each worker fills datasets of its own, per writes each, with keys never
// used before, and takes datasets again from the first when they run out.
func TestWritesStream(t *testing.T) {
	sign := &load.Signing{Service: "cognito-sync"}
	w := &writes{per: 3}
	for i := range 4 {
		d, err := newWriteDataset(fmt.Sprintf("http://sync/ds%d", i), `tok"`+fmt.Sprint(i), sign)
		if err != nil {
			t.Fatal(err)
		}
		w.datasets = append(w.datasets, d)
	}
	a, b := w.stream(0), w.stream(1)
	type write struct{ url, key, worker string }
	var got []write
	keys := map[string]bool{}
	for _, next := range []func() load.Request{a, b, a, a, b, a, b, b, a, a, a, a, a} {
		req := next()
		var body struct {
			SyncSessionToken string
			RecordPatches    []struct {
				Op, Key, Value string
				SyncCount      *int64
			}
		}
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatalf("body %s: %v", req.Body, err)
		}
		if n := len(body.RecordPatches); n != 1 {
			t.Fatalf("body %s has %d patches, want 1", req.Body, n)
		}
		p := body.RecordPatches[0]
		ds := req.URL[len("http://sync/ds"):]
		if body.SyncSessionToken != `tok"`+ds || p.Op != "replace" || p.Value != writeValue || p.SyncCount == nil || *p.SyncCount != 0 {
			t.Errorf("body %s, want the session token of %s and a new record", req.Body, req.URL)
		}
		if req.Method != http.MethodPost || req.Sign != sign || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %v signed by %v, want a signed JSON POST", req.Method, req.Header, req.Sign)
		}
		if keys[p.Key] {
			t.Errorf("key %q written twice, want new keys only", p.Key)
		}
		keys[p.Key] = true
		worker, _, _ := strings.Cut(p.Key, "-")
		got = append(got, write{req.URL[len("http://sync/"):], p.Key, worker})
	}
	want := []write{
		{"ds0", "w0-0-0", "w0"}, {"ds1", "w1-1-0", "w1"}, {"ds0", "w0-0-1", "w0"}, {"ds0", "w0-0-2", "w0"},
		{"ds1", "w1-1-1", "w1"}, {"ds2", "w0-2-0", "w0"}, {"ds1", "w1-1-2", "w1"}, {"ds3", "w1-3-0", "w1"},
		{"ds2", "w0-2-1", "w0"}, {"ds2", "w0-2-2", "w0"},
		// Out of datasets: the first is taken again, with new keys.
		{"ds0", "w0-4-0", "w0"}, {"ds0", "w0-4-1", "w0"}, {"ds0", "w0-4-2", "w0"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("writes\n got %v\nwant %v", got, want)
	}
}

func TestWriteDatasets(t *testing.T) {
	tests := []struct {
		name    string
		sending time.Duration
		workers int
		want    int
	}{
		{name: "no run", sending: 0, workers: 2, want: 1 + 4 + 1},
		{name: "default flags", sending: 10 * time.Second, workers: 32, want: 251 + 64 + 1},
		{name: "one worker", sending: time.Second, workers: 1, want: 26 + 2 + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := writeDatasets(tc.sending, tc.workers); got != tc.want {
				t.Errorf("writeDatasets(%v, %d) = %d, want %d", tc.sending, tc.workers, got, tc.want)
			}
		})
	}
}

// TestUpdateRecordsLand checks against the real server that the writes
// the generator counts as done are stored, each as a new record, and that
// the datasets of one run are spread over identities within the quotas.
func TestUpdateRecordsLand(t *testing.T) {
	c := newEmulator(t)
	c.sending = 2 * time.Second // 50,000 writes: three identities
	ctx := context.Background()
	w, err := c.prepareWrites(ctx)
	if err != nil {
		t.Fatalf("set-up: %v", err)
	}
	owners := map[string]int{}
	for _, d := range w.datasets {
		id, _, _ := strings.Cut(d.url[strings.Index(d.url, "/identities/")+len("/identities/"):], "/")
		owners[id]++
	}
	if len(w.datasets) != writeDatasets(c.sending, c.workers) || len(owners) != 3 {
		t.Errorf("prepared %d datasets of %d identities, want %d of 3", len(w.datasets), len(owners), writeDatasets(c.sending, c.workers))
	}
	for id, n := range owners {
		if n > datasetsPerIdentity {
			t.Errorf("identity %s has %d datasets, want at most %d", id, n, datasetsPerIdentity)
		}
	}
	opts := load.Options{Client: &http.Client{}, Workers: c.workers, Duration: 300 * time.Millisecond}
	res, err := load.RunStream(ctx, opts, w.stream)
	if err != nil {
		t.Fatalf("RunStream: %v", err)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Fatalf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
	}
	var stored uint64
	for _, d := range w.datasets[:w.taken.Load()] {
		page, err := c.listRecords(ctx, d.url, d.sign)
		if err != nil {
			t.Fatal(err)
		}
		stored += uint64(len(page.Records))
	}
	// Besides the counted writes, the probe's and each worker's last,
	// answered after the window, are stored.
	if lo, hi := res.Requests+1, res.Requests+1+uint64(c.workers); stored < lo || stored > hi {
		t.Errorf("%d records stored after %d counted writes, want %d to %d", stored, res.Requests, lo, hi)
	}
}
