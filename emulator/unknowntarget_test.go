package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestUnknownTargetReason: a client of another service sent to idpool by a
// global AWS_ENDPOINT_URL gets AWS's empty UnknownOperationException, and
// the console's activity entry (the log line's reason) names its
// X-Amz-Target and the service it signed for.
func TestUnknownTargetReason(t *testing.T) {
	w := newReasonsWorld(t, false)
	body := `{}`
	r, _ := http.NewRequest(http.MethodPost, w.url+"/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	w.sign(r, body, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, "dynamodb", "us-east-1", time.Now())
	w.check(t, r, "UnknownOperationException",
		[]string{"X-Amz-Target DynamoDB_20120810.ListTables (signed for dynamodb) is not an operation of a service idpool emulates", "AWS_ENDPOINT_URL_COGNITO_IDENTITY"}, nil)
}
