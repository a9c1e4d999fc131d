package main

import (
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// leafFor returns a self-signed certificate for names (see makeCert).
func leafFor(t *testing.T, edit func(*x509.Certificate), names ...string) *x509.Certificate {
	t.Helper()
	der, _ := makeCert(t, edit, names...)
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

// issued returns a certificate for localhost issued by another one, of the
// same name, changed by edit.
func issued(t *testing.T, edit func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	caDER, caKey := makeCert(t, func(c *x509.Certificate) {
		c.IsCA, c.BasicConstraintsValid, c.KeyUsage = true, true, x509.KeyUsageCertSign
	})
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	_, key := makeCert(t, nil)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: ca.Subject, DNSNames: []string{"localhost"},
		NotBefore: ca.NotBefore, NotAfter: ca.NotAfter}
	edit(tmpl)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

// TestServeURL: the URL serve prints names a host the certificate is
// valid for, so that a client can use it as it is; over plain HTTP, an
// unspecified address is printed as 127.0.0.1.
func TestServeURL(t *testing.T) {
	mkcert := leafFor(t, nil, "localhost", "127.0.0.1", "::1")
	localhostOnly := leafFor(t, nil, "localhost")
	v6Only := leafFor(t, nil, "::1")
	service := leafFor(t, nil, "idpool")
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name     string
		listened string
		addrHost string
		leaf     *x509.Certificate
		want     string
	}{
		{"http on the loopback", "127.0.0.1:9230", "127.0.0.1", nil, "http://127.0.0.1:9230"},
		{"http on every interface", "[::]:9230", "0.0.0.0", nil, "http://127.0.0.1:9230"},
		{"http on every interface, no host", "[::]:9230", "", nil, "http://127.0.0.1:9230"},
		{"http on a LAN address", "192.0.2.7:9230", "192.0.2.7", nil, "http://192.0.2.7:9230"},
		{"https on the loopback, named", "127.0.0.1:9230", "127.0.0.1", mkcert, "https://127.0.0.1:9230"},
		{"https on the loopback, localhost only", "127.0.0.1:9230", "127.0.0.1", localhostOnly, "https://localhost:9230"},
		{"https as localhost", "127.0.0.1:9230", "localhost", localhostOnly, "https://localhost:9230"},
		{"https as a name the certificate lacks", "127.0.0.1:9230", "localhost", service, "https://localhost:9230"},
		{"https on every interface", "[::]:9230", "0.0.0.0", mkcert, "https://localhost:9230"},
		{"https on every interface, ::1 only", "[::]:9230", "", v6Only, "https://[::1]:9230"},
		{"https on every interface, none named", "[::]:9230", "", service, "https://127.0.0.1:9230"},
		{"https on a LAN address", "192.0.2.7:9230", "192.0.2.7", mkcert, "https://192.0.2.7:9230"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serveURL(tcp(tt.listened), tt.addrHost, tt.leaf); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCertWarnings: a certificate that clients will refuse is warned of,
// once per reason, saying what clients do; one they accept is not.
func TestCertWarnings(t *testing.T) {
	now := time.Now()
	// Naming where to fetch its issuer's certificate, as public CAs'
	// leaves do.
	aia := func(c *x509.Certificate) {
		c.IssuingCertificateURL = []string{"http://ca.example/int.der"}
	}
	tests := []struct {
		name     string
		leaf     *x509.Certificate
		addrHost string
		n        int      // warnings
		want     []string // substrings of them
		chain    int      // certificates in the file, 1 when 0
	}{
		{"mkcert's", leafFor(t, nil, "localhost", "127.0.0.1", "::1"), "127.0.0.1", 0, nil, 0},
		{"the Compose service's, asked as such", leafFor(t, nil, "idpool"), "idpool", 0, nil, 0},
		{"expired", leafFor(t, func(c *x509.Certificate) { c.NotAfter = now.Add(-time.Minute) }, "localhost"), "", 1, []string{"expired on " + now.UTC().Format(time.DateOnly)}, 0},
		{"not yet valid", leafFor(t, func(c *x509.Certificate) { c.NotBefore = now.Add(time.Hour) }, "localhost"), "", 1, []string{"valid only from"}, 0},
		{"no subjectAltName", leafFor(t, nil), "", 1, []string{`CN="idpool test"`, "Go's clients, browsers and curl refuse it", "Python's and Node's accept it"}, 0},
		{"names none of the hosts", leafFor(t, nil, "idpool.test"), "0.0.0.0", 1, []string{"names none of localhost, 127.0.0.1", "idpool.test"}, 0},
		{"issued by a root, alone (mkcert's)", issued(t, func(*x509.Certificate) {}), "", 0, nil, 1},
		{"an intermediate's, alone", issued(t, aia), "", 1, []string{`issued by "idpool test"`, "http://ca.example/int.der", "Go's, Node's and Python's clients and curl refuse"}, 1},
		{"an intermediate's, with its issuer", issued(t, aia), "", 0, nil, 2},
		{"names not --addr's host", leafFor(t, nil, "idpool.test"), "idpool", 1, []string{"names none of idpool, localhost, 127.0.0.1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := tt.chain
			if chain == 0 {
				chain = 1
			}
			got := certWarnings("idpool.pem", tt.leaf, chain, tt.addrHost, now)
			if len(got) != tt.n {
				t.Fatalf("got %d warnings %q, want %d", len(got), got, tt.n)
			}
			for _, g := range got {
				if !strings.Contains(g, `tls-cert "idpool.pem"`) {
					t.Errorf("got %q, want it to name the file", g)
				}
			}
			wantContains(t, "warnings", strings.Join(got, "\n"), tt.want)
		})
	}
}

// TestServeTLSWarnings: serve logs the warnings of its certificate and
// of an http --public-url at start, and serves all the same.
func TestServeTLSWarnings(t *testing.T) {
	cert, key := selfSigned(t, "idpool.test")
	addr, log, stop := startServer(t, filepath.Join(t.TempDir(), "addr"), "--tls-cert", cert, "--tls-key", key, "--public-url", "http://localhost:9230")
	defer stop()
	wantContains(t, "log", log.String(), []string{"level=WARN", "names none of localhost, 127.0.0.1", "public-url", "give the https URL"})
	if code, _, stderr := runCmd(t, env(nil), "health", "--addr", addr, "--tls-cert", cert); code != 0 {
		t.Errorf("health: got exit %d (%s), want 0", code, stderr)
	}
}

// TestHealthPlainToHTTPS: serve with a certificate for localhost alone
// prints a localhost URL, and health asked without --tls-cert says that
// the server serves HTTPS and what to give.
func TestHealthPlainToHTTPS(t *testing.T) {
	cert, key := selfSigned(t, "localhost")
	addr, log, stop := startServer(t, filepath.Join(t.TempDir(), "addr"), "--tls-cert", cert, "--tls-key", key)
	defer stop()
	_, port, _ := net.SplitHostPort(addr)
	if want := "https://localhost:" + port + "\n"; !strings.HasPrefix(log.String(), want) {
		t.Errorf("stdout and log: got %q, want the URL %q first", log.String(), want)
	}
	code, _, stderr := runCmd(t, env(nil), "health", "--addr", addr)
	if code != 1 {
		t.Errorf("got exit %d, want 1", code)
	}
	wantContains(t, "stderr", stderr, []string{"400 Bad Request", "the server serves HTTPS", "--tls-cert (IDPOOL_TLS_CERT)"})
}
