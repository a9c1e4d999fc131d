package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestCognitoKeyNotACognitoToken: a JWT of another issuer under the
// cognito-identity.amazonaws.com key is AWS's NotAuthorizedException
// "Invalid login token. Not a Cognito token." (aws-amplify/aws-sdk-android
// #1431), while idpool's own token with a changed payload is "Couldn't
// verify signed token." (amazon-cognito-identity-js#91): the token the
// session it proves is the one STS and Cognito hand on.
func TestCognitoKeyNotACognitoToken(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(uniqueDev()))
	id, token := s.guestToken(t, pool)
	tests := []struct{ name, token, msg string }{
		{"another issuer's JWT", oidcToken(t, "user-123456"), "Invalid login token. Not a Cognito token."},
		{"idpool's token, changed", tamper(token), "Invalid login token. Couldn't verify signed token."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: aws.String(id), Logins: map[string]string{cognitoKey: tt.token}})
			wantAPIError(t, err, codeNotAuthorized, tt.msg)
		})
	}
}
