package conformance

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestDeveloperProviderNamePerRegion: pools of different regions may share
// a developer provider name, as an app deployed in several regions with
// one backend constant needs; a second pool of one region may not.
func TestDeveloperProviderNamePerRegion(t *testing.T) {
	t.Parallel()
	s, dev := testServer(t), uniqueDev()
	create := func(region string) error {
		_, err := s.inRegion(region, "aws").signed.CreateIdentityPool(context.Background(), &cognitoidentity.CreateIdentityPoolInput{
			IdentityPoolName: aws.String("app"), DeveloperProviderName: aws.String(dev)})
		return err
	}
	tests := []struct {
		name, region, code string
	}{
		{"first pool", "us-east-1", ""},
		{"another region", "eu-west-1", ""},
		{"the same region again", "us-east-1", codeConflict},
		{"the other region again", "eu-west-1", codeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := create(tt.region)
			if tt.code == "" {
				ok(t, err, "CreateIdentityPool in "+tt.region)
				return
			}
			wantAPIError(t, err, tt.code, "")
		})
	}
}

// TestDeveloperLoginsChecks: GetOpenIdTokenForDeveloperIdentity refuses a
// developer user identifier that LookupDeveloperIdentity could not take,
// and answers an unconfigured public provider beside the right developer
// provider as GetId does, not as a wrong developer provider.
func TestDeveloperLoginsChecks(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	dev := uniqueDev()
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("dev"), DeveloperProviderName: aws.String(dev),
		SupportedLoginProviders: map[string]string{googleKey: googleClient},
	})
	tests := []struct {
		name      string
		logins    map[string]string
		code, msg string
	}{
		{"user of 1024 characters", map[string]string{dev: strings.Repeat("u", 1024)}, "", ""},
		{"user of 1025 characters", map[string]string{dev: strings.Repeat("u", 1025)}, codeInvalidParam,
			"The developer user identifier given under Logins key '" + dev + "' is longer than 1024 characters."},
		{"unconfigured Facebook beside the developer", map[string]string{dev: "u2", facebookKey: "x"}, codeNotAuthorized, msgUnsupported},
		{"another developer provider", map[string]string{"login.other.test": "u2"}, codeNotAuthorized,
			"This identity pool does not support the specified developer provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool), Logins: tt.logins})
			if tt.code == "" {
				ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
	// The same Facebook key gets the same answer from GetId.
	_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: map[string]string{facebookKey: "x"}})
	wantAPIError(t, err, codeNotAuthorized, msgUnsupported)
}
