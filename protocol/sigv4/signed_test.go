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

// TestVerifyAmzHeadersSigned checks that every x-amz-* header present must
// be signed, and that a declared payload hash must be the body's: the SDK
// signs the request, then the request is changed as an attacker replaying
// it would change it.
func TestVerifyAmzHeadersSigned(t *testing.T) {
	const body = `{"IdentityPoolId":"us-east-1:0f0f0f0f-1111-2222-3333-444444444444"}`
	tests := []struct {
		name string
		// before is set before signing, after once signed.
		before, after map[string]string
		token         string
		body          string // sent instead of body
		wantMsg       string // "" for a request that verifies
		// wantDetail starts the Detail of the refusal: the check AWS's
		// message leaves open; "" when the message says it.
		wantDetail string
	}{
		{name: "all signed", before: map[string]string{"X-Amz-Target": "AWSCognitoIdentityService.DescribeIdentityPool"}},
		{name: "session token signed", token: token},
		{name: "content hash signed", before: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(body))}},
		{name: "unsigned payload signed", before: map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"},
			wantMsg: "The request signature we calculated does not match", wantDetail: "X-Amz-Content-Sha256 is UNSIGNED-PAYLOAD, which only S3 takes"},
		{name: "other headers may be unsigned", after: map[string]string{"X-Forwarded-For": "10.0.0.1", "X-Amzn-Trace-Id": "Root=1"}},
		{name: "target added after signing", after: map[string]string{"X-Amz-Target": "AWSCognitoIdentityService.GetIdentityPoolRoles"},
			wantMsg: "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "security token added after signing", after: map[string]string{"X-Amz-Security-Token": token},
			wantMsg: "'x-amz-security-token' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "content hash added after signing", after: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(body))},
			wantMsg: "'x-amz-content-sha256' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "any x-amz header added after signing", after: map[string]string{"X-Amz-Meta": "x"},
			wantMsg: "'x-amz-meta' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "signed content hash of another body", before: map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(body))},
			body: `{"IdentityPoolId":"us-east-1:99999999-1111-2222-3333-444444444444"}`, wantMsg: "The request signature we calculated does not match",
			wantDetail: "the body's SHA-256 is "},
		{name: "signed header changed after signing", before: map[string]string{"Content-Type": "application/x-amz-json-1.1"},
			after: map[string]string{"Content-Type": "text/plain"}, wantMsg: "The request signature we calculated does not match",
			wantDetail: `the signature is not the one the key's secret makes of the string to sign idpool computed, "AWS4-HMAC-SHA256\n` + signTime.UTC().Format(TimeFormat) + `\n`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://localhost:9230/", strings.NewReader(body))
			for k, v := range tt.before {
				r.Header.Set(k, v)
			}
			creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: tt.token}
			payload := hashHex([]byte(body))
			if h := tt.before["X-Amz-Content-Sha256"]; h != "" {
				payload = h
			}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, "cognito-identity", "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.after {
				r.Header.Set(k, v)
			}
			sent := body
			if tt.body != "" {
				sent = tt.body
			}
			sig, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			err = Verify(r, []byte(sent), sig, secret, signTime, MaxSkew)
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrSignatureMismatch) || !strings.HasPrefix(err.Error(), tt.wantMsg) {
				t.Errorf("got %v, want ErrSignatureMismatch %q", err, tt.wantMsg)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T, want a *sigv4.Error", err)
			}
			if !strings.HasPrefix(e.Detail, tt.wantDetail) || (tt.wantDetail == "") != (e.Detail == "") {
				t.Errorf("detail: got %q, want it to start %q", e.Detail, tt.wantDetail)
			}
		})
	}
}

func TestCheckScope(t *testing.T) {
	tests := []struct {
		name            string
		region, service string // of the signature
		wantRegion      string
		wantMsg         string
		// wantDetail names the scope that was needed, which AWS's message
		// does not.
		wantDetail string
	}{
		{name: "match", region: "us-east-1", service: "cognito-identity", wantRegion: "us-east-1"},
		{name: "other service", region: "us-east-1", service: "sts", wantRegion: "us-east-1",
			wantMsg:    "Credential should be scoped to correct service: 'cognito-identity'. ",
			wantDetail: "the credential scope is us-east-1/sts, the request needs us-east-1/cognito-identity"},
		{name: "other region", region: "eu-west-1", service: "cognito-identity", wantRegion: "us-east-1",
			wantMsg:    "Credential should be scoped to a valid region, not 'eu-west-1'. ",
			wantDetail: "the credential scope is eu-west-1/cognito-identity, the request needs us-east-1/cognito-identity"},
		{name: "no valid region", region: "moon", service: "cognito-identity",
			wantMsg:    "Credential should be scoped to a valid region, not 'moon'. ",
			wantDetail: "the credential scope is moon/cognito-identity, the request needs <a region name>/cognito-identity"},
		{name: "both", region: "eu-west-1", service: "s3", wantRegion: "us-east-1",
			wantMsg:    "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'cognito-identity'. ",
			wantDetail: "the credential scope is eu-west-1/s3, the request needs us-east-1/cognito-identity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Signature{Region: tt.region, Service: tt.service}
			err := s.CheckScope(tt.wantRegion, "cognito-identity")
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrSignatureMismatch) || err.Error() != tt.wantMsg {
				t.Errorf("got %v, want ErrSignatureMismatch %q", err, tt.wantMsg)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T, want a *sigv4.Error", err)
			}
			if e.Detail != tt.wantDetail {
				t.Errorf("detail: got %q, want %q", e.Detail, tt.wantDetail)
			}
		})
	}
}

// TestPresignedTokenInQuery checks that a presigned URL carries the session
// token in its query, where the canonical query string covers it, so the
// URL verifies without any signed x-amz-* header; the same token added as
// an unsigned header is refused.
func TestPresignedTokenInQuery(t *testing.T) {
	r := httptest.NewRequest("GET", "http://localhost:9230/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, hashHex(nil), "sts", "us-east-1", signTime)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "X-Amz-Security-Token=") {
		t.Fatalf("got URL %s, want the token in its query", u)
	}
	get := httptest.NewRequest("GET", u, nil)
	sig, err := Parse(get)
	if err != nil {
		t.Fatal(err)
	}
	if sig.SessionToken != token {
		t.Errorf("session token: got %q, want %q", sig.SessionToken, token)
	}
	if err := Verify(get, nil, sig, secret, signTime, MaxSkew); err != nil {
		t.Errorf("presigned URL: got %v, want nil", err)
	}
	get.Header.Set("X-Amz-Security-Token", token)
	if err := Verify(get, nil, sig, secret, signTime, MaxSkew); !errors.Is(err, ErrSignatureMismatch) ||
		err.Error() != "'x-amz-security-token' must be a 'SignedHeader' in the AWS Authorization." {
		t.Errorf("presigned URL with an unsigned token header: got %v, want ErrSignatureMismatch", err)
	}
}

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
