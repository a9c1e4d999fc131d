package awsquery

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Test inputs and outputs mirror the STS shapes. Extra, Flag and Big are
// members stsModel adds to AssumeRoleRequest: STS has no map, boolean or
// long input, and the codec decodes them all.
type tag struct{ Key, Value string }

type policyARN struct {
	ARN string `json:"arn"`
}

type context_ struct{ ProviderArn, ContextAssertion string }

type assumeRoleIn struct {
	RoleArn           string
	RoleSessionName   string
	PolicyArns        []policyARN
	Policy            *string
	DurationSeconds   *int32
	Tags              []tag
	TransitiveTagKeys []string
	ExternalId        *string
	ProvidedContexts  []context_
	Extra             map[string]string
	Flag              *bool
	Big               int64
}

type credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      protocol.Time
}

type assumedRoleUser struct{ AssumedRoleId, Arn string }

type assumeRoleOut struct {
	AssumedRoleUser  *assumedRoleUser
	Credentials      *credentials
	PackedPolicySize *int32
	SourceIdentity   *string
}

type callerIn struct{}

type callerOut struct{ Arn, UserId, Account string }

// stsModel is the STS model with three more members of AssumeRoleRequest:
// Extra, a map of strings; Flag, a boolean; and Big, a long.
func stsModel(tb testing.TB) *shape.Model {
	tb.Helper()
	b, err := os.ReadFile("../shape/models/sts.json")
	if err != nil {
		tb.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		tb.Fatal(err)
	}
	shapes := raw["shapes"].(map[string]any)
	shapes["extraMap"] = map[string]any{"type": "map", "key": map[string]any{"shape": "tagKeyType"}, "value": map[string]any{"shape": "tagValueType"}}
	shapes["flagType"] = map[string]any{"type": "boolean"}
	shapes["bigType"] = map[string]any{"type": "long"}
	members := shapes["AssumeRoleRequest"].(map[string]any)["members"].(map[string]any)
	members["Extra"] = map[string]any{"shape": "extraMap"}
	members["Flag"] = map[string]any{"shape": "flagType"}
	members["Big"] = map[string]any{"shape": "bigType"}
	if b, err = json.Marshal(raw); err != nil {
		tb.Fatal(err)
	}
	m, err := shape.Parse(b)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

const requestID = "c6104cbe-af31-11e0-8154-cbc7ccf896c7"

// harness is a Service over the real STS model whose operations hand the
// decoded input to the test.
type harness struct {
	svc  *Service
	last *assumeRoleIn
	logs bytes.Buffer
	// req is the request of the last serve, with what the codec
	// recorded for the request log.
	req *protocol.Request
	// result and err are what AssumeRole answers.
	result func(in *assumeRoleIn) (*assumeRoleOut, error)
}

func newHarness(t *testing.T, auth Authenticator) *harness {
	t.Helper()
	h := &harness{}
	h.svc = NewService(stsModel(t), auth, slog.New(slog.NewTextHandler(&h.logs, nil)))
	h.svc.Handle("AssumeRole", Op(func(ctx context.Context, in *assumeRoleIn) (*assumeRoleOut, error) {
		h.last = in
		if h.result != nil {
			return h.result(in)
		}
		return &assumeRoleOut{}, nil
	}))
	h.svc.Handle("GetCallerIdentity", Op(func(ctx context.Context, in *callerIn) (*callerOut, error) {
		p, ok := protocol.PrincipalFrom(ctx)
		if !ok {
			return nil, protocol.Errorf(http.StatusForbidden, "AccessDenied", "no principal")
		}
		return &callerOut{Arn: p.ARN, UserId: p.UserID, Account: p.Account}, nil
	}))
	h.svc.Handle("AssumeRoleWithWebIdentity", Op(func(ctx context.Context, in *struct {
		RoleArn, RoleSessionName, WebIdentityToken string
	}) (*callerOut, error) {
		if _, ok := protocol.PrincipalFrom(ctx); ok {
			return nil, errors.New("unsigned operation got a principal")
		}
		return nil, nil
	}))
	return h
}

func (h *harness) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.req = &protocol.Request{ID: requestID}
	h.svc.ServeHTTP(rec, r.WithContext(protocol.WithRequest(r.Context(), h.req)))
	return rec
}

func post(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

func get(query string) *http.Request {
	return httptest.NewRequest(http.MethodGet, "/?"+query, nil)
}

const base = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FR&RoleSessionName=s1"

func ptr[T any](v T) *T { return &v }

func TestDecode(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/R"
	tests := []struct {
		name     string
		req      *http.Request
		want     *assumeRoleIn // nil: the operation must not run
		wantCode string
		wantMsg  string
	}{
		{
			name: "scalars",
			req:  post(base + "&DurationSeconds=%2B0900&Policy=%7B%7D&Flag=TRUE&Big=9007199254740993"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", DurationSeconds: ptr[int32](900), Policy: ptr("{}"), Flag: ptr(true), Big: 9007199254740993},
		},
		{
			name: "lists in index order, sparse",
			req:  post(base + "&TransitiveTagKeys.member.10=c&TransitiveTagKeys.member.2=b&TransitiveTagKeys.member.1=a"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", TransitiveTagKeys: []string{"a", "b", "c"}},
		},
		{
			name: "struct members of list elements",
			req: post(base + "&Tags.member.2.Key=k2&Tags.member.2.Value=&Tags.member.1.Key=k1&Tags.member.1.Value=v1" +
				"&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FP1"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1",
				Tags:       []tag{{"k1", "v1"}, {"k2", ""}},
				PolicyArns: []policyARN{{"arn:aws:iam::aws:policy/P1"}}},
		},
		{
			name: "empty list",
			req:  post(base + "&TransitiveTagKeys=&Tags="),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", TransitiveTagKeys: []string{}, Tags: []tag{}},
		},
		{
			name: "map entries",
			req:  post(base + "&Extra.entry.2.key=b&Extra.entry.2.value=2&Extra.entry.1.key=a&Extra.entry.1.value=1&Extra.entry.3.key=a&Extra.entry.3.value=dup"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", Extra: map[string]string{"a": "1", "b": "2"}},
		},
		{
			name: "unknown and malformed names ignored",
			req: post(base + "&Unknown=1&Tags.member.0.Key=x&Tags.member.01.Key=x&Tags.item.1.Key=x&RoleArn.x=1" +
				"&TransitiveTagKeys.member.x=1&TransitiveTagKeys=notalist"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1"},
		},
		{
			name: "first value wins, body before query",
			req: func() *http.Request {
				r := post(base + "&RoleSessionName=second")
				r.URL.RawQuery = "RoleSessionName=third&ExternalId=fromquery"
				return r
			}(),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", ExternalId: ptr("fromquery")},
		},
		{
			name: "GET query form",
			req:  get(base + "&Tags.member.1.Key=k&Tags.member.1.Value=v+w"),
			want: &assumeRoleIn{RoleArn: role, RoleSessionName: "s1", Tags: []tag{{"k", "v w"}}},
		},
		{
			name:     "bad integer",
			req:      post(base + "&DurationSeconds=abc"),
			wantCode: "MalformedInput",
		},
		{
			name:     "decimal integer",
			req:      post(base + "&DurationSeconds=900.0"),
			wantCode: "MalformedInput",
		},
		{
			name:     "int32 overflow",
			req:      post(base + "&DurationSeconds=2147483648"),
			wantCode: "MalformedInput",
		},
		{
			name:     "empty integer",
			req:      post(base + "&DurationSeconds="),
			wantCode: "MalformedInput",
			wantMsg:  "missing value for decimal type",
		},
		{
			name:     "bad boolean",
			req:      post(base + "&Flag=yes"),
			wantCode: "MalformedInput",
		},
		{
			name:     "range",
			req:      post(base + "&DurationSeconds=-1"),
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value '-1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
		},
		{
			name:     "missing required member",
			req:      post("Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1"),
			wantCode: "ValidationError",
			wantMsg:  "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
		},
		{
			name:     "unknown action",
			req:      post("Action=NoSuchAction&Version=2011-06-15"),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation NoSuchAction for version 2011-06-15",
		},
		{
			name:     "modeled but unregistered action",
			req:      post("Action=GetSessionToken&Version=2011-06-15"),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation GetSessionToken for version 2011-06-15",
		},
		{
			name:     "missing action",
			req:      post("Version=2011-06-15"),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation  for version 2011-06-15",
		},
		{
			name:     "wrong version",
			req:      post("Action=AssumeRole&Version=2000-01-01"),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation AssumeRole for version 2000-01-01",
		},
		{
			name:     "missing version",
			req:      post("Action=AssumeRole"),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED",
		},
		{
			name:     "form body needs its content type",
			req:      func() *http.Request { r := post(base); r.Header.Del("Content-Type"); return r }(),
			wantCode: "InvalidAction",
			wantMsg:  "Could not find operation  for version NO_VERSION_SPECIFIED",
		},
		{
			name:     "bad escape",
			req:      post(base + "&Policy=%zz"),
			wantCode: "MalformedInput",
		},
		{
			name: "oversized body with Content-Length",
			req: func() *http.Request {
				r := post(base + "&Policy=" + strings.Repeat("a", protocol.DefaultBodyLimit))
				return r
			}(),
			wantCode: "RequestEntityTooLarge",
		},
		{
			name: "oversized body without Content-Length",
			req: func() *http.Request {
				r := post(base + "&Policy=" + strings.Repeat("a", protocol.DefaultBodyLimit))
				r.ContentLength = -1
				r.Body = io.NopCloser(io.MultiReader(strings.NewReader(base+"&Policy="), neverEnding('a')))
				return r
			}(),
			wantCode: "RequestEntityTooLarge",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			rec := h.serve(tt.req)
			if tt.want != nil {
				if rec.Code != http.StatusOK {
					t.Fatalf("status: got %d, want 200; body %s", rec.Code, rec.Body)
				}
				if !reflect.DeepEqual(h.last, tt.want) {
					t.Errorf("input: got %+v, want %+v", h.last, tt.want)
				}
				return
			}
			if h.last != nil {
				t.Errorf("the operation ran with %+v", h.last)
			}
			code, msg := errorOf(t, rec.Body.String())
			if code != tt.wantCode || msg != tt.wantMsg && tt.wantMsg != "" {
				t.Errorf("error: got %s %q, want %s %q", code, msg, tt.wantCode, tt.wantMsg)
			}
			if rec.Code/100 != 4 {
				t.Errorf("status: got %d, want 4xx", rec.Code)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0", true},
		{"7", true},
		{"900", true},
		{"-900", true},
		{"-9223372036854775808", true},
		{"+900", false},
		{"+0", false},
		{"0900", false},
		{"00", false},
		{"-0", false},
		{"-00", false},
		{"-0900", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := canonical(tt.in); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			i, err := strconv.ParseInt(tt.in, 10, 64)
			if err != nil {
				t.Fatalf("ParseInt: %v", err)
			}
			if same := strconv.FormatInt(i, 10) == tt.in; same != tt.want {
				t.Errorf("FormatInt gives %q: canonical should be %v", strconv.FormatInt(i, 10), same)
			}
		})
	}
}

// neverEnding is an endless stream of one byte.
type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func errorOf(t *testing.T, body string) (code, msg string) {
	t.Helper()
	var e struct {
		Error     struct{ Type, Code, Message string }
		RequestID string `xml:"RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if e.Error.Code == "" || e.RequestID != requestID || e.Error.Type != "Sender" {
		t.Fatalf("error body %q lacks a code, the request id or the Sender type", body)
	}
	return e.Error.Code, e.Error.Message
}

func TestAuthentication(t *testing.T) {
	var calls int
	auth := func(r *http.Request, body []byte) (*protocol.Principal, error) {
		calls++
		if !bytes.Contains(body, []byte("Action=GetCallerIdentity")) && r.URL.Query().Get("Action") != "GetCallerIdentity" {
			return nil, fmt.Errorf("authenticator got body %q", body)
		}
		if r.Header.Get("Authorization") == "" {
			return nil, protocol.Errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		}
		return &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"}, nil
	}
	tests := []struct {
		name       string
		req        *http.Request
		signed     bool
		wantStatus int
		wantBody   string
		wantCalls  int
	}{
		{"signed operation", post("Action=GetCallerIdentity&Version=2011-06-15"), true, 200, "<Arn>arn:aws:iam::123456789012:root</Arn>", 1},
		{"signed presigned GET", get("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=ab"), true, 200, "<Account>123456789012</Account>", 1},
		{"refused", post("Action=GetCallerIdentity&Version=2011-06-15"), false, 403, "<Code>MissingAuthenticationToken</Code>", 1},
		{"unsigned operation skips the authenticator", post("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FR&RoleSessionName=ab&WebIdentityToken=abcd"), true, 200, "<AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResult>", 0},
		{"unknown action is refused before authentication", post("Action=Nope&Version=2011-06-15"), true, 400, "<Code>InvalidAction</Code>", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			h := newHarness(t, auth)
			if tt.signed {
				tt.req.Header.Set("Authorization", "AWS4-HMAC-SHA256 …")
			}
			rec := h.serve(tt.req)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("got %d %s, want %d with %s", rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
			if calls != tt.wantCalls {
				t.Errorf("authenticator calls: got %d, want %d", calls, tt.wantCalls)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	exp := time.Date(2014, 10, 24, 23, 0, 23, 0, time.UTC)
	tests := []struct {
		name      string
		req       *http.Request
		result    func(in *assumeRoleIn) (*assumeRoleOut, error)
		wantCause bool
	}{
		{name: "success", req: post(base), result: func(in *assumeRoleIn) (*assumeRoleOut, error) {
			return &assumeRoleOut{
				AssumedRoleUser: &assumedRoleUser{AssumedRoleId: "AROA3XFRBF535PLBIFPI4:s1", Arn: "arn:aws:sts::123456789012:assumed-role/R/s1"},
				Credentials: &credentials{AccessKeyId: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
					SessionToken: "IQoJb3JpZ2luX2Vj<&>", Expiration: protocol.At(exp)},
				PackedPolicySize: ptr[int32](6),
			}, nil
		}},
		{name: "empty result", req: post(base), result: func(in *assumeRoleIn) (*assumeRoleOut, error) { return nil, nil }},
		{name: "invalid action", req: post("Action=Nope&Version=2011-06-15")},
		{name: "validation error", req: post("Action=AssumeRole&Version=2011-06-15&RoleArn=&RoleSessionName=a")},
		{name: "malformed input", req: post(base + "&DurationSeconds=abc")},
		{name: "service error", req: post(base), result: func(in *assumeRoleIn) (*assumeRoleOut, error) {
			return nil, fmt.Errorf("wrapped: %w", protocol.Errorf(http.StatusForbidden, "AccessDenied",
				"User: arn:aws:iam::123456789012:user/a<b> is not authorized to perform: sts:AssumeRole on resource: %s", in.RoleArn))
		}},
		{name: "internal error", wantCause: true, req: post(base), result: func(in *assumeRoleIn) (*assumeRoleOut, error) {
			return nil, errors.New("disk on fire")
		}},
		{name: "panic", wantCause: true, req: post(base), result: func(in *assumeRoleIn) (*assumeRoleOut, error) {
			panic("boom")
		}},
		{name: "too large", req: func() *http.Request {
			r := post(base)
			r.ContentLength = protocol.DefaultBodyLimit + 1
			return r
		}()},
		{name: "method not allowed", req: httptest.NewRequest(http.MethodPut, "/?"+base, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.result = tt.result
			rec := h.serve(tt.req)
			got := fmt.Sprintf("%d\nContent-Type: %s\nContent-Length: %s\n\n%s", rec.Code,
				rec.Header().Get("Content-Type"), rec.Header().Get("Content-Length"), rec.Body)
			file := filepath.Join("testdata", strings.ReplaceAll(tt.name, " ", "-")+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if h.logs.Len() > 0 {
				t.Errorf("logged: got %s, want the cause recorded for the request log instead", h.logs.String())
			}
			if recorded := h.req.Cause != nil; recorded != tt.wantCause {
				t.Errorf("cause recorded: got %v (%v), want %v", recorded, h.req.Cause, tt.wantCause)
			}
			if rec.Code != http.StatusOK && (h.req.Err == nil || !strings.Contains(rec.Body.String(), "<Code>"+h.req.Err.Code+"</Code>")) {
				t.Errorf("recorded error: got %v, want the code answered in %s", h.req.Err, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") || strings.Contains(rec.Body.String(), "boom") {
				t.Errorf("the Go error text reached the client: %s", rec.Body)
			}
		})
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		name string
		req  *http.Request
		want bool
	}{
		{"form body", post("Action=GetCallerIdentity"), true},
		{"form body without charset", func() *http.Request {
			r := post("")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}(), true},
		{"action in the URL", get("Version=2011-06-15&Action=GetCallerIdentity"), true},
		{"JSON protocol", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			return r
		}(), false},
		{"other form-like type", func() *http.Request {
			r := post("")
			r.Header.Set("Content-Type", "application/x-www-form-urlencodedx")
			return r
		}(), false},
		{"rest path", httptest.NewRequest(http.MethodGet, "/identitypools/x/identities?Actions=1", nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Accepts(tt.req); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHandleUnknownOperation(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got no panic for an operation the model lacks")
		}
	}()
	NewService(shape.STS(), nil, nil).Handle("NoSuchOperation", Op(func(ctx context.Context, in *callerIn) (*callerOut, error) { return nil, nil }))
}

// TestHandleRefusesUnfitInput: an input type that does not fit the
// model's input shape, or a timestamp the codec cannot read, is refused at
// start-up.
func TestHandleRefusesUnfitInput(t *testing.T) {
	type wrongKind struct {
		RoleArn         string
		DurationSeconds string
	}
	type noMember struct{ RoleARN string }
	type timestamp struct{ RoleArn *protocol.Time }
	tests := []struct {
		name string
		op   func() Operation
		want string
	}{
		{"string for an integer", func() Operation {
			return Op(func(context.Context, *wrongKind) (*callerOut, error) { return nil, nil })
		}, "DurationSeconds"},
		{"field naming no member", func() Operation {
			return Op(func(context.Context, *noMember) (*callerOut, error) { return nil, nil })
		}, "RoleARN"},
		{"timestamp", func() Operation {
			return Op(func(context.Context, *timestamp) (*callerOut, error) { return nil, nil })
		}, "Time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got, _ := recover().(string); !strings.Contains(got, tt.want) {
					t.Errorf("got panic %q, want one naming %q", got, tt.want)
				}
			}()
			NewService(shape.STS(), nil, nil).Handle("AssumeRole", tt.op())
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(base + "&Tags.member.1.Key=k&Tags.member.1.Value=v&DurationSeconds=900")
	f.Add("Action=AssumeRole&Version=2011-06-15&Extra.entry.1.key=a&Extra.entry.1.value=b&TransitiveTagKeys=")
	f.Add("Action=GetCallerIdentity&Version=2011-06-15")
	f.Add("Action=AssumeRole&Version=2011-06-15&PolicyArns.member.1.arn=%ff%fe&Flag=true&Big=-9223372036854775808")
	f.Add("Action=AssumeRole&Version=2011-06-15&RoleArn=%zz")
	f.Fuzz(func(t *testing.T, query string) {
		h := newHarness(t, nil)
		for _, r := range []*http.Request{post(query), {Method: http.MethodGet, URL: &url.URL{Path: "/", RawQuery: query}, Header: http.Header{}}} {
			rec := h.serve(r)
			if rec.Code >= 500 {
				t.Fatalf("got %d for %q: %s", rec.Code, query, rec.Body)
			}
		}
	})
}

func BenchmarkServeHTTP(b *testing.B) {
	h := &harness{}
	h.svc = NewService(stsModel(b), nil, nil)
	out := &assumeRoleOut{AssumedRoleUser: &assumedRoleUser{AssumedRoleId: "AROA3XFRBF535PLBIFPI4:s1", Arn: "arn:aws:sts::123456789012:assumed-role/R/s1"},
		Credentials: &credentials{AccessKeyId: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
			SessionToken: strings.Repeat("IQoJb3JpZ2luX2Vj", 20), Expiration: protocol.At(time.Unix(1_800_000_000, 0))}}
	h.svc.Handle("AssumeRole", Op(func(ctx context.Context, in *assumeRoleIn) (*assumeRoleOut, error) { return out, nil }))
	body := base + "&DurationSeconds=900&Tags.member.1.Key=k&Tags.member.1.Value=v&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FP1"
	ctx := protocol.WithRequestID(context.Background(), requestID)
	b.ReportAllocs()
	for b.Loop() {
		r := post(body).WithContext(ctx)
		rec := httptest.NewRecorder()
		h.svc.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatalf("got %d: %s", rec.Code, rec.Body)
		}
	}
}

// webIdentityIn and webIdentityOut mirror STS's AssumeRoleWithWebIdentity
// shapes, the hottest query operation.
type webIdentityIn struct {
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	ProviderId       *string
	PolicyArns       []policyARN
	Policy           *string
	DurationSeconds  *int32
}

type webIdentityOut struct {
	SubjectFromWebIdentityToken string
	Audience                    string
	AssumedRoleUser             *assumedRoleUser
	Credentials                 *credentials
	PackedPolicySize            *int32 `xml:",omitempty"`
	Provider                    string
	SourceIdentity              *string `xml:",omitempty"`
}

// resettableBody is a request body that can be read again, so that a
// benchmark measures the codec rather than building requests.
type resettableBody struct{ strings.Reader }

func (*resettableBody) Close() error { return nil }

// discardResponse is a ResponseWriter that keeps only the status.
type discardResponse struct {
	h      http.Header
	status int
}

func (d *discardResponse) Header() http.Header         { return d.h }
func (d *discardResponse) WriteHeader(status int)      { d.status = status }
func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkServe measures one AssumeRoleWithWebIdentity-shaped exchange
// through ServeHTTP, with the request and response writer reused so that
// only the codec's own work is counted.
func BenchmarkServe(b *testing.B) {
	svc := NewService(shape.STS(), nil, nil)
	out := &webIdentityOut{
		SubjectFromWebIdentityToken: "us-east-1:7d4f5c3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f",
		Audience:                    "us-east-1:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
		AssumedRoleUser: &assumedRoleUser{AssumedRoleId: "AROA3XFRBF535PLBIFPI4:app-session",
			Arn: "arn:aws:sts::123456789012:assumed-role/Cognito_PoolAuth_Role/app-session"},
		Credentials: &credentials{AccessKeyId: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
			SessionToken: strings.Repeat("IQoJb3JpZ2luX2Vj", 40), Expiration: protocol.At(time.Unix(1_800_000_000, 0))},
		Provider: "cognito-identity.amazonaws.com",
	}
	svc.Handle("AssumeRoleWithWebIdentity", Op(func(ctx context.Context, in *webIdentityIn) (*webIdentityOut, error) {
		return out, nil
	}))
	token := strings.Repeat("eyJraWQiOiJ1cy1lYXN0LTEtMSIsInR5cCI6IkpXUyIsImFsZyI6IlJTNTEyIn0", 12)
	body := "Action=AssumeRoleWithWebIdentity&Version=2011-06-15" +
		"&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FCognito_PoolAuth_Role" +
		"&RoleSessionName=app-session&WebIdentityToken=" + token + "&DurationSeconds=3600"
	rb := &resettableBody{}
	r := httptest.NewRequest(http.MethodPost, "/", rb)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.ContentLength = int64(len(body))
	r = r.WithContext(protocol.WithRequestID(context.Background(), requestID))
	w := &discardResponse{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rb.Reset(body)
		svc.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("got status %d", w.status)
		}
	}
}

// TestInternalErrorWithoutRequest: served without the emulator's edge, the
// codec has no request to record an internal error's cause in, so it logs
// the cause itself.
func TestInternalErrorWithoutRequest(t *testing.T) {
	h := newHarness(t, nil)
	h.result = func(*assumeRoleIn) (*assumeRoleOut, error) { return nil, errors.New("disk on fire") }
	rec := httptest.NewRecorder()
	h.svc.ServeHTTP(rec, post(base))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(h.logs.String(), "disk on fire") {
		t.Errorf("got %d and log %q, want 500 and the cause logged", rec.Code, h.logs.String())
	}
}

// TestBodyBudgetSpent: a body that cannot get its share of the body budget
// is answered 503 ServiceUnavailable, which SDKs retry, not as malformed.
func TestBodyBudgetSpent(t *testing.T) {
	budget := protocol.NewBudget(1, 0, time.Millisecond)
	holder := budget.Body(io.NopCloser(strings.NewReader("x")))
	if _, err := io.ReadAll(holder); err != nil {
		t.Fatal(err)
	}
	defer holder.Release()
	h := newHarness(t, nil)
	r := post(base)
	r.Body = budget.Body(r.Body)
	rec := h.serve(r)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "<Code>ServiceUnavailable</Code>") {
		t.Errorf("got %d %s, want 503 ServiceUnavailable", rec.Code, rec.Body)
	}
}
