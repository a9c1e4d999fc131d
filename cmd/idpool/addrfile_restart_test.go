package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddrFileSecondStartFails: a second serve on the address file of a
// running server that fails to start (its port is in use) leaves the
// running server's file, so that its health check, which reads the file,
// keeps passing; a stray `docker exec ctr /idpool` in the image, where
// IDPOOL_ADDR_FILE is always set, must not make a healthy container
// unhealthy.
func TestAddrFileSecondStartFails(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	addr, _, stop := startServer(t, addrFile)
	defer stop()
	before, err := os.ReadFile(addrFile)
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCmd(t, env(nil), "--addr", addr, "--db", ":memory:", "--addr-file", addrFile, "--log-level", "warn")
	if code != 1 || !strings.Contains(stderr, "address already in use") {
		t.Errorf("second serve on %s: got exit %d, stdout %q, stderr %q; want 1 and %q", addr, code, stdout, stderr, "address already in use")
	}
	if after, err := os.ReadFile(addrFile); err != nil || string(after) != string(before) {
		t.Errorf("address file after the second serve failed: got %q, %v; want the running server's %q", after, err, before)
	}
	if code, _, stderr := runCmd(t, env(map[string]string{"IDPOOL_ADDR_FILE": addrFile}), "health"); code != 0 {
		t.Errorf("health of the running server after the second serve failed: got exit %d (%s), want 0", code, stderr)
	}
}

// TestAddrFileStaleReplaced: the address file of a server that was killed
// (it names an address nothing listens on) is replaced by the new
// server's address once it listens, and health then finds the new server.
func TestAddrFileStaleReplaced(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stale := ln.Addr().String() + "\n"
	ln.Close()
	addrFile := filepath.Join(t.TempDir(), "addr")
	if err := os.WriteFile(addrFile, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	var stdout, log lockedBuffer
	go func() {
		defer close(done)
		run(ctx, []string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--log-level", "warn", "--addr-file", addrFile}, env(nil), &stdout, &log)
	}()
	defer func() { cancel(); <-done }()
	// serve prints its URL after it has written the address file.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.HasSuffix(stdout.String(), "\n") {
		select {
		case <-done:
			t.Fatalf("the server stopped; its log:\n%s", log.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no URL on stdout after 60s")
		}
	}
	url := strings.TrimSpace(stdout.String())
	got, err := os.ReadFile(addrFile)
	if err != nil || "http://"+strings.TrimSpace(string(got)) != url {
		t.Errorf("address file once listening: got %q, %v; want the address of %s, not the stale %q", got, err, url, stale)
	}
	if code, _, stderr := runCmd(t, env(map[string]string{"IDPOOL_ADDR_FILE": addrFile}), "health"); code != 0 {
		t.Errorf("health through the replaced file: got exit %d (%s), want 0", code, stderr)
	}
}
