package identity

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/idpool/idpool/protocol"
)

func TestCreateIdentityPool(t *testing.T) {
	e := newEnv(t)
	e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "taken", DeveloperProviderName: "taken.dev"})
	manyTags := map[string]string{}
	for i := range 51 {
		manyTags[fmt.Sprint("k", i)] = "v"
	}
	tests := []struct {
		name     string
		in       *CreateIdentityPoolInput
		wantCode string
	}{
		{"full configuration", fullPool(), ""},
		{"minimal", &CreateIdentityPoolInput{IdentityPoolName: "min"}, ""},
		{"user pool in SupportedLoginProviders", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SupportedLoginProviders: map[string]string{testUserPool: "c"}}, CodeInvalidParameter},
		{"duplicate user pool provider", &CreateIdentityPoolInput{IdentityPoolName: "x",
			CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: testUserPool, ClientId: "a"}, {ProviderName: testUserPool, ClientId: "a"}}}, CodeInvalidParameter},
		{"malformed OIDC ARN", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123:oidc-provider/x"}}, CodeInvalidParameter},
		{"SAML ARN given as OIDC", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{testSAMLARN}}, CodeInvalidParameter},
		{"malformed SAML ARN", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SamlProviderARNs: []string{"arn:aws:iam::123456789012:saml-provider/"}}, CodeInvalidParameter},
		{"OIDC URL with a port and a path", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realms/app"}}, ""},
		{"OIDC ARN of the China partition", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws-cn:iam::123456789012:oidc-provider/idp.example.cn"}}, ""},
		{"OIDC URL with a space", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/a b.com"}}, CodeInvalidParameter},
		{"OIDC URL not ASCII", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/é.com"}}, CodeInvalidParameter},
		{"OIDC URL with a query", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/a.com/?x=1"}}, CodeInvalidParameter},
		{"OIDC URL without a host", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider//path"}}, CodeInvalidParameter},
		{"OIDC URL longer than IAM takes", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/a.com/" + strings.Repeat("p", 243)}}, CodeInvalidParameter},
		{"OIDC ARN of no partition", &CreateIdentityPoolInput{IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:awsx1:iam::123456789012:oidc-provider/a.com"}}, CodeInvalidParameter},
		{"SAML name of IAM's characters", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SamlProviderARNs: []string{"arn:aws:iam::123456789012:saml-provider/My_Corp.IdP-1"}}, ""},
		{"SAML name with a plus", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SamlProviderARNs: []string{"arn:aws:iam::123456789012:saml-provider/a+b"}}, CodeInvalidParameter},
		{"SAML name with a path", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SamlProviderARNs: []string{"arn:aws:iam::123456789012:saml-provider/a/b"}}, CodeInvalidParameter},
		{"SAML name longer than 128", &CreateIdentityPoolInput{IdentityPoolName: "x",
			SamlProviderARNs: []string{"arn:aws:iam::123456789012:saml-provider/" + strings.Repeat("n", 129)}}, CodeInvalidParameter},
		{"too many tags", &CreateIdentityPoolInput{IdentityPoolName: "x", IdentityPoolTags: manyTags}, CodeInvalidParameter},
		{"developer name taken", &CreateIdentityPoolInput{IdentityPoolName: "x", DeveloperProviderName: "taken.dev"}, CodeResourceConflict},
		{"reserved developer name", &CreateIdentityPoolInput{IdentityPoolName: "x", DeveloperProviderName: CognitoProvider}, CodeInvalidParameter},
		{"developer name of an OIDC provider's Logins key", &CreateIdentityPoolInput{IdentityPoolName: "x", DeveloperProviderName: "login.example.io",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/login.example.io"}}, CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.CreateIdentityPool(e.ctx, tt.in)
			wantErr(t, err, tt.wantCode, "")
			if err != nil {
				return
			}
			if !strings.HasPrefix(out.IdentityPoolId, testRegion+":") {
				t.Errorf("got id %q, want prefix %s:", out.IdentityPoolId, testRegion)
			}
			d, err := e.svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: out.IdentityPoolId})
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(out)
			b, _ := json.Marshal(d)
			if string(a) != string(b) {
				t.Errorf("got Describe %s, want the Create output %s", b, a)
			}
		})
	}
}

// TestUserPoolProviderNames checks the names a pool's
// CognitoIdentityProviders may take: AWS's form
// cognito-idp.<region>.amazonaws.com/<userPoolId>, with the ids and regions
// local user pools use, and nothing else.
func TestUserPoolProviderNames(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name     string
		provider string
		ok       bool
	}{
		{"AWS user pool", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", true},
		{"China user pool", "cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbCdEf123", true},
		{"cognito-local pool id", "cognito-idp.us-east-1.amazonaws.com/local_1a2B3c4D", true},
		{"pool id without an underscore", "cognito-idp.eu-west-1.amazonaws.com/mypool", true},
		{"local region", "cognito-idp.local.amazonaws.com/local_1a2B3c4D", true},
		{"missing", "", false},
		{"bare user pool id", "us-east-1_abc", false},
		{"social provider name", "Google", false},
		{"user pool URL", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", false},
		{"public provider", "graph.facebook.com", false},
		{"no pool id", "cognito-idp.us-east-1.amazonaws.com/", false},
		{"no region", "cognito-idp.amazonaws.com/us-east-1_abc", false},
		{"empty region", "cognito-idp..amazonaws.com/us-east-1_abc", false},
		{"region of two labels", "cognito-idp.us.east.amazonaws.com/us-east-1_abc", false},
		{"upper-case region", "cognito-idp.US-EAST-1.amazonaws.com/us-east-1_abc", false},
		{"other domain", "cognito-idp.us-east-1.example.com/us-east-1_abc", false},
		{"local host", "localhost:9229/local_1a2B3c4D", false},
		{"pool id with a path", "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/x", false},
		{"pool id with a client", "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UserPoolProviderName(tt.provider); got != tt.ok {
				t.Errorf("UserPoolProviderName(%q): got %v, want %v", tt.provider, got, tt.ok)
			}
			in := &CreateIdentityPoolInput{IdentityPoolName: "up", CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: tt.provider, ClientId: "c1"}}}
			_, err := e.svc.CreateIdentityPool(e.ctx, in)
			if tt.ok {
				wantErr(t, err, "", "")
				return
			}
			wantErr(t, err, CodeInvalidParameter, "Invalid Cognito Identity Provider")
			pool := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "up"})
			_, err = e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: pool, IdentityPoolName: "up",
				CognitoIdentityProviders: in.CognitoIdentityProviders})
			wantErr(t, err, CodeInvalidParameter, "Invalid Cognito Identity Provider")
		})
	}
}

func TestCreateIdentityPoolLimit(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, maxPools)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < maxPools; i += 8 {
				if _, err := e.svc.CreateIdentityPool(e.ctx, &CreateIdentityPoolInput{IdentityPoolName: "p"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("creating %d pools: %v", maxPools, err)
	}
	_, err := e.svc.CreateIdentityPool(e.ctx, &CreateIdentityPoolInput{IdentityPoolName: "one too many"})
	wantErr(t, err, CodeLimitExceeded, "")
}

func TestDescribeIdentityPool(t *testing.T) {
	e := newEnv(t)
	f := false
	unset := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "unset"})
	off := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "off", AllowClassicFlow: &f})
	tests := []struct {
		name     string
		id       string
		wantJSON string // a fragment of the output, or "!" + one that must be absent
		wantCode string
	}{
		{"classic flow unset is omitted", unset, `!AllowClassicFlow`, ""},
		{"classic flow false is echoed", off, `"AllowClassicFlow":false`, ""},
		{"AllowUnauthenticatedIdentities always present", unset, `"AllowUnauthenticatedIdentities":false`, ""},
		{"unknown pool", "us-east-1:00000000-0000-0000-0000-000000000000", "", CodeResourceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: tt.id})
			if tt.wantCode != "" {
				wantErr(t, err, tt.wantCode, "IdentityPool '"+tt.id+"' not found.")
				return
			}
			wantErr(t, err, "", "")
			b, _ := json.Marshal(out)
			if absent, ok := strings.CutPrefix(tt.wantJSON, "!"); ok {
				if strings.Contains(string(b), absent) {
					t.Errorf("got %s, want no %s", b, absent)
				}
			} else if !strings.Contains(string(b), tt.wantJSON) {
				t.Errorf("got %s, want it to contain %s", b, tt.wantJSON)
			}
		})
	}
}

func TestUpdateIdentityPool(t *testing.T) {
	e := newEnv(t)
	f := false
	in := fullPool()
	in.AllowClassicFlow = &f
	in.IdentityPoolTags = map[string]string{"team": "a"}
	id := e.createPool(t, in)
	other := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "other", DeveloperProviderName: "other.dev"})
	bare := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "bare"})

	t.Run("replaces, not patches", func(t *testing.T) {
		out, err := e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: id, IdentityPoolName: "renamed"})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := e.svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: id})
		for _, got := range []*IdentityPool{out, d} {
			switch {
			case got.IdentityPoolName != "renamed":
				t.Errorf("got name %q, want renamed", got.IdentityPoolName)
			case got.AllowUnauthenticatedIdentities:
				t.Error("got AllowUnauthenticatedIdentities true, want the default false")
			case got.AllowClassicFlow != nil:
				t.Errorf("got AllowClassicFlow %v, want unset", *got.AllowClassicFlow)
			case len(got.SupportedLoginProviders)+len(got.OpenIdConnectProviderARNs)+len(got.CognitoIdentityProviders)+len(got.SamlProviderARNs) != 0:
				t.Errorf("got providers %+v, want none", got)
			case got.DeveloperProviderName != testDev:
				t.Errorf("got developer provider %q, want %q kept", got.DeveloperProviderName, testDev)
			case got.IdentityPoolTags["team"] != "a":
				t.Errorf("got tags %v, want them kept", got.IdentityPoolTags)
			}
		}
	})
	tests := []struct {
		name     string
		in       *UpdateIdentityPoolInput
		wantCode string
	}{
		{"same developer name", &UpdateIdentityPoolInput{IdentityPoolId: id, IdentityPoolName: "x", DeveloperProviderName: testDev}, ""},
		{"changed developer name", &UpdateIdentityPoolInput{IdentityPoolId: id, IdentityPoolName: "x", DeveloperProviderName: "new.dev"}, CodeInvalidParameter},
		{"developer name of another pool", &UpdateIdentityPoolInput{IdentityPoolId: bare, IdentityPoolName: "x", DeveloperProviderName: "other.dev"}, CodeResourceConflict},
		// Refused before anything is written: the OIDC provider's role
		// mappings would otherwise be dropped as those of a provider the
		// pool no longer has.
		{"developer name of an OIDC provider's Logins key", &UpdateIdentityPoolInput{IdentityPoolId: bare, IdentityPoolName: "x", DeveloperProviderName: "bare.dev",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/bare.dev"}}, CodeInvalidParameter},
		{"first developer name", &UpdateIdentityPoolInput{IdentityPoolId: bare, IdentityPoolName: "x", DeveloperProviderName: "bare.dev"}, ""},
		{"OIDC provider of the kept developer name's Logins key", &UpdateIdentityPoolInput{IdentityPoolId: bare, IdentityPoolName: "x",
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::123456789012:oidc-provider/bare.dev"}}, CodeInvalidParameter},
		{"bad provider", &UpdateIdentityPoolInput{IdentityPoolId: other, IdentityPoolName: "x", SupportedLoginProviders: map[string]string{"example.com": "x"}}, CodeInvalidParameter},
		{"unknown pool", &UpdateIdentityPoolInput{IdentityPoolId: "us-east-1:0000", IdentityPoolName: "x"}, CodeResourceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.UpdateIdentityPool(e.ctx, tt.in)
			wantErr(t, err, tt.wantCode, "")
		})
	}
	t.Run("empty tags replace", func(t *testing.T) {
		out, err := e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: id, IdentityPoolName: "x", IdentityPoolTags: map[string]string{}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.IdentityPoolTags) != 0 {
			t.Errorf("got tags %v, want none", out.IdentityPoolTags)
		}
	})
	t.Run("drops the role mappings and tag maps of removed providers", func(t *testing.T) {
		full := fullPool()
		full.DeveloperProviderName = ""
		pool := e.createPool(t, full)
		rules := &RulesConfiguration{Rules: []MappingRule{{Claim: "dept", MatchType: "Equals", Value: "x", RoleARN: adminRole}}}
		token := RoleMapping{Type: "Token", AmbiguousRoleResolution: "Deny"}
		e.setRoles(t, pool, map[string]RoleMapping{
			"accounts.google.com":            {Type: "Rules", AmbiguousRoleResolution: "AuthenticatedRole", RulesConfiguration: rules},
			testOIDC:                         token,
			testSAMLARN:                      token,
			testUserPool + ":" + testClient:  token,
			testUserPool + ":" + testClient2: token,
		})
		for _, p := range []string{"accounts.google.com", testOIDC, testSAMLARN, testUserPool} {
			if _, err := e.svc.SetPrincipalTagAttributeMap(e.ctx, &SetPrincipalTagAttributeMapInput{
				IdentityPoolId: pool, IdentityProviderName: p, PrincipalTags: map[string]string{"k": "sub"}}); err != nil {
				t.Fatalf("SetPrincipalTagAttributeMap %s: %v", p, err)
			}
		}
		kept := fullPool()
		kept.OpenIdConnectProviderARNs, kept.SamlProviderARNs = nil, nil
		kept.CognitoIdentityProviders = kept.CognitoIdentityProviders[:1]
		if _, err := e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: pool, IdentityPoolName: kept.IdentityPoolName,
			AllowUnauthenticatedIdentities: true, SupportedLoginProviders: kept.SupportedLoginProviders,
			CognitoIdentityProviders: kept.CognitoIdentityProviders}); err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.GetIdentityPoolRoles(e.ctx, &GetIdentityPoolRolesInput{IdentityPoolId: pool})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := slices.Sorted(maps.Keys(r.RoleMappings)), []string{"accounts.google.com", testUserPool + ":" + testClient}; !slices.Equal(got, want) {
			t.Errorf("got role mappings of %v, want those of the kept providers %v", got, want)
		}
		if r.Roles["authenticated"] != authRole {
			t.Errorf("got roles %v, want them kept", r.Roles)
		}
		// What GetIdentityPoolRoles answers, SetIdentityPoolRoles takes back.
		if _, err := e.svc.SetIdentityPoolRoles(e.ctx, &SetIdentityPoolRolesInput{IdentityPoolId: pool, Roles: r.Roles, RoleMappings: r.RoleMappings}); err != nil {
			t.Errorf("SetIdentityPoolRoles with GetIdentityPoolRoles's answer: got %v, want none", err)
		}
		p, err := e.store.GetPool(e.ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := slices.Sorted(maps.Keys(p.PrincipalTags)), []string{"accounts.google.com", testUserPool}; !slices.Equal(got, want) {
			t.Errorf("got principal-tag maps of %v, want those of the kept providers %v", got, want)
		}
	})
	t.Run("keeps roles", func(t *testing.T) {
		e.setRoles(t, other, nil)
		if _, err := e.svc.UpdateIdentityPool(e.ctx, &UpdateIdentityPoolInput{IdentityPoolId: other, IdentityPoolName: "x"}); err != nil {
			t.Fatal(err)
		}
		r, _ := e.svc.GetIdentityPoolRoles(e.ctx, &GetIdentityPoolRolesInput{IdentityPoolId: other})
		if r.Roles["authenticated"] != authRole {
			t.Errorf("got roles %v, want them kept", r.Roles)
		}
	})
}

func TestDeleteIdentityPool(t *testing.T) {
	e := newEnv(t)
	var told []string
	e.svc.cfg.OnPoolDeleted = func(pool string) { told = append(told, pool) }
	id := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "p", AllowUnauthenticatedIdentities: true})
	guest := e.getID(t, id, nil)
	if _, err := e.svc.DeleteIdentityPool(e.ctx, &DeleteIdentityPoolInput{IdentityPoolId: id}); err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0] != id {
		t.Errorf("OnPoolDeleted: got told %v, want [%s]", told, id)
	}
	_, err := e.svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: id})
	wantErr(t, err, CodeResourceNotFound, "IdentityPool '"+id+"' not found.")
	_, err = e.svc.DescribeIdentity(e.ctx, &DescribeIdentityInput{IdentityId: guest})
	wantErr(t, err, CodeResourceNotFound, "Identity '"+guest+"' not found.")
	_, err = e.svc.DeleteIdentityPool(e.ctx, &DeleteIdentityPoolInput{IdentityPoolId: id})
	wantErr(t, err, CodeResourceNotFound, "")
	if len(told) != 1 {
		t.Errorf("OnPoolDeleted after deleting a missing pool: got told %v, want only [%s]", told, id)
	}
}

func TestListIdentityPools(t *testing.T) {
	e := newEnv(t)
	want := map[string]bool{}
	for i := range 5 {
		want[e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: fmt.Sprint("p", i)})] = true
	}
	got := map[string]bool{}
	var sizes []int
	token := ""
	for {
		out, err := e.svc.ListIdentityPools(e.ctx, &ListIdentityPoolsInput{MaxResults: 2, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.IdentityPools))
		for _, p := range out.IdentityPools {
			got[p.IdentityPoolId] = true
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if fmt.Sprint(sizes) != "[2 2 1]" || !maps.Equal(got, want) {
		t.Errorf("got pages %v with %v, want [2 2 1] with %v", sizes, got, want)
	}

	idToken := protocol.EncodePageToken(pageIdentities, "x", "y")
	for _, tok := range []string{"garbage!", "bm90LWEtdG9rZW4", idToken} {
		t.Run("invalid token "+tok, func(t *testing.T) {
			_, err := e.svc.ListIdentityPools(e.ctx, &ListIdentityPoolsInput{MaxResults: 2, NextToken: tok})
			wantErr(t, err, CodeInvalidParameter, msgBadNextToken)
		})
	}
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	id := e.createPool(t, &CreateIdentityPoolInput{IdentityPoolName: "p", IdentityPoolTags: map[string]string{"a": "1"}})
	arn := "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/" + id
	if _, err := e.svc.TagResource(e.ctx, &TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2", "a": "3"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UntagResource(e.ctx, &UntagResourceInput{ResourceArn: arn, TagKeys: []string{"b", "missing"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.ListTagsForResource(e.ctx, &ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "3"}; !maps.Equal(out.Tags, want) {
		t.Errorf("got tags %v, want %v", out.Tags, want)
	}
	d, _ := e.svc.DescribeIdentityPool(e.ctx, &DescribeIdentityPoolInput{IdentityPoolId: id})
	if !maps.Equal(d.IdentityPoolTags, out.Tags) {
		t.Errorf("got IdentityPoolTags %v, want %v", d.IdentityPoolTags, out.Tags)
	}

	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprint("t", i)] = "v"
	}
	tests := []struct {
		name     string
		arn      string
		tags     map[string]string
		wantCode string
	}{
		{"over 50 tags", arn, many, CodeInvalidParameter},
		{"not an ARN: refused by authorization", "identitypool/" + id + "-padding-to-20", map[string]string{"x": "y"}, CodeAccessDenied},
		{"wrong service", "arn:aws:cognito-idp:us-east-1:123456789012:identitypool/" + id, map[string]string{"x": "y"}, CodeInvalidParameter},
		{"region not the pool's", "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/" + id, map[string]string{"x": "y"}, CodeInvalidParameter},
		{"unknown pool", "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:0000", map[string]string{"x": "y"}, CodeResourceNotFound},
		{"another account: refused by authorization", "arn:aws:cognito-identity:us-east-1:999999999999:identitypool/" + id, map[string]string{"x": "y"}, CodeAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.TagResource(e.ctx, &TagResourceInput{ResourceArn: tt.arn, Tags: tt.tags})
			wantErr(t, err, tt.wantCode, "")
		})
	}
	// A pool of another account is not idpool's pool of the same id: the
	// refused TagResource changed nothing, nor do Untag and List read it.
	other := "arn:aws:cognito-identity:us-east-1:999999999999:identitypool/" + id
	_, err = e.svc.UntagResource(e.ctx, &UntagResourceInput{ResourceArn: other, TagKeys: []string{"a"}})
	wantErr(t, err, CodeAccessDenied, "User: arn:aws:iam::123456789012:root is not authorized to perform: cognito-identity:UntagResource on resource: "+other)
	_, err = e.svc.ListTagsForResource(e.ctx, &ListTagsForResourceInput{ResourceArn: other})
	wantErr(t, err, CodeAccessDenied, "User: arn:aws:iam::123456789012:root is not authorized to perform: cognito-identity:ListTagsForResource on resource: "+other)
	if out, _ := e.svc.ListTagsForResource(e.ctx, &ListTagsForResourceInput{ResourceArn: arn}); !maps.Equal(out.Tags, map[string]string{"a": "3"}) {
		t.Errorf("got tags %v after calls naming another account's pool, want %v", out.Tags, map[string]string{"a": "3"})
	}
}
