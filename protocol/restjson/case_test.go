package restjson

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol/shape"
)

type pushSync struct {
	ApplicationArns []string
	RoleArn         string
}

type setConfigInput struct {
	IdentityPoolId string
	PushSync       *pushSync
}

// TestMemberNamesMatchExactly shows that a body member named in another
// case is unknown, as it is to AWS: ignored at every depth, never bound to
// the typed input (nor standing in for a member bound to the URI or a
// header), never an error of its own.
func TestMemberNamesMatchExactly(t *testing.T) {
	const (
		role = "arn:aws:iam::123456789012:role/R"
		app  = "arn:aws:sns:us-east-1:123456789012:app/GCM/a"
	)
	patch := `{"Op":"replace","Key":"k","Value":"v","SyncCount":0}`
	tests := []struct {
		name       string
		path       string
		header     string // x-amz-Client-Context
		body       string
		wantStatus int
		wantInput  string // JSON of the input the operation received
	}{
		{"exact names", datasetPath + "d", "",
			`{"SyncSessionToken":"t","DeviceId":"dev","RecordPatches":[` + patch + `]}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","IdentityId":"` + identityID + `","DatasetName":"d","DeviceId":"dev","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0,"DeviceLastModifiedDate":null}],"SyncSessionToken":"t","ClientContext":null}`},
		{"top level", datasetPath + "d", "",
			`{"SyncSessionToken":"t","synccessiontoken":"x","devicEId":"` + strings.Repeat("x", 300) + `"}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","IdentityId":"` + identityID + `","DatasetName":"d","DeviceId":null,"RecordPatches":null,"SyncSessionToken":"t","ClientContext":null}`},
		{"header member in the body in another case", datasetPath + "d", "",
			`{"SyncSessionToken":"t","clientcontext":"from the body"}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","IdentityId":"` + identityID + `","DatasetName":"d","DeviceId":null,"RecordPatches":null,"SyncSessionToken":"t","ClientContext":null}`},
		{"header member wins over the body in both cases", datasetPath + "d", "from the header",
			`{"SyncSessionToken":"t","ClientContext":"a","clientContext":"b","datasetname":"e"}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","IdentityId":"` + identityID + `","DatasetName":"d","DeviceId":null,"RecordPatches":null,"SyncSessionToken":"t","ClientContext":"from the header"}`},
		{"list of structures", datasetPath + "d", "",
			`{"SyncSessionToken":"t","RecordPatches":[{"Op":"replace","Key":"k","key":"` + strings.Repeat("k", 2000) + `","op":"bogus","SyncCount":0}]}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","IdentityId":"` + identityID + `","DatasetName":"d","DeviceId":null,"RecordPatches":[{"Op":"replace","Key":"k","Value":null,"SyncCount":0,"DeviceLastModifiedDate":null}],"SyncSessionToken":"t","ClientContext":null}`},
		{"nested structure", "/identitypools/" + poolPath + "/configuration", "",
			`{"PushSync":{"ApplicationArns":["` + app + `"],"RoleArn":"` + role + `","rolearn":"not an arn"},"pushsync":{"RoleArn":"bad"}}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","PushSync":{"ApplicationArns":["` + app + `"],"RoleArn":"` + role + `"}}`},
		{"nested structure alone in another case", "/identitypools/" + poolPath + "/configuration", "",
			`{"pushsync":{"RoleArn":"bad"}}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","PushSync":null}`},
		// A member given twice is its last copy, the one validated, not
		// the merge of both that encoding/json would decode.
		{"structure given twice", "/identitypools/" + poolPath + "/configuration", "",
			`{"PushSync":{"ApplicationArns":["not an arn"]},"PushSync":{"RoleArn":"` + role + `"}}`,
			http.StatusOK,
			`{"IdentityPoolId":"` + poolID + `","PushSync":{"ApplicationArns":null,"RoleArn":"` + role + `"}}`},
	}
	var got any
	s := NewService(shape.CognitoSync(), nil, nil)
	s.Handle("UpdateRecords", Op(func(_ context.Context, in *updateRecordsInput) (*emptyOutput, error) {
		got = in
		return nil, nil
	}))
	s.Handle("SetIdentityPoolConfiguration", Op(func(_ context.Context, in *setConfigInput) (*emptyOutput, error) {
		got = in
		return nil, nil
	}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			r := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
			if tt.header != "" {
				r.Header.Set("X-Amz-Client-Context", tt.header)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", w.Code, w.Body, tt.wantStatus)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.wantInput {
				t.Errorf("input:\ngot  %s\nwant %s", b, tt.wantInput)
			}
		})
	}
}

// TestMapMemberNamesMatchExactly covers structures inside a map, which the
// Cognito Sync model has none of.
func TestMapMemberNamesMatchExactly(t *testing.T) {
	m := mustParse(t, `{"metadata":{"protocol":"rest-json"},
		"operations":{"A":{"http":{"method":"POST","requestUri":"/x/{Id}"},"input":{"shape":"In"}}},
		"shapes":{"In":{"type":"structure","members":{"Id":{"shape":"S","location":"uri","locationName":"Id"},"M":{"shape":"M"}}},
			"M":{"type":"map","key":{"shape":"S"},"value":{"shape":"V"}},
			"V":{"type":"structure","members":{"A":{"shape":"S"}}},
			"S":{"type":"string","max":3}}}`)
	type in struct {
		Id string
		M  map[string]struct{ A string }
	}
	tests := []struct{ name, body, want string }{
		{"exact names", `{"M":{"k":{"A":"ok"},"K":{"A":"ok2"}}}`, `{"Id":"i","M":{"K":{"A":"ok2"},"k":{"A":"ok"}}}`},
		{"another case", `{"M":{"k":{"A":"ok","a":"too long"}},"m":{"k":{"A":"bad!"}},"id":"j"}`, `{"Id":"i","M":{"k":{"A":"ok"}}}`},
	}
	var got *in
	s := NewService(m, nil, nil)
	s.Handle("A", Op(func(_ context.Context, v *in) (*emptyOutput, error) {
		got = v
		return nil, nil
	}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/x/i", strings.NewReader(tt.body)))
			if w.Code != http.StatusOK {
				t.Fatalf("status: got %d (%s), want 200", w.Code, w.Body)
			}
			if b, _ := json.Marshal(got); string(b) != tt.want {
				t.Errorf("input:\ngot  %s\nwant %s", b, tt.want)
			}
		})
	}
}
