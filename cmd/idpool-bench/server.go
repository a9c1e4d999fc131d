package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Timeouts for a managed server.
const (
	readyTimeout = 30 * time.Second // start to first healthy answer
	stopTimeout  = 10 * time.Second // SIGTERM to exit, before SIGKILL
	keysTimeout  = 30 * time.Second // first start until its signing key is published
	pollInterval = 100 * time.Microsecond
)

// server is one idpool process started by the benchmark.
type server struct {
	cmd  *exec.Cmd
	url  string
	log  string // path of the file holding its stdout and stderr
	done chan struct{}
	err  error // Wait's result, valid once done is closed
}

// launcher starts idpool binaries on free loopback ports.
type launcher struct {
	bin   string   // path of the idpool binary
	extra []string // extra command-line arguments
	env   []string // extra environment variables, NAME=value
	// poll checks health while a server starts; it never reuses
	// connections, so each poll is what a fresh client would see.
	poll *http.Client
}

func newLauncher(bin string, extra []string) *launcher {
	return &launcher{
		bin:   bin,
		extra: extra,
		poll: &http.Client{
			Transport: &http.Transport{DisableKeepAlives: true},
			Timeout:   time.Second,
		},
	}
}

// start runs the binary with database db on a free port and waits until
// GET /_idpool/health answers 200. It returns the server and the start-up
// latency: from just before the process is started until that answer.
func (l *launcher) start(ctx context.Context, db, logPath string) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	defer logf.Close() // the child keeps its own descriptor
	args := append([]string{"--addr", addr, "--db", db}, l.extra...)
	cmd := exec.Command(l.bin, args...)
	if l.env != nil {
		cmd.Env = append(os.Environ(), l.env...)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	s := &server{cmd: cmd, url: "http://" + addr, log: logPath, done: make(chan struct{})}

	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", l.bin, err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	health := s.url + "/_idpool/health"
	for {
		if l.healthy(ctx, health) {
			return s, time.Since(t0), nil
		}
		var why error
		select {
		case <-s.done:
			why = fmt.Errorf("server exited: %v", s.err)
		case <-ctx.Done():
			why = ctx.Err()
		default:
			if time.Since(t0) > readyTimeout {
				why = fmt.Errorf("no healthy answer within %s", readyTimeout)
			}
		}
		if why != nil {
			_ = s.stop()
			return nil, 0, fmt.Errorf("start %s: %w%s", l.bin, why, s.logTail())
		}
		time.Sleep(pollInterval)
	}
}

// healthy reports whether url answers 200 now.
func (l *launcher) healthy(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := l.poll.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// waitForKeys waits until the server publishes at least one signing key,
// so that a database it created also holds its key (a server makes its
// first key when first asked for one, as by this JWKS request).
func (l *launcher) waitForKeys(ctx context.Context, s *server) error {
	deadline := time.Now().Add(keysTimeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/.well-known/jwks_uri", nil)
		if err != nil {
			return err
		}
		if resp, err := l.poll.Do(req); err == nil {
			var jwks struct{ Keys []json.RawMessage }
			err := json.NewDecoder(resp.Body).Decode(&jwks)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK && len(jwks.Keys) > 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no signing key published at %s/.well-known/jwks_uri within %s", s.url, keysTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM, waits for the process to exit and kills it if it
// does not within stopTimeout. It reports an exit other than a clean one
// or one by SIGTERM.
func (s *server) stop() error {
	select {
	case <-s.done:
		return s.exitErr()
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return s.exitErr()
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("server did not stop within %s of SIGTERM; killed%s", stopTimeout, s.logTail())
	}
}

func (s *server) exitErr() error {
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return nil
		}
		return fmt.Errorf("server exited: %w%s", s.err, s.logTail())
	}
	return s.err
}

// memory reads the server's resident memory now.
func (s *server) memory() (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return Memory{}, fmt.Errorf("read server memory: %w", err)
	}
	return parseStatus(b)
}

// parseStatus extracts VmRSS and VmHWM from a /proc/<pid>/status file.
func parseStatus(b []byte) (Memory, error) {
	var m Memory
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		// The kernel prints these in kB, meaning KiB.
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return Memory{}, fmt.Errorf("unexpected %s line %q", name, sc.Text())
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("unexpected %s line %q: %w", name, sc.Text(), err)
		}
		if name == "VmRSS" {
			m.RSS = n << 10
		} else {
			m.Peak = n << 10
		}
		found++
	}
	if found != 2 {
		return Memory{}, fmt.Errorf("VmRSS or VmHWM missing from process status")
	}
	return m, nil
}

// logTail returns the end of the server's log, prefixed for appending to
// an error message, or "" when there is none.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.log)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	const keep = 2048
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return "\nserver log (" + s.log + "):\n" + string(bytes.TrimSpace(b))
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// measureStartups starts the binary n times on fresh databases and n times
// on one existing database under dir, stopping each, and returns the
// latencies and the path of the existing database, whose signing key is
// already generated.
func (l *launcher) measureStartups(ctx context.Context, dir string, n int, progress func(string, ...any)) (*Startup, string, error) {
	st := &Startup{}
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("fresh-%d", i))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return nil, "", err
		}
		s, d, err := l.start(ctx, filepath.Join(sub, "idpool.db"), filepath.Join(sub, "server.log"))
		if err != nil {
			return nil, "", err
		}
		if err := s.stop(); err != nil {
			return nil, "", err
		}
		st.Fresh = append(st.Fresh, d)
		progress("start-up on a fresh database: %s", fmtDur(d))
	}

	sub := filepath.Join(dir, "run")
	if err := os.Mkdir(sub, 0o700); err != nil {
		return nil, "", err
	}
	db := filepath.Join(sub, "idpool.db")
	s, _, err := l.start(ctx, db, filepath.Join(sub, "create.log"))
	if err != nil {
		return nil, "", err
	}
	err = l.waitForKeys(ctx, s)
	if stopErr := s.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return nil, "", err
	}
	for i := range n {
		s, d, err := l.start(ctx, db, filepath.Join(sub, fmt.Sprintf("start-%d.log", i)))
		if err != nil {
			return nil, "", err
		}
		if err := s.stop(); err != nil {
			return nil, "", err
		}
		st.Existing = append(st.Existing, d)
		progress("start-up on an existing database: %s", fmtDur(d))
	}
	return st, db, nil
}

// measureMemoryStartups starts the idpool binary n times on ":memory:"
// and a minimal Go HTTP server (this binary as minimalServer) n times,
// alternating so that both see the same machine load, and returns both
// sets of start-up latencies.
func (l *launcher) measureMemoryStartups(ctx context.Context, dir string, n int, progress func(string, ...any)) (idpool, minimal []time.Duration, err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	m := newLauncher(self, nil)
	m.env = []string{minimalEnv + "=1"}
	for i := range n {
		for _, side := range []struct {
			l   *launcher
			dst *[]time.Duration
		}{{l, &idpool}, {m, &minimal}} {
			s, d, err := side.l.start(ctx, memoryDB, filepath.Join(dir, fmt.Sprintf("memory-%d.log", i)))
			if err != nil {
				return nil, nil, err
			}
			if err := s.stop(); err != nil {
				return nil, nil, err
			}
			*side.dst = append(*side.dst, d)
		}
		progress("start-up on :memory: %s, minimal Go HTTP server %s", fmtDur(idpool[i]), fmtDur(minimal[i]))
	}
	return idpool, minimal, nil
}

// memoryDB is the --db value of a throw-away in-memory store.
const memoryDB = ":memory:"

// minimalEnv, set in its environment, makes this binary the minimal Go
// HTTP server of the start-up baseline instead of the benchmark.
const minimalEnv = "IDPOOL_BENCH_MINIMAL_SERVER"

// serveMinimal is the start-up baseline: a Go HTTP server that answers
// every request, health checks included, with trivialHandler, on the
// --addr of args (other flags, as idpool's --db, are ignored). It serves
// until SIGTERM and returns the exit code.
func serveMinimal(args []string) int {
	addr := ""
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--addr" {
			addr = args[i+1]
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: http.HandlerFunc(trivialHandler), ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return 1
	}
	return 0
}
