package conformance

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
)

// TestScopeNotARegion checks that an SDK configured with a name that is
// not an AWS region ("local", the pseudo-region "aws-global") creates its
// pools in the default region, as the README says, and so can find them
// again: ids like "local:<uuid>" would not load back from an export.
func TestScopeNotARegion(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	for _, name := range []string{"local", "aws-global", "not-a-region"} {
		t.Run(name, func(t *testing.T) {
			r := s.inRegion(name, "aws")
			out, err := r.signed.CreateIdentityPool(context.Background(), &cognitoidentity.CreateIdentityPoolInput{
				IdentityPoolName: aws.String(uniqueName("scope")), AllowUnauthenticatedIdentities: true,
			})
			ok(t, err, "CreateIdentityPool")
			pool := aws.ToString(out.IdentityPoolId)
			if !strings.HasPrefix(pool, region+":") {
				t.Errorf("CreateIdentityPool signed for %q: got id %q, want one in the default region %s", name, pool, region)
			}
			if got := r.scopes.all(); len(got) == 0 || !strings.HasPrefix(got[0], name+"/") {
				t.Errorf("got scopes %v, want the SDK to sign for %q", got, name)
			}
			s.guestID(t, pool)
		})
	}
}

// TestUpdateDropsRoleMappings checks that UpdateIdentityPool removing
// providers also removes their role mappings and principal-tag maps: what
// GetIdentityPoolRoles answers afterwards, SetIdentityPoolRoles takes back.
func TestUpdateDropsRoleMappings(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	in := s.fullPool("")
	pool := s.createPool(t, in)
	auth := "arn:aws:iam::" + s.accountID + ":role/Auth"
	token := types.RoleMapping{Type: types.RoleMappingTypeToken, AmbiguousRoleResolution: types.AmbiguousRoleResolutionTypeDeny}
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"authenticated": auth},
		RoleMappings: map[string]types.RoleMapping{googleKey: token, oidcKey: token, userPoolKey + ":" + userPoolApp: token},
	})
	ok(t, err, "SetIdentityPoolRoles")
	for _, p := range []string{googleKey, oidcKey, userPoolKey} {
		_, err := s.signed.SetPrincipalTagAttributeMap(ctx, &cognitoidentity.SetPrincipalTagAttributeMapInput{
			IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(p), PrincipalTags: map[string]string{"k": "sub"},
		})
		ok(t, err, "SetPrincipalTagAttributeMap "+p)
	}

	// The update keeps Google and drops the OIDC provider and the user pool.
	_, err = s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId: aws.String(pool), IdentityPoolName: in.IdentityPoolName, AllowUnauthenticatedIdentities: true,
		SupportedLoginProviders: in.SupportedLoginProviders,
	})
	ok(t, err, "UpdateIdentityPool")
	roles, err := s.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: aws.String(pool)})
	ok(t, err, "GetIdentityPoolRoles")
	if got := slices.Sorted(maps.Keys(roles.RoleMappings)); !slices.Equal(got, []string{googleKey}) {
		t.Errorf("GetIdentityPoolRoles: got role mappings of %v, want only %s's", got, googleKey)
	}
	if roles.Roles["authenticated"] != auth {
		t.Errorf("GetIdentityPoolRoles: got roles %v, want the authenticated role kept", roles.Roles)
	}
	_, err = s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: roles.Roles, RoleMappings: roles.RoleMappings,
	})
	ok(t, err, "SetIdentityPoolRoles with GetIdentityPoolRoles's answer")
	tags, err := s.signed.GetPrincipalTagAttributeMap(ctx, &cognitoidentity.GetPrincipalTagAttributeMapInput{
		IdentityPoolId: aws.String(pool), IdentityProviderName: aws.String(googleKey),
	})
	ok(t, err, "GetPrincipalTagAttributeMap "+googleKey)
	if tags.PrincipalTags["k"] != "sub" {
		t.Errorf("GetPrincipalTagAttributeMap %s: got %v, want k=sub kept", googleKey, tags.PrincipalTags)
	}
}
