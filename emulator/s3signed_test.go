package emulator

import (
	"net/http/httptest"
	"testing"
)

// TestS3Signed: a request is S3's when its SigV4 scope names s3 or when it
// carries a SigV2 signature without SignatureVersion, which only S3's
// clients send; other services' SigV2 query signing and their SigV4
// requests are not S3's.
func TestS3Signed(t *testing.T) {
	tests := []struct {
		name, target, auth string
		want               bool
	}{
		{"SigV4 for s3", "/photos/a.txt", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261208/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", true},
		{"SigV4 presigned for s3", "/photos/a.txt?X-Amz-Credential=AKIDEXAMPLE%2F20261208%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00", "", true},
		{"SigV2 header", "/identitypools/x", "AWS AKIDEXAMPLE:c2lnbmF0dXJl", true},
		{"SigV2 presigned", "/identitypools/x?AWSAccessKeyId=AKIDEXAMPLE&Expires=1796689248&Signature=c2ln", "", true},
		{"SigV2 query of another service", "/?Action=GetCallerIdentity&AWSAccessKeyId=AKIDEXAMPLE&SignatureVersion=2&SignatureMethod=HmacSHA256&Signature=c2ln", "", false},
		{"SigV4 for sts", "/", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261208/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", false},
		{"SigV4 for cognito-sync", "/identitypools/x", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261208/us-east-1/cognito-sync/aws4_request, SignedHeaders=host, Signature=00", false},
		{"unsigned", "/identitypools/x", "", false},
		{"only an access key id", "/x?AWSAccessKeyId=AKIDEXAMPLE", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if got := s3Signed(r); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
