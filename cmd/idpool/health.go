package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeAddrFile writes addr, the address serve listens on, to path, so
// that `idpool health` in the same container finds a server started with
// --addr (the HEALTHCHECK process sees the image's environment, never the
// server's flags). It writes a temporary file and renames it, so a reader
// never sees half an address.
func writeAddrFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".idpool-addr-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if _, err := tmp.WriteString(addr + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// removeAddrFile removes the address file at path if it still holds
// addr: a server started later on the same file has written its own
// address there, which must outlive this one.
func removeAddrFile(path, addr string) {
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == addr {
		_ = os.Remove(path)
	}
}

// healthAddr chooses the address health asks: an --addr given on the
// command line, else the address in addrFile if it can be read, else
// addr (IDPOOL_ADDR or the default).
func healthAddr(addr string, explicit bool, addrFile string) string {
	if explicit || addrFile == "" {
		return addr
	}
	b, err := os.ReadFile(addrFile)
	if err != nil {
		return addr
	}
	if a := strings.TrimSpace(string(b)); a != "" {
		return a
	}
	return addr
}

// health asks the server at addr for its health check; it is the Docker
// image's HEALTHCHECK, which has no curl. A server listening on every
// interface is asked on the loopback.
func health(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("health: addr %q: want host:port", addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/_idpool/health"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s", url, resp.Status)
	}
	return nil
}
