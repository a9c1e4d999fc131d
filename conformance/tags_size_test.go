package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestPrincipalTagsTooLarge: GetCredentialsForIdentity hands the session's
// principal tags to STS, so tags that STS refuses as too large for a
// session (PackedPolicyTooLarge from AssumeRoleWithWebIdentity with the
// same token) fail it, as a failed AssumeRole does: with
// InvalidIdentityPoolConfigurationException, and no credentials.
func TestPrincipalTagsTooLarge(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: false, DeveloperProviderName: aws.String(dev)})
	role := s.roleARN("TaggedDeveloper")
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": role},
	})
	ok(t, err, "SetIdentityPoolRoles")

	big := make(map[string]string)
	for i := range 50 {
		big[fmt.Sprintf("t%02d", i)] = strings.Repeat("v", 256)
	}
	tests := []struct {
		name string
		tags map[string]string
		fits bool
	}{
		{"a few tags", map[string]string{"team": "blue", "level": "7"}, true},
		{"fifty long tags", big, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: "user-" + tt.name}, PrincipalTags: tt.tags,
			})
			ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
			out, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{
				IdentityId: tok.IdentityId, Logins: map[string]string{"cognito-identity.amazonaws.com": aws.ToString(tok.Token)},
			})
			_, stsErr := s.assumeWeb(aws.ToString(tok.Token), role, "tags", nil)
			if tt.fits {
				ok(t, err, "GetCredentialsForIdentity")
				ok(t, stsErr, "AssumeRoleWithWebIdentity")
				if out.Credentials == nil {
					t.Fatal("got no Credentials")
				}
				return
			}
			wantAPIError(t, err, codeInvalidConfig, msgInvalidRoleSetup)
			wantSTSError(t, stsErr, codePackedTooLarge, http.StatusBadRequest, "")
		})
	}
}
