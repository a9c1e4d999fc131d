package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeAddrFile writes addr, the address serve listens on (and its
// certificate: see addrFileContent), to path, so that `idpool health` in
// the same container finds a server started with --addr or --tls-cert
// (the HEALTHCHECK process sees the image's environment, never the
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

// checkAddrFile readies path for the address serve writes once it
// listens, before the store opens, so that serve stops at start, with a
// message that names the path, rather than serve without the file that a
// waiting program and the health check read: it checks that the
// directory exists and can be written. A missing directory is a mistyped
// path or a directory not made yet.
//
// A file already there whose address does not answer as a healthy idpool
// is the file of a server killed before it could remove its own (another
// program may listen at its address by now): it is removed, so that a
// program waiting for the file to appear does not read it while the store
// opens. A file whose address answers idpool's health check is a running
// server's, and serve stops: written over, the first server's health check would ask the
// second one, and fail for good once the second stopped and removed the
// file (a second serve in the image, where IDPOOL_ADDR_FILE is always set,
// needs an address file of its own).
func checkAddrFile(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("addr-file %q: the directory %s does not exist", path, dir)
	} else if err != nil {
		return fmt.Errorf("addr-file %q: %w", path, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("addr-file %q: %s is not a directory", path, dir)
	}
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("addr-file %q: is a directory, want a file", path)
	}
	tmp, err := os.CreateTemp(dir, ".idpool-addr-*")
	if err != nil {
		return fmt.Errorf("addr-file %q: cannot write in %s: %w", path, dir, err)
	}
	tmp.Close()
	if err := os.Remove(tmp.Name()); err != nil {
		return fmt.Errorf("addr-file %q: %w", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	if t := fileTarget(string(b)); answers(t.addr) && health(context.Background(), t) == nil {
		return fmt.Errorf("addr-file %q: it is the address file of the idpool listening at %s; give this server an address file of its own (--addr-file, or --addr-file '' for none)", path, t.addr)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("addr-file %q: cannot remove the address file a stopped server left: %w", path, err)
	}
	return nil
}

// fileTarget is the server an address file's content names: the address
// on its first line, and the certificate file on its second.
func fileTarget(content string) healthTarget {
	addr, cert, _ := strings.Cut(strings.TrimSpace(content), "\n")
	return healthTarget{strings.TrimSpace(addr), strings.TrimSpace(cert)}
}

// answers reports whether something accepts a TCP connection at addr,
// one serve listened on: a local one, which refuses at once when nothing
// listens; the timeout bounds a file that names another host.
func answers(addr string) bool {
	if addr == "" {
		return false
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// removeAddrFile removes the address file at path if it still holds
// addr: a server started later on the same file has written its own
// address there, which must outlive this one.
func removeAddrFile(path, addr string) {
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == addr {
		_ = os.Remove(path)
	}
}

// addrFileContent is what serve writes to the address file: the address
// it listens on, and when it serves HTTPS, on a second line, the absolute
// path of its certificate file, which health trusts.
func addrFileContent(addr, tlsCert string) string {
	if tlsCert == "" {
		return addr
	}
	if abs, err := filepath.Abs(tlsCert); err == nil {
		tlsCert = abs
	}
	return addr + "\n" + tlsCert
}

// healthTarget is the server health asks: its address, and the
// certificate file of a server that serves HTTPS ("" for plain HTTP).
type healthTarget struct{ addr, cert string }

// healthTargetOf chooses the server health asks: the --addr given on the
// command line with --tls-cert, else the address and certificate in
// addrFile when one is given, else addr and cert (IDPOOL_ADDR, or the
// default, and IDPOOL_TLS_CERT). An address file that is given but cannot
// be read, or is empty, is an error: the server it names has not started
// (or has stopped), and the default address may be another server, a
// developer's own idpool on 9230, whose health says nothing of this one.
func healthTargetOf(addr, cert string, explicit bool, addrFile string) (healthTarget, error) {
	if explicit || addrFile == "" {
		return healthTarget{addr, cert}, nil
	}
	b, err := os.ReadFile(addrFile)
	if errors.Is(err, os.ErrNotExist) {
		return healthTarget{}, fmt.Errorf("health: address file %s not found (is idpool started? it writes the file once it listens)", addrFile)
	} else if err != nil {
		return healthTarget{}, fmt.Errorf("health: address file: %w", err)
	}
	t := fileTarget(string(b))
	if t.addr == "" {
		return healthTarget{}, fmt.Errorf("health: address file %s is empty, want the address idpool listens on", addrFile)
	}
	return t, nil
}

// health asks the server at t for its health check; it is the Docker
// image's HEALTHCHECK, which has no curl. A server listening on every
// interface is asked on the loopback.
func health(ctx context.Context, t healthTarget) error {
	host, port, err := net.SplitHostPort(t.addr)
	if err != nil {
		return fmt.Errorf("health: addr %q: want host:port", t.addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	client := http.DefaultClient
	scheme := "http"
	if t.cert != "" {
		tr, err := healthTransport(t.cert)
		if err != nil {
			return fmt.Errorf("health: %w", err)
		}
		defer tr.CloseIdleConnections()
		client, scheme = &http.Client{Transport: tr}, "https"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := scheme + "://" + net.JoinHostPort(host, port) + "/_idpool/health"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		if t.cert == "" && isHTTPSAnswer(body) {
			return fmt.Errorf("health: %s answered %s: the server serves HTTPS: give --tls-cert (%s), its certificate file", url, resp.Status, tlsCertEnv)
		}
		return fmt.Errorf("health: %s answered %s", url, resp.Status)
	}
	return nil
}

// healthTransport returns the transport health asks an HTTPS server with.
// It trusts the certificates of certFile, the server's own --tls-cert (a
// certificate mkcert issued, or a self-signed one), as roots: the server
// must present one of them or a certificate they issued, valid now, for
// server authentication. It does not check the host name, as health asks
// the loopback, which the certificate need not name (mkcert's for
// idpool.test, or a Compose service's).
func healthTransport(certFile string) (*http.Transport, error) {
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls-cert %q: no PEM certificate in it", certFile)
	}
	verify := func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("the server sent no certificate")
		}
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
		return err
	}
	return &http.Transport{TLSClientConfig: &tls.Config{
		// VerifyConnection checks the chain instead, without the name.
		InsecureSkipVerify: true,
		VerifyConnection:   verify,
	}}, nil
}
