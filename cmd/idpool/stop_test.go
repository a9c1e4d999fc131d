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
