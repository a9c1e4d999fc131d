package sigv4

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestMismatchNamesHost: a signature that does not match has a Detail
// naming the host its canonical request was built with, the one idpool
// received, and, when the request shows signs of a proxy, saying that the
// proxy must pass the client's Host unchanged; the message stays AWS's.
// The SDK signs for localhost:9230, and the request is then changed as a
// proxy in front of idpool changes it.
func TestMismatchNamesHost(t *testing.T) {
	const (
		awsMsg = "The request signature we calculated does not match the signature you provided. " +
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
		hint = "which must pass the client's Host unchanged (nginx: proxy_set_header Host $http_host;)"
	)
	long := strings.Repeat("a", 5000) + ".example"
	tests := []struct {
		name   string
		host   string            // r.Host after signing; "" keeps it
		header map[string]string // added after signing
		http10 bool              // received over HTTP/1.0
		secret string            // verified with instead of secret
		want   []string          // in the Detail
		not    []string          // not in the Detail
	}{
		{name: "host rewritten behind X-Forwarded-For", host: "127.0.0.1:9351", header: map[string]string{"X-Forwarded-For": "10.0.0.1"},
			want: []string{`the host idpool received, "127.0.0.1:9351"`, "came through a proxy (it carries X-Forwarded-For), " + hint}},
		{name: "host rewritten over HTTP/1.0", host: "127.0.0.1:9351", http10: true,
			want: []string{`"127.0.0.1:9351"`, "came through a proxy (it came over HTTP/1.0), " + hint}},
		{name: "host rewritten behind Forwarded", host: "idpool", header: map[string]string{"Forwarded": "for=10.0.0.1"},
			want: []string{`"idpool"`, "(it carries Forwarded)"}},
		{name: "host rewritten without a sign of a proxy", host: "127.0.0.1:9351",
			want: []string{`"127.0.0.1:9351"`}, not: []string{"proxy"}},
		{name: "another secret", secret: "wrong", want: []string{`"localhost:9230"`}, not: []string{"proxy"}},
		{name: "long host cut", host: long, header: map[string]string{"Via": "1.1 proxy"},
			want: []string{`"` + long[:maxHostShown] + `"…`, "(it carries Via)"}, not: []string{long[:maxHostShown+1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://localhost:9230/", strings.NewReader("{}"))
			creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex([]byte("{}")), "cognito-identity", "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				r.Host = tt.host
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			if tt.http10 {
				r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.0", 1, 0
			}
			verifyWith := secret
			if tt.secret != "" {
				verifyWith = tt.secret
			}
			sig, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			err = Verify(r, []byte("{}"), sig, verifyWith, signTime, MaxSkew)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrSignatureMismatch) || e.Message != awsMsg {
				t.Fatalf("got %v, want ErrSignatureMismatch %q", err, awsMsg)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Detail, w) {
					t.Errorf("detail: got %q, want it to hold %q", e.Detail, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(e.Detail, n) {
					t.Errorf("detail: got %q, want no %q in it", e.Detail, n)
				}
			}
			if len(e.Detail) > 1024 {
				t.Errorf("detail: got %d bytes, want at most 1024, what the console shows of a reason", len(e.Detail))
			}
		})
	}
}
