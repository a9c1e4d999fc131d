package identity

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestCognitoKeyTokens: under the cognito-identity.amazonaws.com key, a
// JWT Cognito did not issue (another algorithm than its RS512, or a key it
// does not hold) is AWS's "Not a Cognito token"
// (aws-amplify/aws-sdk-android#1431); a Cognito token whose payload was
// changed is "Couldn't verify signed token"
// (amazon-cognito-identity-js#91); what is no JWT stays malformed.
func TestCognitoKeyTokens(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	id := e.getID(t, pool, nil)
	out, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(out.Token, ".")
	enc := base64.RawURLEncoding
	changed := parts[0] + "." + enc.EncodeToString([]byte(`{"sub":"`+id+`","aud":"`+pool+`","amr":["authenticated"]}`)) + "." + parts[2]
	unknownKid := enc.EncodeToString([]byte(`{"alg":"RS512","typ":"JWS","kid":"us-east-1-99"}`)) + "." + parts[1] + "." + parts[2]
	tests := []struct {
		name, token, code, msg string
	}{
		{"idpool's token", out.Token, "", ""},
		{"another issuer's JWT", e.idToken("oidc.example.test", "app", "user-123456", nil), CodeNotAuthorized, msgNotCognito},
		{"a key idpool does not hold", unknownKid, CodeNotAuthorized, msgNotCognito},
		{"changed payload", changed, CodeNotAuthorized, msgBadSignature},
		{"changed payload, no longer JSON", parts[0] + ".bm90LWpzb24." + parts[2], CodeNotAuthorized, msgBadSignature},
		{"not a JWT", "garbage", CodeNotAuthorized, msgMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: map[string]string{CognitoProvider: tt.token}})
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}
