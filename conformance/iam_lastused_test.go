package conformance

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestIAMRoleLastUsed: GetRole always answers RoleLastUsed, empty for a
// role never used and with the date and region of its last session once
// AssumeRole, AssumeRoleWithWebIdentity or GetCredentialsForIdentity
// issued one, as the usual "find unused roles" scripts read it. ListRoles
// leaves it out, as the model says IAM does; a role deleted and created
// again under its name starts unused.
func TestIAMRoleLastUsed(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	c := s.iamWith(developerKeys())
	ctx := context.Background()

	pool := s.createPool(t, &cognitoidentity.CreateIdentityPoolInput{AllowUnauthenticatedIdentities: true})
	assumed := s.createRole(t, "Assumed", s.trustRoot("sts:AssumeRole", nil))
	guests := map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Federated": "cognito-identity.amazonaws.com"},
		"Action":    "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{"StringEquals": map[string]any{"cognito-identity.amazonaws.com:aud": pool}},
	}
	web := s.createRole(t, "Web", guests)
	enhanced := s.createRole(t, "Enhanced", guests)
	_, err := s.signed.SetIdentityPoolRoles(ctx, &cognitoidentity.SetIdentityPoolRolesInput{
		IdentityPoolId: aws.String(pool), Roles: map[string]string{"unauthenticated": enhanced},
	})
	ok(t, err, "SetIdentityPoolRoles")

	// lastUsed returns the RoleLastUsed GetRole answers for role.
	lastUsed := func(role string) (*time.Time, string) {
		t.Helper()
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleNameOf(role))})
		ok(t, err, "GetRole "+role)
		if out.Role.RoleLastUsed == nil {
			t.Fatalf("GetRole %s: got no RoleLastUsed, want it always", role)
		}
		return out.Role.RoleLastUsed.LastUsedDate, aws.ToString(out.Role.RoleLastUsed.Region)
	}
	for _, role := range []string{assumed, web, enhanced} {
		if at, reg := lastUsed(role); at != nil || reg != "" {
			t.Errorf("GetRole %s before any session: got RoleLastUsed {%v %q}, want empty", role, at, reg)
		}
	}

	before := time.Now().Truncate(time.Second)
	const elsewhere = "eu-west-1"
	stsElsewhere := sts.New(s.stsWith(developerKeys()).Options(), func(o *sts.Options) { o.Region = elsewhere })
	_, err = stsElsewhere.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(assumed), RoleSessionName: aws.String("audit")})
	ok(t, err, "AssumeRole")
	_, token := s.guestToken(t, pool)
	_, err = s.assumeWeb(token, web, "web", nil)
	ok(t, err, "AssumeRoleWithWebIdentity")
	s.enhancedCreds(t, s.guestID(t, pool), nil)
	after := time.Now()

	for _, tt := range []struct {
		name, role, region string
	}{
		{"AssumeRole", assumed, elsewhere},
		{"AssumeRoleWithWebIdentity", web, region},
		{"GetCredentialsForIdentity", enhanced, region},
	} {
		t.Run(tt.name, func(t *testing.T) {
			at, reg := lastUsed(tt.role)
			if at == nil || at.Before(before) || at.After(after) {
				t.Errorf("GetRole %s: got LastUsedDate %v, want between %v and %v", tt.role, at, before, after)
			}
			if reg != tt.region {
				t.Errorf("GetRole %s: got Region %q, want %q", tt.role, reg, tt.region)
			}
		})
	}

	list, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	ok(t, err, "ListRoles")
	for _, r := range list.Roles {
		if r.RoleLastUsed != nil {
			t.Errorf("ListRoles %s: got RoleLastUsed %+v, want none (ListRoles does not return it)", aws.ToString(r.RoleName), r.RoleLastUsed)
		}
	}

	// The same name again is another role, never used.
	name := roleNameOf(assumed)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	ok(t, err, "DeleteRole")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(policyJSON(t, s.trustRoot("sts:AssumeRole", nil)))})
	ok(t, err, "CreateRole again")
	if at, reg := lastUsed(assumed); at != nil || reg != "" {
		t.Errorf("GetRole %s created again: got RoleLastUsed {%v %q}, want empty", assumed, at, reg)
	}
}

// TestIAMRoleLastUsedForgotten: a role's last use is kept in memory only
// (a credential issue never writes to the store), so a reset forgets it,
// though a fixture's role comes back with its RoleId, and so does a
// restart.
func TestIAMRoleLastUsedForgotten(t *testing.T) {
	path, key := fixtureWorld(t, t.TempDir())
	s := testServerEnv(t, map[string]string{"IDPOOL_FIXTURES": path})
	c := s.iamWith(developerKeys())
	ctx := context.Background()
	name := roleNameOf(fxOIDCRole)
	// used assumes the fixture's role and checks that GetRole then
	// answers a last use.
	used := func(t *testing.T) {
		t.Helper()
		_, err := s.assumeWeb(providerToken(t, key, "web-user"), fxOIDCRole, "web", nil)
		ok(t, err, "AssumeRoleWithWebIdentity")
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		ok(t, err, "GetRole")
		if u := out.Role.RoleLastUsed; u == nil || u.LastUsedDate == nil || aws.ToString(u.Region) != region {
			t.Fatalf("GetRole after a session: got RoleLastUsed %+v, want a date in %s", u, region)
		}
	}
	// unused checks that GetRole answers an empty RoleLastUsed.
	unused := func(t *testing.T, after string) {
		t.Helper()
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		ok(t, err, "GetRole after "+after)
		if u := out.Role.RoleLastUsed; u == nil || u.LastUsedDate != nil || u.Region != nil {
			t.Errorf("GetRole after %s: got RoleLastUsed %+v, want it empty", after, u)
		}
	}
	used(t)
	if res := s.post(t, "/_idpool/reset", ""); res.status != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", res.status, res.body)
	}
	unused(t, "a reset")
	used(t)
	s.restart(t)
	unused(t, "a restart")
}
