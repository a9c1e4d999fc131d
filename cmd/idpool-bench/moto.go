package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// motoTarget: every scenario answers at least this many times moto_server's
// rate for the same requests (the compass's comparison with the reference
// Python emulator).
const motoTarget = 20.0

// motoReady bounds moto_server's start, which imports a lot of Python.
const motoReady = 60 * time.Second

// findMoto resolves the -moto flag: "auto" finds moto_server on the PATH
// and gives "" (no comparison) where it is absent; "off" or "" gives "".
func findMoto(flag string) string {
	switch flag {
	case "", "off":
		return ""
	case "auto":
		p, err := exec.LookPath("moto_server")
		if err != nil {
			return ""
		}
		return p
	}
	return flag
}

// startMoto runs moto_server on a free loopback port, its output in dir,
// and waits until it answers a Cognito Identity call through c.
func startMoto(ctx context.Context, bin, dir string, c *identityClient) (url string, stop func(), err error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "moto.log"))
	if err != nil {
		return "", nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "-H", host, "-p", port)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start %s: %w", bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	stop = func() {
		_ = cmd.Process.Kill()
		<-done
	}
	url = "http://" + addr
	probe := *c
	probe.endpoint = url
	deadline := time.Now().Add(motoReady)
	for {
		err := probe.call(ctx, "ListIdentityPools", map[string]any{"MaxResults": 1}, nil, true)
		if err == nil {
			return url, stop, nil
		}
		select {
		case <-done:
			return "", nil, fmt.Errorf("%s exited before answering (see %s)", bin, logf.Name())
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("%s did not answer within %s: %w", bin, motoReady, err)
		}
	}
}

// runOnMoto prepares scenario s against moto_server at url and measures
// it for d, adding moto's rate, or why it could not be measured, to row.
// A set-up that fails is no error of the run: moto lacks some operations
// (all of Cognito Sync).
func runOnMoto(ctx context.Context, s scenario, id *identityClient, lopts load.Options, url string, d, warmup time.Duration, row *Row) error {
	c := *id
	c.endpoint, c.stsEndpoint, c.syncEndpoint = url, url, url
	c.pools, c.noRoles = nil, true
	m, err := s.prepare(ctx, &c, lopts)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		row.MotoError = "set-up failed: " + err.Error()
		return nil
	}
	res, err := m(ctx, d, warmup)
	if err != nil {
		return err
	}
	if res.Errors > 0 && res.Errors*2 > res.Requests {
		row.MotoError = fmt.Sprintf("most requests failed: %s; first: %s", fmtStatuses(res.Statuses), res.FirstError)
		return nil
	}
	row.MotoRate = res.Rate()
	if row.MotoRate <= 0 {
		return errors.New("moto_server answered nothing")
	}
	return nil
}
