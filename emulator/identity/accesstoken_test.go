package identity

import (
	"testing"

	"github.com/idpool/idpool/protocol"
)

// TestAccessTokenReason: a user pool's access token is named as such in
// the reason of its refusal only. A pool that lists no app client of the
// user pool checks no audience and accepts it, and that login gets no
// reason: the token is examined for one on the refusal path alone, so a
// login that passes is parsed once.
func TestAccessTokenReason(t *testing.T) {
	e := newEnv(t)
	withClient := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "client", CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: testUserPool, ClientId: testClient}}})
	anyClient := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "any", CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: testUserPool}}})
	access := e.idToken(testUserPool, "", "u1", map[string]any{"token_use": "access", "client_id": testClient})
	tests := []struct {
		name, pool, code, reason string
	}{
		{"refused where the pool names its client", withClient, CodeNotAuthorized,
			"this is a user pool access token (token_use access, client_id " + testClient + "); pass the ID token (IdToken) instead"},
		{"accepted where the pool names no client", anyClient, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := protocol.WithRequestID(e.ctx, "req")
			_, err := e.svc.GetId(ctx, &GetIdInput{IdentityPoolId: tt.pool, Logins: map[string]string{testUserPool: access}})
			code := ""
			if p, ok := protocol.As(err); ok {
				code = p.Code
			} else if err != nil {
				t.Fatalf("got error %v, want %q", err, tt.code)
			}
			if code != tt.code {
				t.Errorf("got code %q, want %q", code, tt.code)
			}
			if got := reasonOf(ctx); got != tt.reason {
				t.Errorf("got reason %q, want %q", got, tt.reason)
			}
		})
	}
}
