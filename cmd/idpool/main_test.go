package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be idpool itself: a test runs it again
// with IDPOOL_TEST_MAIN=1 to get a real second process.
func TestMain(m *testing.M) {
	if os.Getenv("IDPOOL_TEST_MAIN") == "1" {
		os.Args = append([]string{"idpool"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runCmd runs the command line args and returns its exit code, stdout and
// stderr as main would produce them.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, getenv, &stdout, &stderr)
	code := exitCode(err, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestBadBoolEnv: a boolean IDPOOL_* variable that is not a bool is an
// error only while no flag replaces it, and never stops --help.
func TestBadBoolEnv(t *testing.T) {
	getenv := env(map[string]string{"IDPOOL_STRICT": "maybe", "IDPOOL_CONSOLE": "nope"})
	tests := []struct {
		name       string
		args       []string
		code       int
		stderr     []string
		noInStderr string
	}{
		{name: "help", args: []string{"--help"}, code: 0, noInStderr: "IDPOOL_"},
		{name: "export help", args: []string{"export", "--help"}, code: 0, noInStderr: "IDPOOL_"},
		{name: "both reported", args: []string{"export", "--db", "x.db"}, code: 2, stderr: []string{`IDPOOL_STRICT="maybe"`, `IDPOOL_CONSOLE="nope"`}},
		{name: "one flag given", args: []string{"export", "--db", "x.db", "--strict=false"}, code: 2, stderr: []string{"IDPOOL_CONSOLE"}, noInStderr: "IDPOOL_STRICT"},
		{name: "flags win", args: []string{"export", "--db", filepath.Join(t.TempDir(), "missing", "x.db"), "--strict=false", "--console"}, code: 1, noInStderr: "IDPOOL_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, getenv, tt.args...)
			if code != tt.code {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			wantContains(t, "stderr", stderr, tt.stderr)
			if tt.noInStderr != "" && strings.Contains(stderr, tt.noInStderr) {
				t.Errorf("stderr: got %q, want no %q", stderr, tt.noInStderr)
			}
		})
	}
}

// wantContains checks that got, the command's output what, contains
// each of wants.
func wantContains(t *testing.T, what, got string, wants []string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: got %q, want it to contain %q", what, got, w)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings of stdout
		stderr   []string // substrings of stderr
		noStdout bool
	}{
		{"--help", []string{"--help"}, 0, []string{"usage: idpool [command]", "health", "export", "-addr", "-db", "IDPOOL_DB", "-jwks-encoding", "IDPOOL_JWKS_ENCODING"}, nil, false},
		{"-h", []string{"-h"}, 0, []string{"usage: idpool [command]"}, nil, false},
		{"serve --help", []string{"serve", "--help"}, 0, []string{"Flags of serve", "-log-level", "DeveloperCredentials or an IAM user's access key"}, nil, false},
		{"region help", []string{"serve", "--help"}, 0, []string{"a scope that is no region name (local, aws-global)", "signed with an empty region is refused (IncompleteSignature from STS and IAM, IncompleteSignatureException from Cognito Identity and Cognito Sync)"}, nil, false},
		{"stdout help", []string{"serve", "--help"}, 0, []string{"serve prints the URL it listens on to stdout, once"}, nil, false},
		{"help health", []string{"help", "health"}, 0, []string{"usage: idpool health", "-addr-file"}, nil, false},
		{"health --help", []string{"health", "--help"}, 0, []string{"usage: idpool health", "IDPOOL_ADDR_FILE"}, nil, false},
		{"export --help", []string{"export", "-h"}, 0, []string{"usage: idpool export", "-db", "-fixtures", "-account-id"}, nil, false},
		{"help", []string{"help"}, 0, []string{"Commands:"}, nil, false},
		{"--version", []string{"--version"}, 0, []string{"idpool ", "commit ", "go1."}, nil, false},
		{"version", []string{"version"}, 0, []string{"idpool ", "commit "}, nil, false},
		{"unknown command", []string{"sereve"}, 2, nil, []string{`unknown command "sereve"`, "idpool --help"}, true},
		{"unknown flag", []string{"--nope"}, 2, nil, []string{"-nope", "idpool --help"}, true},
		{"bad addr", []string{"--addr", "9230", "--db", ":memory:"}, 2, nil, []string{`addr "9230"`}, true},
		{"bad log level", []string{"--log-level", "loud", "--db", ":memory:"}, 2, nil, []string{`log-level "loud"`}, true},
		{"bad strict env", []string{"export"}, 2, nil, []string{"IDPOOL_STRICT"}, true},
		{"port out of range", []string{"--addr", "127.0.0.1:99999", "--db", ":memory:"}, 2, nil, []string{`addr "127.0.0.1:99999"`, "idpool --help"}, true},
		{"bad jwks encoding", []string{"--jwks-encoding", "base64", "--db", ":memory:"}, 2, nil, []string{`jwks-encoding "base64": want rfc or aws`, "idpool --help"}, true},
		{"empty region", []string{"--region", "", "--db", ":memory:"}, 2, nil, []string{"region: must not be empty", "idpool --help"}, true},
		{"empty account id of export", []string{"export", "--db", "x.db", "--account-id="}, 2, nil, []string{"account-id: must not be empty"}, true},
		{"export takes serve's flags", []string{"export", "--db", "missing/x.db", "--addr", "127.0.0.1:0", "--addr-file", "f", "--log-level", "debug"}, 1, nil, []string{"missing/x.db"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := env(nil)
			if tt.name == "bad strict env" {
				getenv = env(map[string]string{"IDPOOL_STRICT": "maybe"})
			}
			code, stdout, stderr := runCmd(t, getenv, tt.args...)
			if code != tt.code {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			wantContains(t, "stdout", stdout, tt.stdout)
			wantContains(t, "stderr", stderr, tt.stderr)
			if tt.noStdout && stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
		})
	}
}

// TestExportServeSettings: export takes serve's flags and IDPOOL_*
// environment, so that a server's settings can be given to it unchanged:
// its help lists them, and it refuses a value serve would refuse, as
// serve does (exit 2), before it opens the database.
func TestExportServeSettings(t *testing.T) {
	_, stdout, _ := runCmd(t, env(nil), "export", "--help")
	wantContains(t, "export --help", stdout, []string{"-console", "-strict", "-addr ", "-addr-file", "-log-level", "IDPOOL_LOG_LEVEL"})

	db := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{name: "accepted", args: []string{"--strict", "--console=false", "--addr", "0.0.0.0:9230", "--log-level", "debug"}, code: 1, stderr: "no such database file"},
		{name: "bad log level", args: []string{"--log-level", "bogus"}, code: 2, stderr: `log-level "bogus"`},
		{name: "bad log level in the environment", env: map[string]string{"IDPOOL_LOG_LEVEL": "bogus"}, code: 2, stderr: `log-level "bogus"`},
		{name: "bad addr", args: []string{"--addr", "nonsense"}, code: 2, stderr: `addr "nonsense"`},
		{name: "bad addr in the environment", env: map[string]string{"IDPOOL_ADDR": "127.0.0.1:99999"}, code: 2, stderr: `addr "127.0.0.1:99999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, env(tt.env), append([]string{"export", "--db", db}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("export %q: got exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
		})
	}
}

func TestVersionFromLinker(t *testing.T) {
	version, commit = "v1.2.3", "0123abc"
	t.Cleanup(func() { version, commit = "", "" })
	if got, want := versionString(), "idpool v1.2.3 (commit 0123abc, "; !strings.HasPrefix(got, want) {
		t.Errorf("versionString: got %q, want it to start with %q", got, want)
	}
}

// TestExportMissingDatabase: export of a mistyped path fails, naming it,
// and creates nothing.
func TestExportMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "typo.db")
	code, stdout, stderr := runCmd(t, env(nil), "export", "--db", db)
	if code != 1 || !strings.Contains(stderr, db) || !strings.Contains(stderr, "no such database file") {
		t.Errorf("export --db %s: got exit %d, stderr %q; want 1 and a message naming the file", db, code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout: got %q, want nothing", stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after export: got %d files in the directory, want none", len(entries))
	}
}

// TestServeErrors: a database that cannot be opened stops serve with a
// message naming the path and the reason.
func TestServeErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notDB, bytes.Repeat([]byte("not sqlite\n"), 500), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, db string
		want     string
	}{
		{"missing directory", filepath.Join(dir, "missing", "idpool.db"), "does not exist"},
		{"not a database", notDB, "not an SQLite database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, env(nil), "--addr", "127.0.0.1:0", "--db", tt.db)
			if code != 1 || !strings.Contains(stderr, tt.db) || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d, stderr %q; want 1 and a message naming %s and %q", code, stderr, tt.db, tt.want)
			}
		})
	}
}

// waitFile waits for path to hold something, as serve writes the address
// file once it listens.
func waitFile(t *testing.T, path string, done <-chan struct{}) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		select {
		case <-done:
			t.Fatal("the server stopped before writing its address file")
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no address file %s after 60s", path)
	return ""
}

// startServer runs idpool on :memory: and a free loopback port in the
// background, with IDPOOL_ADDR_FILE addrFile and the further flags args,
// and returns the address it wrote there, its log and a stop function,
// which cancels the server and returns run's error.
func startServer(t *testing.T, addrFile string, args ...string) (addr string, log *lockedBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	var err error
	log = new(lockedBuffer)
	go func() {
		defer close(done)
		err = run(ctx, append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--log-level", "warn"}, args...),
			env(map[string]string{"IDPOOL_ADDR_FILE": addrFile}), log, log)
	}()
	addr, _, _ = strings.Cut(waitFile(t, addrFile, done), "\n")
	return addr, log, func() error {
		cancel()
		<-done
		return err
	}
}

// TestHealthAddrFile: a server started with --addr as a flag is found by
// `idpool health`, which sees only the environment (as the image's
// HEALTHCHECK does), through the address file.
func TestHealthAddrFile(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	addr, _, stop := startServer(t, addrFile)

	// The environment of the health check: the image's IDPOOL_ADDR,
	// which is not where the server listens.
	imageEnv := env(map[string]string{"IDPOOL_ADDR": "0.0.0.0:9", "IDPOOL_ADDR_FILE": addrFile})
	if code, _, stderr := runCmd(t, imageEnv, "health"); code != 0 {
		t.Errorf("health with the address file: got exit %d (%s), want 0; the server is at %s", code, stderr, addr)
	}
	if code, _, _ := runCmd(t, imageEnv, "health", "--addr", addr); code != 0 {
		t.Errorf("health --addr %s: got exit %d, want 0", addr, code)
	}
	if code, _, _ := runCmd(t, imageEnv, "health", "--addr", "127.0.0.1:9"); code != 1 {
		t.Errorf("health --addr of nothing: got exit %d, want 1 (--addr wins over the file)", code)
	}
	if code, _, _ := runCmd(t, env(map[string]string{"IDPOOL_ADDR": "127.0.0.1:9"}), "health"); code != 1 {
		t.Errorf("health without the file, at IDPOOL_ADDR of nothing: got exit %d, want 1", code)
	}

	if err := stop(); err != nil {
		t.Errorf("serve after cancel: got %v, want nil", err)
	}
	if _, err := os.Stat(addrFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("address file after shutdown: got %v, want it removed", err)
	}
}

// TestShutdownEndsActivityStreams: a console Activity page left open (its
// live stream lasts until the client leaves) does not hold a shutdown
// until its timeout and make it fail: the stream ends, and the server
// stops cleanly.
func TestShutdownEndsActivityStreams(t *testing.T) {
	addr, _, stop := startServer(t, filepath.Join(t.TempDir(), "addr"))
	res, err := http.Get("http://" + addr + "/_idpool/console/activity/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	if l, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(l, ": idpool activity") {
		t.Fatalf("stream start: got %q, %v, want the stream's first comment", l, err)
	}
	if err := stop(); err != nil {
		t.Errorf("shutdown with an activity stream open: got %v, want nil", err)
	}
	if _, err := io.ReadAll(br); err != nil {
		t.Errorf("the stream after shutdown: got %v, want its end", err)
	}
}

// TestSecondProcess: a second idpool process on the database of a running
// one is refused with a message naming the database and the first
// process, and the first keeps serving.
func TestSecondProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "idpool.db")
	addrFile := filepath.Join(dir, "addr")
	first := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--db", db, "--addr-file", addrFile, "--log-level", "warn")
	first.Env = append(os.Environ(), "IDPOOL_TEST_MAIN=1")
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { first.Wait(); close(done) }()
	t.Cleanup(func() {
		first.Process.Signal(syscall.SIGTERM)
		<-done
	})
	waitFile(t, addrFile, done)

	second := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--db", db)
	second.Env = append(os.Environ(), "IDPOOL_TEST_MAIN=1")
	out, err := second.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second process: got %v (%s), want exit code 1", err, out)
	}
	for _, w := range []string{db, "in use by another idpool process", "pid"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("second process: got %q, want it to contain %q", out, w)
		}
	}

	// A second name of the database (a hard link) is refused too: its
	// lock and write-ahead log would be named after the second name.
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Link(db, link); err != nil {
		t.Fatal(err)
	}
	linked := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--db", link)
	linked.Env = append(os.Environ(), "IDPOOL_TEST_MAIN=1")
	out, err = linked.CombinedOutput()
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("process on a hard link to the database: got %v (%s), want exit code 1", err, out)
	}
	for _, w := range []string{link, "2 names (hard links)"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("process on a hard link to the database: got %q, want it to contain %q", out, w)
		}
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, env(map[string]string{"IDPOOL_ADDR_FILE": addrFile}), "health"); code != 0 {
		t.Errorf("first process after the second was refused: health exit %d (%s), want 0", code, stderr)
	}

	// Export reads beside the running server.
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"export", "--db", db}, env(nil), &stdout, &stdout); err != nil {
		t.Errorf("export beside the server: got %v, want nil", err)
	} else if err := json.Unmarshal(stdout.Bytes(), new(map[string]any)); err != nil {
		t.Errorf("export: got %q (%v), want a fixture file", stdout.String(), err)
	}

	first.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		first.Process.Kill()
		t.Fatalf("the first process did not stop on SIGTERM; its output:\n%s", firstOut.String())
	}
	if !first.ProcessState.Success() {
		t.Errorf("first process: got %v, want a clean exit; output:\n%s", first.ProcessState, firstOut.String())
	}
}

// TestSecondSignal: a second signal during a graceful shutdown that waits
// for a request in flight ends the process at once, rather than after the
// shutdown timeout, also in a process started with SIGINT ignored, as a
// script's background job is. Each step waits for a sign that the one
// before it happened: the request is in the handler (which asked for its
// body, so the server answered 100 Continue), and the first signal was
// handled (the shutdown's log line), so that the kernel never merges the
// two signals into one.
func TestSecondSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	tests := []struct {
		name          string
		ignoreINT     bool
		first, second syscall.Signal
	}{
		{name: "TERM then INT", first: syscall.SIGTERM, second: syscall.SIGINT},
		{name: "INT twice, INT ignored at start", ignoreINT: true, first: syscall.SIGINT, second: syscall.SIGINT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addrFile := filepath.Join(t.TempDir(), "addr")
			args := []string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--addr-file", addrFile, "--log-level", "info"}
			cmd := exec.Command(os.Args[0], args...)
			if tt.ignoreINT {
				// exec keeps the ignored disposition the shell's trap set.
				cmd = exec.Command("sh", append([]string{"-c", `trap "" INT; exec "$0" "$@"`, os.Args[0]}, args...)...)
			}
			cmd.Env = append(os.Environ(), "IDPOOL_TEST_MAIN=1")
			logs, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			shuttingDown := make(chan struct{})
			var logged bytes.Buffer // written until the pipe closes, read after done
			done := make(chan struct{})
			go func() {
				sc := bufio.NewScanner(logs)
				for sc.Scan() {
					logged.WriteString(sc.Text() + "\n")
					if strings.Contains(sc.Text(), "idpool shutting down") {
						close(shuttingDown)
					}
				}
				cmd.Wait()
				close(done)
			}()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-done
			})
			addr := waitFile(t, addrFile, done)

			stallRequest(t, addr)
			cmd.Process.Signal(tt.first)
			select {
			case <-shuttingDown:
			case <-done:
				t.Fatalf("the process ended on the first signal, want it to wait for the request in flight; its log:\n%s", logged.String())
			case <-time.After(30 * time.Second):
				t.Fatal("no shutdown logged 30 s after the first signal")
			}
			cmd.Process.Signal(tt.second)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the process still runs 5 s after a second signal, want it ended at once")
			}
			if got, want := cmd.ProcessState.ExitCode(), 128+int(tt.second); got != want {
				t.Errorf("exit code: got %d, want %d (ended by the second signal); log:\n%s", got, want, logged.String())
			}
		})
	}
}

// stallRequest sends the server at addr a request whose body never comes
// in full, which keeps a shutdown waiting, and returns once the handler
// is reading it (it asked for its body, so the server answered 100
// Continue). The connection closes when the test ends.
func stallRequest(t *testing.T, addr string) {
	t.Helper()
	stallConn(t, addr)
}

// stallConn is stallRequest, returning the request's connection, whose
// closing ends the request.
func stallConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Target: AWSCognitoIdentityService.ListIdentityPools\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("the request's first answer: got %q, %v, want 100 Continue (the handler reading its body)", line, err)
	}
	if _, err := io.WriteString(conn, "{"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// serveAddrFile starts a server on a free port writing addrFile and
// returns once the file is written, with the cancel that starts its
// shutdown and the channel closed when serve has returned.
func serveAddrFile(t *testing.T, addrFile string) (context.CancelFunc, chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var out bytes.Buffer
		run(ctx, []string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--log-level", "warn", "--addr-file", addrFile}, env(nil), &out, &out)
	}()
	waitFile(t, addrFile, done)
	return cancel, done
}

// TestAddrFileOfAnotherServer: a server that stops leaves the address file
// alone when a server started later has written its own address there.
func TestAddrFileOfAnotherServer(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	cancel, done := serveAddrFile(t, addrFile)
	const other = "127.0.0.1:65000\n"
	if err := os.WriteFile(addrFile, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	if b, err := os.ReadFile(addrFile); err != nil || string(b) != other {
		t.Errorf("address file after shutdown: got %q, %v, want the other server's %q", b, err, other)
	}
}
