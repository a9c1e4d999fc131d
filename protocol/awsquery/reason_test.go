package awsquery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
	"github.com/idpool/idpool/protocol/sigv4"
)

// TestInvalidActionReason: an Action no operation answers gets AWS's
// InvalidAction, and its reason (the log's and the console's) names the
// Action, the Version and the service the request is signed for, so that a
// client of another query-protocol service that a global AWS_ENDPOINT_URL
// sent to idpool is known for what it is.
func TestInvalidActionReason(t *testing.T) {
	tests := []struct {
		name       string
		form       string
		service    string // the signature's service, unsigned when ""
		wantReason string
	}{
		{"another service's client", "Action=ListTopics&Version=2010-03-31", "sns",
			"Action ListTopics of Version 2010-03-31 (signed for sns) is not an operation of a service idpool emulates: " + sigv4.EndpointHint},
		{"another service, unsigned", "Action=ListTopics&Version=2010-03-31", "",
			"Action ListTopics of Version 2010-03-31 (unsigned) is not an operation of sts"},
		{"operation of the model not registered", "Action=AssumeRoleWithSAML&Version=2011-06-15", "sts",
			"Action AssumeRoleWithSAML of Version 2011-06-15 (signed for sts) is an operation of sts that idpool does not implement"},
		{"another version", "Action=GetCallerIdentity&Version=2010-05-08", "sts",
			"Action GetCallerIdentity of Version 2010-05-08 (signed for sts): sts's operation GetCallerIdentity is of Version 2011-06-15"},
		{"no action", "Version=2011-06-15", "sts",
			"POST / without an Action (signed for sts) is not an operation of sts"},
	}
	s := NewService(shape.STS(), nil, nil)
	s.Handle("GetCallerIdentity", Op(func(ctx context.Context, in *callerIn) (*callerOut, error) { return &callerOut{}, nil }))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://localhost:9230/", strings.NewReader(tt.form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			if tt.service != "" {
				sum := sha256.Sum256([]byte(tt.form))
				c := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
				if err := v4.NewSigner().SignHTTP(context.Background(), c, r, hex.EncodeToString(sum[:]), tt.service, "us-east-1", time.Now()); err != nil {
					t.Fatalf("sign: %v", err)
				}
			}
			req := &protocol.Request{ID: requestID}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r.WithContext(protocol.WithRequest(r.Context(), req)))
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "<Code>InvalidAction</Code>") {
				t.Errorf("got %d %s, want 400 InvalidAction", w.Code, w.Body)
			}
			if req.Reason != tt.wantReason {
				t.Errorf("reason: got %q, want %q", req.Reason, tt.wantReason)
			}
		})
	}
}
