package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signedAt returns a Cognito Sync ListDatasets request signed by the SDK's
// signer at signTime, presigned or in the header form, as a server sees it.
func signedAt(t *testing.T, presign bool) *http.Request {
	t.Helper()
	const target = "http://cognito-sync.us-east-1.amazonaws.com/identitypools/p/identities/i/datasets"
	r := httptest.NewRequest(http.MethodGet, target, nil)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	signer := v4.NewSigner()
	if !presign {
		if err := signer.SignHTTP(context.Background(), creds, r, hashHex(nil), "cognito-sync", "us-east-1", signTime); err != nil {
			t.Fatal(err)
		}
		return r
	}
	u, hdr, err := signer.PresignHTTP(context.Background(), creds, r, hashHex(nil), "cognito-sync", "us-east-1", signTime)
	if err != nil {
		t.Fatal(err)
	}
	r = httptest.NewRequest(http.MethodGet, u, nil)
	for k, vs := range hdr {
		if k != "Host" {
			r.Header[k] = vs
		}
	}
	return r
}

// TestVerifyWindow checks that the window is the caller's, the service's
// own: AWS allows 15 minutes between a request's date and its clock for
// most services (STS, Cognito Identity, IAM) and 5 for Cognito Sync
// (amazon-archives/amazon-cognito-js#29: "Signature expired: … (… - 5
// min.)"), and says which in both messages.
func TestVerifyWindow(t *testing.T) {
	const (
		date = "20260101T120000Z" // signTime
		past = "Signature expired: " + date + " is now earlier than "
		soon = "Signature not yet current: " + date + " is still later than "
	)
	tests := []struct {
		name    string
		window  time.Duration
		presign bool
		// offset is the server's clock less the request's date.
		offset time.Duration
		want   string // the error message, "" for none
	}{
		{name: "15 minutes, 14 late", window: 15 * time.Minute, offset: 14 * time.Minute},
		{name: "15 minutes, 14 early", window: 15 * time.Minute, offset: -14 * time.Minute},
		{name: "15 minutes, exactly 15 late", window: 15 * time.Minute, offset: 15 * time.Minute},
		{name: "15 minutes, 16 late", window: 15 * time.Minute, offset: 16 * time.Minute,
			want: past + "20260101T120100Z (20260101T121600Z - 15 min.)"},
		{name: "15 minutes, 16 early", window: 15 * time.Minute, offset: -16 * time.Minute,
			want: soon + "20260101T115900Z (20260101T114400Z + 15 min.)"},
		{name: "5 minutes, 4 late", window: 5 * time.Minute, offset: 4 * time.Minute},
		{name: "5 minutes, 4 early", window: 5 * time.Minute, offset: -4 * time.Minute},
		{name: "5 minutes, exactly 5 late", window: 5 * time.Minute, offset: 5 * time.Minute},
		{name: "5 minutes, 6 late", window: 5 * time.Minute, offset: 6 * time.Minute,
			want: past + "20260101T120100Z (20260101T120600Z - 5 min.)"},
		{name: "5 minutes, 6 early", window: 5 * time.Minute, offset: -6 * time.Minute,
			want: soon + "20260101T115900Z (20260101T115400Z + 5 min.)"},
		{name: "5 minutes, presigned 6 late", window: 5 * time.Minute, presign: true, offset: 6 * time.Minute,
			want: past + "20260101T120100Z (20260101T120600Z - 5 min.)"},
		{name: "none is 15 minutes, 14 late", offset: 14 * time.Minute},
		{name: "none is 15 minutes, 16 late", offset: 16 * time.Minute,
			want: past + "20260101T120100Z (20260101T121600Z - 15 min.)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedAt(t, tt.presign)
			sig, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			now := signTime.Add(tt.offset)
			for _, verify := range []struct {
				name string
				fn   func(*http.Request, []byte, *Signature, string, time.Time, time.Duration) error
			}{{"Verify", Verify}, {"Verifier", NewVerifier(2).Verify}} {
				err := verify.fn(r, nil, sig, secret, now, tt.window)
				switch {
				case tt.want == "" && err != nil:
					t.Errorf("%s: got %v, want nil", verify.name, err)
				case tt.want != "" && (!errors.Is(err, ErrExpired) || err.Error() != tt.want):
					t.Errorf("%s: got %v, want ErrExpired %q", verify.name, err, tt.want)
				}
			}
		})
	}
}
