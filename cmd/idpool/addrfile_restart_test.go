package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddrFileSecondStartFails: a second serve on the address file of a
// running server stops at start, on the same port or another, and leaves
// the running server's file, so that its health check, which reads the
// file, keeps passing: a stray `docker exec ctr /idpool serve` in the
// image, where IDPOOL_ADDR_FILE is always set, must not make a healthy
// container unhealthy, at once or once the second server stops and
// removes the file it wrote over the first's.
func TestAddrFileSecondStartFails(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	addr, _, stop := startServer(t, addrFile)
	defer stop()
	before, err := os.ReadFile(addrFile)
	if err != nil {
		t.Fatal(err)
	}
	want := "it is the address file of the idpool listening at " + addr
	for _, tc := range []struct{ name, addr string }{
		{"same port", addr},
		{"another port", "127.0.0.1:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Bounded: a second serve that is not stopped at start would
			// serve until its context ends.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"--addr", tc.addr, "--db", ":memory:", "--addr-file", addrFile, "--log-level", "warn"}, env(nil), &stdout, &stderr)
			if ctx.Err() != nil {
				t.Fatalf("second serve on %s: still serving after 20 s, want it stopped at start", tc.addr)
			}
			if code := exitCode(err, &stderr); code != 1 || !strings.Contains(stderr.String(), want) {
				t.Errorf("second serve on %s: got exit %d, stdout %q, stderr %q; want 1 and %q", tc.addr, code, stdout.String(), stderr.String(), want)
			}
			if after, err := os.ReadFile(addrFile); err != nil || string(after) != string(before) {
				t.Errorf("address file after the second serve: got %q, %v; want the running server's %q", after, err, before)
			}
			if code, _, stderr := runCmd(t, env(map[string]string{"IDPOOL_ADDR_FILE": addrFile}), "health"); code != 0 {
				t.Errorf("health of the running server after the second serve: got exit %d (%s), want 0", code, stderr)
			}
		})
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

// TestAddrFileOfAnotherProgram: an address file whose address answers, but
// not as idpool (a killed idpool's port taken by another program), is a
// stale file: serve removes it, starts and writes its own.
func TestAddrFileOfAnotherProgram(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	stale := other.Listener.Addr().String() + "\n"
	addrFile := filepath.Join(t.TempDir(), "addr")
	if err := os.WriteFile(addrFile, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--log-level", "warn", "--addr-file", addrFile}, env(nil), &out, &out)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 && string(b) != stale {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve beside a stale address file of another program: got %v (%s), want it serving", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not write its own address file in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
