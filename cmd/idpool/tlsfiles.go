package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idpool/idpool/storage/fileowner"
)

// loadKeyPair reads the certificate file (the server's certificate, then
// its issuers) and the key file, and returns them as one certificate. Its
// errors say what is wrong with the files in the terms of the commands
// that fix them: an encrypted key, a chain whose server certificate is not
// first.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls-cert: %w%s", err, fileowner.ReadHint(err))
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls-key: %w%s", err, fileowner.ReadHint(err))
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err == nil {
		return cert, nil
	}
	if encryptedKey(keyPEM) {
		ext := filepath.Ext(keyFile)
		out := strings.TrimSuffix(keyFile, ext) + "-decrypted" + ext
		return tls.Certificate{}, fmt.Errorf("tls-key %q: the private key is encrypted with a passphrase, which idpool cannot ask for: decrypt it with `openssl pkey -in %s -out %s` and give that file", keyFile, keyFile, out)
	}
	if i := matchingCert(certPEM, keyPEM); i > 0 {
		return tls.Certificate{}, fmt.Errorf("tls-cert %q: the key belongs to certificate %d of the file, but the server's own certificate must come first, followed by the certificates that issued it: put it first", certFile, i+1)
	}
	return tls.Certificate{}, fmt.Errorf("tls-cert %q, tls-key %q: want the PEM files of a certificate and its private key: %w", certFile, keyFile, err)
}

// encryptedKey reports whether the first PEM block of keyPEM is a private
// key encrypted with a passphrase: PKCS #8's form, or OpenSSL's
// traditional one with a Proc-Type header.
func encryptedKey(keyPEM []byte) bool {
	for {
		var b *pem.Block
		if b, keyPEM = pem.Decode(keyPEM); b == nil {
			return false
		}
		if b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
			return true
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			return false
		}
	}
}

// matchingCert returns the index of the certificate of certPEM that
// keyPEM is the key of, or -1 when none is.
func matchingCert(certPEM, keyPEM []byte) int {
	for i := 0; ; i++ {
		var b *pem.Block
		if b, certPEM = pem.Decode(certPEM); b == nil {
			return -1
		}
		if b.Type != "CERTIFICATE" {
			i--
			continue
		}
		if _, err := tls.X509KeyPair(pem.EncodeToMemory(b), keyPEM); err == nil {
			return i
		}
	}
}

// certWarnings returns what is wrong with the server's certificate leaf,
// the first of chain certificates in its file, that clients will refuse,
// at now, each as a sentence saying what they do and how to fix it: idpool
// serves with it anyway, as some clients (Python's, Node's) accept what
// others (Go's, browsers) refuse, and a test may want exactly that.
// addrHost is the host of --addr.
//
// A leaf alone in its file that names where to fetch its issuer (Authority
// Information Access) was issued by an intermediate, as public CAs'
// certificates are, which only browsers fetch. A leaf alone without it,
// as mkcert's, is taken to be issued by a root that clients trust.
func certWarnings(certFile string, leaf *x509.Certificate, chain int, addrHost string, now time.Time) []string {
	var w []string
	const fix = "make a new one (see the README's \"Serving over HTTPS\")"
	if chain == 1 && len(leaf.IssuingCertificateURL) > 0 && leaf.CheckSignatureFrom(leaf) != nil {
		w = append(w, fmt.Sprintf("tls-cert %q: the file holds the certificate alone, issued by %q, whose certificate it names at %s: browsers fetch it, but Go's, Node's and Python's clients and curl refuse the certificate: append the issuer's certificate to the file (the CA's full chain)", certFile, leaf.Issuer.CommonName, leaf.IssuingCertificateURL[0]))
	}
	switch {
	case now.After(leaf.NotAfter):
		w = append(w, fmt.Sprintf("tls-cert %q: the certificate expired on %s; every client refuses it: %s", certFile, leaf.NotAfter.UTC().Format(time.DateOnly), fix))
	case now.Before(leaf.NotBefore):
		w = append(w, fmt.Sprintf("tls-cert %q: the certificate is valid only from %s; every client refuses it until then: %s", certFile, leaf.NotBefore.UTC().Format(time.RFC3339), fix))
	}
	if len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 {
		w = append(w, fmt.Sprintf("tls-cert %q: the certificate names its host only in its subject (CN=%q), with no subjectAltName: Go's clients, browsers and curl refuse it (Python's and Node's accept it): %s, with -addext subjectAltName=…", certFile, leaf.Subject.CommonName, fix))
		return w
	}
	hosts := clientHosts(addrHost)
	for _, h := range hosts {
		if leaf.VerifyHostname(h) == nil {
			return w
		}
	}
	return append(w, fmt.Sprintf("tls-cert %q: the certificate names none of %s, the hosts clients reach idpool by: a client that connects by one of them refuses it: name them in its subjectAltName (names %s)", certFile, strings.Join(hosts, ", "), strings.Join(certNames(leaf), ", ")))
}

// clientHosts are the hosts clients likely reach a server listening on
// addrHost by: addrHost itself when it names one, and the loopback's.
func clientHosts(addrHost string) []string {
	var hosts []string
	if ip := net.ParseIP(addrHost); addrHost != "" && (ip == nil || !ip.IsUnspecified() && !ip.IsLoopback()) {
		hosts = append(hosts, addrHost)
	}
	return append(hosts, "localhost", "127.0.0.1")
}

// certNames are the hosts leaf's subjectAltName names.
func certNames(leaf *x509.Certificate) []string {
	names := append([]string(nil), leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}

// serveURL is the URL serve prints and logs, with the port it listens
// on. Over TLS, its host is one the certificate leaf is valid for, so
// that a client can use the URL as it is: the host of --addr (addrHost)
// when it is a name; else, listening on a loopback address, that address
// or localhost, and on an unspecified one (0.0.0.0, ::), the first of
// localhost, 127.0.0.1 and ::1, that the certificate names. Otherwise,
// and over plain HTTP, it is the address listened on, an unspecified one
// given as 127.0.0.1, which every client can reach (health asks it too).
func serveURL(ln net.Addr, addrHost string, leaf *x509.Certificate) string {
	host, port, _ := net.SplitHostPort(ln.String())
	ip := net.ParseIP(host)
	var candidates []string
	switch {
	case ip == nil || ip.IsUnspecified():
		host, candidates = "127.0.0.1", []string{"localhost", "127.0.0.1", "::1"}
	case ip.IsLoopback():
		candidates = []string{host, "localhost"}
	}
	if leaf == nil {
		return "http://" + net.JoinHostPort(host, port)
	}
	if addrHost != "" && net.ParseIP(addrHost) == nil {
		return "https://" + net.JoinHostPort(addrHost, port)
	}
	for _, h := range candidates {
		if leaf.VerifyHostname(h) == nil {
			host = h
			break
		}
	}
	return "https://" + net.JoinHostPort(host, port)
}

// httpsAnswer is the body net/http answers a plain HTTP request to its
// HTTPS port with.
var httpsAnswer = []byte("Client sent an HTTP request to an HTTPS server")

// isHTTPSAnswer reports whether body is net/http's answer to a plain
// HTTP request sent to a port that serves HTTPS.
func isHTTPSAnswer(body []byte) bool { return bytes.Contains(body, httpsAnswer) }

// publicURLWarning is what serve warns of when --public-url's scheme is
// not the one clients reach it by: http while it serves HTTPS itself
// (the jwks_uri and issuer it names are then plain http, which
// aws-jwt-verify and app transport security refuse). An https
// --public-url on plain HTTP is a proxy's TLS in front, which is right.
func publicURLWarning(publicURL string, tls bool) string {
	if tls && strings.HasPrefix(strings.ToLower(publicURL), "http://") {
		return fmt.Sprintf("public-url %q is http, but idpool serves HTTPS (--tls-cert): the jwks_uri and issuers it names are http URLs, which clients that require https refuse; give the https URL", publicURL)
	}
	return ""
}
