package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// fakeEnv makes the test binary act as a tiny idpool server (see
// fakeServer) so the launcher can be tested without the real binary.
const fakeEnv = "IDPOOL_BENCH_FAKE_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(minimalEnv) != "" {
		os.Exit(serveMinimal(os.Args[1:]))
	}
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeServer(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeServer serves /_idpool/health and a one-key JWKS on --addr, creates
// the --db file, and exits cleanly on SIGTERM. Mode "crash" exits at once
// with an error instead.
func fakeServer(mode string, args []string) int {
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	addr := fs.String("addr", "", "")
	db := fs.String("db", "", "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if mode == "crash" {
		fmt.Fprintln(os.Stderr, "fake idpool: cannot open database")
		return 1
	}
	if *db != memoryDB {
		if err := os.WriteFile(*db, []byte("db"), 0o600); err != nil {
			return 1
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_idpool/health", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /.well-known/jwks_uri", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"keys":[{"kty":"RSA"}]}`))
	})
	srv := &http.Server{Addr: *addr, Handler: mux}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return 1
	}
	return 0
}

func TestLauncher(t *testing.T) {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, "serve")
	ctx := context.Background()
	l := newLauncher(bin, nil)
	dir := t.TempDir()

	st, db, err := l.measureStartups(ctx, dir, 2, t.Logf)
	if err != nil {
		t.Fatalf("measureStartups: %v", err)
	}
	if len(st.Fresh) != 2 || len(st.Existing) != 2 {
		t.Fatalf("got %d fresh and %d existing start-ups, want 2 and 2", len(st.Fresh), len(st.Existing))
	}
	for _, d := range append(st.Fresh, st.Existing...) {
		if d <= 0 || d > readyTimeout {
			t.Errorf("start-up latency %v, want within (0, %v]", d, readyTimeout)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("existing database: %v", err)
	}

	s, _, err := l.start(ctx, db, filepath.Join(dir, "run.log"))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	m, err := s.memory()
	if err != nil {
		t.Errorf("memory: %v", err)
	}
	if m.RSS == 0 || m.Peak < m.RSS {
		t.Errorf("memory = %+v, want VmRSS > 0 and VmHWM ≥ VmRSS", m)
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestMemoryStartups(t *testing.T) {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, "serve")
	idpool, minimal, err := newLauncher(bin, nil).measureMemoryStartups(context.Background(), t.TempDir(), 2, t.Logf)
	if err != nil {
		t.Fatalf("measureMemoryStartups: %v", err)
	}
	if len(idpool) != 2 || len(minimal) != 2 {
		t.Fatalf("got %d and %d start-ups, want 2 and 2", len(idpool), len(minimal))
	}
	for _, d := range append(idpool, minimal...) {
		if d <= 0 || d > readyTimeout {
			t.Errorf("start-up latency %v, want within (0, %v]", d, readyTimeout)
		}
	}
}

func TestLauncherCrash(t *testing.T) {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeEnv, "crash")
	dir := t.TempDir()
	_, _, err = newLauncher(bin, nil).start(context.Background(), filepath.Join(dir, "db"), filepath.Join(dir, "log"))
	if err == nil || !strings.Contains(err.Error(), "cannot open database") {
		t.Errorf("start: got %v, want an error quoting the server log", err)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    Memory
		wantErr bool
	}{
		{
			name:   "both lines",
			status: "Name:\tidpool\nVmHWM:\t   30000 kB\nVmRSS:\t   20480 kB\nThreads:\t7\n",
			want:   Memory{RSS: 20480 << 10, Peak: 30000 << 10},
		},
		{name: "missing VmRSS", status: "Name:\tidpool\nVmHWM:\t1 kB\n", wantErr: true},
		{name: "odd unit", status: "VmHWM:\t1 kB\nVmRSS:\t1 MB\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tc.status))
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseStatus: error %v, want error: %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("parseStatus = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSpreadWarning(t *testing.T) {
	tests := []struct {
		name     string
		trivial  []float64
		signing  []float64
		wantWarn bool
	}{
		{name: "steady", trivial: []float64{20000, 21000, 22000}, signing: []float64{1000, 1100}},
		{name: "one measurement each", trivial: []float64{20000}, signing: []float64{1000}},
		{name: "noisy trivial", trivial: []float64{20000, 40000}, signing: []float64{1000}, wantWarn: true},
		{name: "noisy signing", trivial: []float64{20000}, signing: []float64{1000, 1500}, wantWarn: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Signing: tc.signing}
			for _, v := range tc.trivial {
				r.Trivial = append(r.Trivial, Row{Rate: v})
			}
			var b bytes.Buffer
			if err := writeTable(&b, r); err != nil {
				t.Fatalf("writeTable: %v", err)
			}
			if got := strings.Contains(b.String(), "WARNING"); got != tc.wantWarn {
				t.Errorf("warned: %v, want %v; got:\n%s", got, tc.wantWarn, b.String())
			}
		})
	}
}

func TestParseCPUTimes(t *testing.T) {
	tests := []struct {
		name      string
		stat      string
		busy, all uint64
		wantErr   bool
	}{
		{name: "full line", stat: "cpu  100 5 50 800 20 1 2 3 40 0\ncpu0 1 2 3 4\n", busy: 161, all: 981},
		{name: "old kernel", stat: "cpu 10 0 10 80\n", busy: 20, all: 100},
		{name: "not a cpu line", stat: "intr 1 2 3 4 5\n", wantErr: true},
		{name: "garbage", stat: "cpu 1 x 3 4\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			busy, all, err := parseCPUTimes([]byte(tc.stat))
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseCPUTimes: error %v, want error: %v", err, tc.wantErr)
			}
			if busy != tc.busy || all != tc.all {
				t.Errorf("parseCPUTimes = %d busy of %d, want %d of %d", busy, all, tc.busy, tc.all)
			}
		})
	}
}

func TestBusyWarning(t *testing.T) {
	tests := []struct {
		name     string
		load     []float64
		wantWarn bool
	}{
		{name: "quiet", load: []float64{0.01, 0.03}},
		{name: "unknown", load: []float64{-1, -1}},
		{name: "busy at the end", load: []float64{0.01, 0.6}, wantWarn: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeTable(&b, &Report{OtherLoad: tc.load}); err != nil {
				t.Fatalf("writeTable: %v", err)
			}
			if got := strings.Contains(b.String(), "WARNING: other work"); got != tc.wantWarn {
				t.Errorf("warned: %v, want %v; got:\n%s", got, tc.wantWarn, b.String())
			}
		})
	}
}

func TestMedianFloat(t *testing.T) {
	if got, want := median([]float64{3, 1, 2, 10}), 2.5; got != want {
		t.Errorf("median = %v, want %v", got, want)
	}
}

func TestMedian(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"empty", nil, 0},
		{"odd count", []time.Duration{30 * ms, 10 * ms, 20 * ms}, 20 * ms},
		{"even count", []time.Duration{40 * ms, 10 * ms, 20 * ms, 30 * ms}, 25 * ms},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := median(tc.in); got != tc.want {
				t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSelectScenarios(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		want    []string
		wantErr bool
	}{
		{name: "default is all", list: "", want: scenarioNames()},
		{name: "none", list: "none", want: nil},
		{name: "table order", list: "GetOpenIdToken, DescribeIdentityPool", want: []string{"DescribeIdentityPool", "GetOpenIdToken"}},
		{name: "unknown", list: "GetId-guest,Nope", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := selectScenarios(tc.list)
			if (err != nil) != tc.wantErr {
				t.Fatalf("selectScenarios(%q): error %v, want error: %v", tc.list, err, tc.wantErr)
			}
			var names []string
			for _, s := range got {
				names = append(names, s.name)
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Errorf("selectScenarios(%q) = %v, want %v", tc.list, names, tc.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		wantEndpoint string
		wantConsole  int
		wantErr      bool
	}{
		{name: "defaults", wantEndpoint: "http://127.0.0.1:9230"},
		{name: "endpoint trailing slash", args: []string{"-endpoint", "http://localhost:9230/"}, wantEndpoint: "http://localhost:9230"},
		{name: "server", args: []string{"-server", "/tmp/idpool"}, wantEndpoint: "", wantConsole: 100_000},
		{name: "both", args: []string{"-server", "/tmp/idpool", "-endpoint", "http://x"}, wantErr: true},
		{name: "server and an STS endpoint", args: []string{"-server", "/tmp/idpool", "-sts-endpoint", "http://x"}, wantErr: true},
		{name: "server and a Sync endpoint", args: []string{"-server", "/tmp/idpool", "-sync-endpoint", "http://x"}, wantErr: true},
		{name: "service endpoints", args: []string{"-sts-endpoint", "https://sts.amazonaws.com/", "-sync-endpoint", "https://cognito-sync.us-east-1.amazonaws.com"}, wantEndpoint: "http://127.0.0.1:9230"},
		{name: "no workers", args: []string{"-workers", "0"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
		{name: "scale with a server", args: []string{"-server", "/tmp/idpool", "-scale", "1000000"}, wantEndpoint: "", wantConsole: 100_000},
		{name: "scale without a server", args: []string{"-scale", "1000000"}, wantErr: true},
		{name: "negative scale", args: []string{"-server", "/tmp/idpool", "-scale", "-1"}, wantErr: true},
		{name: "console pool size", args: []string{"-server", "/tmp/idpool", "-console-identities", "5000"}, wantConsole: 5000},
		{name: "console off", args: []string{"-server", "/tmp/idpool", "-console-identities", "0"}, wantConsole: 0},
		{name: "console without a server", args: []string{"-console-identities", "5000"}, wantErr: true},
		{name: "console off without a server", args: []string{"-console-identities", "0"}, wantEndpoint: "http://127.0.0.1:9230"},
		{name: "negative console pool", args: []string{"-server", "/tmp/idpool", "-console-identities", "-1"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args, new(bytes.Buffer))
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseFlags(%q): error %v, want error: %v", tc.args, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if o.endpoint != tc.wantEndpoint {
				t.Errorf("endpoint = %q, want %q", o.endpoint, tc.wantEndpoint)
			}
			if o.console != tc.wantConsole {
				t.Errorf("console identities = %d, want %d", o.console, tc.wantConsole)
			}
		})
	}
}

// sampleReport has one scenario of each target kind, a failed set-up,
// a comparison with moto, start-ups, memory and the scale scenario.
func sampleReport() *Report {
	ms := time.Millisecond
	deleting := new(load.Histogram)
	deleting.Record(5 * ms)
	deleting.Record(150 * ms)
	return &Report{
		Moto:      "/usr/bin/moto_server",
		Endpoint:  "http://127.0.0.1:9230",
		CPUs:      2,
		Workers:   32,
		Duration:  3 * time.Second,
		OtherLoad: []float64{0.02, -1},
		Trivial: []Row{
			{Name: "trivial", Rate: 20000, P50: 800 * time.Microsecond, P99: 3 * ms},
			{Name: "trivial", Rate: 24000, P50: 800 * time.Microsecond, P99: 3 * ms, Errors: 1,
				Statuses: map[int]uint64{0: 1}, FirstError: "connection reset"},
		},
		Signing: []float64{1000},
		Scenarios: []Row{
			{Name: "DescribeIdentityPool", Rate: 12000, P50: 2 * ms, P99: 9 * ms, BaselineRate: 20000, target: readTarget, MotoRate: 400},
			{Name: "GetOpenIdToken", Rate: 500, P50: 50 * ms, P99: 120 * ms, Errors: 3,
				Statuses: map[int]uint64{400: 2, 0: 1}, FirstError: "400 Bad Request: {}", target: tokenTarget},
			{Name: "GetId-guest", Rate: 6000, P50: 5 * ms, P99: 1500 * ms, target: target{kind: atLeast, min: 5000}},
			{Name: "GetOpenIdTokenForDeveloperIdentity", SetupError: "CreateIdentityPool: 400", target: tokenTarget},
			{Name: "ListRecords", Rate: 9000, BaselineRate: 20000, target: readTarget, MotoError: "set-up failed: 404"},
			{Name: "DescribeIdentity, random of 1000000", Rate: 3000, BaselineRate: 5000, Baseline: "1000 identities", target: scaleTarget},
			{Name: "console search by login, random of 100000", Rate: 1500, P50: 20 * ms, P99: 40 * ms, BaselineRate: 1000, Baseline: "ListIdentities of 60", target: consoleTarget},
		},
		Startup: &Startup{
			Fresh:    []time.Duration{60 * ms, 40 * ms, 70 * ms},
			Existing: []time.Duration{10 * ms, 12 * ms, 11 * ms},
			Memory:   []time.Duration{30 * ms, 20 * ms, 25 * ms},
			Minimal:  []time.Duration{10 * ms, 12 * ms, 11 * ms},
		},
		Memory: &Memory{RSS: 30 << 20, Peak: 45 << 20},
		Scale: &Scale{Identities: 1000000, Seeding: 100 * time.Second, Memory: Memory{RSS: 60 << 20, Peak: 62 << 20},
			DeleteGetID: deleting, DeleteTook: 200 * ms},
	}
}

func TestEvaluate(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	type verdict struct {
		value float64
		pass  bool
	}
	want := map[string]verdict{
		"DescribeIdentityPool vs trivial":                                   {60, true},
		"GetOpenIdToken vs signing":                                         {50, false},
		"GetId-guest":                                                       {6000, true},
		"ListRecords vs trivial":                                            {45, false},
		"DescribeIdentity, random of 1000000 vs 1000 identities":            {60, false},
		"console search by login, random of 100000 vs ListIdentities of 60": {150, true},
		"DescribeIdentityPool vs moto_server":                               {30, true},
		"start-up on :memory: vs a minimal Go HTTP server":                  {25.0 / 11, true},
		"resident memory after the run":                                     {30, true},
		"resident memory with 1000000 identities":                           {60, true},
		"slowest GetId while deleting 1000000 identities":                   {150, false},
	}
	if len(r.Checks) != len(want) {
		t.Errorf("got %d checks %+v, want %d", len(r.Checks), r.Checks, len(want))
	}
	for _, c := range r.Checks {
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("unexpected check %q", c.Name)
			continue
		}
		if c.Value != w.value || c.Pass != w.pass {
			t.Errorf("check %q = %v pass %v, want %v pass %v", c.Name, c.Value, c.Pass, w.value, w.pass)
		}
	}
	if got, want := r.Scenarios[0].Ratio, 0.6; got != want {
		t.Errorf("DescribeIdentityPool ratio = %v, want %v (its adjacent baseline)", got, want)
	}
	if got, want := r.Scenarios[1].BaselineRate, 1000.0; got != want {
		t.Errorf("GetOpenIdToken baseline = %v, want %v (the median, having none of its own)", got, want)
	}

	// Evaluating twice must not duplicate checks.
	r.evaluate()
	if len(r.Checks) != len(want) {
		t.Errorf("after a second evaluate got %d checks, want %d", len(r.Checks), len(want))
	}
}

func TestWriteTable(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	var b bytes.Buffer
	if err := writeTable(&b, r); err != nil {
		t.Fatalf("writeTable: %v", err)
	}
	// Compare with runs of spaces collapsed: alignment is writeColumns'
	// business and tested there.
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{
		"scenario req/s p50 p99 errors vs baseline/s ratio",
		"baseline: trivial net/http handler 22000 800µs 3.00ms 1",
		"baseline: RS512 signing, RSA-2048, 2 CPUs 1000 - - -",
		"DescribeIdentityPool 12000 2.00ms 9.00ms 0 trivial 20000 60.0 %",
		"GetOpenIdToken 500 50.0ms 120ms 3 signing 1000 50.0 %",
		"GetId-guest 6000 5.00ms 1.50s 0 -",
		"GetOpenIdTokenForDeveloperIdentity - - - - set-up failed",
		"trivial: [20000 24000]; signing: [1000]",
		"trivial baseline: transport×1; first: connection reset",
		"other CPU load=2%/?",
		"start-up (median of 3): fresh database 60.0ms [60.0ms 40.0ms 70.0ms], existing database 11.0ms [10.0ms 12.0ms 11.0ms]",
		"memory after the run: VmRSS 30.0 MiB, peak (VmHWM) 45.0 MiB",
		"DescribeIdentityPool vs trivial 60.0 % ≥ 50.0 % PASS",
		"GetOpenIdToken vs signing 50.0 % ≥ 60.0 % MISS",
		"GetId-guest 6000 req/s ≥ 5000 req/s PASS",
		"start-up (median of 3): :memory: 25.0ms [30.0ms 20.0ms 25.0ms], minimal Go HTTP server 11.0ms [10.0ms 12.0ms 11.0ms]",
		"start-up on :memory: vs a minimal Go HTTP server 2.27× ≤ 3.00× PASS",
		"DescribeIdentityPool 12000 400 30.0×",
		"ListRecords 9000 - moto: set-up failed: 404",
		"DescribeIdentityPool vs moto_server 30.00× ≥ 20.00× PASS",
		"DescribeIdentity, random of 1000000 3000 - - 0 1000 identities 5000 60.0 %",
		"DescribeIdentity, random of 1000000 vs 1000 identities 60.0 % ≥ 70.0 % MISS",
		"console search by login, random of 100000 1500 20.0ms 40.0ms 0 ListIdentities of 60 1000 150.0 %",
		"console search by login, random of 100000 vs ListIdentities of 60 150.0 % ≥ 100.0 % PASS",
		"scale: seeding 1000 + 1000000 identities took 100.00s; memory with them VmRSS 60.0 MiB, peak 62.0 MiB",
		"resident memory with 1000000 identities 60.0 MiB ≤ 64.0 MiB PASS",
		"slowest GetId while deleting 1000000 identities 150.0 ms ≤ 100.0 ms MISS",
		"resident memory after the run 30.0 MiB ≤ 40.0 MiB PASS",
		"GetOpenIdToken: transport×1 400×2; first: 400 Bad Request: {}",
		"GetOpenIdTokenForDeveloperIdentity: set-up failed: CreateIdentityPool: 400",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q; got:\n%s", want, b.String())
		}
	}
}

func TestWriteColumns(t *testing.T) {
	var b bytes.Buffer
	writeColumns(&b, [][]string{
		{"name", "p50", "x"},
		{"a-long-name", "800µs", ""},
		{"b", "12.0ms", "≥"},
	})
	want := "" +
		"name            p50  x\n" +
		"a-long-name   800µs\n" +
		"b            12.0ms  ≥\n"
	if got := b.String(); got != want {
		t.Errorf("writeColumns wrote\n%s\nwant\n%s", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	r := sampleReport()
	r.evaluate()
	var b bytes.Buffer
	if err := writeJSON(&b, r); err != nil {
		t.Fatalf("writeJSON: %v", err)
	}
	var got struct {
		Scenarios []struct {
			Name     string  `json:"name"`
			Rate     float64 `json:"requests_per_second"`
			P99      int64   `json:"p99_ns"`
			Ratio    float64 `json:"ratio"`
			Baseline string  `json:"baseline"`
		} `json:"scenarios"`
		Checks []struct {
			Name string `json:"name"`
			Pass bool   `json:"pass"`
		} `json:"checks"`
		Memory struct {
			RSS uint64 `json:"vm_rss_bytes"`
		} `json:"memory"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("decode %s: %v", b.String(), err)
	}
	if len(got.Scenarios) != 7 || got.Scenarios[0].Name != "DescribeIdentityPool" || got.Scenarios[0].Ratio != 0.6 {
		t.Errorf("scenarios = %+v, want DescribeIdentityPool first with ratio 0.6", got.Scenarios)
	}
	if c := got.Scenarios[6]; c.Baseline != "ListIdentities of 60" || c.Ratio != 1.5 {
		t.Errorf("console row = %+v, want baseline ListIdentities of 60 and ratio 1.5", c)
	}
	if got.Scenarios[0].P99 != int64(9*time.Millisecond) {
		t.Errorf("p99_ns = %d, want %d", got.Scenarios[0].P99, int64(9*time.Millisecond))
	}
	if len(got.Checks) != 11 {
		t.Errorf("got %d checks, want 11", len(got.Checks))
	}
	if got.Memory.RSS != 30<<20 {
		t.Errorf("vm_rss_bytes = %d, want %d", got.Memory.RSS, 30<<20)
	}
}

func TestFmtDur(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "-"},
		{412 * time.Microsecond, "412µs"},
		{1234 * time.Microsecond, "1.23ms"},
		{45600 * time.Microsecond, "45.6ms"},
		{123400 * time.Microsecond, "123ms"},
		{2500 * time.Millisecond, "2.50s"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := fmtDur(tc.in); got != tc.want {
				t.Errorf("fmtDur(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestTrivialBaseline is the smoke test: the trivial handler, driven by
// the real generator for 200 ms, answers only 2xx.
func TestTrivialBaseline(t *testing.T) {
	id := &identityClient{
		region: "us-east-1",
		signing: &load.Signing{
			Signer:      v4.NewSigner(),
			Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"},
			Service:     "cognito-identity",
			Region:      "us-east-1",
		},
	}
	opts := load.Options{Client: &http.Client{Transport: load.NewTransport(4)}, Workers: 4}
	trivial, stop, err := newTrivial(opts, id)
	if err != nil {
		t.Fatalf("newTrivial: %v", err)
	}
	defer stop()
	res, err := trivial(context.Background(), 200*time.Millisecond, 20*time.Millisecond)
	if err != nil {
		t.Fatalf("trivial: %v", err)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Errorf("got %d successes and %d errors (%s), want successes only", res.Requests, res.Errors, res.FirstError)
	}
	if res.Rate() <= 0 || res.Latency.Quantile(0.99) <= 0 {
		t.Errorf("rate %v, p99 %v, want both positive", res.Rate(), res.Latency.Quantile(0.99))
	}
}

func TestInterleave(t *testing.T) {
	var calls []string
	fake := func(name string, perSecond float64) measurer {
		return func(ctx context.Context, d, warmup time.Duration) (load.Result, error) {
			calls = append(calls, fmt.Sprintf("%s %v %v", name, d, warmup))
			return load.Result{Requests: uint64(perSecond * d.Seconds()), Elapsed: d, Latency: new(load.Histogram)}, nil
		}
	}
	b, s, err := interleave(context.Background(), 3, 3*time.Second, time.Second, fake("base", 100), fake("scen", 40))
	if err != nil {
		t.Fatalf("interleave: %v", err)
	}
	want := []string{"base 1s 1s", "scen 1s 1s", "scen 1s 100ms", "base 1s 100ms", "base 1s 100ms", "scen 1s 100ms"}
	if strings.Join(calls, ", ") != strings.Join(want, ", ") {
		t.Errorf("calls = %q, want %q", calls, want)
	}
	if b.Rate() != 100 || s.Rate() != 40 || b.Elapsed != 3*time.Second {
		t.Errorf("got base %v/s over %v and scenario %v/s, want 100/s over 3s and 40/s", b.Rate(), b.Elapsed, s.Rate())
	}

	failing := func(context.Context, time.Duration, time.Duration) (load.Result, error) {
		return load.Result{}, errors.New("boom")
	}
	if _, _, err := interleave(context.Background(), 2, time.Second, 0, fake("base", 1), failing); err == nil {
		t.Errorf("interleave with a failing scenario: got nil error, want one")
	}
}

func TestSigningBaseline(t *testing.T) {
	res, err := signing(1)(context.Background(), 100*time.Millisecond, 0)
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	if res.Requests == 0 || res.Elapsed != 100*time.Millisecond {
		t.Errorf("got %d signatures over %v, want some over 100ms", res.Requests, res.Elapsed)
	}
}

func TestFindMoto(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if got := findMoto("auto"); got != "" {
		t.Errorf("findMoto(auto) without moto_server on the PATH: got %q, want none", got)
	}
	bin := filepath.Join(dir, "moto_server")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ flag, want string }{{"auto", bin}, {"off", ""}, {"", ""}, {"/opt/moto", "/opt/moto"}}
	for _, tc := range tests {
		if got := findMoto(tc.flag); got != tc.want {
			t.Errorf("findMoto(%q): got %q, want %q", tc.flag, got, tc.want)
		}
	}
}
