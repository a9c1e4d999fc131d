package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
// addrFile if it can be read, else addr and cert (IDPOOL_ADDR, or the
// default, and IDPOOL_TLS_CERT).
func healthTargetOf(addr, cert string, explicit bool, addrFile string) healthTarget {
	given := healthTarget{addr, cert}
	if explicit || addrFile == "" {
		return given
	}
	b, err := os.ReadFile(addrFile)
	if err != nil {
		return given
	}
	a, c, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if a = strings.TrimSpace(a); a == "" {
		return given
	}
	return healthTarget{a, strings.TrimSpace(c)}
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
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
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
