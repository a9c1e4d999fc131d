package shape

import (
	"reflect"
	"testing"
)

func TestBindings(t *testing.T) {
	custom, err := Parse([]byte(`{
		"metadata": {"protocol": "rest-json"},
		"operations": {},
		"shapes": {
			"In": {"type": "structure", "required": ["Id"], "members": {
				"Id":    {"shape": "Str", "location": "uri", "locationName": "id"},
				"Tags":  {"shape": "StrList", "location": "querystring", "locationName": "tag"},
				"Meta":  {"shape": "StrMap", "location": "headers", "locationName": "x-amz-meta-"},
				"Since": {"shape": "Time", "location": "header", "locationName": "If-Modified-Since", "timestampFormat": "rfc822"},
				"Body":  {"shape": "Str"}
			}},
			"Str": {"type": "string"},
			"StrList": {"type": "list", "member": {"shape": "Str"}},
			"StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
			"Time": {"type": "timestamp"}
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		model *Model
		shape string
		want  []Binding
	}{
		{"sync list records", CognitoSync(), "ListRecordsRequest", []Binding{
			{Member: "IdentityPoolId", Location: "uri", Name: "IdentityPoolId", Type: "string", Required: true},
			{Member: "IdentityId", Location: "uri", Name: "IdentityId", Type: "string", Required: true},
			{Member: "DatasetName", Location: "uri", Name: "DatasetName", Type: "string", Required: true},
			{Member: "LastSyncCount", Location: "querystring", Name: "lastSyncCount", Type: "long"},
			{Member: "NextToken", Location: "querystring", Name: "nextToken", Type: "string"},
			{Member: "MaxResults", Location: "querystring", Name: "maxResults", Type: "integer"},
			{Member: "SyncSessionToken", Location: "querystring", Name: "syncSessionToken", Type: "string"},
		}},
		{"sync update records header and body", CognitoSync(), "UpdateRecordsRequest", []Binding{
			{Member: "IdentityPoolId", Location: "uri", Name: "IdentityPoolId", Type: "string", Required: true},
			{Member: "IdentityId", Location: "uri", Name: "IdentityId", Type: "string", Required: true},
			{Member: "DatasetName", Location: "uri", Name: "DatasetName", Type: "string", Required: true},
			{Member: "DeviceId", Name: "DeviceId", Type: "string"},
			{Member: "RecordPatches", Name: "RecordPatches", Type: "list", Elem: "structure"},
			{Member: "SyncSessionToken", Name: "SyncSessionToken", Type: "string", Required: true},
			{Member: "ClientContext", Location: "header", Name: "x-amz-Client-Context", Type: "string"},
		}},
		{"custom locations", custom, "In", []Binding{
			{Member: "Id", Location: "uri", Name: "id", Type: "string", Required: true},
			{Member: "Tags", Location: "querystring", Name: "tag", Type: "list", Elem: "string"},
			{Member: "Meta", Location: "headers", Name: "x-amz-meta-", Type: "map", Elem: "string"},
			{Member: "Since", Location: "header", Name: "If-Modified-Since", Type: "timestamp", TimestampFormat: "rfc822"},
			{Member: "Body", Name: "Body", Type: "string"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.model.Bindings(tt.shape)
			if !ok {
				t.Fatalf("Bindings(%s): got not found, want found", tt.shape)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bindings(%s):\ngot  %+v\nwant %+v", tt.shape, got, tt.want)
			}
		})
	}
	for _, name := range []string{"NoSuchShape", "IdentityPoolId"} {
		if _, ok := CognitoSync().Bindings(name); ok {
			t.Errorf("Bindings(%s): got found, want not found (absent or not a structure)", name)
		}
	}
}
