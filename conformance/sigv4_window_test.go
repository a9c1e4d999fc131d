package conformance

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	v4v2 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/corehandlers"
	"github.com/aws/aws-sdk-go/aws/request"
	v4 "github.com/aws/aws-sdk-go/aws/signer/v4"
	"github.com/aws/aws-sdk-go/service/cognitosync"
	"github.com/aws/smithy-go"
)

// skewedSigner is the v2 SDK's signer on a device whose clock is offset
// from the real time.
type skewedSigner struct{ offset time.Duration }

func (s skewedSigner) SignHTTP(ctx context.Context, c awsv2.Credentials, r *http.Request, payloadHash, service, region string, at time.Time, optFns ...func(*v4v2.SignerOptions)) error {
	return v4v2.NewSigner().SignHTTP(ctx, c, r, payloadHash, service, region, at.Add(s.offset), optFns...)
}

// stsSkewed is stsWith on a device whose clock is offset from the real
// time. Retries are off, so the SDK does not correct its clock.
func (s *server) stsSkewed(c awsv2.Credentials, offset time.Duration) *sts.Client {
	cfg := awsv2.Config{Region: region, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)}
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.BaseEndpoint = awsv2.String(s.endpoint)
		o.HTTPSignerV4 = skewedSigner{offset}
	})
}

// syncSkewed is u's Cognito Sync client on a device whose clock is offset
// from the real time: the v1 SDK's own signing handler, given that clock.
func (u *syncUser) syncSkewed(t *testing.T, s *server, offset time.Duration) *cognitosync.CognitoSync {
	t.Helper()
	c := newSyncClient(t, s.endpoint, u.creds)
	// The handler that signs again a request signed over 5 minutes ago
	// reads the real time, which such a device does not have.
	c.Handlers.Send.Remove(corehandlers.ValidateReqSigHandler)
	c.Handlers.Sign.Swap(v4.SignRequestHandler.Name, request.NamedHandler{Name: v4.SignRequestHandler.Name, Fn: func(r *request.Request) {
		v4.SignSDKRequestWithCurrentTime(r, func() time.Time { return time.Now().Add(offset) })
	}})
	return c
}

// windowMessage is AWS's message for a request date outside the window:
// the date sent, the bound it passed, and the server's time with the
// window in minutes.
var windowMessage = regexp.MustCompile(`^Signature (expired|not yet current): (\d{8}T\d{6}Z) is (?:now earlier|still later) than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) ([-+]) (\d+) min\.\)$`)

// wantWindowMessage fails t unless msg is AWS's message for a date offset
// from the server's clock (negative: earlier) beyond a window of minutes.
func wantWindowMessage(t *testing.T, msg string, offset time.Duration, minutes string) {
	t.Helper()
	m := windowMessage.FindStringSubmatch(msg)
	wantKind, wantSign := "expired", "-"
	if offset > 0 {
		wantKind, wantSign = "not yet current", "+"
	}
	if m == nil || m[1] != wantKind || m[5] != wantSign || m[6] != minutes {
		t.Fatalf("got message %q, want \"Signature %s: <date> is … than <bound> (<now> %s %s min.)\"", msg, wantKind, wantSign, minutes)
	}
	sent, _ := time.Parse("20060102T150405Z", m[2])
	bound, _ := time.Parse("20060102T150405Z", m[3])
	now, _ := time.Parse("20060102T150405Z", m[4])
	n, _ := strconv.Atoi(minutes)
	want := time.Duration(n) * time.Minute
	if wantSign == "-" {
		want = -want
	}
	if got := bound.Sub(now); got != want {
		t.Errorf("got bound %s and now %s in %q, %v apart, want %v", m[3], m[4], msg, got, want)
	}
	if d := sent.Sub(now) - offset; d < -5*time.Second || d > 5*time.Second {
		t.Errorf("got date %s and now %s in %q, want the date %v from now", m[2], m[4], msg, offset)
	}
}

// TestSignatureWindowPerService checks how far a request's date may be
// from the server's clock, which AWS sets per service: 15 minutes for STS
// (and Cognito Identity, IAM), 5 minutes for Cognito Sync, whose refusal
// says "Signature expired: 20160615T060713Z is now earlier than
// 20160615T061234Z (20160615T061734Z - 5 min.)"
// (amazon-archives/amazon-cognito-js#29; amazon-archives/aws-sdk-xamarin#32).
func TestSignatureWindowPerService(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	guest := p.guest(t)
	v, err := guest.creds.Get()
	ok(t, err, "guest credentials")
	issued := awsv2.Credentials{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey, SessionToken: v.SessionToken}

	tests := []struct {
		name    string
		service string
		offset  time.Duration
		minutes string // the window the refusal names, "" for none
	}{
		{name: "sync 4 minutes slow", service: "sync", offset: -4 * time.Minute},
		{name: "sync 4 minutes fast", service: "sync", offset: 4 * time.Minute},
		{name: "sync 6 minutes slow", service: "sync", offset: -6 * time.Minute, minutes: "5"},
		{name: "sync 6 minutes fast", service: "sync", offset: 6 * time.Minute, minutes: "5"},
		{name: "sts 6 minutes slow", service: "sts", offset: -6 * time.Minute},
		{name: "sts 14 minutes fast", service: "sts", offset: 14 * time.Minute},
		{name: "sts 16 minutes slow", service: "sts", offset: -16 * time.Minute, minutes: "15"},
		{name: "sts 16 minutes fast", service: "sts", offset: 16 * time.Minute, minutes: "15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.service == "sts" {
				_, err := s.stsSkewed(issued, tt.offset).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
				if tt.minutes == "" {
					ok(t, err, "GetCallerIdentity")
					return
				}
				wantSTSError(t, err, codeBadSignature, http.StatusForbidden, "")
				var api smithy.APIError
				if errors.As(err, &api) {
					wantWindowMessage(t, api.ErrorMessage(), tt.offset, tt.minutes)
				}
				return
			}
			_, err := guest.syncSkewed(t, s, tt.offset).ListDatasets(&cognitosync.ListDatasetsInput{
				IdentityPoolId: aws.String(p.id), IdentityId: aws.String(guest.id)})
			if tt.minutes == "" {
				ok(t, err, "ListDatasets")
				return
			}
			wantSyncError(t, err, "InvalidSignatureException", http.StatusForbidden, "")
			var ae awserr.Error
			if errors.As(err, &ae) {
				wantWindowMessage(t, ae.Message(), tt.offset, tt.minutes)
			}
		})
	}
}
