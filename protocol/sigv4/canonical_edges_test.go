package sigv4

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// verifyBoth verifies r with Verify and with a Verifier, and reports the
// first error.
func verifyBoth(t *testing.T, r *http.Request, body []byte, now time.Time) error {
	t.Helper()
	sig, err := Parse(r)
	if err != nil {
		return err
	}
	if err := Verify(r, body, sig, secret, now, MaxSkew); err != nil {
		return err
	}
	return NewVerifier(2).Verify(r, body, sig, secret, now, MaxSkew)
}

// TestVerifyCanonicalEdges: requests the SDK's signer signs, sent through
// net/http, verify whatever their query escapes and header names: the
// canonical query decodes every escape (%00 to %0F among them, lower-case
// hex too) and escapes again in upper case, and a header whose name has a
// letter after a hyphen is found under net/http's canonical key. The
// SDK's signer rewrites the query it signs in canonical form, so the query
// other clients send, in another encoding of the same parameters, is put
// back after signing.
func TestVerifyCanonicalEdges(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		headers map[string]string
	}{
		{name: "escaped newline beside a plus", query: "?Action=GetCallerIdentity&v=x%0A+y"},
		{name: "escaped NUL beside a plus", query: "?v=%00+a"},
		{name: "escaped 0F in lower case", query: "?v=%0f"},
		{name: "escape of a low byte, then a star", query: "?v=%05*"},
		{name: "lower-case escape of a slash", query: "?v=a%2fb"},
		{name: "lower-case escape in a key", query: "?k%2f=1"},
		{name: "comma before upper-case hex digits", query: "?v=a,BC"},
		{name: "star before upper-case hex digits", query: "?v=*AB"},
		{name: "header with z after a hyphen", headers: map[string]string{"X-Amz-Meta-Zone": "1"}},
		{name: "header with a after a hyphen", headers: map[string]string{"X-Amz-Meta-Area": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ch := server(t)
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/"+tt.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashHex(nil), "sts", "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			req.URL.RawQuery = strings.TrimPrefix(tt.query, "?")
			got := send(t, req, ch)
			if err := verifyBoth(t, got.r, got.body, signTime); err != nil {
				t.Errorf("query %q, headers %v: got %v, want nil", tt.query, tt.headers, err)
			}
		})
	}
}

// TestVerifyHeaderKeyNotCanonical: a request built in process (not parsed
// by net/http's server) may hold a header key in any case; the header is
// still found, its value signed under the lower-case name.
func TestVerifyHeaderKeyNotCanonical(t *testing.T) {
	tests := []struct{ name, key string }{
		{"a after a hyphen", "X-Amz-Meta-area"},
		{"a first", "abc"},
		{"z after a hyphen", "X-Amz-Meta-zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "http://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity", nil)
			r.Header[tt.key] = []string{"v"}
			creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(nil), "sts", "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			if err := verifyBoth(t, r, nil, signTime); err != nil {
				t.Errorf("header key %q: got %v, want nil", tt.key, err)
			}
		})
	}
}

// TestVerifySignedZeroContentLength: a client may sign every header it
// sends, "content-length:0" of an empty POST among them. A request handed
// to the handler in process (httptest.NewRequest, an in-process transport)
// holds that length in r.ContentLength alone, not in its header map, and
// still verifies. The SDK's signer leaves a zero length unsigned, so these
// requests are signed here by the SigV4 steps themselves.
func TestVerifySignedZeroContentLength(t *testing.T) {
	const (
		host  = "sts.us-east-1.amazonaws.com"
		date  = "20260101T120000Z"
		scope = "20260101/us-east-1/sts/aws4_request"
	)
	tests := []struct {
		name   string
		signed string // the value of content-length in the canonical request
		header bool   // the header map holds Content-Length: 0 too
		want   error
	}{
		{"zero length signed, in ContentLength only", "0", false, nil},
		{"zero length signed, in the header map too", "0", true, nil},
		{"another length signed", "1", false, ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			canonical := "POST\n/\n\ncontent-length:" + tt.signed + "\nhost:" + host + "\nx-amz-date:" + date + "\n\n" +
				"content-length;host;x-amz-date\n" + hashHex(nil)
			toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hashHex([]byte(canonical))
			key := refSigningKey(secret, "20260101", "us-east-1", "sts")
			mac := stdHMAC(key[:], []byte(toSign))
			r := httptest.NewRequest(http.MethodPost, "http://"+host+"/", http.NoBody)
			if r.ContentLength != 0 {
				t.Fatalf("ContentLength: got %d, want 0", r.ContentLength)
			}
			if tt.header {
				r.Header.Set("Content-Length", "0")
			}
			r.Header.Set("X-Amz-Date", date)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+akid+"/"+scope+
				", SignedHeaders=content-length;host;x-amz-date, Signature="+hex.EncodeToString(mac[:]))
			err := verifyBoth(t, r, nil, signTime)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestParsePresignedPartial: a query with any one of the presigned
// parameters X-Amz-Algorithm, X-Amz-Credential and X-Amz-Signature is a
// presigned request missing the others (IncompleteSignature), not an
// unsigned one (MissingAuthenticationToken).
func TestParsePresignedPartial(t *testing.T) {
	tests := []struct{ name, query string }{
		{"algorithm only", "X-Amz-Algorithm=AWS4-HMAC-SHA256"},
		{"credential only", "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"},
		{"signature only", "X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
		{"algorithm and signature", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(httptest.NewRequest(http.MethodGet, "/?Action=GetCallerIdentity&"+tt.query, nil))
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "Re-examine the query-string parameters.") {
				t.Errorf("got %v, want ErrMalformed naming the missing query-string parameters", err)
			}
		})
	}
}

// TestVerifyFutureBoundary: a request dated exactly the window ahead of
// the clock is current, as one dated exactly the window behind it is
// (TestVerifyWindow).
func TestVerifyFutureBoundary(t *testing.T) {
	tests := []struct {
		name    string
		presign bool
	}{
		{"header", false},
		{"presigned", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := verifyBoth(t, signedAt(t, tt.presign), nil, signTime.Add(-MaxSkew)); err != nil {
				t.Errorf("dated %v ahead: got %v, want nil", MaxSkew, err)
			}
		})
	}
}
