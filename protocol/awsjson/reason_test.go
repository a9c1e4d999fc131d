package awsjson

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// TestUnknownOperationReason: a request no operation answers gets AWS's
// empty UnknownOperationException, and its reason (the log's and the
// console's) names what it sent and the service it is signed for, so that
// a client of another service that a global AWS_ENDPOINT_URL sent to
// idpool is known for what it is.
func TestUnknownOperationReason(t *testing.T) {
	const hint = ": a global AWS_ENDPOINT_URL gives idpool's URL to every service's client; set the per-service variables of idpool's services instead (AWS_ENDPOINT_URL_COGNITO_IDENTITY, _STS, _COGNITO_SYNC, _IAM)"
	tests := []struct {
		name       string
		method     string
		path       string
		target     string // X-Amz-Target, none when ""
		service    string // the signature's service, unsigned when ""
		authz      string // an Authorization header to send as is
		wantStatus int
		wantReason string
	}{
		{name: "another service's client", target: "DynamoDB_20120810.ListTables", service: "dynamodb", wantStatus: 400,
			wantReason: "X-Amz-Target DynamoDB_20120810.ListTables (signed for dynamodb) is not an operation of a service idpool emulates" + hint},
		{name: "another service, unsigned", target: "AmazonSQS.ListQueues", wantStatus: 400,
			wantReason: "X-Amz-Target AmazonSQS.ListQueues (unsigned) is not an operation of a service idpool emulates"},
		{name: "another prefix signed for this service", target: "AWSCognitoIdentityProviderService.ListUserPools", service: "cognito-identity", wantStatus: 400,
			wantReason: "X-Amz-Target AWSCognitoIdentityProviderService.ListUserPools (signed for cognito-identity) is not an operation of a service idpool emulates"},
		{name: "operation of the model not registered", target: "AWSCognitoIdentityService.MergeDeveloperIdentities", service: "cognito-identity", wantStatus: 400,
			wantReason: "X-Amz-Target AWSCognitoIdentityService.MergeDeveloperIdentities (signed for cognito-identity) is an operation of AWSCognitoIdentityService that idpool does not implement"},
		{name: "no such operation", target: "AWSCognitoIdentityService.NoSuchThing", wantStatus: 400,
			wantReason: "X-Amz-Target AWSCognitoIdentityService.NoSuchThing (unsigned) is not an operation of AWSCognitoIdentityService"},
		{name: "no target", wantStatus: 400,
			wantReason: "POST / without X-Amz-Target (unsigned) is not an operation of a service idpool emulates"},
		{name: "another service's REST call", method: http.MethodGet, path: "/my-bucket", service: "s3", wantStatus: 405,
			wantReason: "GET /my-bucket (signed for s3) is not an operation of a service idpool emulates" + hint},
		{name: "malformed signature", target: "DynamoDB_20120810.ListTables", authz: "AWS4-HMAC-SHA256 Credential=AKID/2026", wantStatus: 400,
			wantReason: "X-Amz-Target DynamoDB_20120810.ListTables (with a malformed signature) is not an operation of a service idpool emulates"},
	}
	s := NewService(shape.CognitoIdentity(), nil, slog.New(slog.DiscardHandler))
	s.Handle("GetId", Op(getID))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := unknownRequest(t, tt.method, tt.path, tt.target, tt.service, tt.authz)
			req := &protocol.Request{ID: requestID}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r.WithContext(protocol.WithRequest(r.Context(), req)))
			got, _ := io.ReadAll(w.Result().Body)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			// AWS's own answer: the code and no message.
			if want := `{"__type":"UnknownOperationException"}`; string(got) != want {
				t.Errorf("body: got %s, want %s", got, want)
			}
			if req.Reason != tt.wantReason {
				t.Errorf("reason: got %q, want %q", req.Reason, tt.wantReason)
			}
		})
	}
}

// unknownRequest is a request of method (POST when "") to path ("/" when
// "") with X-Amz-Target target, signed by the SDK's signer for service
// unless service is "", or carrying authz as its Authorization header.
func unknownRequest(t *testing.T, method, path, target, service, authz string) *http.Request {
	t.Helper()
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	body := ""
	if method == http.MethodPost {
		body = "{}"
	}
	r := httptest.NewRequest(method, "http://localhost:9230"+path, strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	r.Header.Set("Content-Type", ContentType)
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	if service != "" {
		sum := sha256.Sum256([]byte(body))
		c := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), c, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			t.Fatalf("sign: %v", err)
		}
	}
	return r
}
