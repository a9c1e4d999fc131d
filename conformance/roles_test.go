package conformance

import (
	"context"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

func (s *server) roleARN(name string) string {
	return "arn:aws:iam::" + s.accountID + ":role/" + name
}

func TestIdentityPoolRoles(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))

	roles := map[string]string{"authenticated": s.roleARN("Auth"), "unauthenticated": s.roleARN("Unauth")}
	mappings := map[string]types.RoleMapping{
		googleKey: {
			Type:                    types.RoleMappingTypeRules,
			AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeAuthenticatedRole,
			RulesConfiguration: &types.RulesConfigurationType{Rules: []types.MappingRule{{
				Claim: aws.String("email"), MatchType: types.MappingRuleMatchTypeContains,
				Value: aws.String("@example.com"), RoleARN: aws.String(s.roleARN("Staff")),
			}}},
		},
		userPoolKey + ":" + userPoolApp: {
			Type:                    types.RoleMappingTypeToken,
			AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny,
		},
	}
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: roles, RoleMappings: mappings,
	})
	ok(t, err, "SetIdentityPoolRoles")

	get := func() *cognitoidentity.GetIdentityPoolRolesOutput {
		t.Helper()
		out, err := s.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool)})
		ok(t, err, "GetIdentityPoolRoles")
		if aws.ToString(out.IdentityPoolId) != pool {
			t.Errorf("got IdentityPoolId %q, want %q", aws.ToString(out.IdentityPoolId), pool)
		}
		return out
	}
	out := get()
	if !maps.Equal(out.Roles, roles) {
		t.Errorf("got roles %v, want %v", out.Roles, roles)
	}
	if len(out.RoleMappings) != len(mappings) {
		t.Errorf("got %d role mappings, want %d", len(out.RoleMappings), len(mappings))
	}
	for k, want := range mappings {
		got := out.RoleMappings[k]
		if got.Type != want.Type || got.AmbiguousRoleResolution != want.AmbiguousRoleResolution {
			t.Errorf("mapping %s: got %s/%s, want %s/%s", k, got.Type, got.AmbiguousRoleResolution, want.Type, want.AmbiguousRoleResolution)
		}
		if (want.RulesConfiguration == nil) != (got.RulesConfiguration == nil) {
			t.Errorf("mapping %s: got rules %+v, want %+v", k, got.RulesConfiguration, want.RulesConfiguration)
			continue
		}
		if want.RulesConfiguration != nil {
			g, w := got.RulesConfiguration.Rules, want.RulesConfiguration.Rules
			if len(g) != len(w) || aws.ToString(g[0].Claim) != aws.ToString(w[0].Claim) || g[0].MatchType != w[0].MatchType ||
				aws.ToString(g[0].Value) != aws.ToString(w[0].Value) || aws.ToString(g[0].RoleARN) != aws.ToString(w[0].RoleARN) {
				t.Errorf("mapping %s rules: got %+v, want %+v", k, g, w)
			}
		}
	}

	// SetIdentityPoolRoles replaces both maps.
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": s.roleARN("Only")},
	})
	ok(t, err, "SetIdentityPoolRoles replace")
	out = get()
	if want := map[string]string{"authenticated": s.roleARN("Only")}; !maps.Equal(out.Roles, want) {
		t.Errorf("after replace: got roles %v, want %v", out.Roles, want)
	}
	if len(out.RoleMappings) != 0 {
		t.Errorf("after replace: got role mappings %v, want none", out.RoleMappings)
	}

	unknown := "us-east-1:00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name     string
		pool     string
		roles    map[string]string
		mappings map[string]types.RoleMapping
		codes    []string
	}{
		{
			name: "unknown pool", pool: unknown, roles: roles,
			codes: []string{codeNotFound},
		},
		{
			// The model's RoleType pattern may catch this first.
			name: "role key that is not a role type", pool: pool, roles: map[string]string{"admin": s.roleARN("Admin")},
			codes: []string{codeInvalidParam, codeValidation},
		},
		{
			name: "Token mapping without AmbiguousRoleResolution", pool: pool, roles: roles,
			mappings: map[string]types.RoleMapping{googleKey: {Type: types.RoleMappingTypeToken}},
			codes:    []string{codeInvalidParam},
		},
		{
			name: "Rules mapping without rules", pool: pool, roles: roles,
			mappings: map[string]types.RoleMapping{googleKey: {Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny}},
			codes:    []string{codeInvalidParam},
		},
		{
			name: "mapping for a provider the pool lacks", pool: pool, roles: roles,
			mappings: map[string]types.RoleMapping{"www.amazon.com": {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny}},
			codes:    []string{codeInvalidParam},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
				IdentityPoolId: aws.String(tt.pool), Roles: tt.roles, RoleMappings: tt.mappings,
			})
			wantOneOf(t, err, tt.codes...)
		})
	}
	t.Run("message for a key that is not a configured provider", func(t *testing.T) {
		// The user pool's URL, not its provider name (aws/aws-cdk#22951).
		key := "https://" + userPoolKey + ":" + userPoolApp
		_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
			IdentityPoolId: aws.String(pool), Roles: roles,
			RoleMappings: map[string]types.RoleMapping{key: {Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny}},
		})
		wantAPIError(t, err, codeInvalidParam, "("+key+") is not a valid RoleMapping ProviderName or is not a configured provider.")
	})
	// A role that is not a role's ARN fails AWS's check that the caller may
	// pass it (aws/aws-sdk-js#908, boto/boto3#73,
	// amazon-archives/aws-cognito-angular-quickstart#35).
	for _, tt := range []struct {
		name, role string
		inRule     bool
	}{
		{"role name, not its ARN", "my-stack-SomeRole-KBKHTR8P6UC2", false},
		{"ARN with the role/ mangled", "arn:aws:iam::123456789012ole/quickstart-unauthenticated-role", false},
		{"rule role that is a role name", "my-stack-StaffRole-KBKHTR8P6UC2", true},
	} {
		t.Run("message for a "+tt.name, func(t *testing.T) {
			in := &cognitoidentity.SetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": tt.role}}
			if tt.inRule {
				in.Roles = roles
				in.RoleMappings = map[string]types.RoleMapping{googleKey: {
					Type: types.RoleMappingTypeRules, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny,
					RulesConfiguration: &types.RulesConfigurationType{Rules: []types.MappingRule{{
						Claim: aws.String("email"), MatchType: types.MappingRuleMatchTypeContains, Value: aws.String("@"), RoleARN: aws.String(tt.role),
					}}},
				}}
			}
			_, err := s.signed.SetIdentityPoolRoles(ctx, in)
			wantAPIError(t, err, codeNotAuthorized, "Access to Role '"+tt.role+"' is forbidden.")
		})
	}
	t.Run("GetIdentityPoolRoles unknown pool", func(t *testing.T) {
		_, err := s.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(unknown)})
		wantAPIError(t, err, codeNotFound, msgPoolNotFound(unknown))
	})
	if got := get().Roles; !maps.Equal(got, map[string]string{"authenticated": s.roleARN("Only")}) {
		t.Errorf("refused updates changed the roles to %v", got)
	}
}

// wantOneOf is wantAPIError for cases where the spec allows more than one
// code (message unchecked).
func wantOneOf(t *testing.T, err error, codes ...string) {
	t.Helper()
	for _, c := range codes[:len(codes)-1] {
		if err != nil && isCode(err, c) {
			wantAPIError(t, err, c, "")
			return
		}
	}
	wantAPIError(t, err, codes[len(codes)-1], "")
}

func TestPrincipalTagAttributeMap(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	pool := s.createPool(t, s.fullPool(""))

	tests := []struct {
		name        string
		provider    string
		useDefaults *bool
		tags        map[string]string
	}{
		{"explicit tags", googleKey, aws.Bool(false), map[string]string{"user": "sub", "app": "aud"}},
		{"defaults", userPoolKey, aws.Bool(true), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := s.signed.SetPrincipalTagAttributeMap(ctx, &cognitoidentity.SetPrincipalTagAttributeMapInput{
				IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(tt.provider),
				UseDefaults: tt.useDefaults, PrincipalTags: tt.tags,
			})
			ok(t, err, "SetPrincipalTagAttributeMap")
			got, err := s.signed.GetPrincipalTagAttributeMap(ctx, &cognitoidentity.GetPrincipalTagAttributeMapInput{
				IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(tt.provider),
			})
			ok(t, err, "GetPrincipalTagAttributeMap")
			type view struct {
				Pool, Provider string
				UseDefaults    bool
				Tags           map[string]string
			}
			want := view{pool, tt.provider, aws.ToBool(tt.useDefaults), tt.tags}
			for name, v := range map[string]view{
				"Set": {aws.ToString(set.IdentityPoolId), aws.ToString(set.IdentityProviderName), aws.ToBool(set.UseDefaults), set.PrincipalTags},
				"Get": {aws.ToString(got.IdentityPoolId), aws.ToString(got.IdentityProviderName), aws.ToBool(got.UseDefaults), got.PrincipalTags},
			} {
				if len(v.Tags) == 0 {
					v.Tags = nil
				}
				if !reflect.DeepEqual(v, want) {
					t.Errorf("%s: got %+v, want %+v", name, v, want)
				}
			}
		})
	}

	t.Run("never set", func(t *testing.T) {
		got, err := s.signed.GetPrincipalTagAttributeMap(ctx, &cognitoidentity.GetPrincipalTagAttributeMapInput{
			IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(oidcKey),
		})
		ok(t, err, "GetPrincipalTagAttributeMap")
		if aws.ToString(got.IdentityPoolId) != pool || aws.ToString(got.IdentityProviderName) != oidcKey || len(got.PrincipalTags) != 0 {
			t.Errorf("got %+v, want the pool and provider with no tags", got)
		}
	})
	t.Run("provider not on the pool", func(t *testing.T) {
		_, err := s.signed.SetPrincipalTagAttributeMap(ctx, &cognitoidentity.SetPrincipalTagAttributeMapInput{
			IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String("www.amazon.com"), PrincipalTags: map[string]string{"a": "b"},
		})
		wantAPIError(t, err, codeInvalidParam, "")
	})
	t.Run("unknown pool", func(t *testing.T) {
		unknown := "us-east-1:00000000-0000-4000-8000-000000000000"
		_, err := s.signed.GetPrincipalTagAttributeMap(ctx, &cognitoidentity.GetPrincipalTagAttributeMapInput{
			IdentityPoolId: aws.String(unknown), IdentityProviderName: aws.String(googleKey),
		})
		wantAPIError(t, err, codeNotFound, msgPoolNotFound(unknown))
	})
}

func TestGetCredentialsForIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	withRole := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(withRole), Roles: map[string]string{"unauthenticated": s.roleARN("Guest")},
	})
	ok(t, err, "SetIdentityPoolRoles")
	noRole := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	closing := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(closing), Roles: map[string]string{"unauthenticated": s.roleARN("Guest")},
	})
	ok(t, err, "SetIdentityPoolRoles")

	guest := s.guestID(t, withRole)
	noRoleGuest := s.guestID(t, noRole)
	// A guest made while guests were allowed, refused once they are not.
	lateGuest := s.guestID(t, closing)
	_, err = s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId: aws.String(closing), IdentityPoolName: aws.String("closed"), AllowUnauthenticatedIdentities: false,
	})
	ok(t, err, "UpdateIdentityPool")

	t.Run("guest with an unauthenticated role", func(t *testing.T) {
		out, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
		ok(t, err, "GetCredentialsForIdentity")
		if got := aws.ToString(out.IdentityId); got != guest {
			t.Errorf("got IdentityId %s, want %s", got, guest)
		}
		c := out.Credentials
		if c == nil {
			t.Fatal("got no Credentials")
		}
		if id := aws.ToString(c.AccessKeyId); !strings.HasPrefix(id, "ASIA") || len(id) < 16 {
			t.Errorf("got AccessKeyId %q, want a temporary key ASIA…", id)
		}
		if aws.ToString(c.SecretKey) == "" || aws.ToString(c.SessionToken) == "" {
			t.Errorf("got SecretKey %q SessionToken %q, want both set", aws.ToString(c.SecretKey), aws.ToString(c.SessionToken))
		}
		if c.Expiration == nil {
			t.Fatal("got no Expiration")
		}
		if left := time.Until(*c.Expiration); left < 58*time.Minute || left > 62*time.Minute {
			t.Errorf("got Expiration %v (in %v), want about one hour ahead", c.Expiration, left)
		}
		again, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(guest)})
		ok(t, err, "GetCredentialsForIdentity again")
		if aws.ToString(again.Credentials.AccessKeyId) == aws.ToString(c.AccessKeyId) {
			t.Errorf("two calls returned the same access key %s, want fresh credentials", aws.ToString(c.AccessKeyId))
		}
	})

	unknown := "us-east-1:00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name string
		id   string
		code string
		msg  string
	}{
		{"unknown identity", unknown, codeNotFound, msgIdentityNotFound(unknown)},
		{"pool without a guest role", noRoleGuest, codeInvalidConfig, msgInvalidRoleSetup},
		{"pool refuses guests", lateGuest, codeNotAuthorized, msgGuestsRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.anon.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(tt.id)})
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
}
