package shape

import (
	"reflect"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestFits: a Go input type fits a shape when each of its fields is a
// member of that name whose type the field's kind holds, at every depth.
func TestFits(t *testing.T) {
	type provider struct {
		ProviderName         string
		ServerSideTokenCheck *bool
	}
	type rules struct{ Rules []struct{ Claim string } }
	tests := []struct {
		name, shape string
		in          any
		want        string // in the error; "" for none
	}{
		{"every kind", "CreateIdentityPoolInput", struct {
			IdentityPoolName               string
			AllowUnauthenticatedIdentities bool
			CognitoIdentityProviders       []provider
			SupportedLoginProviders        map[string]string
			IdentityPoolTags               map[string]string `json:"IdentityPoolTags"`
		}{}, ""},
		{"fewer fields than members", "CreateIdentityPoolInput", struct{ IdentityPoolName string }{}, ""},
		{"integer as int and long as int64", "GetOpenIdTokenForDeveloperIdentityInput", struct {
			IdentityPoolId string
			TokenDuration  int64
		}{}, ""},
		{"nested structure through a map", "SetIdentityPoolRolesInput", struct {
			RoleMappings map[string]struct{ RulesConfiguration *rules }
		}{}, ""},
		{"no such member", "GetIdInput", struct{ IdentityPoolID string }{}, "IdentityPoolID"},
		{"json tag names another member", "GetIdInput", struct {
			Pool string `json:"identityPoolId"`
		}{}, "identityPoolId"},
		{"bool for a string", "GetIdInput", struct{ IdentityPoolId bool }{}, "GetIdInput.IdentityPoolId"},
		{"int32 for a long", "GetOpenIdTokenForDeveloperIdentityInput", struct{ TokenDuration int32 }{}, "TokenDuration"},
		{"string for a boolean", "CreateIdentityPoolInput", struct{ AllowUnauthenticatedIdentities string }{}, "AllowUnauthenticatedIdentities"},
		{"slice for a map", "GetIdInput", struct{ Logins []string }{}, "Logins"},
		{"wrong element kind", "CreateIdentityPoolInput", struct{ OpenIdConnectProviderARNs []int }{}, "OpenIdConnectProviderARNs[]"},
		{"wrong member of a nested structure", "SetIdentityPoolRolesInput", struct {
			RoleMappings map[string]struct{ Typ string }
		}{}, "RoleMappings{}"},
		{"unknown shape", "NoSuchInput", struct{}{}, "NoSuchInput"},
	}
	m := CognitoIdentity()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Fits(tt.shape, protocol.SchemaOf(reflect.TypeOf(tt.in)))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
	if err := m.Fits("", protocol.SchemaOf(reflect.TypeFor[struct{ A string }]())); err == nil {
		t.Error("fields for an operation without input: got nil, want an error")
	}
	if err := m.Fits("", protocol.SchemaOf(reflect.TypeFor[struct{}]())); err != nil {
		t.Errorf("no fields for an operation without input: got %v, want nil", err)
	}
}
