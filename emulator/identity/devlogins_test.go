package identity

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestDeveloperLoginKeys: GetOpenIdTokenForDeveloperIdentity answers a
// public provider's key that the pool does not configure as GetId does,
// keeps "does not support the specified developer provider" for keys that
// could be a developer provider name, and names the key either way; a
// developer user identifier is bounded by the model's 1024 characters, as
// LookupDeveloperIdentity and the others that take one are.
func TestDeveloperLoginKeys(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "dev", DeveloperProviderName: testDev,
		SupportedLoginProviders: map[string]string{"accounts.google.com": testGoogleApp}})
	long := strings.Repeat("x", maxDeveloperUser+1)
	tests := []struct {
		name     string
		logins   map[string]string
		wantCode string
		wantMsg  string
		reason   []string
	}{
		{"unconfigured social provider beside the developer", map[string]string{testDev: "u2", "graph.facebook.com": "x"},
			CodeNotAuthorized, msgUnsupportedLogin, []string{"graph.facebook.com"}},
		{"unconfigured user pool", map[string]string{testDev: "u2", testUserPool: "x"},
			CodeNotAuthorized, msgUnsupportedLogin, []string{testUserPool}},
		{"unconfigured SAML provider", map[string]string{testDev: "u2", testSAMLARN: "x"},
			CodeNotAuthorized, msgUnsupportedLogin, []string{testSAMLARN}},
		{"another developer provider name", map[string]string{"login.other.app": "u2"},
			CodeNotAuthorized, msgWrongDeveloper, []string{"login.other.app", testDev}},
		{"another name beside the developer", map[string]string{testDev: "u2", "login.other.app": "u2"},
			CodeNotAuthorized, msgWrongDeveloper, []string{"login.other.app"}},
		{"user of 1024 characters", map[string]string{testDev: long[:maxDeveloperUser]}, "", "", nil},
		{"user of 1024 two-byte characters", map[string]string{testDev: strings.Repeat("é", maxDeveloperUser)}, "", "", nil},
		{"user of 1025 characters", map[string]string{testDev: long},
			CodeInvalidParameter, fmt.Sprintf(msgLongDeveloperUser, testDev, maxDeveloperUser), []string{"1025 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(e.ctx, "req")
			_, err := e.svc.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: pool, Logins: tt.logins})
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			wantReason(t, reasonOf(ctx), tt.reason...)
		})
	}
	// The longest user allowed can be managed.
	_, err := e.svc.LookupDeveloperIdentity(e.ctx, &LookupDeveloperIdentityInput{IdentityPoolId: pool, DeveloperUserIdentifier: long[:maxDeveloperUser]})
	wantErr(t, err, "", "")
}
