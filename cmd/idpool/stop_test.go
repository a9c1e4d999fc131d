package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerStopTimeout is how long `docker stop` (and Compose, and Podman)
// waits after SIGTERM before it sends SIGKILL, unless told otherwise.
const dockerStopTimeout = 10 * time.Second

// TestStopWithinDockerGrace: a request that never ends (its body stalls)
// does not keep a shutdown past Docker's stop timeout, after which the
// process would be killed, its database not checkpointed and its address
// file left behind: the request is cut off in time, the store closes and
// the address file is removed.
func TestStopWithinDockerGrace(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the shutdown timeout")
	}
	t.Parallel()
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "addr")
	addr, _, stop := startServer(t, addrFile, "--db", filepath.Join(dir, "idpool.db"))
	stallRequest(t, addr)

	start := time.Now()
	err := stop()
	took := time.Since(start)
	if took >= dockerStopTimeout {
		t.Errorf("shutdown with a stalled request: took %s, want less than Docker's %s", took.Round(time.Millisecond), dockerStopTimeout)
	}
	if err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("shutdown with a stalled request: got %v, want the request cut off", err)
	}
	if _, err := os.Stat(addrFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("address file after the shutdown: got %v, want it removed", err)
	}
}

// TestAddrFileForgottenAsShutdownStarts: a stopping server removes its
// address file as its shutdown starts, not once its last request ends, so
// that a server started on the same address meanwhile (a restart that
// does not wait for the old process) keeps the file it writes, though its
// words are the same.
func TestAddrFileForgottenAsShutdownStarts(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	cancel, done := serveAddrFile(t, addrFile)
	content, err := os.ReadFile(addrFile)
	if err != nil {
		t.Fatal(err)
	}
	conn := stallConn(t, strings.TrimSpace(string(content)))
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for _, err := os.Stat(addrFile); !errors.Is(err, os.ErrNotExist); _, err = os.Stat(addrFile) {
		if time.Now().After(deadline) {
			t.Fatalf("address file while the shutdown waits for a request: got %v, want it removed", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("serve returned before its stalled request ended")
	default:
	}
	// The successor's file, written while this server drains.
	if err := os.WriteFile(addrFile, content, 0o600); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	<-done
	if b, err := os.ReadFile(addrFile); err != nil || string(b) != string(content) {
		t.Errorf("address file after the shutdown: got %q, %v, want the successor's %q", b, err, content)
	}
}
