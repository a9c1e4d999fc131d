package conformance

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// s3Message is what idpool's refusal of every S3 request says, in part:
// what idpool emulates, and the setting that sent the client to it.
var s3Message = []string{"idpool", "Cognito Identity", "not S3", "AWS_ENDPOINT_URL_COGNITO_IDENTITY"}

// newS3Client builds an S3 client aimed at s the way applications aim one
// at a local endpoint (AWS_ENDPOINT_URL sets BaseEndpoint), with path-style
// addressing, since bucket.127.0.0.1 names no host.
func newS3Client(s *server) *s3.Client {
	cfg := aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.endpoint)
		o.UsePathStyle = true
	})
}

// TestS3UnknownService: an S3 client that a global AWS_ENDPOINT_URL sent
// to idpool reads idpool's refusal, S3's NotImplemented with a message
// naming what idpool emulates, whatever its method and path (a bucket
// named identitypools is no Cognito Sync request). idpool's JSON error
// was text S3's XML parser could not read: the SDK showed only "405
// Method Not Allowed". A HEAD answer has no body, so its code is the
// status's text: BadRequest, of idpool's 400.
func TestS3UnknownService(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	client := newS3Client(s)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		call func() error
		// head is set for a HEAD request, answered without a body.
		head bool
	}{
		{"ListBuckets", func() error { _, err := client.ListBuckets(ctx, &s3.ListBucketsInput{}); return err }, false},
		{"GetObject", func() error {
			_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/b.jpg")})
			return err
		}, false},
		{"PutObject", func() error {
			_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a.txt"),
				Body: strings.NewReader("hello")})
			return err
		}, false},
		{"DeleteObjects (POST)", func() error {
			_, err := client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("photos"),
				Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("a.txt")}}}})
			return err
		}, false},
		{"ListObjectsV2 of a bucket named identitypools", func() error {
			_, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("identitypools")})
			return err
		}, false},
		{"HeadObject", func() error {
			_, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("a.txt")})
			return err
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an S3 API error", err)
			}
			want := "NotImplemented"
			if tt.head {
				want = "BadRequest"
			}
			if got := ae.ErrorCode(); got != want {
				t.Errorf("error code: got %q (%v), want %q", got, err, want)
			}
			if tt.head {
				return
			}
			for _, want := range s3Message {
				if !strings.Contains(ae.ErrorMessage(), want) {
					t.Errorf("error message: got %q, want it to name %q", ae.ErrorMessage(), want)
				}
			}
		})
	}
}

// TestS3UnknownPresigned: a presigned S3 URL, signed in its query string,
// gets the same XML refusal, with S3's content type and request id header.
func TestS3UnknownPresigned(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	req, err := s3.NewPresignClient(newS3Client(s)).PresignGetObject(context.Background(),
		&s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("a.txt")})
	ok(t, err, "PresignGetObject")
	resp, err := http.Get(req.URL)
	ok(t, err, "GET the presigned URL")
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ok(t, err, "read the answer")
	for _, tt := range []struct{ name, got, want string }{
		{"status", resp.Status, "400 Bad Request"},
		{"Content-Type", resp.Header.Get("Content-Type"), "application/xml"},
		{"x-amz-request-id is x-amzn-RequestId", resp.Header.Get("x-amz-request-id"), resp.Header.Get("x-amzn-RequestId")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want || tt.want == "" {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if !strings.Contains(string(body), "<Error><Code>NotImplemented</Code><Message>") {
		t.Errorf("body: got %s, want S3's <Error> with Code NotImplemented", body)
	}
}
