package awsjson

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol/shape"
)

type provider struct {
	ProviderName         string
	ClientId             string
	ServerSideTokenCheck *bool
}

type createPoolInput struct {
	IdentityPoolName               string
	AllowUnauthenticatedIdentities bool
	CognitoIdentityProviders       []provider
}

type rule struct{ Claim, MatchType, Value, RoleARN string }

type roleMapping struct {
	Type               string
	RulesConfiguration *struct{ Rules []rule }
}

type setRolesInput struct {
	IdentityPoolId string
	Roles          map[string]string
	RoleMappings   map[string]roleMapping
}

type listPoolsInput struct {
	MaxResults int
	NextToken  *string
}

// TestMemberNamesMatchExactly shows that a member named in another case is
// unknown, as it is to AWS: ignored at every depth, never bound to the
// typed input, never an error of its own.
func TestMemberNamesMatchExactly(t *testing.T) {
	const (
		pool = `"IdentityPoolId":"us-east-1:11a86fa8-fc2c-46da-a38b-e46762e447ed"`
		arn  = "arn:aws:iam::123456789012:role/R"
		rule = `{"Claim":"c","MatchType":"Equals","Value":"v","RoleARN":"` + arn + `"}`
	)
	tests := []struct {
		name       string
		op         string
		body       string
		wantStatus int
		wantInput  string // JSON of the input the operation received
	}{
		{"exact names", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","ClientId":"c"}]}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","ClientId":"c","ServerSideTokenCheck":null}]}`},
		{"top level after the exact name", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"identitypoolname":"bad name!!<>"}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":null}`},
		{"top level of another type", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"allowUnauthenticatedIdentities":"yes"}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":null}`},
		{"top level out of range", "ListIdentityPools",
			`{"MaxResults":5,"maxresults":-1}`,
			http.StatusOK,
			`{"MaxResults":5,"NextToken":null}`},
		{"top level alone is no member", "CreateIdentityPool",
			`{"identityPoolName":"ok","AllowUnauthenticatedIdentities":true}`,
			http.StatusBadRequest, ""},
		{"list of structures", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","providerName":"bad!","serversidetokencheck":"x"}]}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","ClientId":"","ServerSideTokenCheck":null}]}`},
		{"map of structures", "SetIdentityPoolRoles",
			`{` + pool + `,"Roles":{"authenticated":"` + arn + `"},"RoleMappings":{"graph.facebook.com":{"Type":"Token","type":"Bogus"}}}`,
			http.StatusOK,
			`{` + pool + `,"Roles":{"authenticated":"` + arn + `"},"RoleMappings":{"graph.facebook.com":{"Type":"Token","RulesConfiguration":null}}}`},
		{"nested structure and its list", "SetIdentityPoolRoles",
			`{` + pool + `,"Roles":{},"RoleMappings":{"p":{"Type":"Rules","rulesconfiguration":{"Rules":[]},"RulesConfiguration":{"Rules":[` + rule[:len(rule)-1] + `,"matchtype":"Nope"}],"rules":[]}}}}`,
			http.StatusOK,
			`{` + pool + `,"Roles":{},"RoleMappings":{"p":{"Type":"Rules","RulesConfiguration":{"Rules":[` + rule + `]}}}}`},
		{"null members", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":null,"identitypoolname":null}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":null}`},
		{"a null copy after a value", "ListIdentityPools",
			`{"MaxResults":5,"NextToken":"t","NextToken":null}`,
			http.StatusOK,
			`{"MaxResults":5,"NextToken":null}`},
		// A member given twice is its last copy, the one validated:
		// encoding/json would have merged the two maps, the first one
		// unvalidated.
		{"map given twice", "SetIdentityPoolRoles",
			`{` + pool + `,"Roles":{"bad key!":"` + arn + `"},"Roles":{"authenticated":"` + arn + `"}}`,
			http.StatusOK,
			`{` + pool + `,"Roles":{"authenticated":"` + arn + `"},"RoleMappings":null}`},
		{"structure given twice in a list", "CreateIdentityPool",
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","ClientId":"c","ClientId":"d"}]}`,
			http.StatusOK,
			`{"IdentityPoolName":"ok","AllowUnauthenticatedIdentities":true,"CognitoIdentityProviders":[{"ProviderName":"p","ClientId":"d","ServerSideTokenCheck":null}]}`},
	}
	var got any
	s := NewService(shape.CognitoIdentity(), nil, nil)
	s.Handle("CreateIdentityPool", Op(func(_ context.Context, in *createPoolInput) (*emptyOutput, error) {
		got = in
		return nil, nil
	}))
	s.Handle("SetIdentityPoolRoles", Op(func(_ context.Context, in *setRolesInput) (*emptyOutput, error) {
		got = in
		return nil, nil
	}))
	s.Handle("ListIdentityPools", Op(func(_ context.Context, in *listPoolsInput) (*emptyOutput, error) {
		got = in
		return nil, nil
	}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityService."+tt.op)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", w.Code, w.Body, tt.wantStatus)
			}
			if tt.wantInput == "" {
				if got != nil {
					t.Errorf("the operation ran with %+v, want it not to run", got)
				}
				return
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
