package conformance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// composePoolID is the pool of the compose example's fixture
// (testdata/compose/app.json), which lets guests in.
const composePoolID = "us-east-1:0a0a0a0a-0000-4000-8000-000000000001"

// testCA writes what `mkcert -install` and `mkcert 127.0.0.1 localhost`
// make, as PEM files in a new directory: a CA certificate (what a client
// is told to trust: AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE),
// and a server certificate for the loopback that it signed, with its key
// (what idpool serve is given).
func testCA(t *testing.T) (caFile, certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, typ string, der []byte) string {
		t.Helper()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	newKey := func() *ecdsa.PrivateKey {
		t.Helper()
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	caKey := newKey()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idpool conformance CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		t.Fatal(err)
	}
	leafKey := newKey()
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("cert.pem", "CERTIFICATE", leafDER), write("key.pem", "PRIVATE KEY", pkcs8)
}

// buildIdpool builds the idpool command into a temporary directory and
// returns its path.
func buildIdpool(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command, to build idpool: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "idpool")
	if out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, "../cmd/idpool").CombinedOutput(); err != nil {
		t.Fatalf("go build ../cmd/idpool: %v\n%s", err, out)
	}
	return bin
}

// serveIdpool runs "bin serve" on a free loopback port with the further
// flags args and no IDPOOL_* of the developer's, until t ends, and
// returns the address it listens on.
func serveIdpool(t *testing.T, bin string, args ...string) string {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "--addr-file", addrFile, "--log-level", "warn"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var log lockedBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		<-exited
		if t.Failed() {
			t.Logf("idpool log:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			addr, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("idpool serve %v exited: %s", args, log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("idpool serve %v wrote no address in 30s", args)
	return ""
}

// caClient is the SDK's HTTP client trusting caFile as its root, as
// AWS_CA_BUNDLE makes it.
func caClient(t *testing.T, caFile string) *awshttp.BuildableClient {
	t.Helper()
	b, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(b) {
		t.Fatalf("no certificate in %s", caFile)
	}
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	})
}

// httpsOnlyFixture writes the compose example's pool and roles and an IAM
// user (httpsOnlyKey) who may call Cognito Identity but, by AWS's "deny
// unless HTTPS" statement, nothing over plain HTTP, into a new fixture
// directory, and returns it.
func httpsOnlyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	app, err := os.ReadFile("testdata/compose/app.json")
	if err != nil {
		t.Fatal(err)
	}
	user, err := json.Marshal(map[string]any{"Users": []any{map[string]any{
		"UserName":   "https-only",
		"AccessKeys": []any{map[string]string{"AccessKeyId": httpsOnlyKey, "SecretAccessKey": secretKey}},
		"Policies": []any{map[string]any{"PolicyName": "https-only", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "cognito-identity:*", "Resource": "*"},
			map[string]any{"Sid": "EnforceSecureTransport", "Effect": "Deny", "Action": "*", "Resource": "*",
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"app.json": app, "user.json": user} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestServeHTTPS runs the idpool command with --tls-cert and --tls-key, a
// certificate its CA signed as mkcert makes them, and drives it over
// https with the SDK trusting that CA: a guest's GetId,
// GetCredentialsForIdentity and STS with the credentials; the discovery
// document names its key set by an https URL; and in strict mode AWS's
// "deny unless HTTPS" statement refuses a call over plain HTTP (the same
// command without the flags) and allows it over https, which until now
// only a --trusted-proxies proxy could make true.
func TestServeHTTPS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the idpool command")
	}
	t.Parallel()
	bin := buildIdpool(t)
	caFile, certFile, keyFile := testCA(t)
	fixture := httpsOnlyFixture(t)
	httpsURL := "https://" + serveIdpool(t, bin, "--strict", "--fixtures", fixture, "--tls-cert", certFile, "--tls-key", keyFile)
	httpURL := "http://" + serveIdpool(t, bin, "--strict", "--fixtures", fixture)
	hc := caClient(t, caFile)
	ctx := context.Background()
	cognito := func(endpoint string, creds aws.CredentialsProvider) *cognitoidentity.Client {
		return cognitoidentity.NewFromConfig(aws.Config{Region: region, Credentials: creds, HTTPClient: hc, RetryMaxAttempts: 1},
			func(o *cognitoidentity.Options) { o.BaseEndpoint = aws.String(endpoint) })
	}

	t.Run("guest credentials", func(t *testing.T) {
		c := cognito(httpsURL, aws.AnonymousCredentials{})
		id, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(composePoolID)})
		ok(t, err, "GetId over https")
		out, err := c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
		ok(t, err, "GetCredentialsForIdentity over https")
		creds := fromCognito(t, out.Credentials)
		st := sts.NewFromConfig(aws.Config{Region: region, Credentials: credentials.StaticCredentialsProvider{Value: creds}, HTTPClient: hc, RetryMaxAttempts: 1},
			func(o *sts.Options) { o.BaseEndpoint = aws.String(httpsURL) })
		caller, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ok(t, err, "GetCallerIdentity over https")
		if arn := aws.ToString(caller.Arn); !strings.Contains(arn, ":assumed-role/AppGuest/") {
			t.Errorf("GetCallerIdentity: got %s, want the AppGuest role's session", arn)
		}
	})

	t.Run("discovery", func(t *testing.T) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, httpsURL+"/.well-known/openid-configuration", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var doc struct {
			JWKSURI string `json:"jwks_uri"`
		}
		if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if want := httpsURL + "/.well-known/jwks_uri"; doc.JWKSURI != want {
			t.Errorf("jwks_uri: got %q, want %q", doc.JWKSURI, want)
		}
	})

	for _, tt := range []struct {
		name, endpoint string
		allowed        bool
	}{
		{"deny unless HTTPS over http", httpURL, false},
		{"deny unless HTTPS over https", httpsURL, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cognito(tt.endpoint, credentials.NewStaticCredentialsProvider(httpsOnlyKey, secretKey, ""))
			_, err := c.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(5)})
			if tt.allowed {
				ok(t, err, "ListIdentityPools")
				return
			}
			wantAPIError(t, err, codeDenied, msgDenied("arn:aws:iam::123456789012:user/https-only",
				"cognito-identity:ListIdentityPools", "arn:aws:cognito-identity:"+region+":123456789012:identitypool/"))
		})
	}
}
