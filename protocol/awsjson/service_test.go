package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	poolID    = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	requestID = "c13f89ca-b9d4-4f49-94aa-cf86190ae58c"
)

type getIDInput struct {
	AccountId      *string
	IdentityPoolId string
	Logins         map[string]string
}

type getIDOutput struct {
	IdentityId string `json:",omitempty"`
}

type describeIdentityInput struct{ IdentityId string }

type describeIdentityOutput struct {
	IdentityId       string
	Logins           []string
	CreationDate     protocol.Time
	LastModifiedDate *protocol.Time `json:",omitempty"`
}

type deleteIdentityPoolInput struct{ IdentityPoolId string }

type listIdentitiesInput struct {
	IdentityPoolId string
	MaxResults     int32
}

type emptyOutput struct{}

// getID behaves according to the pool id so one operation can exercise
// every outcome of a service method.
func getID(_ context.Context, in *getIDInput) (*getIDOutput, error) {
	switch in.IdentityPoolId {
	case "us-east-1:dead":
		return nil, protocol.BadRequest("NotAuthorizedException", "Logins don't match.\r\nPlease include at least one valid login.")
	case "us-east-1:bad":
		return nil, errors.New("sqlite: database is locked (secret detail)")
	case "us-east-1:fab":
		panic("boom")
	case "us-east-1:0":
		return nil, nil
	}
	return &getIDOutput{IdentityId: "us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"}, nil
}

func describeIdentity(_ context.Context, in *describeIdentityInput) (*describeIdentityOutput, error) {
	return &describeIdentityOutput{
		IdentityId:   in.IdentityId,
		Logins:       []string{"graph.facebook.com", "<dev & co>"},
		CreationDate: protocol.At(time.UnixMilli(1421516513393)),
	}, nil
}

// deleteIdentityPool is signed: it fails unless the authenticator's
// principal reached it through the context.
func deleteIdentityPool(ctx context.Context, _ *deleteIdentityPoolInput) (*emptyOutput, error) {
	if p, ok := protocol.PrincipalFrom(ctx); !ok || p.AccessKeyID != "AKIDTEST" {
		return nil, errors.New("the principal did not reach the operation")
	}
	return nil, nil
}

func listIdentities(context.Context, *listIdentitiesInput) (*emptyOutput, error) {
	return &emptyOutput{}, nil
}

// auth accepts a request only when it carries "Authorization: ok".
func auth(r *http.Request, body []byte) (*protocol.Principal, error) {
	switch r.Header.Get("Authorization") {
	case "ok":
		return &protocol.Principal{AccessKeyID: "AKIDTEST"}, nil
	case "":
		return nil, protocol.Errorf(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	return nil, errors.New("verifier exploded")
}

func newTestService(t *testing.T, logs io.Writer) http.Handler {
	t.Helper()
	s := NewService(shape.CognitoIdentity(), auth, slog.New(slog.NewTextHandler(logs, nil)),
		WithNamespace("com.amazonaws.cognito.identity.model"))
	s.Handle("GetId", Op(getID))
	s.Handle("DescribeIdentity", Op(describeIdentity))
	s.Handle("DeleteIdentityPool", Op(deleteIdentityPool))
	s.Handle("ListIdentities", Op(listIdentities))
	// The emulator sets the request id before the codec runs, and logs the
	// cause of an internal error the codec recorded.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &protocol.Request{ID: requestID}
		w.Header()["x-amzn-RequestId"] = []string{requestID}
		s.ServeHTTP(w, r.WithContext(protocol.WithRequest(r.Context(), req)))
		if req.Cause != nil {
			fmt.Fprintf(logs, "id=%s code=%s err=%q\n", req.ID, req.Err.Code, req.Cause)
		}
	})
}

// chunked hides the body's length, as a chunked upload does.
type chunked struct{ io.Reader }

func TestServeHTTP(t *testing.T) {
	big := `{"IdentityPoolId":"` + poolID + `","Logins":{"x":"` + strings.Repeat("a", protocol.DefaultBodyLimit) + `"}}`
	tests := []struct {
		name       string
		method     string
		target     string
		authz      string
		body       string
		hideLength bool
		wantStatus int
		wantCode   string // x-amzn-ErrorType without the colon; "" for success
		wantBody   string // substring of the body
		wantLog    string // substring of the log; "" means nothing logged
	}{
		{name: "success", target: "GetId", body: `{"IdentityPoolId":"` + poolID + `"}`,
			wantStatus: 200, wantBody: `{"IdentityId":"us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"}`},
		{name: "success nil output", target: "GetId", body: `{"IdentityPoolId":"us-east-1:0"}`,
			wantStatus: 200, wantBody: `{}`},
		{name: "success timestamps", target: "DescribeIdentity", authz: "ok",
			body:       `{"IdentityId":"us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"}`,
			wantStatus: 200, wantBody: `"CreationDate":1421516513.393`},
		{name: "success empty output signed", target: "DeleteIdentityPool", authz: "ok",
			body: `{"IdentityPoolId":"` + poolID + `"}`, wantStatus: 200, wantBody: `{}`},
		{name: "unsigned skips auth", target: "GetId", authz: "garbage",
			body: `{"IdentityPoolId":"` + poolID + `"}`, wantStatus: 200, wantBody: `IdentityId`},
		{name: "auth refused", target: "DeleteIdentityPool",
			body: `{"IdentityPoolId":"` + poolID + `"}`, wantStatus: 403, wantCode: "MissingAuthenticationTokenException"},
		{name: "auth internal error", target: "DeleteIdentityPool", authz: "bad",
			body: `{"IdentityPoolId":"` + poolID + `"}`, wantStatus: 500, wantCode: "InternalErrorException",
			wantLog: "verifier exploded"},
		{name: "unknown operation", target: "NoSuchThing", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException", wantBody: `{"__type":"UnknownOperationException"}`},
		{name: "unregistered operation", target: "MergeDeveloperIdentities", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException"},
		{name: "qualified target", target: "-com.amazonaws.cognito.identity.model.AWSCognitoIdentityService.GetId",
			body: `{"IdentityPoolId":"` + poolID + `"}`, wantStatus: 200, wantBody: `IdentityId`},
		{name: "target in another namespace", target: "-com.example.AWSCognitoIdentityService.GetId", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException"},
		{name: "namespace without the prefix", target: "-com.amazonaws.cognito.identity.model.GetId", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException"},
		{name: "wrong prefix", target: "-DynamoDB_20120810.GetId", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException"},
		{name: "missing target", target: "-", body: `{}`,
			wantStatus: 400, wantCode: "UnknownOperationException"},
		{name: "not post", method: http.MethodGet, target: "GetId",
			wantStatus: 405, wantCode: "UnknownOperationException"},
		{name: "empty body is empty input", target: "GetId", body: ``,
			wantStatus: 400, wantCode: "ValidationException",
			wantBody: `1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null`},
		{name: "malformed json", target: "GetId", body: `{"IdentityPoolId":`,
			wantStatus: 400, wantCode: "SerializationException"},
		{name: "malformed json syntax", target: "GetId", body: `{"IdentityPoolId" "x"}`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `Malformed JSON at offset`},
		{name: "trailing data", target: "GetId", body: `{} {}`,
			wantStatus: 400, wantCode: "SerializationException"},
		{name: "non-object json", target: "GetId", body: `["x"]`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `Start of list found where not expected`},
		{name: "scalar json", target: "GetId", body: `"x"`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `STRING_VALUE can not be converted to a Structure`},
		{name: "wrong type", target: "GetId", body: `{"IdentityPoolId":5}`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `NUMBER_VALUE can not be converted to a String`},
		{name: "validation", target: "GetId", body: `{"IdentityPoolId":"nope"}`,
			wantStatus: 400, wantCode: "ValidationException",
			wantBody: `Value 'nope' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`},
		{name: "auth runs before validation", target: "DeleteIdentityPool", body: `{}`,
			wantStatus: 403, wantCode: "MissingAuthenticationTokenException"},
		{name: "integer member", target: "ListIdentities", authz: "ok",
			body: `{"IdentityPoolId":"` + poolID + `","MaxResults":5}`, wantStatus: 200, wantBody: `{}`},
		{name: "oversized with length", target: "GetId", body: big,
			wantStatus: 413, wantCode: "RequestEntityTooLargeException"},
		{name: "oversized without length", target: "GetId", body: big, hideLength: true,
			wantStatus: 413, wantCode: "RequestEntityTooLargeException"},
		{name: "service error", target: "GetId", body: `{"IdentityPoolId":"us-east-1:dead"}`,
			wantStatus: 400, wantCode: "NotAuthorizedException", wantBody: `"message":"Logins don't match.\r\nPlease`},
		{name: "plain error is internal", target: "GetId", body: `{"IdentityPoolId":"us-east-1:bad"}`,
			wantStatus: 500, wantCode: "InternalErrorException", wantBody: internalMessage,
			wantLog: "database is locked"},
		{name: "panic is internal", target: "GetId", body: `{"IdentityPoolId":"us-east-1:fab"}`,
			wantStatus: 500, wantCode: "InternalErrorException", wantBody: internalMessage, wantLog: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newTestService(t, &logs)
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			var body io.Reader = strings.NewReader(tt.body)
			if tt.hideLength {
				body = chunked{body}
			}
			r := httptest.NewRequest(method, "/", body)
			if tt.hideLength {
				r.ContentLength = -1
			}
			switch {
			case tt.target == "-":
			case strings.HasPrefix(tt.target, "-"):
				r.Header.Set("X-Amz-Target", tt.target[1:])
			default:
				r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+tt.target)
			}
			r.Header.Set("Content-Type", ContentType)
			if tt.authz != "" {
				r.Header.Set("Authorization", tt.authz)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			res := w.Result()
			got, _ := io.ReadAll(res.Body)

			if res.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d, want %d (body %s)", res.StatusCode, tt.wantStatus, got)
			}
			if ct := res.Header.Get("Content-Type"); ct != ContentType {
				t.Errorf("Content-Type: got %q, want %q", ct, ContentType)
			}
			if id := header(res.Header, "x-amzn-RequestId"); id != requestID {
				t.Errorf("request id: got %q, want %q", id, requestID)
			}
			et := header(res.Header, "x-amzn-ErrorType")
			if tt.wantCode == "" {
				if et != "" {
					t.Errorf("x-amzn-ErrorType: got %q, want none", et)
				}
			} else {
				if et != tt.wantCode+":" {
					t.Errorf("x-amzn-ErrorType: got %q, want %q", et, tt.wantCode+":")
				}
				var eb errorBody
				if err := json.Unmarshal(got, &eb); err != nil || eb.Type != tt.wantCode {
					t.Errorf("error body: got %s (%v), want __type %s", got, err, tt.wantCode)
				}
				if m := header(res.Header, "x-amzn-ErrorMessage"); strings.ContainsAny(m, "\r\n") || len(m) > maxHeaderMessage {
					t.Errorf("x-amzn-ErrorMessage: got %q, want one line of at most %d bytes", m, maxHeaderMessage)
				}
			}
			if !strings.Contains(string(got), tt.wantBody) {
				t.Errorf("body: got %s, want it to contain %s", got, tt.wantBody)
			}
			if tt.wantStatus == 500 && strings.Contains(string(got), tt.wantLog) {
				t.Errorf("body: got %s, want no internal detail", got)
			}
			if tt.wantLog == "" && logs.Len() > 0 {
				t.Errorf("log: got %s, want nothing", logs.String())
			}
			if tt.wantLog != "" {
				for _, want := range []string{tt.wantLog, requestID} {
					if !strings.Contains(logs.String(), want) {
						t.Errorf("log: got %s, want it to contain %q", logs.String(), want)
					}
				}
			}
			if got := res.Header.Get("Content-Length"); got == "" {
				t.Error("Content-Length: got none, want the body length")
			}
		})
	}
}

// TestGolden pins the exact bytes on the wire for success and each error
// kind. Regenerate with: go test ./protocol/awsjson -update
func TestGolden(t *testing.T) {
	tests := []struct {
		name, method, target, authz, body string
	}{
		{"success", "POST", "GetId", "", `{"IdentityPoolId":"` + poolID + `","Logins":{}}`},
		{"success_empty", "POST", "DeleteIdentityPool", "ok", `{"IdentityPoolId":"` + poolID + `"}`},
		{"success_timestamp", "POST", "DescribeIdentity", "ok", `{"IdentityId":"us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"}`},
		{"error_service", "POST", "GetId", "", `{"IdentityPoolId":"us-east-1:dead"}`},
		{"error_internal", "POST", "GetId", "", `{"IdentityPoolId":"us-east-1:bad"}`},
		{"error_panic", "POST", "GetId", "", `{"IdentityPoolId":"us-east-1:fab"}`},
		{"error_unknown_operation", "POST", "Nope", "", `{}`},
		{"error_method", "GET", "GetId", "", ``},
		{"error_malformed", "POST", "GetId", "", `{"IdentityPoolId"`},
		{"error_not_object", "POST", "GetId", "", `[]`},
		{"error_type", "POST", "GetId", "", `{"IdentityPoolId":true}`},
		{"error_validation", "POST", "GetId", "", `{"IdentityPoolId":"x","AccountId":"a"}`},
		{"error_auth", "POST", "DeleteIdentityPool", "", `{"IdentityPoolId":"` + poolID + `"}`},
		{"error_too_large", "POST", "GetId", "", strings.Repeat(" ", protocol.DefaultBodyLimit+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestService(t, io.Discard)
			r := httptest.NewRequest(tt.method, "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+tt.target)
			if tt.authz != "" {
				r.Header.Set("Authorization", tt.authz)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			got := wire(w)
			file := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("wire bytes:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// header looks name up case-insensitively, as a client reading the wire
// would; the writer keeps AWS's non-canonical spelling in the map.
func header(h http.Header, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// wire renders a response as status line, headers in sorted order with
// their exact spelling, a blank line and the body.
func wire(w *httptest.ResponseRecorder) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP " + http.StatusText(w.Code) + "\n")
	keys := make([]string, 0, len(w.Header()))
	for k := range w.Header() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range w.Header()[k] {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	b.Write(w.Body.Bytes())
	b.WriteString("\n")
	return b.Bytes()
}

func TestHandleUnknownOperationPanics(t *testing.T) {
	s := NewService(shape.CognitoIdentity(), nil, nil)
	defer func() {
		if recover() == nil {
			t.Error("Handle(NotAnOperation): got no panic, want one")
		}
	}()
	s.Handle("NotAnOperation", Op(getID))
}

// TestHandleRefusesUnfitInput: an input type that does not fit the model's
// input shape is refused when the operation is registered, at start-up,
// rather than decoding requests into zero fields.
func TestHandleRefusesUnfitInput(t *testing.T) {
	type wrongKind struct {
		IdentityPoolId string
		MaxResults     string
	}
	type otherName struct{ IdentityPoolID string }
	type narrowLong struct {
		IdentityPoolId string
		TokenDuration  int32
	}
	type nestedWrongKind struct {
		IdentityPoolId string
		Roles          map[string]int
	}
	tests := []struct {
		name, op string
		in       Operation
		want     string // in the panic; "" for none
	}{
		{"fits", "ListIdentities", Op(listIdentities), ""},
		{"string for an integer", "ListIdentities",
			Op(func(context.Context, *wrongKind) (*emptyOutput, error) { return nil, nil }), "MaxResults"},
		{"field naming no member", "GetId",
			Op(func(context.Context, *otherName) (*emptyOutput, error) { return nil, nil }), "IdentityPoolID"},
		{"int32 for a long", "GetOpenIdTokenForDeveloperIdentity",
			Op(func(context.Context, *narrowLong) (*emptyOutput, error) { return nil, nil }), "TokenDuration"},
		{"int for a map's strings", "SetIdentityPoolRoles",
			Op(func(context.Context, *nestedWrongKind) (*emptyOutput, error) { return nil, nil }), "Roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				got, _ := recover().(string)
				if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
					t.Errorf("Handle(%s): got panic %q, want one naming %q", tt.op, got, tt.want)
				}
			}()
			NewService(shape.CognitoIdentity(), nil, nil).Handle(tt.op, tt.in)
		})
	}
}

type credentialsInput struct {
	IdentityId    string
	Logins        map[string]string
	CustomRoleArn string
}

// BenchmarkDecode measures Decode of a GetCredentialsForIdentity body with
// one login: parsing, validation and the typed input.
func BenchmarkDecode(b *testing.B) {
	s := NewService(shape.CognitoIdentity(), nil, nil)
	s.Handle("GetCredentialsForIdentity", Op(func(context.Context, *credentialsInput) (*emptyOutput, error) { return nil, nil }))
	body := []byte(`{"IdentityId":"us-east-1:0b4c8a4e-1d0e-4c8f-9a57-3d1f3c0f6a11","Logins":{"accounts.google.com":"` +
		`eyJhbGciOiJSUzUxMiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJ1c2VyLTEyMyIsImF1ZCI6ImNsaWVudCIsImlzcyI6Imh0dHBzOi8vYWNjb3VudHMuZ29vZ2xlLmNvbSIsImV4cCI6MTcwMDAwMDAwMCwiaWF0IjoxNjk5OTk2NDAwfQ.c2lnbmF0dXJl"}}`)
	e := s.ops["GetCredentialsForIdentity"]
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Decode(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetId(b *testing.B) {
	s := NewService(shape.CognitoIdentity(), nil, nil)
	s.Handle("GetId", Op(getID))
	body := `{"IdentityPoolId":"` + poolID + `","Logins":{"accounts.google.com":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

// maxHeaderMessage is the longest x-amzn-ErrorMessage the codec sends.
const maxHeaderMessage = 1024

// errorBody is the JSON error body as a client reads it.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// TestInternalErrorWithoutRequest: served without the emulator's edge, the
// codec has no request to record an internal error's cause in, so it logs
// the cause itself.
func TestInternalErrorWithoutRequest(t *testing.T) {
	var logs bytes.Buffer
	s := NewService(shape.CognitoIdentity(), nil, slog.New(slog.NewTextHandler(&logs, nil)))
	s.Handle("GetId", Op(getID))
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"IdentityPoolId":"us-east-1:bad"}`))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService.GetId")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("got %d and log %q, want 500 and the cause logged", w.Code, logs.String())
	}
}

// TestDeclares: Declares is true for exactly the top-level members of an
// operation's input, by their exact names.
func TestDeclares(t *testing.T) {
	m := shape.CognitoIdentity()
	tests := []struct {
		name, op, member string
		want             bool
	}{
		{"declared member", "DescribeIdentityPool", "IdentityPoolId", true},
		{"ResourceArn of a tag operation", "TagResource", "ResourceArn", true},
		{"ResourceArn undeclared", "DescribeIdentityPool", "ResourceArn", false},
		{"IdentityPoolId undeclared", "DescribeIdentity", "IdentityPoolId", false},
		{"another case", "DescribeIdentityPool", "identityPoolId", false},
		{"nested member", "UpdateIdentityPool", "ProviderName", false},
		{"unknown operation", "DescribeNothing", "IdentityPoolId", false},
		{"operation without input members", "ListIdentityPools", "IdentityPoolId", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Declares(m, tt.op, tt.member); got != tt.want {
				t.Errorf("Declares(%s, %s): got %v, want %v", tt.op, tt.member, got, tt.want)
			}
		})
	}
}
