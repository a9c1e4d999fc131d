package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/google/uuid"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

func main() {
	if os.Getenv(minimalEnv) != "" {
		os.Exit(serveMinimal(os.Args[1:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // the usage is printed; asking for it is no failure
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "idpool-bench:", err)
		os.Exit(1)
	}
}

// idleSample is how long the benchmark watches the machine while idle, at
// the start and at the end, to tell how busy other work keeps it.
const idleSample = 500 * time.Millisecond

// options are the command-line flags.
type options struct {
	endpoint   string
	stsURL     string
	syncURL    string
	server     string
	serverArgs string
	duration   time.Duration
	warmup     time.Duration
	workers    int
	rounds     int
	starts     int
	scenarios  string
	region     string
	role       string
	accessKey  string
	secretKey  string
	awsCreds   bool
	json       bool
	scale      int
	console    int
	moto       string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("idpool-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.endpoint, "endpoint", "", "drive an already-running server at this base `URL` (default http://127.0.0.1:9230 unless -server is set)")
	fs.StringVar(&o.stsURL, "sts-endpoint", "", "base `URL` of STS when it is not -endpoint (real AWS)")
	fs.StringVar(&o.syncURL, "sync-endpoint", "", "base `URL` of Cognito Sync when it is not -endpoint (real AWS)")
	fs.StringVar(&o.server, "server", "", "start this idpool binary `path` on a free port with a fresh database, measure start-up and memory")
	fs.StringVar(&o.serverArgs, "server-args", "", "extra space-separated arguments for the -server binary")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per scenario and baseline")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up before each scenario")
	fs.IntVar(&o.workers, "workers", 32, "concurrent workers (closed loop: each waits for its answer)")
	fs.IntVar(&o.rounds, "rounds", 5, "slices in which a scenario and its baseline alternate")
	fs.IntVar(&o.starts, "starts", 5, "start-ups measured per database state with -server")
	fs.StringVar(&o.scenarios, "scenarios", "", "comma-separated scenarios to run (default all; \"none\" runs only the baselines): "+strings.Join(scenarioNames(), ","))
	fs.StringVar(&o.region, "region", "us-east-1", "AWS region to sign for")
	fs.StringVar(&o.role, "role", "arn:aws:iam::123456789012:role/idpool-bench", "IAM role `ARN` the scenarios' pools give their guests and AssumeRoleWithWebIdentity assumes (on AWS it must trust cognito-identity.amazonaws.com)")
	fs.StringVar(&o.accessKey, "access-key", "AKIDEXAMPLE", "access key id for signed operations")
	fs.StringVar(&o.secretKey, "secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "secret access key for signed operations")
	fs.BoolVar(&o.awsCreds, "aws-credentials", false, "sign with the AWS SDK's default credentials (environment, profile…) instead of -access-key/-secret-key, e.g. for real AWS")
	fs.BoolVar(&o.json, "json", false, "print the results as JSON")
	fs.StringVar(&o.moto, "moto", "auto", "moto_server `path` to compare every scenario with; \"auto\" finds it on the PATH (no comparison where it is absent), \"off\" skips it")
	fs.IntVar(&o.scale, "scale", 0, "also run the scale scenario over a pool of `N` identities (e.g. 1000000), seeded into the -server's database; 0: off")
	fs.IntVar(&o.console, "console-identities", 100_000, "with -server, also compare a console search over a pool of `N` identities, seeded into the server's database, with a ListIdentities page; 0: off")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	consoleSet := false
	fs.Visit(func(f *flag.Flag) { consoleSet = consoleSet || f.Name == "console-identities" })
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.server != "" && (o.endpoint != "" || o.stsURL != "" || o.syncURL != ""):
		return o, errors.New("use -endpoint (and -sts-endpoint, -sync-endpoint) or -server, not both")
	case o.scale < 0 || (o.scale > 0 && o.server == ""):
		return o, errors.New("-scale needs -server (it seeds the server's database) and a positive count")
	case o.console < 0:
		return o, errors.New("-console-identities must not be negative")
	case consoleSet && o.console > 0 && o.server == "":
		return o, errors.New("-console-identities needs -server (it seeds the server's database)")
	case o.duration <= 0 || o.warmup < 0 || o.workers < 1 || o.starts < 1 || o.rounds < 1:
		return o, errors.New("-duration, -workers, -rounds and -starts must be positive and -warmup not negative")
	}
	if o.server == "" {
		o.console = 0 // its pool can only be seeded into a database of -server
	}
	if o.endpoint == "" && o.server == "" {
		o.endpoint = "http://127.0.0.1:9230"
	}
	o.endpoint = strings.TrimRight(o.endpoint, "/")
	o.stsURL = strings.TrimRight(o.stsURL, "/")
	o.syncURL = strings.TrimRight(o.syncURL, "/")
	return o, nil
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarioTable() {
		names = append(names, s.name)
	}
	return names
}

// selectScenarios returns the scenarios named in list, in table order.
func selectScenarios(list string) ([]scenario, error) {
	all := scenarioTable()
	switch list {
	case "":
		return all, nil
	case "none":
		return nil, nil
	}
	want := map[string]bool{}
	for n := range strings.SplitSeq(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var out []scenario
	for _, s := range all {
		if want[s.name] {
			out = append(out, s)
			delete(want, s.name)
		}
	}
	if len(want) > 0 {
		var unknown []string
		for n := range want {
			unknown = append(unknown, n)
		}
		slices.Sort(unknown)
		return nil, fmt.Errorf("unknown scenarios %s (have %s)", strings.Join(unknown, ", "), strings.Join(scenarioNames(), ", "))
	}
	return out, nil
}

// run is the whole benchmark; main only wires it to the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	selected, err := selectScenarios(o.scenarios)
	if err != nil {
		return err
	}
	progress := func(format string, args ...any) { fmt.Fprintf(stderr, "idpool-bench: "+format+"\n", args...) }

	creds := aws.Credentials{AccessKeyID: o.accessKey, SecretAccessKey: o.secretKey, Source: "idpool-bench flags"}
	if o.awsCreds {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(o.region))
		if err != nil {
			return fmt.Errorf("load AWS configuration: %w", err)
		}
		if creds, err = cfg.Credentials.Retrieve(ctx); err != nil {
			return fmt.Errorf("retrieve AWS credentials: %w", err)
		}
	}
	transport := load.NewTransport(o.workers)
	lopts := load.Options{Client: &http.Client{Transport: transport}, Workers: o.workers, Warmup: o.warmup, Duration: o.duration}
	id := &identityClient{
		http:   &http.Client{Transport: transport, Timeout: 30 * time.Second},
		region: o.region,
		signing: &load.Signing{
			Signer:      v4.NewSigner(),
			Credentials: creds,
			Service:     "cognito-identity",
			Region:      o.region,
		},
		role:    o.role,
		workers: o.workers,
		// A scenario measured interleaved sends for its share of
		// -duration and a warm-up per round at most; one measured alone
		// for -duration and one warm-up.
		sending: o.duration + time.Duration(o.rounds)*o.warmup,
		name:    uuid.NewString()[:8],
	}
	rep := &Report{CPUs: runtime.NumCPU(), Workers: o.workers, Duration: o.duration, Server: o.server}
	rep.OtherLoad = append(rep.OtherLoad, otherLoad(ctx, idleSample))

	trivial, stopTrivial, err := newTrivial(lopts, id)
	if err != nil {
		return err
	}
	defer stopTrivial()
	baselines := map[targetKind]measurer{vsTrivial: trivial, vsSigning: signing(rep.CPUs)}
	record := func(kind targetKind, res load.Result) {
		switch kind {
		case vsTrivial:
			rep.Trivial = append(rep.Trivial, newRow("trivial", res))
		case vsSigning:
			rep.Signing = append(rep.Signing, res.Rate())
		}
	}

	// Both baselines once while no server under test is running.
	progress("measuring the RS512 signing ceiling on %d CPUs for %s", rep.CPUs, o.duration)
	res, err := baselines[vsSigning](ctx, o.duration, 0)
	if err != nil {
		return err
	}
	record(vsSigning, res)
	progress("measuring the trivial net/http handler with %d workers for %s", o.workers, o.duration)
	if res, err = trivial(ctx, o.duration, o.warmup); err != nil {
		return err
	}
	record(vsTrivial, res)

	var (
		srv        *server
		small, big *scalePool // of the scale scenario
		console    *scalePool // of the console scenario
	)
	if o.server != "" {
		dir, err := os.MkdirTemp("", "idpool-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		l := newLauncher(o.server, strings.Fields(o.serverArgs))
		st, db, err := l.measureStartups(ctx, dir, o.starts, progress)
		if err != nil {
			return err
		}
		rep.Startup = st
		if st.Memory, st.Minimal, err = l.measureMemoryStartups(ctx, dir, o.starts, progress); err != nil {
			return err
		}
		if o.scale > 0 {
			progress("seeding %d and %d identities into %s", scaleSmall, o.scale, db)
			var took time.Duration
			if small, big, took, err = seedScale(ctx, db, o.region, o.role, o.scale, progress); err != nil {
				return fmt.Errorf("seed the scale scenario: %w", err)
			}
			progress("seeded in %s", took.Round(time.Millisecond))
			rep.Scale = &Scale{Identities: o.scale, Seeding: took}
		}
		if o.console > 0 {
			console = newConsolePool(o.region, o.console)
			progress("seeding %d identities for the console scenario into %s", o.console, db)
			took, err := seed(ctx, db, o.role, progress, console)
			if err != nil {
				return fmt.Errorf("seed the console scenario: %w", err)
			}
			progress("seeded in %s", took.Round(time.Millisecond))
		}
		if srv, _, err = l.start(ctx, db, filepath.Join(dir, "run", "server.log")); err != nil {
			return err
		}
		defer func() {
			if stopErr := srv.stop(); err == nil {
				err = stopErr
			}
		}()
		o.endpoint = srv.url
	}
	rep.Endpoint = o.endpoint
	id.endpoint, id.stsEndpoint, id.syncEndpoint = o.endpoint, cmp.Or(o.stsURL, o.endpoint), cmp.Or(o.syncURL, o.endpoint)
	// Delete what the scenarios create even when the run is interrupted
	// (it may be a real AWS account), while the server is still up.
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := id.cleanup(ctx); err != nil {
			progress("cleanup: %v", err)
		}
	}()

	var motoURL string
	if bin := findMoto(o.moto); bin != "" && len(selected) > 0 {
		dir, err := os.MkdirTemp("", "idpool-bench-moto-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		progress("starting %s", bin)
		url, stop, err := startMoto(ctx, bin, dir, id)
		if err != nil {
			return err
		}
		defer stop()
		motoURL, rep.Moto = url, bin
	}

	for _, s := range selected {
		progress("setting up %s", s.name)
		scen, err := s.prepare(ctx, id, lopts)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rep.Scenarios = append(rep.Scenarios, Row{Name: s.name, SetupError: err.Error(), target: s.target})
			continue
		}
		var row Row
		if base, ok := baselines[s.target.kind]; ok {
			// The machine may be shared: measure the scenario and its
			// baseline side by side so that the ratio compares like
			// with like.
			progress("running %s interleaved with its baseline, %d workers, %d rounds of %s each",
				s.name, o.workers, o.rounds, o.duration/time.Duration(o.rounds))
			rb, rs, err := interleave(ctx, o.rounds, o.duration, o.warmup, base, scen)
			if err != nil {
				return err
			}
			record(s.target.kind, rb)
			row = newRow(s.name, rs)
			row.BaselineRate = rb.Rate()
		} else {
			progress("running %s with %d workers for %s", s.name, o.workers, o.duration)
			rs, err := scen(ctx, o.duration, o.warmup)
			if err != nil {
				return err
			}
			row = newRow(s.name, rs)
		}
		row.target = s.target
		if motoURL != "" {
			progress("running %s on moto_server for %s", s.name, o.duration)
			if err := runOnMoto(ctx, s, id, lopts, motoURL, o.duration, o.warmup, &row); err != nil {
				return err
			}
		}
		rep.Scenarios = append(rep.Scenarios, row)
	}

	if srv != nil {
		m, err := srv.memory()
		if err != nil {
			return err
		}
		rep.Memory = &m
	}
	// After the memory reading: the target of resident memory is the
	// server's after the scenarios, not after random reads of a big pool.
	if console != nil {
		if err := runConsole(ctx, o, id, lopts, console, rep, progress); err != nil {
			return fmt.Errorf("console scenario: %w", err)
		}
	}
	if big != nil {
		if err := runScale(ctx, o, id, lopts, srv, small, big, rep, progress); err != nil {
			return fmt.Errorf("scale scenario: %w", err)
		}
	}
	// The server under test is idle now, so this is again other work.
	rep.OtherLoad = append(rep.OtherLoad, otherLoad(ctx, idleSample))
	rep.evaluate()
	if o.json {
		return writeJSON(stdout, rep)
	}
	return writeTable(stdout, rep)
}

// cpuTimes reads the machine-wide busy and total CPU time from /proc/stat,
// in clock ticks.
func cpuTimes() (busy, total uint64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseCPUTimes(b)
}

// parseCPUTimes reads the aggregate "cpu" line of a /proc/stat file.
// Idle and iowait count as idle; everything else, steal (time the
// hypervisor gave to other machines) included, counts as busy.
func parseCPUTimes(b []byte) (busy, total uint64, err error) {
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("unexpected /proc/stat line %q", line)
	}
	var idle uint64
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("unexpected /proc/stat line %q: %w", line, err)
		}
		if i >= 8 {
			break // guest time is already part of user time
		}
		total += n
		if i == 3 || i == 4 { // idle, iowait
			idle += n
		}
	}
	return total - idle, total, nil
}

// otherLoad returns the fraction of the machine's CPU time that was busy
// during d while this benchmark sat idle: the share other work takes. It
// returns -1 where /proc/stat is unavailable.
func otherLoad(ctx context.Context, d time.Duration) float64 {
	b0, t0, err := cpuTimes()
	if err != nil {
		return -1
	}
	select {
	case <-ctx.Done():
		return -1
	case <-time.After(d):
	}
	b1, t1, err := cpuTimes()
	if err != nil || t1 <= t0 {
		return -1
	}
	return float64(b1-b0) / float64(t1-t0)
}
