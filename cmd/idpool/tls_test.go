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
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
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

// TestTLSSettings: --tls-cert and --tls-key (IDPOOL_TLS_CERT,
// IDPOOL_TLS_KEY) are given both or neither and name a readable PEM
// certificate and its key; anything else is refused before serve listens,
// and by export, which takes serve's settings.
func TestTLSSettings(t *testing.T) {
	cert, key := selfSigned(t, "127.0.0.1")
	otherCert, _ := selfSigned(t, "127.0.0.1")
	notPEM := filepath.Join(t.TempDir(), "notes.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"cert only", nil, []string{"--tls-cert", cert}, []string{"tls-cert", "give --tls-key"}},
		{"key only", nil, []string{"--tls-key", key}, []string{"tls-key", "give --tls-cert"}},
		{"cert only in the environment", map[string]string{"IDPOOL_TLS_CERT": cert}, nil, []string{"IDPOOL_TLS_KEY"}},
		{"unreadable certificate", nil, []string{"--tls-cert", missing, "--tls-key", key}, []string{missing, "no such file"}},
		{"unreadable key", nil, []string{"--tls-cert", cert, "--tls-key", missing}, []string{missing, "no such file"}},
		{"certificate not PEM", nil, []string{"--tls-cert", notPEM, "--tls-key", key}, []string{notPEM, "PEM"}},
		{"key not PEM", nil, []string{"--tls-cert", cert, "--tls-key", notPEM}, []string{notPEM, "PEM"}},
		{"key of another certificate", nil, []string{"--tls-cert", otherCert, "--tls-key", key}, []string{otherCert, "does not match"}},
		{"empty certificate", nil, []string{"--tls-cert", "", "--tls-key", key}, []string{"tls-cert: must not be empty"}},
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
				if code != 2 {
					t.Errorf("got exit %d, want 2 (stderr %q)", code, stderr.String())
				}
				wantContains(t, "stderr", stderr.String(), tt.want)
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
