package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

const targetPrefix = "AWSCognitoIdentityService."

// checkErrorShape checks AWS JSON 1.1's error form: status, the code in
// x-amzn-ErrorType (with AWS's trailing colon) and in the body's __type,
// the message in the body, and a request id.
func checkErrorShape(t *testing.T, res rawResponse, status int, code, msg string) {
	t.Helper()
	if res.status != status {
		t.Errorf("got status %d, want %d (%s)", res.status, status, res.body)
	}
	if got := res.header.Get("x-amzn-ErrorType"); got != code+":" {
		t.Errorf("x-amzn-ErrorType: got %q, want %q", got, code+":")
	}
	if res.header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatalf("error body %q: %v", res.body, err)
	}
	if body.Type != code {
		t.Errorf("__type: got %q, want %q", body.Type, code)
	}
	if msg != "" && body.Message != msg {
		t.Errorf("message: got %q, want %q", body.Message, msg)
	}
}

func TestWireErrors(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	tests := []struct {
		name   string
		target string
		body   string
		sign   bool
		code   string
		msg    string
	}{
		{
			name: "unknown operation", target: targetPrefix + "Frobnicate", body: `{}`, sign: true,
			code: codeUnknownOp,
		},
		{
			name: "malformed JSON", target: targetPrefix + "GetId", body: `{"IdentityPoolId":`,
			code: codeSerialization,
		},
		{
			name: "JSON that is not an object", target: targetPrefix + "GetId", body: `["us-east-1:1"]`,
			code: codeSerialization,
		},
		{
			name: "number for a string", target: targetPrefix + "GetId", body: `{"IdentityPoolId":5}`,
			code: codeSerialization,
		},
		{
			name: "missing required member", target: targetPrefix + "GetId", body: `{}`,
			code: codeValidation,
			msg:  "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null",
		},
		{
			name: "pool name pattern", target: targetPrefix + "CreateIdentityPool", sign: true,
			body: `{"IdentityPoolName":"bad!name","AllowUnauthenticatedIdentities":true}`,
			code: codeValidation,
			msg:  `1 validation error detected: Value 'bad!name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`,
		},
		{
			name: "MaxResults 0", target: targetPrefix + "ListIdentityPools", sign: true, body: `{"MaxResults":0}`,
			code: codeValidation,
			msg:  "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
		},
		{
			name: "MaxResults 61", target: targetPrefix + "ListIdentityPools", sign: true, body: `{"MaxResults":61}`,
			code: codeValidation,
			msg:  "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
		},
		{
			name: "identity id pattern", target: targetPrefix + "GetOpenIdToken", body: `{"IdentityId":"no-colon"}`,
			code: codeValidation,
			msg:  "1 validation error detected: Value 'no-colon' at 'identityId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.rawCall(t, tt.target, []byte(tt.body), tt.sign)
			checkErrorShape(t, res, http.StatusBadRequest, tt.code, tt.msg)
		})
	}

	t.Run("two validation errors", func(t *testing.T) {
		res := s.rawCall(t, targetPrefix+"ListIdentities", []byte(`{"IdentityPoolId":"bad","MaxResults":0}`), true)
		checkErrorShape(t, res, http.StatusBadRequest, codeValidation, "")
		var body struct {
			Message string `json:"message"`
		}
		json.Unmarshal(res.body, &body)
		for _, part := range []string{
			"2 validation errors detected: ",
			"Value 'bad' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
			"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
		} {
			if !strings.Contains(body.Message, part) {
				t.Errorf("message %q: want it to contain %q", body.Message, part)
			}
		}
	})
}

// TestWireNoServerFault sends requests no SDK sends; each must be refused
// as the client's fault, never answered with a 5xx.
func TestWireNoServerFault(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	big := append([]byte(`{"IdentityPoolId":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	big = append(big, `"}`...)

	tests := []struct {
		name string
		req  func() *http.Request
	}{
		{"body over 1 MiB", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.endpoint+"/", bytes.NewReader(big))
			r.Header.Set("X-Amz-Target", targetPrefix+"GetId")
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			return r
		}},
		{"body over 1 MiB, chunked", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.endpoint+"/", io.MultiReader(bytes.NewReader(big)))
			r.Header.Set("X-Amz-Target", targetPrefix+"GetId")
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			return r
		}},
		{"no X-Amz-Target", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(`{}`))
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			return r
		}},
		{"foreign X-Amz-Target", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(`{}`))
			r.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
			r.Header.Set("Content-Type", "application/x-amz-json-1.0")
			return r
		}},
		{"GET on the JSON endpoint", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, s.endpoint+"/", nil)
			r.Header.Set("X-Amz-Target", targetPrefix+"GetId")
			return r
		}},
		{"garbage Authorization on a signed operation", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(`{"MaxResults":5}`))
			r.Header.Set("X-Amz-Target", targetPrefix+"ListIdentityPools")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense")
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, tt.req())
			if res.status < 400 || res.status > 499 {
				t.Errorf("got status %d, want a 4xx (%.200s)", res.status, res.body)
			}
			t.Logf("%d %s %.200s", res.status, res.header.Get("x-amzn-ErrorType"), res.body)
		})
	}
}

// TestWireSuccess checks the success form of an unsigned call made without
// any SDK.
func TestWireSuccess(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	res := s.rawCall(t, targetPrefix+"GetId", []byte(`{"IdentityPoolId":"`+pool+`"}`), false)
	if res.status != http.StatusOK {
		t.Fatalf("got status %d, want 200 (%s)", res.status, res.body)
	}
	if got := res.header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type: got %q, want application/x-amz-json-1.1", got)
	}
	if res.header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
	var body map[string]any
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatalf("body %q: %v", res.body, err)
	}
	if id, _ := body["IdentityId"].(string); !idPattern.MatchString(id) || len(body) != 1 {
		t.Errorf("got body %s, want {\"IdentityId\":\"region:uuid\"}", res.body)
	}
	// The API reference's GetId example names the operation in the
	// service's namespace, which AWS answers as the short form.
	qualified := s.rawCall(t, "com.amazonaws.cognito.identity.model."+targetPrefix+"GetId", []byte(`{"IdentityPoolId":"`+pool+`"}`), false)
	if qualified.status != http.StatusOK || !bytes.Contains(qualified.body, []byte(`"IdentityId"`)) {
		t.Errorf("GetId with the qualified X-Amz-Target: got %d %s, want 200 with an IdentityId", qualified.status, qualified.body)
	}
}

// TestValidationThroughSDK sends, through the SDK, constraint violations
// the SDK does not check itself (it checks only required members).
func TestValidationThroughSDK(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"pool name with !", func() error {
			_, err := s.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("bad!name")})
			return err
		}, `1 validation error detected: Value 'bad!name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`},
		{"MaxResults 0", func() error {
			_, err := s.signed.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(0)})
			return err
		}, "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"MaxResults 61", func() error {
			_, err := s.signed.ListIdentityPools(ctx, &cognitoidentity.ListIdentityPoolsInput{MaxResults: aws.Int32(61)})
			return err
		}, "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"},
		// AWS's text for an empty login token, which apps match on
		// (aws-amplify/amplify-js#7845, #11409, #7737).
		{"empty login token", func() error {
			_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-4000-8000-000000000000"),
				Logins: map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_5AO0qbaSS": ""}})
			return err
		}, "1 validation error detected: Value '{cognito-idp.us-east-1.amazonaws.com/us-east-1_5AO0qbaSS=}' at 'logins' failed to satisfy constraint: " +
			"Map value must satisfy constraint: [Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]"},
		{"tag value too long", func() error {
			_, err := s.signed.CreateIdentityPool(ctx, &cognitoidentity.CreateIdentityPoolInput{IdentityPoolName: aws.String("tags"),
				IdentityPoolTags: map[string]string{"k": strings.Repeat("v", 257)}})
			return err
		}, "1 validation error detected: Value '{k=" + strings.Repeat("v", 257) + "}' at 'identityPoolTags' failed to satisfy constraint: " +
			"Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, tt.call(), codeValidation, tt.msg)
		})
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	req, err := http.NewRequest(http.MethodOptions, s.endpoint+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
	res := s.do(t, req)
	if res.status < 200 || res.status > 299 {
		t.Errorf("preflight: got status %d, want 2xx", res.status)
	}
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("preflight Access-Control-Allow-Origin: got %q, want *", got)
	}
	if got := strings.ToUpper(res.header.Get("Access-Control-Allow-Methods")); !strings.Contains(got, "POST") {
		t.Errorf("preflight Access-Control-Allow-Methods: got %q, want POST allowed", got)
	}

	// The answer to a browser's request (it always sends Origin across
	// origins) carries the origin and exposes the headers SDKs read.
	req, err = http.NewRequest(http.MethodPost, s.endpoint+"/", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", targetPrefix+"GetId")
	res = s.do(t, req)
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("POST Access-Control-Allow-Origin: got %q, want *", got)
	}
	if got := strings.ToLower(res.header.Get("Access-Control-Expose-Headers")); !strings.Contains(got, "x-amzn-requestid") || !strings.Contains(got, "x-amzn-errortype") {
		t.Errorf("Access-Control-Expose-Headers: got %q, want x-amzn-RequestId and x-amzn-ErrorType", got)
	}

	// Other clients read no CORS headers, and get none.
	res = s.rawCall(t, targetPrefix+"GetId", []byte(`{}`), false)
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("POST without Origin, Access-Control-Allow-Origin: got %q, want none", got)
	}
}
