package restjson

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
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/cognitosync"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	poolID     = "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b"
	identityID = "us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"
	requestID  = "c13f89ca-b9d4-4f49-94aa-cf86190ae58c"
)

// Escaped forms, as SDKs put them in paths (url.PathEscape would leave
// the ':' alone).
var (
	poolPath     = strings.ReplaceAll(poolID, ":", "%3A")
	identityPath = strings.ReplaceAll(identityID, ":", "%3A")
	datasetPath  = "/identitypools/" + poolPath + "/identities/" + identityPath + "/datasets/"
)

type listRecordsInput struct {
	IdentityPoolId   string
	IdentityId       string
	DatasetName      string
	LastSyncCount    *int64
	MaxResults       *int32
	NextToken        *string
	SyncSessionToken *string
}

type record struct {
	Key              string
	Value            *string        `json:",omitempty"`
	SyncCount        int64          `json:",omitempty"`
	LastModifiedDate *protocol.Time `json:",omitempty"`
}

type listRecordsOutput struct {
	Records          []record
	Count            int
	DatasetSyncCount int64
	DatasetExists    bool
	SyncSessionToken string
}

type recordPatch struct {
	Op                     string
	Key                    string
	Value                  *string
	SyncCount              int64
	DeviceLastModifiedDate *protocol.Time
}

type updateRecordsInput struct {
	IdentityPoolId   string
	IdentityId       string
	DatasetName      string
	DeviceId         *string
	RecordPatches    []recordPatch
	SyncSessionToken string
	ClientContext    *string
}

type updateRecordsOutput struct {
	Records []record
}

type describeDatasetInput struct {
	IdentityPoolId string
	IdentityId     string
	DatasetName    string
}

type listDatasetsInput struct {
	IdentityPoolId string
	IdentityId     string
	MaxResults     *int32
}

type emptyOutput struct{}

// listRecords echoes its typed input back in the output so tests can see
// what the codec decoded.
func listRecords(_ context.Context, in *listRecordsInput) (*listRecordsOutput, error) {
	out := &listRecordsOutput{SyncSessionToken: in.IdentityPoolId + "|" + in.IdentityId + "|" + in.DatasetName}
	if in.LastSyncCount != nil {
		out.DatasetSyncCount = *in.LastSyncCount
	}
	if in.MaxResults != nil {
		out.Count = int(*in.MaxResults)
	}
	if in.NextToken != nil {
		out.Records = append(out.Records, record{Key: "next", Value: in.NextToken})
	}
	if in.SyncSessionToken != nil {
		out.Records = append(out.Records, record{Key: "token", Value: in.SyncSessionToken})
	}
	return out, nil
}

// updateRecords behaves according to the session token so one operation
// can exercise every outcome of a service method.
func updateRecords(_ context.Context, in *updateRecordsInput) (*updateRecordsOutput, error) {
	switch in.SyncSessionToken {
	case "conflict":
		// No status: the writer takes it from the model (409).
		return nil, &protocol.Error{Code: "ResourceConflictException", Message: "Current SyncCount for: user is: 1 not: 0", Sender: true}
	case "unmodeled":
		// No status and a code the model does not know: 400.
		return nil, &protocol.Error{Code: "AccessDeniedException", Message: "User is not authorized", Sender: true}
	case "denied":
		return nil, protocol.Errorf(http.StatusForbidden, "NotAuthorizedException", "These credentials are not valid for accessing this resource")
	case "multiline":
		return nil, protocol.BadRequest("InvalidParameterException", "SyncSessionToken not valid\r\nfor these inputs")
	case "db":
		return nil, errors.New("sqlite: database is locked (secret detail)")
	case "boom":
		panic("boom")
	case "nil":
		return nil, nil
	}
	out := &updateRecordsOutput{}
	for _, p := range in.RecordPatches {
		r := record{Key: p.Key, Value: p.Value, SyncCount: p.SyncCount + 1, LastModifiedDate: p.DeviceLastModifiedDate}
		out.Records = append(out.Records, r)
	}
	if in.ClientContext != nil {
		out.Records = append(out.Records, record{Key: "client-context", Value: in.ClientContext})
	}
	if in.DeviceId != nil {
		out.Records = append(out.Records, record{Key: "device", Value: in.DeviceId})
	}
	return out, nil
}

// deleteDataset is signed: it fails unless the authenticator's principal
// reached it through the context.
func deleteDataset(ctx context.Context, in *describeDatasetInput) (*emptyOutput, error) {
	if p, ok := protocol.PrincipalFrom(ctx); !ok || p.AccessKeyID != "AKIDTEST" {
		return nil, errors.New("the principal did not reach the operation")
	}
	return nil, nil
}

func listDatasets(context.Context, *listDatasetsInput) (*emptyOutput, error) {
	return &emptyOutput{}, nil
}

// auth stands in for SigV4: "Authorization: ok" is the principal
// AKIDTEST, no Authorization another principal, "deny" a refusal and
// anything else a fault of the verifier.
func auth(r *http.Request, body []byte) (*protocol.Principal, error) {
	switch r.Header.Get("Authorization") {
	case "ok":
		return &protocol.Principal{AccessKeyID: "AKIDTEST"}, nil
	case "":
		return &protocol.Principal{AccessKeyID: "AKIDOTHER"}, nil
	case "deny":
		return nil, protocol.Errorf(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	return nil, errors.New("verifier exploded")
}

// withRequestID sets the request id as the emulator does before the codec
// runs, and writes the cause of an internal error the codec recorded to
// logs, as the emulator's request log does.
func withRequestID(s http.Handler, logs io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &protocol.Request{ID: requestID}
		w.Header()["x-amzn-RequestId"] = []string{requestID}
		s.ServeHTTP(w, r.WithContext(protocol.WithRequest(r.Context(), req)))
		if req.Cause != nil {
			fmt.Fprintf(logs, "id=%s code=%s err=%q\n", req.ID, req.Err.Code, req.Cause)
		}
	})
}

func newTestService(t *testing.T, logs io.Writer) http.Handler {
	t.Helper()
	s := NewService(shape.CognitoSync(), auth, slog.New(slog.NewTextHandler(logs, nil)), WithBodyLimit(1024))
	s.Handle("ListRecords", Op(listRecords))
	s.Handle("UpdateRecords", Op(updateRecords))
	s.Handle("DeleteDataset", Op(deleteDataset))
	s.Handle("ListDatasets", Op(listDatasets))
	return withRequestID(s, logs)
}

// chunked hides the body's length, as a chunked upload does.
type chunked struct{ io.Reader }

func TestServeHTTP(t *testing.T) {
	update := func(token string) string {
		return `{"SyncSessionToken":"` + token + `","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0}]}`
	}
	big := `{"SyncSessionToken":"t","RecordPatches":[{"Op":"replace","Key":"k","Value":"` + strings.Repeat("a", 1100) + `","SyncCount":0}]}`
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		body       string
		hideLength bool
		wantStatus int
		wantCode   string // x-amzn-ErrorType; "" for success
		wantBody   string // substring of the body
		wantLog    string // substring of the log; "" means nothing logged
		wantAllow  string
	}{
		{name: "list records", method: "GET", path: datasetPath + "settings/records?lastSyncCount=7&maxResults=1024",
			wantStatus: 200, wantBody: `"Count":1024,"DatasetSyncCount":7,"DatasetExists":false,"SyncSessionToken":"` + poolID + `|` + identityID + `|settings"`},
		{name: "update records", method: "POST", path: datasetPath + "settings", body: update("t"),
			wantStatus: 200, wantBody: `{"Records":[{"Key":"k","Value":"v","SyncCount":1}]}`},
		{name: "nil output is empty object", method: "POST", path: datasetPath + "settings", body: update("nil"),
			wantStatus: 200, wantBody: `{}`},
		{name: "signed output empty", method: "DELETE", path: datasetPath + "settings", header: map[string]string{"Authorization": "ok"},
			wantStatus: 200, wantBody: `{}`},
		{name: "unknown path", method: "GET", path: "/identitypools/" + poolPath + "/nothing",
			wantStatus: 404, wantCode: "UnknownOperationException", wantBody: `"message":"No operation matches GET /identitypools/` + poolPath + `/nothing"`},
		{name: "unknown root", method: "GET", path: "/",
			wantStatus: 404, wantCode: "UnknownOperationException"},
		{name: "path too long", method: "GET", path: datasetPath + "settings/records/extra",
			wantStatus: 404, wantCode: "UnknownOperationException"},
		{name: "unregistered operation", method: "GET", path: "/identitypools/" + poolPath,
			wantStatus: 404, wantCode: "UnknownOperationException", wantBody: `Operation DescribeIdentityPoolUsage is not supported`},
		{name: "wrong method", method: "PUT", path: datasetPath + "settings",
			wantStatus: 405, wantCode: "UnknownOperationException", wantAllow: "DELETE, GET, POST"},
		{name: "wrong method on records", method: "POST", path: datasetPath + "settings/records",
			wantStatus: 405, wantCode: "UnknownOperationException", wantAllow: "GET"},
		{name: "empty body is empty input", method: "POST", path: datasetPath + "settings",
			wantStatus: 400, wantCode: "InvalidParameterException",
			wantBody: `1 validation error detected: Value null at 'syncSessionToken' failed to satisfy constraint: Member must not be null`},
		{name: "blank body is empty input", method: "POST", path: datasetPath + "settings", body: " \n",
			wantStatus: 400, wantCode: "InvalidParameterException"},
		{name: "malformed json", method: "POST", path: datasetPath + "settings", body: `{"SyncSessionToken":`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: "unexpected end of input"},
		{name: "malformed json syntax", method: "POST", path: datasetPath + "settings", body: `{"SyncSessionToken" "x"}`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `Malformed JSON at offset`},
		{name: "trailing data", method: "POST", path: datasetPath + "settings", body: `{} {}`,
			wantStatus: 400, wantCode: "SerializationException"},
		{name: "non-object json", method: "POST", path: datasetPath + "settings", body: `["x"]`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `Start of list found where not expected`},
		{name: "scalar json", method: "POST", path: datasetPath + "settings", body: `true`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `TRUE_VALUE can not be converted to a Structure`},
		{name: "wrong type in body", method: "POST", path: datasetPath + "settings", body: `{"SyncSessionToken":5}`,
			wantStatus: 400, wantCode: "SerializationException", wantBody: `NUMBER_VALUE can not be converted to a String`},
		{name: "constraint violation", method: "POST", path: datasetPath + "bad%20name",
			body:       `{"SyncSessionToken":"t","RecordPatches":[{"Op":"merge","Key":"","SyncCount":0}]}`,
			wantStatus: 400, wantCode: "InvalidParameterException",
			wantBody: `3 validation errors detected: Value 'bad name' at 'datasetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+; ` +
				`Value 'merge' at 'recordPatches.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [replace, remove]; ` +
				`Value '' at 'recordPatches.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1`},
		{name: "encoded slash stays in label", method: "GET", path: datasetPath + "a%2Fb/records",
			wantStatus: 400, wantCode: "InvalidParameterException", wantBody: `Value 'a/b' at 'datasetName'`},
		{name: "label violates pattern", method: "GET", path: "/identitypools/nope/identities/" + identityPath + "/datasets/d/records",
			wantStatus: 400, wantCode: "InvalidParameterException", wantBody: `Value 'nope' at 'identityPoolId' failed to satisfy constraint`},
		{name: "query integer not a number", method: "GET", path: datasetPath + "d/records?maxResults=abc",
			wantStatus: 400, wantCode: "SerializationException",
			wantBody: `Value 'abc' of query parameter 'maxResults' can not be converted to an Integer`},
		{name: "query long not a number", method: "GET", path: datasetPath + "d/records?lastSyncCount=1.5",
			wantStatus: 400, wantCode: "SerializationException", wantBody: `can not be converted to a Long`},
		{name: "query integer out of range", method: "GET", path: datasetPath + "d/records?maxResults=3000000000",
			wantStatus: 400, wantCode: "SerializationException", wantBody: `NUMBER_VALUE can not be converted to an Integer`},
		{name: "malformed query string", method: "GET", path: datasetPath + "d/records?maxResults=%zz",
			wantStatus: 400, wantCode: "SerializationException", wantBody: `Malformed query string`},
		{name: "principal reaches operation", method: "DELETE", path: datasetPath + "settings",
			wantStatus: 500, wantCode: "InternalErrorException", wantLog: "the principal did not reach the operation"},
		{name: "auth refused", method: "DELETE", path: datasetPath + "settings", header: map[string]string{"Authorization": "deny"},
			wantStatus: 403, wantCode: "MissingAuthenticationTokenException", wantBody: `Missing Authentication Token`},
		{name: "auth runs before parsing", method: "DELETE", path: datasetPath + "settings", body: `{`,
			header:     map[string]string{"Authorization": "deny"},
			wantStatus: 403, wantCode: "MissingAuthenticationTokenException"},
		{name: "auth internal error", method: "DELETE", path: datasetPath + "settings", header: map[string]string{"Authorization": "bad"},
			wantStatus: 500, wantCode: "InternalErrorException", wantBody: internalMessage, wantLog: "verifier exploded"},
		{name: "query integer into a pointer", method: "GET", path: "/identitypools/" + poolPath + "/identities/" + identityPath + "/datasets?maxResults=5",
			wantStatus: 200, wantBody: `{}`},
		{name: "oversized with length", method: "POST", path: datasetPath + "settings", body: big,
			wantStatus: 413, wantCode: "RequestEntityTooLargeException"},
		{name: "oversized without length", method: "POST", path: datasetPath + "settings", body: big, hideLength: true,
			wantStatus: 413, wantCode: "RequestEntityTooLargeException"},
		{name: "service error status from model", method: "POST", path: datasetPath + "settings", body: update("conflict"),
			wantStatus: 409, wantCode: "ResourceConflictException", wantBody: `"message":"Current SyncCount for: user is: 1 not: 0"`},
		{name: "service error unmodeled code", method: "POST", path: datasetPath + "settings", body: update("unmodeled"),
			wantStatus: 400, wantCode: "AccessDeniedException"},
		{name: "service error own status", method: "POST", path: datasetPath + "settings", body: update("denied"),
			wantStatus: 403, wantCode: "NotAuthorizedException"},
		{name: "service error multiline", method: "POST", path: datasetPath + "settings", body: update("multiline"),
			wantStatus: 400, wantCode: "InvalidParameterException", wantBody: `"message":"SyncSessionToken not valid\r\nfor these inputs"`},
		{name: "plain error is internal", method: "POST", path: datasetPath + "settings", body: update("db"),
			wantStatus: 500, wantCode: "InternalErrorException", wantBody: internalMessage, wantLog: "database is locked"},
		{name: "panic is internal", method: "POST", path: datasetPath + "settings", body: update("boom"),
			wantStatus: 500, wantCode: "InternalErrorException", wantBody: internalMessage, wantLog: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newTestService(t, &logs)
			var body io.Reader = strings.NewReader(tt.body)
			if tt.hideLength {
				body = chunked{body}
			}
			r := httptest.NewRequest(tt.method, tt.path, body)
			if tt.hideLength {
				r.ContentLength = -1
			}
			r.Header.Set("Content-Type", ContentType)
			for k, v := range tt.header {
				r.Header.Set(k, v)
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
			if got := res.Header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow: got %q, want %q", got, tt.wantAllow)
			}
			et := header(res.Header, "x-amzn-ErrorType")
			if tt.wantCode == "" {
				if et != "" {
					t.Errorf("x-amzn-ErrorType: got %q, want none", et)
				}
			} else {
				if et != tt.wantCode {
					t.Errorf("x-amzn-ErrorType: got %q, want %q", et, tt.wantCode)
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

// recorded is what the recording operations of TestRoutes saw.
type recorded struct {
	Op string
	In any
}

// syncOps registers every Cognito Sync operation on s, each decoding into
// the emulator's input type and answering its name and its input.
func syncOps(s *Service) {
	var cs *cognitosync.Service // only its methods' types are used
	for name, op := range map[string]func(name string) Operation{
		"BulkPublish":                  recorder(cs.BulkPublish),
		"DeleteDataset":                recorder(cs.DeleteDataset),
		"DescribeDataset":              recorder(cs.DescribeDataset),
		"DescribeIdentityPoolUsage":    recorder(cs.DescribeIdentityPoolUsage),
		"DescribeIdentityUsage":        recorder(cs.DescribeIdentityUsage),
		"GetBulkPublishDetails":        recorder(cs.GetBulkPublishDetails),
		"GetCognitoEvents":             recorder(cs.GetCognitoEvents),
		"GetIdentityPoolConfiguration": recorder(cs.GetIdentityPoolConfiguration),
		"ListDatasets":                 recorder(cs.ListDatasets),
		"ListIdentityPoolUsage":        recorder(cs.ListIdentityPoolUsage),
		"ListRecords":                  recorder(cs.ListRecords),
		"RegisterDevice":               recorder(cs.RegisterDevice),
		"SetCognitoEvents":             recorder(cs.SetCognitoEvents),
		"SetIdentityPoolConfiguration": recorder(cs.SetIdentityPoolConfiguration),
		"SubscribeToDataset":           recorder(cs.SubscribeToDataset),
		"UnsubscribeFromDataset":       recorder(cs.UnsubscribeFromDataset),
		"UpdateRecords":                recorder(cs.UpdateRecords),
	} {
		s.Handle(name, op(name))
	}
}

// recorder makes the operation syncOps registers for a method like fn.
func recorder[In, Out any](func(context.Context, *In) (*Out, error)) func(name string) Operation {
	return func(name string) Operation {
		return Op(func(_ context.Context, in *In) (*recorded, error) { return &recorded{Op: name, In: in}, nil })
	}
}

// TestRoutes sends a request for every Cognito Sync operation and checks
// which operation received it and with which decoded labels.
func TestRoutes(t *testing.T) {
	m := shape.CognitoSync()
	s := NewService(m, nil, nil)
	syncOps(s)
	pool := "/identitypools/" + poolPath
	ids := pool + "/identities/" + identityPath
	tests := []struct {
		method, path, body string
		wantOp             string
		wantIn             map[string]any // members expected in the input, beyond the body's
	}{
		{"GET", "/identitypools", "", "ListIdentityPoolUsage", nil},
		{"GET", "/identitypools?maxResults=3&nextToken=n", "", "ListIdentityPoolUsage", map[string]any{"MaxResults": 3.0, "NextToken": "n"}},
		{"GET", pool, "", "DescribeIdentityPoolUsage", map[string]any{"IdentityPoolId": poolID}},
		{"POST", pool + "/bulkpublish", "", "BulkPublish", map[string]any{"IdentityPoolId": poolID}},
		{"POST", pool + "/getBulkPublishDetails", "", "GetBulkPublishDetails", map[string]any{"IdentityPoolId": poolID}},
		{"GET", pool + "/events", "", "GetCognitoEvents", map[string]any{"IdentityPoolId": poolID}},
		{"POST", pool + "/events", `{"Events":{"SyncTrigger":"arn:aws:lambda:us-east-1:1:function:f"}}`, "SetCognitoEvents",
			map[string]any{"IdentityPoolId": poolID}},
		{"GET", pool + "/configuration", "", "GetIdentityPoolConfiguration", map[string]any{"IdentityPoolId": poolID}},
		{"POST", pool + "/configuration", `{}`, "SetIdentityPoolConfiguration", map[string]any{"IdentityPoolId": poolID}},
		{"GET", ids, "", "DescribeIdentityUsage", map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID}},
		{"GET", ids + "/datasets", "", "ListDatasets", map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID}},
		{"GET", ids + "/datasets/my.data_set-1", "", "DescribeDataset",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "my.data_set-1"}},
		{"DELETE", ids + "/datasets/d", "", "DeleteDataset", map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d"}},
		{"POST", ids + "/datasets/d", `{"SyncSessionToken":"t"}`, "UpdateRecords",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d"}},
		{"GET", ids + "/datasets/d/records", "", "ListRecords", map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d"}},
		// A dataset named like a literal segment is still a label.
		{"GET", ids + "/datasets/records", "", "DescribeDataset",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "records"}},
		{"POST", pool + "/identity/" + identityPath + "/device", `{"Platform":"GCM","Token":"tok"}`, "RegisterDevice",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID}},
		{"POST", ids + "/datasets/d/subscriptions/dev%201", "", "SubscribeToDataset",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d", "DeviceId": "dev 1"}},
		{"DELETE", ids + "/datasets/d/subscriptions/dev-1", "", "UnsubscribeFromDataset",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d", "DeviceId": "dev-1"}},
		// Unescaped ':' routes the same.
		{"GET", "/identitypools/" + poolID + "/identities/" + identityID + "/datasets/d/records", "", "ListRecords",
			map[string]any{"IdentityPoolId": poolID, "IdentityId": identityID, "DatasetName": "d"}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if !s.Accepts(r) {
				t.Errorf("Accepts: got false, want true")
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("status: got %d %s, want 200", w.Code, w.Body)
			}
			var got recorded
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Op != tt.wantOp {
				t.Errorf("operation: got %s, want %s", got.Op, tt.wantOp)
			}
			want := map[string]any{}
			if tt.body != "" {
				if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tt.wantIn {
				want[k] = v
			}
			in, _ := got.In.(map[string]any)
			for k, v := range want {
				if !reflect.DeepEqual(in[k], v) {
					t.Errorf("input member %s: got %v, want %v (input %v)", k, in[k], v, in)
				}
			}
			seen[got.Op] = true
		})
	}
	if len(seen) != len(m.Operations()) {
		t.Errorf("operations routed: got %d, want all %d", len(seen), len(m.Operations()))
	}
}

func TestAccepts(t *testing.T) {
	s := NewService(shape.CognitoSync(), nil, nil)
	tests := []struct {
		name, method, path string
		want               bool
	}{
		{"route", "GET", "/identitypools", true},
		{"route any method", "PATCH", "/identitypools/p/events", true},
		{"unregistered still a route", "GET", datasetPath + "d/records", true},
		{"root", "GET", "/", false},
		{"other service", "POST", "/", false},
		{"prefix only", "GET", "/identitypools/p/identities", false},
		{"too deep", "GET", datasetPath + "d/records/x", false},
		{"well-known", "GET", "/.well-known/jwks_uri", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, nil)
			if got := s.Accepts(r); got != tt.want {
				t.Errorf("Accepts(%s %s): got %v, want %v", tt.method, tt.path, got, tt.want)
			}
		})
	}
}

// TestMatch drives the router with escaped paths as they come off the
// wire, including ones net/http would not let through.
func TestMatch(t *testing.T) {
	s := NewService(shape.CognitoSync(), nil, nil)
	tests := []struct {
		name, path string
		wantOps    []string // operations on the matched node; nil for no match
		wantLabels []string
		wantErr    bool
	}{
		{"root list", "/identitypools", []string{"ListIdentityPoolUsage"}, nil, false},
		{"decoded labels", "/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/n%2Fm/records",
			[]string{"ListRecords"}, []string{"us-east-1:abc", "us-east-1:def", "n/m"}, false},
		{"one path three methods", "/identitypools/p/identities/i/datasets/d",
			[]string{"DeleteDataset", "DescribeDataset", "UpdateRecords"}, []string{"p", "i", "d"}, false},
		{"singular identity", "/identitypools/p/identity/i/device", []string{"RegisterDevice"}, []string{"p", "i"}, false},
		{"literal encoded", "/identitypools/p/%65vents", []string{"GetCognitoEvents", "SetCognitoEvents"}, []string{"p"}, false},
		{"empty label", "/identitypools/", []string{"DescribeIdentityPoolUsage"}, []string{""}, false},
		{"double slash", "//identitypools", nil, nil, false},
		{"relative", "identitypools", nil, nil, false},
		{"empty", "", nil, nil, false},
		{"bad escape", "/identitypools/x%zz", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, labels, err := s.router.match(tt.path, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			var ops []string
			if n != nil {
				for _, e := range n.routes {
					ops = append(ops, e.name)
				}
				slices.Sort(ops)
			}
			if !slices.Equal(ops, tt.wantOps) {
				t.Errorf("operations: got %v, want %v", ops, tt.wantOps)
			}
			if n != nil && !slices.Equal(labels, tt.wantLabels) {
				t.Errorf("labels: got %q, want %q", labels, tt.wantLabels)
			}
		})
	}
}

// TestBinding checks that members bound to labels, the query string,
// headers and the body reach the typed input converted to their types.
func TestBinding(t *testing.T) {
	h := newTestService(t, io.Discard)
	tests := []struct {
		name, method, path, body string
		header                   map[string]string
		want                     string
	}{
		{"query ints and strings", "GET", datasetPath + "settings/records?lastSyncCount=9007199254740993&maxResults=64&nextToken=a%2Bb&syncSessionToken=s+1&ignored=x",
			"", nil,
			`{"Records":[{"Key":"next","Value":"a+b"},{"Key":"token","Value":"s 1"}],"Count":64,"DatasetSyncCount":9007199254740993,"DatasetExists":false,"SyncSessionToken":"` + poolID + `|` + identityID + `|settings"}`},
		{"first query value wins", "GET", datasetPath + "settings/records?maxResults=1&maxResults=2", "", nil,
			`{"Records":null,"Count":1,"DatasetSyncCount":0,"DatasetExists":false,"SyncSessionToken":"` + poolID + `|` + identityID + `|settings"}`},
		{"header and body members", "POST", datasetPath + "settings",
			`{"DeviceId":"dev","SyncSessionToken":"t","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":3,"DeviceLastModifiedDate":1421516513.393}]}`,
			map[string]string{"X-Amz-Client-Context": "eyJjbGllbnQiOnt9fQ=="},
			`{"Records":[{"Key":"k","Value":"v","SyncCount":4,"LastModifiedDate":1421516513.393},{"Key":"client-context","Value":"eyJjbGllbnQiOnt9fQ=="},{"Key":"device","Value":"dev"}]}`},
		{"body cannot override bound members", "POST", datasetPath + "settings",
			`{"SyncSessionToken":"t","ClientContext":"from-body","DatasetName":"evil","IdentityPoolId":5}`, nil,
			`{"Records":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 || w.Body.String() != tt.want {
				t.Errorf("got %d %s, want 200 %s", w.Code, w.Body, tt.want)
			}
		})
	}
}

// TestGolden pins the exact bytes on the wire for success and each error
// kind. Regenerate with: go test ./protocol/restjson -update
func TestGolden(t *testing.T) {
	patch := `{"SyncSessionToken":"%s","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0,"DeviceLastModifiedDate":1421516513.393}]}`
	tests := []struct {
		name, method, path, authz, body string
	}{
		{"success", "POST", datasetPath + "settings", "", strings.Replace(patch, "%s", "t", 1)},
		{"success_empty", "DELETE", datasetPath + "settings", "ok", ``},
		{"success_query", "GET", datasetPath + "settings/records?lastSyncCount=2&maxResults=10", "", ``},
		{"error_service", "POST", datasetPath + "settings", "", strings.Replace(patch, "%s", "conflict", 1)},
		{"error_internal", "POST", datasetPath + "settings", "", strings.Replace(patch, "%s", "db", 1)},
		{"error_panic", "POST", datasetPath + "settings", "", strings.Replace(patch, "%s", "boom", 1)},
		{"error_unknown_path", "GET", "/identitypools/" + poolPath + "/bogus", "", ``},
		{"error_method", "PUT", datasetPath + "settings", "", ``},
		{"error_malformed", "POST", datasetPath + "settings", "", `{"SyncSessionToken"`},
		{"error_type", "POST", datasetPath + "settings", "", `{"SyncSessionToken":true}`},
		{"error_query_type", "GET", datasetPath + "settings/records?lastSyncCount=x", "", ``},
		{"error_validation", "POST", datasetPath + "bad%20name", "", `{"DeviceId":""}`},
		{"error_auth", "DELETE", datasetPath + "settings", "deny", ``},
		{"error_too_large", "POST", datasetPath + "settings", "", strings.Repeat(" ", 2000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestService(t, io.Discard)
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
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

// TestHandleRefusesUnfitInput: an input type that does not fit the
// model's input shape is refused at start-up, rather than decoding
// requests into zero fields.
func TestHandleRefusesUnfitInput(t *testing.T) {
	type wrongKind struct {
		IdentityPoolId string
		MaxResults     string
	}
	type otherCase struct{ IdentityPoolID string }
	tests := []struct {
		name string
		op   Operation
		want string
	}{
		{"string for a query integer", Op(func(context.Context, *wrongKind) (*emptyOutput, error) { return nil, nil }), "MaxResults"},
		{"label in another case", Op(func(context.Context, *otherCase) (*emptyOutput, error) { return nil, nil }), "IdentityPoolID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got, _ := recover().(string); !strings.Contains(got, tt.want) {
					t.Errorf("got panic %q, want one naming %q", got, tt.want)
				}
			}()
			NewService(shape.CognitoSync(), nil, nil).Handle("ListDatasets", tt.op)
		})
	}
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
	tests := []struct {
		name  string
		model *shape.Model
		op    string
	}{
		{"not in model", shape.CognitoSync(), "NotAnOperation"},
		{"not bound to HTTP", mustParse(t, `{"metadata":{},"operations":{"X":{"name":"X"}},"shapes":{}}`), "X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(tt.model, nil, nil)
			defer func() {
				if recover() == nil {
					t.Errorf("Handle(%s): got no panic, want one", tt.op)
				}
			}()
			s.Handle(tt.op, Op(listRecords))
		})
	}
}

func mustParse(t *testing.T, model string) *shape.Model {
	t.Helper()
	m, err := shape.Parse([]byte(model))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewServiceRejectsBadBindings(t *testing.T) {
	shapes := `"shapes":{"In":{"type":"structure","members":{"Id":{"shape":"S","location":"uri","locationName":"Id"}}},"S":{"type":"string"}}`
	tests := []struct{ name, ops string }{
		{"label without member", `{"A":{"http":{"method":"GET","requestUri":"/x/{Other}"},"input":{"shape":"In"}}}`},
		{"label not a whole segment", `{"A":{"http":{"method":"GET","requestUri":"/x-{Id}"},"input":{"shape":"In"}}}`},
		{"greedy label not last", `{"A":{"http":{"method":"GET","requestUri":"/{Id+}/x"},"input":{"shape":"In"}}}`},
		{"no leading slash", `{"A":{"http":{"method":"GET","requestUri":"x"}}}`},
		{"two operations one route", `{"A":{"http":{"method":"GET","requestUri":"/x/{Id}"},"input":{"shape":"In"}},
			"B":{"http":{"method":"GET","requestUri":"/x/{Id}"},"input":{"shape":"In"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, `{"metadata":{"protocol":"rest-json"},"operations":`+tt.ops+`,`+shapes+`}`)
			defer func() {
				if recover() == nil {
					t.Error("NewService: got no panic, want one")
				}
			}()
			NewService(m, nil, nil)
		})
	}
}

func TestInternalAndValidationCodes(t *testing.T) {
	tests := []struct {
		name      string
		opts      []Option
		token     string
		wantCode  string
		wantState int
	}{
		{"default internal", nil, "db", "InternalErrorException", 500},
		{"default validation", nil, "", "InvalidParameterException", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(shape.CognitoSync(), nil, nil, tt.opts...)
			s.Handle("UpdateRecords", Op(updateRecords))
			body := `{}`
			if tt.token != "" {
				body = `{"SyncSessionToken":"` + tt.token + `"}`
			}
			r := httptest.NewRequest("POST", datasetPath+"d", strings.NewReader(body))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if got := w.Header()["x-amzn-ErrorType"]; w.Code != tt.wantState || len(got) != 1 || got[0] != tt.wantCode {
				t.Errorf("got %d %v, want %d %s", w.Code, got, tt.wantState, tt.wantCode)
			}
		})
	}
	// A model without InvalidParameterException falls back to
	// ValidationException.
	m := mustParse(t, `{"metadata":{"protocol":"rest-json"},
		"operations":{"A":{"http":{"method":"GET","requestUri":"/x/{Id}"},"input":{"shape":"In"}}},
		"shapes":{"In":{"type":"structure","members":{"Id":{"shape":"S","location":"uri","locationName":"Id"}}},"S":{"type":"string","max":1}}}`)
	s := NewService(m, nil, nil)
	s.Handle("A", Op(func(context.Context, *struct{ Id string }) (*emptyOutput, error) { return nil, nil }))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/x/long", nil))
	if got := w.Header()["x-amzn-ErrorType"]; len(got) != 1 || got[0] != protocol.CodeValidation {
		t.Errorf("x-amzn-ErrorType: got %v, want %s", got, protocol.CodeValidation)
	}
	// The internal code falls back to InternalFailure without a model fault.
	s.Handle("A", Op(func(context.Context, *struct{ Id string }) (*emptyOutput, error) { return nil, errors.New("x") }))
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/x/a", nil))
	if got := w.Header()["x-amzn-ErrorType"]; w.Code != 500 || len(got) != 1 || got[0] != protocol.CodeInternal {
		t.Errorf("got %d %v, want 500 %s", w.Code, got, protocol.CodeInternal)
	}
}

func TestConvert(t *testing.T) {
	when := time.Date(2015, 1, 17, 17, 41, 53, 393e6, time.UTC)
	tests := []struct {
		name, loc, typ, format, raw string
		want                        any
		wantErr                     bool
	}{
		{"string", "uri", "string", "", "a b", "a b", false},
		{"integer", "querystring", "integer", "", "-12", json.Number("-12"), false},
		{"integer empty", "querystring", "integer", "", "", nil, true},
		{"integer sign only", "querystring", "integer", "", "-", nil, true},
		{"long float text", "querystring", "long", "", "1e3", nil, true},
		{"boolean", "querystring", "boolean", "", "true", true, false},
		{"boolean caps", "querystring", "boolean", "", "TRUE", nil, true},
		{"timestamp iso", "querystring", "timestamp", "", "2015-01-17T17:41:53.393Z", json.Number("1421516513.393"), false},
		{"timestamp header", "header", "timestamp", "", when.Format(http.TimeFormat), json.Number("1421516513"), false},
		{"timestamp unix", "querystring", "timestamp", "unixTimestamp", "1421516513", json.Number("1421516513"), false},
		{"timestamp bad", "querystring", "timestamp", "", "yesterday", nil, true},
		{"structure left to validation", "querystring", "structure", "", "x", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newParam(shape.Binding{Member: "M", Location: tt.loc, Name: "m", Type: tt.typ, TimestampFormat: tt.format})
			got, err := p.convert(tt.typ, tt.raw)
			if tt.wantErr {
				pe, ok := protocol.As(err)
				if !ok || pe.Code != protocol.CodeSerialization || pe.Status != 400 {
					t.Errorf("got %v, %v; want a 400 SerializationException", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func BenchmarkListRecords(b *testing.B) {
	s := NewService(shape.CognitoSync(), nil, nil)
	s.Handle("ListRecords", Op(listRecords))
	target := datasetPath + "settings/records?lastSyncCount=7&maxResults=1024"
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", target, nil)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

func BenchmarkUpdateRecords(b *testing.B) {
	s := NewService(shape.CognitoSync(), nil, nil)
	s.Handle("UpdateRecords", Op(updateRecords))
	body := `{"SyncSessionToken":"t","RecordPatches":[{"Op":"replace","Key":"highScore","Value":"42","SyncCount":3,"DeviceLastModifiedDate":1421516513.393}]}`
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", datasetPath+"settings", strings.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

func FuzzServeHTTP(f *testing.F) {
	f.Add(uint8(0), datasetPath+"d/records", "lastSyncCount=1&maxResults=2", []byte(nil))
	f.Add(uint8(1), datasetPath+"d", "", []byte(`{"SyncSessionToken":"t","RecordPatches":[{"Op":"remove","Key":"k","SyncCount":1}]}`))
	f.Add(uint8(1), "/identitypools/p:1/identity/p:2/device", "", []byte(`{"Platform":"ADM","Token":"x"}`))
	f.Add(uint8(1), "/identitypools/p:1/events", "", []byte(`{"Events":{"a":"b","c":"d"}}`))
	f.Add(uint8(1), "/identitypools/p:1/configuration", "", []byte(`{"PushSync":{"ApplicationArns":["x"]},"CognitoStreams":{"StreamingStatus":"ON"}}`))
	f.Add(uint8(2), datasetPath+"%2F", "", []byte(`[`))
	f.Add(uint8(0), "/identitypools", "maxResults=99999999999999999999", []byte(nil))
	f.Add(uint8(3), "//", "%", []byte("\x00"))

	m := shape.CognitoSync()
	s := NewService(m, nil, slog.New(slog.DiscardHandler), WithBodyLimit(4096))
	syncOps(s)
	methods := []string{"GET", "POST", "DELETE", "PUT"}
	f.Fuzz(func(t *testing.T, method uint8, path, query string, body []byte) {
		// Only what net/http's server would hand to a handler.
		u, err := url.ParseRequestURI(path)
		if err != nil || u.Path == "" {
			return
		}
		u.RawQuery = query
		r := httptest.NewRequest(methods[int(method)%len(methods)], "/", bytes.NewReader(body))
		r.URL = u
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("path %q query %q body %q: got %d %s, want a client error or success", path, query, body, w.Code, w.Body)
		}
		if w.Code != 200 && len(w.Header()["x-amzn-ErrorType"]) != 1 {
			t.Fatalf("got %d without x-amzn-ErrorType", w.Code)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("got body %q, want JSON", w.Body)
		}
	})
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
	s := NewService(shape.CognitoSync(), nil, slog.New(slog.NewTextHandler(&logs, nil)))
	s.Handle("UpdateRecords", Op(updateRecords))
	body := `{"SyncSessionToken":"db","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0}]}`
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, datasetPath+"settings", strings.NewReader(body)))
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("got %d and log %q, want 500 and the cause logged", w.Code, logs.String())
	}
}
