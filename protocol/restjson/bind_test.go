package restjson

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

// storeModel exercises the bindings Cognito Sync does not use: greedy
// labels, literal query parameters, lists and maps in the query string and
// headers, timestamps outside the body, and outputs bound to headers and the
// status code.
const storeModel = `{
 "metadata": {"protocol": "rest-json"},
 "operations": {
  "GetObject":   {"http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}"}, "input": {"shape": "GetIn"}, "output": {"shape": "GetOut"}},
  "ListUploads": {"http": {"method": "GET", "requestUri": "/{Bucket}?uploads"}, "input": {"shape": "BucketIn"}},
  "ListObjects": {"http": {"method": "GET", "requestUri": "/{Bucket}"}, "input": {"shape": "ListIn"}},
  "Create":      {"http": {"method": "PUT", "requestUri": "/{Bucket}", "responseCode": 201}, "input": {"shape": "BucketIn"}},
  "Abort":       {"http": {"method": "DELETE", "requestUri": "/{Bucket}?uploads"}, "input": {"shape": "BucketIn"}}
 },
 "shapes": {
  "GetIn": {"type": "structure", "required": ["Bucket", "Key"], "members": {
   "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"},
   "Key":    {"shape": "S", "location": "uri", "locationName": "Key"},
   "Since":  {"shape": "T", "location": "header", "locationName": "If-Modified-Since"},
   "Meta":   {"shape": "SMap", "location": "headers", "locationName": "x-amz-meta-"},
   "Tags":   {"shape": "SList", "location": "header", "locationName": "x-tags"}}},
  "GetOut": {"type": "structure", "members": {
   "ETag":     {"shape": "S", "location": "header", "locationName": "ETag"},
   "Modified": {"shape": "T", "location": "header", "locationName": "Last-Modified"},
   "Size":     {"shape": "L", "location": "header", "locationName": "x-size"},
   "Parts":    {"shape": "SList", "location": "header", "locationName": "x-parts"},
   "Meta":     {"shape": "SMap", "location": "headers", "locationName": "x-amz-meta-"},
   "Status":   {"shape": "I", "location": "statusCode"},
   "Body":     {"shape": "S"}}},
  "BucketIn": {"type": "structure", "required": ["Bucket"], "members": {
   "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"}}},
  "ListIn": {"type": "structure", "required": ["Bucket"], "members": {
   "Bucket":   {"shape": "S", "location": "uri", "locationName": "Bucket"},
   "Prefixes": {"shape": "SList", "location": "querystring", "locationName": "prefix"},
   "Deep":     {"shape": "B", "location": "querystring", "locationName": "deep"},
   "Limit":    {"shape": "I", "location": "querystring", "locationName": "limit"},
   "Since":    {"shape": "T", "location": "querystring", "locationName": "since"},
   "Rest":     {"shape": "SMap", "location": "querystring"}}},
  "S": {"type": "string"},
  "I": {"type": "integer", "max": 100},
  "L": {"type": "long"},
  "B": {"type": "boolean"},
  "T": {"type": "timestamp"},
  "SList": {"type": "list", "member": {"shape": "S"}},
  "SMap": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}}
 }
}`

type getOut struct {
	ETag     string
	Modified protocol.Time
	Size     int64
	Parts    []string
	Meta     map[string]string
	Status   int
	Body     string
}

// The store's inputs encode only the members they were given, so that the
// tests compare what the operation received with the members they sent.
type bucketIn struct {
	Bucket string `json:",omitempty"`
}

type storeListIn struct {
	Bucket   string            `json:",omitempty"`
	Prefixes []string          `json:",omitempty"`
	Deep     *bool             `json:",omitempty"`
	Limit    *int32            `json:",omitempty"`
	Since    *protocol.Time    `json:",omitempty"`
	Rest     map[string]string `json:",omitempty"`
}

type getIn struct {
	Bucket string            `json:",omitempty"`
	Key    string            `json:",omitempty"`
	Since  *protocol.Time    `json:",omitempty"`
	Meta   map[string]string `json:",omitempty"`
	Tags   []string          `json:",omitempty"`
}

// echoed is what the echo operations of the store answer.
type echoed struct {
	Op string
	In any
}

// echo is an operation that answers its name and its input.
func echo[In any](name string) Operation {
	return Op(func(_ context.Context, in *In) (*echoed, error) { return &echoed{Op: name, In: in}, nil })
}

func newStore(t *testing.T) *Service {
	t.Helper()
	s := NewService(mustParse(t, storeModel), nil, nil)
	s.Handle("ListUploads", echo[bucketIn]("ListUploads"))
	s.Handle("ListObjects", echo[storeListIn]("ListObjects"))
	s.Handle("Create", echo[bucketIn]("Create"))
	s.Handle("Abort", echo[bucketIn]("Abort"))
	s.Handle("GetObject", Op(func(_ context.Context, in *getIn) (*getOut, error) {
		b, _ := json.Marshal(in)
		return &getOut{
			ETag:     `"abc"`,
			Modified: protocol.At(time.Date(2015, 1, 17, 17, 41, 53, 0, time.UTC)),
			Size:     42,
			Parts:    []string{"a", "b"},
			Meta:     map[string]string{"color": "red"},
			Status:   206,
			Body:     string(b),
		}, nil
	}))
	return s
}

func TestStoreRoutesAndBindings(t *testing.T) {
	s := newStore(t)
	tests := []struct {
		name, method, target string
		header               http.Header
		wantStatus           int
		wantOp               string
		wantIn               map[string]any
		wantCode             string
	}{
		{name: "literal query wins", method: "GET", target: "/bkt?uploads",
			wantStatus: 200, wantOp: "ListUploads", wantIn: map[string]any{"Bucket": "bkt"}},
		{name: "literal query with a value still matches", method: "GET", target: "/bkt?uploads=1&x=y",
			wantStatus: 200, wantOp: "ListUploads", wantIn: map[string]any{"Bucket": "bkt"}},
		{name: "bare path", method: "GET", target: "/bkt",
			wantStatus: 200, wantOp: "ListObjects", wantIn: map[string]any{"Bucket": "bkt"}},
		{name: "query list bool int timestamp and map", method: "GET",
			target:     "/bkt?prefix=a&prefix=b%20c&deep=true&limit=5&since=2015-01-17T17:41:53Z&other=1&other=2",
			wantStatus: 200, wantOp: "ListObjects", wantIn: map[string]any{
				"Bucket": "bkt", "Prefixes": []any{"a", "b c"}, "Deep": true, "Limit": 5.0, "Since": 1421516513.0,
				"Rest": map[string]any{"other": "1"}}},
		{name: "query bool unreadable", method: "GET", target: "/bkt?deep=maybe",
			wantStatus: 400, wantCode: protocol.CodeSerialization},
		{name: "query timestamp unreadable", method: "GET", target: "/bkt?since=yesterday",
			wantStatus: 400, wantCode: protocol.CodeSerialization},
		{name: "query int over model max", method: "GET", target: "/bkt?limit=101",
			wantStatus: 400, wantCode: protocol.CodeValidation},
		{name: "model response code", method: "PUT", target: "/bkt",
			wantStatus: 201, wantOp: "Create", wantIn: map[string]any{"Bucket": "bkt"}},
		{name: "method not on path", method: "POST", target: "/bkt",
			wantStatus: 405, wantCode: protocol.CodeUnknownOperation},
		{name: "method only with its query literal", method: "DELETE", target: "/bkt?uploads",
			wantStatus: 200, wantOp: "Abort", wantIn: map[string]any{"Bucket": "bkt"}},
		{name: "method without its query literal", method: "DELETE", target: "/bkt",
			wantStatus: 404, wantCode: protocol.CodeUnknownOperation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d %s, want %d", w.Code, w.Body, tt.wantStatus)
			}
			if tt.wantCode != "" {
				if got := w.Header()["x-amzn-ErrorType"]; len(got) != 1 || got[0] != tt.wantCode {
					t.Errorf("x-amzn-ErrorType: got %v, want %s", got, tt.wantCode)
				}
				return
			}
			var got echoed
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Op != tt.wantOp || !reflect.DeepEqual(got.In, tt.wantIn) {
				t.Errorf("got %s %v, want %s %v", got.Op, got.In, tt.wantOp, tt.wantIn)
			}
		})
	}
}

func TestStoreHeaders(t *testing.T) {
	s := newStore(t)
	r := httptest.NewRequest("GET", "/bkt/a/b%2Fc/d.txt", nil)
	r.Header.Set("If-Modified-Since", "Sat, 17 Jan 2015 17:41:53 GMT")
	r.Header.Set("X-Amz-Meta-Color", "blue")
	r.Header.Set("X-Amz-Meta-Size", "L")
	r.Header.Add("X-Tags", "a, b")
	r.Header.Add("X-Tags", "c")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 206 {
		t.Fatalf("status: got %d %s, want 206 from the statusCode member", w.Code, w.Body)
	}
	wantHeaders := map[string]string{
		"Etag":             `"abc"`,
		"Last-Modified":    "Sat, 17 Jan 2015 17:41:53 GMT",
		"X-Size":           "42",
		"X-Parts":          "a,b",
		"X-Amz-Meta-Color": "red",
	}
	for k, want := range wantHeaders {
		if got := w.Header().Get(k); got != want {
			t.Errorf("header %s: got %q, want %q", k, got, want)
		}
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 1 {
		t.Errorf("body: got %v, want only the Body member", body)
	}
	var in map[string]any
	if err := json.Unmarshal([]byte(body["Body"]), &in); err != nil {
		t.Fatal(err)
	}
	wantIn := map[string]any{
		"Bucket": "bkt", "Key": "a/b/c/d.txt", "Since": 1421516513.0,
		"Meta": map[string]any{"color": "blue", "size": "L"}, "Tags": []any{"a", "b", "c"},
	}
	if !reflect.DeepEqual(in, wantIn) {
		t.Errorf("input: got %v, want %v", in, wantIn)
	}
}

// TestTypedTargets checks that bound members reach typed fields of every
// kind an input is likely to declare, through json tags as well.
func TestTypedTargets(t *testing.T) {
	type listIn struct {
		Bucket   string
		Prefixes []string
		Deep     *bool
		Limit    int32
		Since    *protocol.Time
		Rest     map[string]string
		Renamed  string `json:"Other"`
		Skipped  string `json:"-"`
	}
	s := NewService(mustParse(t, strings.Replace(storeModel, `"Rest":     {"shape": "SMap", "location": "querystring"}}`,
		`"Rest": {"shape": "SMap", "location": "querystring"}, "Other": {"shape": "S", "location": "header", "locationName": "x-other"}}`, 1)), nil, nil)
	var got listIn
	s.Handle("ListObjects", Op(func(_ context.Context, in *listIn) (*emptyOutput, error) {
		got = *in
		return nil, nil
	}))
	r := httptest.NewRequest("GET", "/bkt?prefix=a&deep=false&limit=7&since=2015-01-17T17:41:53.5Z&k=v", nil)
	r.Header.Set("X-Other", "o")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("status: got %d %s, want 200", w.Code, w.Body)
	}
	since := protocol.At(time.UnixMilli(1421516513500).UTC())
	deep := false
	want := listIn{Bucket: "bkt", Prefixes: []string{"a"}, Deep: &deep, Limit: 7, Since: &since,
		Rest: map[string]string{"k": "v"}, Renamed: "o"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("input: got %+v, want %+v", got, want)
	}
}
