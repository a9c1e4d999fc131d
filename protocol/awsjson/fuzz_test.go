package awsjson_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/protocol/awsjson"
	"github.com/idpool/idpool/protocol/shape"
)

// stub registers an operation of fn's input type that answers {}: the
// fuzz exercises the codec's decoding into the emulator's own input types,
// never the service.
func stub[In, Out any](func(context.Context, *In) (*Out, error)) awsjson.Operation {
	return awsjson.Op(func(context.Context, *In) (*Out, error) { return nil, nil })
}

// FuzzServeHTTP: whatever the body, every Cognito Identity operation,
// decoded into the emulator's input type, is answered a client error or a
// success, never a 500.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GetId", []byte(`{"IdentityPoolId":"us-east-1:00"}`))
	f.Add("GetId", []byte(`{"IdentityPoolId":"us-east-1:00","Logins":{"a":"b"}}`))
	f.Add("CreateIdentityPool", []byte(`{"IdentityPoolName":"p","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ClientId":"c"}]}`))
	f.Add("SetIdentityPoolRoles", []byte(`{"IdentityPoolId":"us-east-1:00","Roles":{"authenticated":"arn:aws:iam::1:role/abcdefgh"}}`))
	f.Add("ListIdentities", []byte(`{"IdentityPoolId":"us-east-1:00","MaxResults":1e3}`))
	f.Add("ListIdentities", []byte(`{"IdentityPoolId":"us-east-1:00","MaxResults":5,"MaxResults":null,"maxresults":"x"}`))
	f.Add("Nope", []byte(`[`))
	f.Add("GetOpenIdTokenForDeveloperIdentity", []byte(`{"TokenDuration":9223372036854775808}`))
	f.Add("", []byte("\x00"))

	var id *identity.Service // only its methods' types are used
	s := awsjson.NewService(shape.CognitoIdentity(), nil, slog.New(slog.DiscardHandler))
	for name, op := range map[string]awsjson.Operation{
		"CreateIdentityPool":                 stub(id.CreateIdentityPool),
		"DeleteIdentities":                   stub(id.DeleteIdentities),
		"DeleteIdentityPool":                 stub(id.DeleteIdentityPool),
		"DescribeIdentity":                   stub(id.DescribeIdentity),
		"DescribeIdentityPool":               stub(id.DescribeIdentityPool),
		"GetCredentialsForIdentity":          stub(id.GetCredentialsForIdentity),
		"GetId":                              stub(id.GetId),
		"GetIdentityPoolRoles":               stub(id.GetIdentityPoolRoles),
		"GetOpenIdToken":                     stub(id.GetOpenIdToken),
		"GetOpenIdTokenForDeveloperIdentity": stub(id.GetOpenIdTokenForDeveloperIdentity),
		"GetPrincipalTagAttributeMap":        stub(id.GetPrincipalTagAttributeMap),
		"ListIdentities":                     stub(id.ListIdentities),
		"ListIdentityPools":                  stub(id.ListIdentityPools),
		"ListTagsForResource":                stub(id.ListTagsForResource),
		"LookupDeveloperIdentity":            stub(id.LookupDeveloperIdentity),
		"MergeDeveloperIdentities":           stub(id.MergeDeveloperIdentities),
		"SetIdentityPoolRoles":               stub(id.SetIdentityPoolRoles),
		"SetPrincipalTagAttributeMap":        stub(id.SetPrincipalTagAttributeMap),
		"TagResource":                        stub(id.TagResource),
		"UnlinkDeveloperIdentity":            stub(id.UnlinkDeveloperIdentity),
		"UnlinkIdentity":                     stub(id.UnlinkIdentity),
		"UntagResource":                      stub(id.UntagResource),
		"UpdateIdentityPool":                 stub(id.UpdateIdentityPool),
	} {
		s.Handle(name, op)
	}
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+target)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("target %q body %q: got %d %s, want a client error or success", target, body, w.Code, w.Body)
		}
		if w.Code != 200 && len(w.Header()["x-amzn-ErrorType"]) != 1 {
			t.Fatalf("got %d without x-amzn-ErrorType", w.Code)
		}
	})
}
