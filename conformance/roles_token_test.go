package conformance

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// TestTokenRoleNotARole: a Token role mapping takes its role from the ID
// token, and a value there that is not an IAM role ARN is a role STS would
// refuse: GetCredentialsForIdentity answers as for any role STS refuses,
// InvalidIdentityPoolConfigurationException, and issues nothing.
func TestTokenRoleNotARole(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	providers := []types.CognitoIdentityProvider{
		{ProviderName: aws.String(mappedPool), ClientId: aws.String(clientTokenDeny)},
		{ProviderName: aws.String(mappedPool), ClientId: aws.String(clientTokenAuth)},
	}
	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{CognitoIdentityProviders: providers})
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool),
		Roles:          map[string]string{"authenticated": s.roleARN("Cognito_Auth")},
		RoleMappings: map[string]types.RoleMapping{
			mappedPool + ":" + clientTokenDeny: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny},
			mappedPool + ":" + clientTokenAuth: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeAuthenticatedRole},
		},
	})
	ok(t, err, "SetIdentityPoolRoles")

	tests := []struct {
		name   string
		client string
		claims map[string]any
		custom string
	}{
		{"preferred role garbage", clientTokenDeny, map[string]any{"cognito:preferred_role": "garbage"}, ""},
		{"preferred role a number", clientTokenAuth, map[string]any{"cognito:preferred_role": 5}, ""},
		{"preferred role a user ARN", clientTokenAuth, map[string]any{"cognito:preferred_role": "arn:aws:iam::123456789012:user/bob"}, ""},
		{"preferred role an S3 ARN with role/ in it", clientTokenDeny, map[string]any{"cognito:preferred_role": "arn:aws:s3:::bucket/role/x"}, ""},
		{"the only cognito:roles entry garbage", clientTokenDeny, map[string]any{"cognito:roles": []any{"garbage"}}, ""},
		{"CustomRoleArn a user ARN in cognito:roles", clientTokenDeny,
			map[string]any{"cognito:roles": []any{"arn:aws:iam::123456789012:user/bob", s.roleARN("GroupA")}}, "arn:aws:iam::123456789012:user/bob"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logins := map[string]string{mappedPool: mappedToken(t, tt.client, "not-a-role-"+string(rune('a'+i))+"-user", tt.claims)}
			id := s.loginID(t, pool, logins)
			in := &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: logins}
			if tt.custom != "" {
				in.CustomRoleArn = aws.String(tt.custom)
			}
			_, err := s.anon.GetCredentialsForIdentity(ctx, in)
			wantAPIError(t, err, codeInvalidConfig, msgInvalidRoleSetup)
		})
	}
}
