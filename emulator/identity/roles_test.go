package identity

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"
)

func TestSetIdentityPoolRoles(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	upKey := testUserPool + ":" + testClient
	rules := &RulesConfiguration{Rules: []MappingRule{{Claim: "dept", MatchType: "Equals", Value: "x", RoleARN: adminRole}}}
	roles := map[string]string{"authenticated": authRole}
	tests := []struct {
		name     string
		pool     string
		roles    map[string]string
		mappings map[string]RoleMapping
		wantCode string
	}{
		{"roles only", pool, roles, nil, ""},
		{"empty roles", pool, map[string]string{}, nil, ""},
		{"token mapping for a user pool client", pool, roles, map[string]RoleMapping{upKey: {Type: "Token", AmbiguousRoleResolution: "Deny"}}, ""},
		{"rules mapping for google, oidc and saml", pool, roles, map[string]RoleMapping{
			"accounts.google.com": {Type: "Rules", AmbiguousRoleResolution: "AuthenticatedRole", RulesConfiguration: rules},
			testOIDC:              {Type: "Rules", AmbiguousRoleResolution: "AuthenticatedRole", RulesConfiguration: rules},
			testSAMLARN:           {Type: "Token", AmbiguousRoleResolution: "Deny"}}, ""},
		{"bad role type", pool, map[string]string{"admin": authRole}, nil, CodeInvalidParameter},
		{"role name, not its ARN", pool, map[string]string{"authenticated": "my-stack-SomeRole-KBKHTR8P6UC2"}, nil, CodeNotAuthorized},
		{"not a role ARN", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:user/bob"}, nil, CodeNotAuthorized},
		{"role with a path", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/app/v1!x/Auth+1@a.b"}, nil, ""},
		{"role name with a space", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/a b"}, nil, CodeNotAuthorized},
		{"role name with a colon", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/a:b"}, nil, CodeNotAuthorized},
		{"role name longer than 64", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65)}, nil, CodeNotAuthorized},
		{"role path with an empty segment", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/a//Auth"}, nil, ""},
		{"role path of one empty segment", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role//Auth"}, nil, CodeNotAuthorized},
		{"role without a name", pool, map[string]string{"authenticated": "arn:aws:iam::123456789012:role/app/"}, nil, CodeNotAuthorized},
		{"rule role name not ASCII", pool, roles, map[string]RoleMapping{upKey: {Type: "Rules", AmbiguousRoleResolution: "Deny",
			RulesConfiguration: &RulesConfiguration{Rules: []MappingRule{{Claim: "dept", MatchType: "Equals", Value: "x", RoleARN: "arn:aws:iam::123456789012:role/é"}}}}}, CodeNotAuthorized},
		{"token without AmbiguousRoleResolution", pool, roles, map[string]RoleMapping{upKey: {Type: "Token"}}, CodeInvalidParameter},
		{"rules without rules", pool, roles, map[string]RoleMapping{upKey: {Type: "Rules", AmbiguousRoleResolution: "Deny"}}, CodeInvalidParameter},
		{"user pool key without client", pool, roles, map[string]RoleMapping{testUserPool: {Type: "Token", AmbiguousRoleResolution: "Deny"}}, CodeInvalidParameter},
		{"unconfigured client", pool, roles, map[string]RoleMapping{testUserPool + ":nope": {Type: "Token", AmbiguousRoleResolution: "Deny"}}, CodeInvalidParameter},
		{"provider not on the pool", pool, roles, map[string]RoleMapping{"api.twitter.com": {Type: "Token", AmbiguousRoleResolution: "Deny"}}, CodeInvalidParameter},
		{"developer provider", pool, roles, map[string]RoleMapping{testDev: {Type: "Token", AmbiguousRoleResolution: "Deny"}}, CodeInvalidParameter},
		{"unknown pool", "us-east-1:0000", roles, nil, CodeResourceNotFound},
		// The pool is looked up before its partition is asked whether
		// it holds the roles, and its keys before the rules' roles.
		{"unknown pool, role of another partition", "cn-north-1:0000", roles, nil, CodeResourceNotFound},
		{"developer provider, rule role of another partition", pool, roles, map[string]RoleMapping{testDev: {Type: "Rules", AmbiguousRoleResolution: "Deny",
			RulesConfiguration: &RulesConfiguration{Rules: []MappingRule{{Claim: "dept", MatchType: "Equals", Value: "x", RoleARN: "arn:aws-cn:iam::123456789012:role/X"}}}}}, CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SetIdentityPoolRoles(e.ctx, &SetIdentityPoolRolesInput{IdentityPoolId: tt.pool, Roles: tt.roles, RoleMappings: tt.mappings})
			wantErr(t, err, tt.wantCode, "")
			if err != nil {
				return
			}
			out, err := e.svc.GetIdentityPoolRoles(e.ctx, &GetIdentityPoolRolesInput{IdentityPoolId: tt.pool})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(out.Roles, tt.roles) && len(out.Roles)+len(tt.roles) != 0 {
				t.Errorf("got roles %v, want %v", out.Roles, tt.roles)
			}
			if len(out.RoleMappings) != len(tt.mappings) {
				t.Errorf("got mappings %v, want %v", out.RoleMappings, tt.mappings)
			}
			for k, m := range tt.mappings {
				g := out.RoleMappings[k]
				if g.Type != m.Type || g.AmbiguousRoleResolution != m.AmbiguousRoleResolution || (m.RulesConfiguration != nil) != (g.RulesConfiguration != nil) {
					t.Errorf("got mapping %s %+v, want %+v", k, g, m)
				}
			}
		})
	}
	_, err := e.svc.GetIdentityPoolRoles(e.ctx, &GetIdentityPoolRolesInput{IdentityPoolId: "us-east-1:0000"})
	wantErr(t, err, CodeResourceNotFound, "")
}

// TestRoleMappingKeys checks AWS's message for a RoleMappings key that
// names no provider of the pool (aws/aws-cdk#22951).
func TestRoleMappingKeys(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	tests := []struct {
		name string
		key  string
	}{
		{"provider not on the pool", "api.twitter.com"},
		{"user pool key without client", testUserPool},
		{"unconfigured client", testUserPool + ":nope"},
		{"user pool URL", "https://" + testUserPool + ":" + testClient},
		{"developer provider", testDev},
		{"idpool's own provider", CognitoProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SetIdentityPoolRoles(e.ctx, &SetIdentityPoolRolesInput{IdentityPoolId: pool, Roles: map[string]string{},
				RoleMappings: map[string]RoleMapping{tt.key: {Type: mappingToken, AmbiguousRoleResolution: resolveDeny}}})
			wantErr(t, err, CodeInvalidParameter, "("+tt.key+") is not a valid RoleMapping ProviderName or is not a configured provider.")
		})
	}
}

func TestRoleResolution(t *testing.T) {
	e := newEnv(t)
	upKey := testUserPool + ":" + testClient
	up2Key := testUserPool + ":" + testClient2
	pool := e.createPool(t, fullPool())
	rule := func(claim, match, value, role string) MappingRule {
		return MappingRule{Claim: claim, MatchType: match, Value: value, RoleARN: role}
	}
	e.setRoles(t, pool, map[string]RoleMapping{
		upKey:  {Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole"},
		up2Key: {Type: "Token", AmbiguousRoleResolution: "Deny"},
		"accounts.google.com": {Type: "Rules", AmbiguousRoleResolution: "Deny", RulesConfiguration: &RulesConfiguration{Rules: []MappingRule{
			rule("email", "Equals", "boss@example.com", adminRole),
			rule("email", "StartsWith", "reader", readerRole),
			rule("hd", "Contains", "example", adminRole),
			rule("groups", "Contains", "staff", readerRole),
			rule("locale", "NotEqual", "fr", readerRole),
		}}},
		testOIDC: {Type: "Rules", AmbiguousRoleResolution: "AuthenticatedRole", RulesConfiguration: &RulesConfiguration{Rules: []MappingRule{
			rule("tier", "Equals", "gold", adminRole),
			rule("tier", "StartsWith", "g", readerRole),
		}}},
		testSAMLARN: {Type: "Token", AmbiguousRoleResolution: "Deny"},
	})
	bare := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "bare", AllowUnauthenticatedIdentities: true, SupportedLoginProviders: map[string]string{"graph.facebook.com": testFBApp}})

	up := func(client string, extra map[string]any) map[string]string {
		return map[string]string{testUserPool: e.idToken(testUserPool, client, "role-user", extra)}
	}
	google := func(claims map[string]any) map[string]string {
		return map[string]string{"accounts.google.com": e.idToken("accounts.google.com", testGoogleApp, "role-g", claims)}
	}
	oidc := func(claims map[string]any) map[string]string {
		return map[string]string{testOIDC: e.idToken(testOIDC, "", "role-o", claims)}
	}
	samlRole := func(roles ...string) map[string]string {
		var vals []string
		for _, r := range roles {
			vals = append(vals, r+",arn:aws:iam::123456789012:saml-provider/corp")
		}
		return map[string]string{testSAMLARN: samlResponse("saml-user", map[string][]string{samlRoleAttribute: vals})}
	}
	deny := func(key string) string {
		return "The ambiguous role mapping rules for: " + key + " denied this request."
	}

	tests := []struct {
		name     string
		pool     string
		logins   map[string]string // nil: a guest
		custom   string
		wantRole string
		wantCode string
		wantMsg  string
	}{
		{"guest", pool, nil, "", unauthRole, "", ""},
		{"guest without an unauthenticated role", bare, nil, "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"authenticated without a role", bare, map[string]string{"graph.facebook.com": "fb"}, "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"provider without mapping", pool, map[string]string{"graph.facebook.com": "fb"}, "", authRole, "", ""},

		{"token: preferred role", pool, up(testClient, map[string]any{"cognito:roles": []string{adminRole, readerRole}, "cognito:preferred_role": readerRole}), "", readerRole, "", ""},
		{"token: single role", pool, up(testClient, map[string]any{"cognito:roles": []string{adminRole}}), "", adminRole, "", ""},
		{"token: ambiguous, authenticated role", pool, up(testClient, map[string]any{"cognito:roles": []string{adminRole, readerRole}}), "", authRole, "", ""},
		{"token: ambiguous, deny", pool, up(testClient2, map[string]any{"cognito:roles": []string{adminRole, readerRole}}), "", "", CodeNotAuthorized, deny(up2Key)},
		{"token: no roles, deny", pool, up(testClient2, nil), "", "", CodeNotAuthorized, deny(up2Key)},
		{"token: custom role granted", pool, up(testClient2, map[string]any{"cognito:roles": []string{adminRole, readerRole}}), adminRole, adminRole, "", ""},
		{"token: custom role in a comma-separated claim", pool, up(testClient2, map[string]any{"cognito:roles": adminRole + "," + readerRole}), readerRole, readerRole, "", ""},
		{"token: preferred role not an ARN", pool, up(testClient, map[string]any{"cognito:preferred_role": "garbage"}), "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: preferred role a number", pool, up(testClient, map[string]any{"cognito:preferred_role": 5}), "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: preferred role a user ARN", pool, up(testClient2, map[string]any{"cognito:preferred_role": "arn:aws:iam::123456789012:user/bob"}), "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: preferred role an S3 ARN", pool, up(testClient2, map[string]any{"cognito:preferred_role": "arn:aws:s3:::bucket/role/x"}), "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: single role not an ARN", pool, up(testClient2, map[string]any{"cognito:roles": []string{"garbage"}}), "", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: custom role a granted user ARN", pool, up(testClient2, map[string]any{"cognito:roles": []string{"arn:aws:iam::123456789012:user/bob", adminRole}}), "arn:aws:iam::123456789012:user/bob", "", CodeInvalidIdentityPoolConfiguration, msgBadPoolConfig},
		{"token: custom role not granted", pool, up(testClient, map[string]any{"cognito:roles": []string{adminRole}}), unauthRole, "", CodeNotAuthorized, "Access to Role '" + unauthRole + "' is forbidden."},

		{"rules: Equals", pool, google(map[string]any{"email": "boss@example.com"}), "", adminRole, "", ""},
		{"rules: StartsWith", pool, google(map[string]any{"email": "reader7@example.com"}), "", readerRole, "", ""},
		{"rules: Contains", pool, google(map[string]any{"hd": "www.example.org"}), "", adminRole, "", ""},
		{"rules: Contains on a list claim", pool, google(map[string]any{"groups": []string{"x", "staff-eu"}}), "", readerRole, "", ""},
		{"rules: NotEqual", pool, google(map[string]any{"locale": "de"}), "", readerRole, "", ""},
		{"rules: NotEqual on an absent claim does not match", pool, google(nil), "", "", CodeNotAuthorized, deny("accounts.google.com")},
		{"rules: NotEqual with the equal value does not match", pool, google(map[string]any{"locale": "fr"}), "", "", CodeNotAuthorized, deny("accounts.google.com")},
		{"rules: first match wins", pool, oidc(map[string]any{"tier": "gold"}), "", adminRole, "", ""},
		{"rules: custom role picks a later match", pool, oidc(map[string]any{"tier": "gold"}), readerRole, readerRole, "", ""},
		{"rules: custom role no rule grants", pool, oidc(map[string]any{"tier": "gold"}), unauthRole, "", CodeNotAuthorized, ""},
		{"rules: no match, authenticated role", pool, oidc(map[string]any{"tier": "silver"}), "", authRole, "", ""},
		{"rules: numeric claim", pool, oidc(map[string]any{"tier": 7}), "", authRole, "", ""},

		{"saml: one role", pool, samlRole(adminRole), "", adminRole, "", ""},
		{"saml: two roles, custom picks", pool, samlRole(adminRole, readerRole), readerRole, readerRole, "", ""},
		{"saml: two roles, deny", pool, samlRole(adminRole, readerRole), "", "", CodeNotAuthorized, deny(testSAMLARN)},
		{"default role, other custom role", pool, map[string]string{"graph.facebook.com": "fb"}, adminRole, "", CodeNotAuthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var id string
			if tt.logins == nil {
				id = e.getID(t, tt.pool, nil)
			} else {
				id = e.getID(t, tt.pool, tt.logins)
			}
			out, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: tt.logins, CustomRoleArn: tt.custom})
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err != nil {
				return
			}
			s := e.creds.last(t)
			if s.RoleARN != tt.wantRole || out.IdentityId != id || s.SessionName != "CognitoIdentityCredentials" {
				t.Errorf("got role %s for %s (session %q), want %s for %s", s.RoleARN, out.IdentityId, s.SessionName, tt.wantRole, id)
			}
			if guest := tt.logins == nil; guest != (s.AMR[0] == "unauthenticated") {
				t.Errorf("got amr %q for guest=%v", s.AMR, guest)
			}
		})
	}

	t.Run("a refused request links nothing", func(t *testing.T) {
		g := e.getID(t, pool, nil)
		logins := up(testClient2, nil)
		_, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: g, Logins: logins})
		wantErr(t, err, CodeNotAuthorized, deny(up2Key))
		if i := e.identity(t, g); len(i.Logins) != 0 {
			t.Errorf("got logins %v, want none", i.Logins)
		}
	})
}

func TestPrincipalTags(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, fullPool())
	e.setRoles(t, pool, nil)
	tr := true
	tests := []struct {
		name     string
		in       SetPrincipalTagAttributeMapInput
		wantCode string
	}{
		{"user pool", SetPrincipalTagAttributeMapInput{IdentityProviderName: testUserPool, PrincipalTags: map[string]string{"dept": "custom:dept", "user": "sub"}}, ""},
		{"google defaults", SetPrincipalTagAttributeMapInput{IdentityProviderName: "accounts.google.com", UseDefaults: &tr}, ""},
		{"unconfigured provider", SetPrincipalTagAttributeMapInput{IdentityProviderName: "api.twitter.com"}, CodeInvalidParameter},
		{"developer provider", SetPrincipalTagAttributeMapInput{IdentityProviderName: testDev}, CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.IdentityPoolId = pool
			out, err := e.svc.SetPrincipalTagAttributeMap(e.ctx, &tt.in)
			wantErr(t, err, tt.wantCode, "")
			if err != nil {
				return
			}
			got, err := e.svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: pool, IdentityProviderName: tt.in.IdentityProviderName})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got.PrincipalTags, tt.in.PrincipalTags) || got.UseDefaults == nil || *got.UseDefaults != (tt.in.UseDefaults != nil) || !maps.Equal(out.PrincipalTags, got.PrincipalTags) {
				t.Errorf("got %+v, want what was set: %+v", got, tt.in)
			}
		})
	}
	t.Run("unset provider", func(t *testing.T) {
		got, err := e.svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: pool, IdentityProviderName: testOIDC})
		if err != nil || got.UseDefaults != nil || got.PrincipalTags != nil || got.IdentityProviderName != testOIDC {
			t.Errorf("got %+v, %v, want only the names", got, err)
		}
		_, err = e.svc.GetPrincipalTagAttributeMap(e.ctx, &GetPrincipalTagAttributeMapInput{IdentityPoolId: pool, IdentityProviderName: "api.twitter.com"})
		wantErr(t, err, CodeInvalidParameter, "")
	})

	sessionTags := []struct {
		name   string
		logins map[string]string
		want   map[string]string
	}{
		{"mapped claims", map[string]string{testUserPool: e.userPoolToken("tag-user", map[string]any{"custom:dept": "eng"})}, map[string]string{"dept": "eng", "user": "tag-user"}},
		{"defaults", map[string]string{"accounts.google.com": e.googleToken("tag-g")}, map[string]string{"client": testGoogleApp, "username": "tag-g"}},
		{"no map", map[string]string{"graph.facebook.com": "tag-fb"}, nil},
	}
	for _, tt := range sessionTags {
		t.Run("session "+tt.name, func(t *testing.T) {
			id := e.getID(t, pool, tt.logins)
			if _, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id, Logins: tt.logins}); err != nil {
				t.Fatal(err)
			}
			if got := e.creds.last(t).PrincipalTags; !maps.Equal(got, tt.want) {
				t.Errorf("got session tags %v, want %v", got, tt.want)
			}
			out, err := e.svc.GetOpenIdToken(e.ctx, &GetOpenIdTokenInput{IdentityId: id, Logins: tt.logins})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.verify(t, out.Token).PrincipalTags; !maps.Equal(got, tt.want) {
				t.Errorf("got token tags %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCredentialsWireShape(t *testing.T) {
	e := newEnv(t)
	pool := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "p", AllowUnauthenticatedIdentities: true})
	e.setRoles(t, pool, nil)
	id := e.getID(t, pool, nil)
	out, err := e.svc.GetCredentialsForIdentity(e.ctx, &GetCredentialsForIdentityInput{IdentityId: id})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	want := fmt.Sprintf(`{"IdentityId":"%s","Credentials":{"AccessKeyId":"ASIATEST000000000001","SecretKey":"secret-1","SessionToken":"token-1","Expiration":%d}}`,
		id, e.clock.Now().Add(time.Hour).Unix())
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}
