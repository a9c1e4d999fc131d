package idpooltest_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/idpool/idpool/emulator/idpooltest"
)

// protoRecorder is an aws.HTTPClient that records the protocol of the
// answers its client got.
type protoRecorder struct {
	client aws.HTTPClient
	protos []string
}

func (r *protoRecorder) Do(req *http.Request) (*http.Response, error) {
	res, err := r.client.Do(req)
	if err == nil {
		r.protos = append(r.protos, res.Proto)
	}
	return res, err
}

// TestWithTLSHTTP2: a server started WithTLS speaks HTTP/2, as serve
// --tls-cert does, to the SDK for Go v2 configured by AWSConfig and to
// one built as a program's is, trusting the certificate as its root (as
// AWS_CA_BUNDLE does).
func TestWithTLSHTTP2(t *testing.T) {
	srv := idpooltest.New(t, idpooltest.WithTLS(), idpooltest.WithFixtureFile("../../conformance/testdata/compose"))
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	buildable := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	})
	for _, tt := range []struct {
		name   string
		client aws.HTTPClient
	}{
		{"AWSConfig", srv.AWSConfig().HTTPClient},
		{"the SDK's own client", buildable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &protoRecorder{client: tt.client}
			cfg := srv.AWSConfig()
			cfg.HTTPClient = rec
			_, err := cognitoidentity.NewFromConfig(cfg).GetId(t.Context(), &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(composePool)})
			if err != nil {
				t.Fatalf("GetId: %v", err)
			}
			if len(rec.protos) != 1 || rec.protos[0] != "HTTP/2.0" {
				t.Errorf("protocols: got %v, want [HTTP/2.0]", rec.protos)
			}
		})
	}
}

// TestWithTLSHandshakeErrorsLogged: a TLS handshake a client refuses is
// logged by the server's logger (WithLogger), at warn, rather than
// written raw to the test's output by net/http.
func TestWithTLSHandshakeErrorsLogged(t *testing.T) {
	var log lockedLog
	srv := idpooltest.New(t, idpooltest.WithTLS(), idpooltest.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if res, err := http.Get(srv.URL() + "/_idpool/health"); err == nil {
		res.Body.Close()
		t.Fatalf("a client without the certificate: got %s, want a refused certificate", res.Status)
	}
	srv.Close()
	if got := log.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "TLS handshake error") {
		t.Errorf("log: got %q, want net/http's TLS handshake error at warn", got)
	}
}

// lockedLog is a log destination written from the server's goroutines.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
