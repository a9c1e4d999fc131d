package conformance

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// msgBadTags is what STS answers a web identity token whose tags are not
// session tags it takes (hashicorp/terraform-provider-aws#44712).
const msgBadTags = "Unable to validate tags"

// TestPrincipalTagsTooLarge: GetCredentialsForIdentity hands the session's
// principal tags to STS, so tags that STS refuses (PackedPolicyTooLarge when
// they are too large for a session, ValidationError when one is not a
// session tag STS takes, from AssumeRoleWithWebIdentity with the same
// token) fail it, as a failed AssumeRole does: with
// InvalidIdentityPoolConfigurationException, and no credentials.
// GetOpenIdTokenForDeveloperIdentity takes them: its model bounds only the
// lengths, at 128 and 256 characters.
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
		// stsCode is AssumeRoleWithWebIdentity's refusal; "" when the tags fit.
		stsCode string
	}{
		{"a few tags", map[string]string{"team": "blue", "level": "7"}, ""},
		{"every character a tag takes", map[string]string{"Ünï cødé 9_.:/=+-@": "Ünï cødé 9_.:/=+-@ " + strings.Repeat("v", 237)}, ""},
		{"fifty long tags", big, codePackedTooLarge},
		{"key with a character a tag does not take", map[string]string{"bad key!": "v"}, codeSTSInvalid},
		{"value with brackets", map[string]string{"actor": "dependabot[bot]"}, codeSTSInvalid},
		{"value with a comma", map[string]string{"groups": "g1,g2"}, codeSTSInvalid},
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
			msg := ""
			if tt.stsCode == codeSTSInvalid {
				msg = msgBadTags
			}
			wantTagged(t, out, err, stsErr, tt.stsCode, msg)
		})
	}
}

// TestMappedClaimTagLimits: a claim that SetPrincipalTagAttributeMap maps
// to a principal tag becomes a session tag as it is, so one that is no
// session tag STS takes fails the enhanced flow (as a failed AssumeRole:
// InvalidIdentityPoolConfigurationException), and the token GetOpenIdToken
// issues with it fails AssumeRoleWithWebIdentity with a ValidationError.
// An array claim is joined with commas, which no tag value may hold.
func TestMappedClaimTagLimits(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	in := s.fullPool("")
	in.AllowClassicFlow = aws.Bool(true)
	pool := s.createPool(t, in)
	role := s.roleARN("TaggedClaims")
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": role},
	})
	ok(t, err, "SetIdentityPoolRoles")
	_, err = s.signed.SetPrincipalTagAttributeMap(ctx, &cognitoidentity.SetPrincipalTagAttributeMapInput{
		IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(userPoolKey),
		UseDefaults: aws.Bool(false), PrincipalTags: map[string]string{"mail": "email", "groups": "cognito:groups"},
	})
	ok(t, err, "SetPrincipalTagAttributeMap")

	tests := []struct {
		name   string
		claims map[string]any
		fits   bool
	}{
		{"short email, one group", map[string]any{"email": "a@example.com", "cognito:groups": []string{"admins"}}, true},
		{"email of 1000 characters", map[string]any{"email": strings.Repeat("x", 1000) + "@example.com"}, false},
		{"email with a character a tag does not take", map[string]any{"email": "a+b!@example.com"}, false},
		{"two groups", map[string]any{"email": "a@example.com", "cognito:groups": []string{"g1", "g2"}}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := map[string]any{"iss": "https://" + userPoolKey, "aud": userPoolApp, "token_use": "id", "sub": fmt.Sprintf("tagged-%d", i)}
			maps.Copy(claims, tt.claims)
			logins := map[string]string{userPoolKey: providerJWT(t, claims)}
			id, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: logins})
			ok(t, err, "GetId")
			out, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
			tok, tokErr := s.anon.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityId: id.IdentityId, Logins: logins})
			ok(t, tokErr, "GetOpenIdToken")
			_, stsErr := s.assumeWeb(aws.ToString(tok.Token), role, "claims", nil)
			if tt.fits {
				wantTagged(t, out, err, stsErr, "", "")
				return
			}
			wantTagged(t, out, err, stsErr, codeSTSInvalid, msgBadTags)
		})
	}
}

// wantTagged checks the answers to GetCredentialsForIdentity (out, err) and
// to AssumeRoleWithWebIdentity with a token of the same identity (stsErr):
// credentials from both when stsCode is "", else STS's refusal stsCode
// (with message msg, any when "") and Cognito's answer to a failed
// AssumeRole, InvalidIdentityPoolConfigurationException.
func wantTagged(t *testing.T, out *cognitoidentity.GetCredentialsForIdentityOutput, err, stsErr error, stsCode, msg string) {
	t.Helper()
	if stsCode == "" {
		ok(t, err, "GetCredentialsForIdentity")
		ok(t, stsErr, "AssumeRoleWithWebIdentity")
		if out.Credentials == nil {
			t.Fatal("got no Credentials")
		}
		return
	}
	wantAPIError(t, err, codeInvalidConfig, msgInvalidRoleSetup)
	wantSTSError(t, stsErr, stsCode, http.StatusBadRequest, msg)
}
