package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed ECDSA certificate for names (host names
// or IP addresses) and its key as PEM files in a new directory, as
// `openssl req -x509` makes one, and returns their paths.
func selfSigned(t *testing.T, names ...string) (certFile, keyFile string) {
	t.Helper()
	der, key := makeCert(t, nil, names...)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for file, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "PRIVATE KEY", Bytes: pkcs8}} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

// makeCert returns a self-signed ECDSA certificate (DER) for names (host
// names or IP addresses), valid for an hour around now and changed by edit
// if not nil, and its key.
func makeCert(t *testing.T, edit func(*x509.Certificate), names ...string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "idpool test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	if edit != nil {
		edit(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

// TestTLSSettings: --tls-cert and --tls-key (IDPOOL_TLS_CERT,
// IDPOOL_TLS_KEY) are given both or neither (else exit 2, a usage error),
// and name a readable PEM certificate and its key (else exit 1 without the
// usage hint, as a --fixtures or --db file that cannot be used); anything
// else is refused before serve listens, and by export, which takes serve's
// settings. An encrypted key and a chain whose server certificate is not
// first are named as such.
func TestTLSSettings(t *testing.T) {
	cert, key := selfSigned(t, "127.0.0.1")
	otherCert, _ := selfSigned(t, "127.0.0.1")
	dir := t.TempDir()
	write := func(name string, blocks ...[]byte) string {
		t.Helper()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, bytes.Join(blocks, nil), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	read := func(file string) []byte {
		t.Helper()
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	notPEM := write("notes.pem", []byte("not a certificate\n"))
	// What `openssl pkcs8 -topk8 -v2 aes256` and `openssl ec -aes256`
	// write: the bytes do not matter, the PEM type and headers do.
	encPKCS8 := write("enc-pkcs8.pem", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("x")}))
	encLegacy := write("enc-legacy.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,A0838BE3EA529BCF3C3C26158857C2BC"}, Bytes: []byte("x")}))
	issuerFirst := write("chain-rev.pem", read(otherCert), read(cert))
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"cert only", nil, []string{"--tls-cert", cert}, 2, []string{"tls-cert", "give --tls-key", "idpool --help"}},
		{"key only", nil, []string{"--tls-key", key}, 2, []string{"tls-key", "give --tls-cert"}},
		{"cert only in the environment", map[string]string{"IDPOOL_TLS_CERT": cert}, nil, 2, []string{"IDPOOL_TLS_KEY"}},
		{"empty certificate", nil, []string{"--tls-cert", "", "--tls-key", key}, 2, []string{"tls-cert: must not be empty"}},
		{"unreadable certificate", nil, []string{"--tls-cert", missing, "--tls-key", key}, 1, []string{"tls-cert", missing, "no such file"}},
		{"unreadable key", nil, []string{"--tls-cert", cert, "--tls-key", missing}, 1, []string{"tls-key", missing, "no such file"}},
		{"certificate not PEM", nil, []string{"--tls-cert", notPEM, "--tls-key", key}, 1, []string{notPEM, "PEM"}},
		{"key not PEM", nil, []string{"--tls-cert", cert, "--tls-key", notPEM}, 1, []string{notPEM, "PEM"}},
		{"key of another certificate", nil, []string{"--tls-cert", otherCert, "--tls-key", key}, 1, []string{otherCert, "does not match"}},
		{"encrypted PKCS #8 key", nil, []string{"--tls-cert", cert, "--tls-key", encPKCS8}, 1, []string{encPKCS8, "encrypted", "openssl pkey -in " + encPKCS8 + " -out " + filepath.Join(dir, "enc-pkcs8-decrypted.pem")}},
		{"encrypted traditional key", nil, []string{"--tls-cert", cert, "--tls-key", encLegacy}, 1, []string{encLegacy, "encrypted", "openssl pkey"}},
		{"chain with its issuer first", nil, []string{"--tls-cert", issuerFirst, "--tls-key", key}, 1, []string{issuerFirst, "certificate 2 of the file", "must come first"}},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"serve", "export"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				// A server that takes the settings stops after a while
				// rather than hang the test.
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				var stderr bytes.Buffer
				err := run(ctx, append([]string{cmd, "--addr", "127.0.0.1:0", "--db", ":memory:"}, tt.args...), env(tt.env), io.Discard, &stderr)
				code := exitCode(err, &stderr)
				if code != tt.code {
					t.Errorf("got exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
				}
				wantContains(t, "stderr", stderr.String(), tt.want)
				if hint := strings.Contains(stderr.String(), "idpool --help"); hint != (tt.code == 2) {
					t.Errorf("stderr %q: got the usage hint %v, want it only for a usage error", stderr.String(), hint)
				}
				if strings.Contains(stderr.String(), "listening") {
					t.Errorf("got stderr %q, want no listening before the refusal", stderr.String())
				}
			})
		}
	}
}

// tlsClient returns a client that trusts certFile as its root, as a
// program given SSL_CERT_FILE (or AWS_CA_BUNDLE) does.
func tlsClient(t *testing.T, certFile string) *http.Client {
	t.Helper()
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(b) {
		t.Fatalf("no certificate in %s", certFile)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// TestServeTLS: serve with --tls-cert and --tls-key answers HTTPS (HTTP/2
// too) on --addr and logs an https URL; what it derives from the
// request's scheme (the discovery document's jwks_uri) says https; a
// plain HTTP request gets net/http's 400; the console's cross-origin check
// holds over https; and `idpool health` asks it over HTTPS, trusting the
// certificate named in the address file, or given with --addr.
func TestServeTLS(t *testing.T) {
	cert, key := selfSigned(t, "127.0.0.1", "localhost")
	addrFile := filepath.Join(t.TempDir(), "addr")
	addr, log, stop := startServer(t, addrFile, "--tls-cert", cert, "--tls-key", key, "--log-level", "info")
	client := tlsClient(t, cert)
	base := "https://" + addr

	if want := "url=" + base; !strings.Contains(log.String(), want) {
		t.Errorf("log: got %q, want it to contain %s", log.String(), want)
	}

	res, err := client.Get(base + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("discovery over https: %v", err)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if err != nil || res.ProtoMajor != 2 {
		t.Errorf("discovery over https: got %s, %v, want HTTP/2 and a document", res.Proto, err)
	}
	if want := base + "/.well-known/jwks_uri"; doc.JWKSURI != want {
		t.Errorf("jwks_uri: got %q, want %q", doc.JWKSURI, want)
	}

	res, err = http.Get("http://" + addr + "/_idpool/health")
	if err != nil {
		t.Fatalf("plain http to the TLS port: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "HTTP request to an HTTPS server") {
		t.Errorf("plain http to the TLS port: got %d %q, want net/http's 400", res.StatusCode, body)
	}

	for _, tt := range []struct {
		origin string
		want   int
	}{
		{base, http.StatusSeeOther},
		{"https://attacker.example", http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/_idpool/console/keys/rotate", nil)
		req.Header.Set("Origin", tt.origin)
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("console POST from %s: %v", tt.origin, err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("console POST from %s over https: got %d, want %d", tt.origin, res.StatusCode, tt.want)
		}
	}

	imageEnv := env(map[string]string{"IDPOOL_ADDR": "0.0.0.0:9", "IDPOOL_ADDR_FILE": addrFile})
	otherCert, _ := selfSigned(t, "127.0.0.1")
	for _, tt := range []struct {
		name string
		env  func(string) string
		args []string
		code int
	}{
		{"through the address file", imageEnv, nil, 0},
		{"--addr and --tls-cert", env(nil), []string{"--addr", addr, "--tls-cert", cert}, 0},
		{"--addr and IDPOOL_TLS_CERT", env(map[string]string{"IDPOOL_TLS_CERT": cert}), []string{"--addr", addr}, 0},
		{"--addr without the certificate", env(nil), []string{"--addr", addr}, 1},
		{"--addr with another certificate", env(nil), []string{"--addr", addr, "--tls-cert", otherCert}, 1},
	} {
		t.Run("health "+tt.name, func(t *testing.T) {
			if code, _, stderr := runCmd(t, tt.env, append([]string{"health"}, tt.args...)...); code != tt.code {
				t.Errorf("got exit %d (%s), want %d", code, stderr, tt.code)
			}
		})
	}

	if err := stop(); err != nil {
		t.Errorf("serve after cancel: got %v, want nil", err)
	}
	if _, err := os.Stat(addrFile); !os.IsNotExist(err) {
		t.Errorf("address file after shutdown: got %v, want it removed", err)
	}
}
