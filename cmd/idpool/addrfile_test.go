package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestURLOnStdout: serve prints the URL it listens on to stdout, as its
// one line there, whatever the log level, so that a program that starts
// it on port 0 reads the port from a pipe it can then leave unread, and
// sends the log (a line per request) to a file or nowhere. It runs the
// binary, as a test harness of another language does.
func TestURLOnStdout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	cert, key := selfSigned(t, "127.0.0.1")
	tests := []struct {
		name   string
		args   []string
		scheme string
		client *http.Client
	}{
		{name: "http, log level error", args: []string{"--log-level", "error"}, scheme: "http://", client: http.DefaultClient},
		{name: "https, log level debug", args: []string{"--log-level", "debug", "--tls-cert", cert, "--tls-key", key}, scheme: "https://", client: tlsClient(t, cert)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:"}, tt.args...)...)
			cmd.Env = append(os.Environ(), "IDPOOL_TEST_MAIN=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil { // stderr goes to the null device
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			// A server that never writes the line is killed, which ends
			// stdout.
			timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
			defer timer.Stop()
			stdout := bufio.NewReader(out)
			line, err := stdout.ReadString('\n')
			if err != nil {
				t.Fatalf("first line of stdout: got %q, %v, want the URL", line, err)
			}
			url := strings.TrimSuffix(line, "\n")
			if !strings.HasPrefix(url, tt.scheme+"127.0.0.1:") || strings.HasSuffix(url, ":0") {
				t.Fatalf("stdout: got %q, want %s127.0.0.1:PORT", url, tt.scheme)
			}
			for range 3 {
				res, err := tt.client.Get(url + "/_idpool/health")
				if err != nil {
					t.Fatalf("health at the URL of stdout: %v", err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("health at %s: got %d, want 200", url, res.StatusCode)
				}
			}
			cmd.Process.Signal(syscall.SIGTERM)
			rest, err := io.ReadAll(stdout)
			if err != nil || len(rest) != 0 {
				t.Errorf("stdout after the URL, to the end: got %q, %v, want nothing", rest, err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit after SIGTERM: got %v, want 0", err)
			}
		})
	}
}

// TestHealthMissingAddrFile: an address file that is given (flag or
// IDPOOL_ADDR_FILE) but does not exist yet, or is empty, fails the check,
// saying so, even when a server answers at IDPOOL_ADDR or the default
// address: that is another server (a developer's own idpool), and the
// image's HEALTHCHECK, whose environment names the file, reports a
// starting container as not healthy yet.
func TestHealthMissingAddrFile(t *testing.T) {
	other, _, stop := startServer(t, filepath.Join(t.TempDir(), "addr"))
	defer stop()
	dir := t.TempDir()
	missing := filepath.Join(dir, "not-yet")
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{name: "IDPOOL_ADDR_FILE missing", env: map[string]string{"IDPOOL_ADDR": other, "IDPOOL_ADDR_FILE": missing}, code: 1, stderr: "address file " + missing + " not found (is idpool started?"},
		{name: "--addr-file missing", env: map[string]string{"IDPOOL_ADDR": other}, args: []string{"--addr-file", missing}, code: 1, stderr: "address file " + missing + " not found"},
		{name: "empty address file", env: map[string]string{"IDPOOL_ADDR": other}, args: []string{"--addr-file", empty}, code: 1, stderr: "is empty"},
		{name: "--addr wins over a missing file", env: map[string]string{"IDPOOL_ADDR_FILE": missing}, args: []string{"--addr", other}, code: 0},
		{name: "no address file: IDPOOL_ADDR", env: map[string]string{"IDPOOL_ADDR": other}, code: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, env(tt.env), append([]string{"health"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("health %q: got exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestAddrFileAtStart: serve removes the address file a killed server left
// before it opens the store, so that a program waiting for the file to
// appear never reads a stale address, also when the store then fails to
// open; and an address file it cannot write stops it at start, before it
// listens, rather than leave that program waiting until its own timeout.
func TestAddrFileAtStart(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not sqlite\n", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	aDir := filepath.Join(dir, "dir")
	if err := os.Mkdir(aDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale")
	missing := filepath.Join(dir, "missing", "addr")
	inFile := filepath.Join(aFile, "addr")
	tests := []struct {
		name, addrFile, db string
		stderr             []string
	}{
		{name: "stale file, store fails", addrFile: stale, db: notDB, stderr: []string{notDB, "not an SQLite database"}},
		{name: "missing directory", addrFile: missing, db: ":memory:", stderr: []string{`addr-file "` + missing + `"`, "the directory " + filepath.Dir(missing) + " does not exist"}},
		{name: "directory is a file", addrFile: inFile, db: ":memory:", stderr: []string{`addr-file "` + inFile + `"`, "is not a directory"}},
		{name: "file is a directory", addrFile: aDir, db: ":memory:", stderr: []string{`addr-file "` + aDir + `"`, "is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(stale, []byte("127.0.0.1:9\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			// A server that starts despite the bad file runs until this
			// deadline, and fails the test.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			var stdout, stderr lockedBuffer
			err := run(ctx, []string{"--addr", "127.0.0.1:0", "--db", tt.db, "--addr-file", tt.addrFile, "--log-level", "info"}, env(nil), &stdout, &stderr)
			code := exitCode(err, &stderr)
			if code != 1 {
				t.Errorf("got exit %d, stderr %q; want 1", code, stderr.String())
			}
			wantContains(t, "stderr", stderr.String(), tt.stderr)
			if stdout.String() != "" || strings.Contains(stderr.String(), "idpool listening") {
				t.Errorf("got stdout %q, stderr %q; want no URL and no listening", stdout.String(), stderr.String())
			}
			if tt.addrFile == stale {
				if b, err := os.ReadFile(stale); err == nil {
					t.Errorf("the stale address file: got %q, want it removed", b)
				}
			}
		})
	}
}
