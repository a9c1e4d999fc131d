package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sdkSigned returns a GET of target signed by the SDK's signer for STS at
// signTime, as handed to the handler in process.
func sdkSigned(t *testing.T, target string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(nil), "sts", "us-east-1", signTime); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMismatchDetailPath: a signature that does not match names the path
// when the path sent has dot or empty segments (which botocore and the
// JavaScript SDK sign without), and the string to sign otherwise.
func TestMismatchDetailPath(t *testing.T) {
	const dotted = "has dot or empty segments"
	tests := []struct {
		name, path string
		dotted     bool
	}{
		{"plain path", "/identitypools/p/identities/i/datasets", false},
		{"trailing slash", "/identitypools/p/", false},
		{"root", "/", false},
		{"empty segment", "/identitypools//datasets", true},
		{"dot segment", "/identitypools/./datasets", true},
		{"dot-dot segment", "/identitypools/../datasets", true},
		{"final dot", "/identitypools/.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkSigned(t, "http://cognito-sync.us-east-1.amazonaws.com"+tt.path)
			sig, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			err = Verify(r, nil, sig, "another secret", signTime, MaxSkew)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("got %v, want ErrSignatureMismatch", err)
			}
			if got := strings.Contains(e.Detail, dotted); got != tt.dotted {
				t.Errorf("detail %q: got naming the path %v, want %v", e.Detail, got, tt.dotted)
			}
			if got := strings.Contains(e.Detail, "string to sign"); got == tt.dotted {
				t.Errorf("detail %q: got naming the string to sign %v, want %v", e.Detail, got, !tt.dotted)
			}
		})
	}
}

// TestQuoteClipped: a string of at most max bytes is quoted whole; a
// longer one is cut to max bytes and followed by an ellipsis.
func TestQuoteClipped(t *testing.T) {
	tests := []struct {
		name, s string
		max     int
		want    string
	}{
		{"shorter", "abc", 4, `"abc"`},
		{"exactly max", "abcd", 4, `"abcd"`},
		{"one over", "abcde", 4, `"abcd"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quoteClipped(tt.s, tt.max); got != tt.want {
				t.Errorf("quoteClipped(%q, %d): got %s, want %s", tt.s, tt.max, got, tt.want)
			}
		})
	}
}

// TestVerifyShortAmzHeaders: an unsigned header named by the x-amz-
// prefix alone is refused like any unsigned x-amz-* header; shorter names
// that are not of the prefix are not, and a request of an empty path
// verifies as the SDK signs it, with the path "/".
func TestVerifyShortAmzHeaders(t *testing.T) {
	tests := []struct {
		name, header string
		want         string // the message, "" for none
	}{
		{"prefix alone", "X-Amz-", "'x-amz-' must be a 'SignedHeader' in the AWS Authorization."},
		{"prefix and one letter", "X-Amz-A", "'x-amz-a' must be a 'SignedHeader' in the AWS Authorization."},
		{"shorter than the prefix", "X-Amz", ""},
		{"no header, empty path", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkSigned(t, "http://sts.us-east-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15")
			if tt.header != "" {
				r.Header[tt.header] = []string{"x"}
			}
			err := verifyBoth(t, r, nil, signTime)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.want != "" && (!errors.Is(err, ErrSignatureMismatch) || err.Error() != tt.want):
				t.Errorf("got %v, want ErrSignatureMismatch %q", err, tt.want)
			}
		})
	}
}
