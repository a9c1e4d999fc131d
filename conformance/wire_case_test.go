package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/service/cognitosync"
)

// AWS's JSON protocols match member names exactly: a member named in
// another case is unknown, and ignored at every depth. These bodies, which
// no SDK sends, pair each valid member with an invalid one of the same
// name in another case; the operation must see the valid one alone.

// TestCaseFoldedMembersIdentity sends such bodies to Cognito Identity
// (awsJson1_1), signed with the SDK's own signer.
func TestCaseFoldedMembersIdentity(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	ctx := context.Background()
	call := func(t *testing.T, op string, body any) []byte {
		t.Helper()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		res := s.rawCall(t, "AWSCognitoIdentityService."+op, b, true)
		if res.status != http.StatusOK {
			t.Fatalf("%s: got %d %s, want 200", op, res.status, res.body)
		}
		return res.body
	}
	created := func(t *testing.T, body []byte) string {
		t.Helper()
		var out struct{ IdentityPoolId string }
		if err := json.Unmarshal(body, &out); err != nil || out.IdentityPoolId == "" {
			t.Fatalf("CreateIdentityPool: got %s, want a pool id", body)
		}
		return out.IdentityPoolId
	}

	t.Run("top level", func(t *testing.T) {
		name := uniqueName("case")
		id := created(t, call(t, "CreateIdentityPool", map[string]any{
			"IdentityPoolName": name, "AllowUnauthenticatedIdentities": true,
			"identitypoolname":               "bad name!!<>",
			"allowunauthenticatedidentities": false,
			"developerProviderName":          "bad provider!",
			"supportedLoginProviders":        map[string]any{"graph.facebook.com": "app"},
			"openIdConnectProviderArns":      []any{"not an arn"},
			"allowClassicFlow":               true,
		}))
		out, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(id)})
		ok(t, err, "DescribeIdentityPool")
		if got := awsv2.ToString(out.IdentityPoolName); got != name {
			t.Errorf("IdentityPoolName: got %q, want %q", got, name)
		}
		if !out.AllowUnauthenticatedIdentities || awsv2.ToBool(out.AllowClassicFlow) || out.DeveloperProviderName != nil ||
			len(out.SupportedLoginProviders) != 0 || len(out.OpenIdConnectProviderARNs) != 0 {
			t.Errorf("got pool %+v, want only the name and guests allowed", out)
		}

		var list struct{ IdentityPools []any }
		if err := json.Unmarshal(call(t, "ListIdentityPools", map[string]any{"MaxResults": 1, "maxresults": -1}), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.IdentityPools) != 1 {
			t.Errorf("ListIdentityPools: got %d pools, want 1 (MaxResults)", len(list.IdentityPools))
		}
	})

	t.Run("top level of another type", func(t *testing.T) {
		// AWS ignores these rather than failing to read them.
		created(t, call(t, "CreateIdentityPool", map[string]any{
			"IdentityPoolName": uniqueName("case"), "AllowUnauthenticatedIdentities": true,
			"allowUnauthenticatedIdentities": "yes",
			"cognitoIdentityProviders":       "not a list",
			"identityPoolTags":               []any{1},
		}))
	})

	t.Run("list, map and nested structures", func(t *testing.T) {
		id := created(t, call(t, "CreateIdentityPool", map[string]any{
			"IdentityPoolName": uniqueName("case"), "AllowUnauthenticatedIdentities": true,
			"CognitoIdentityProviders": []any{map[string]any{
				"ProviderName": userPoolKey, "ClientId": userPoolApp,
				"clientid": "bad client!", "serverSideTokenCheck": true,
			}},
		}))
		pool, err := s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: awsv2.String(id)})
		ok(t, err, "DescribeIdentityPool")
		if p := pool.CognitoIdentityProviders; len(p) != 1 || awsv2.ToString(p[0].ClientId) != userPoolApp || awsv2.ToBool(p[0].ServerSideTokenCheck) {
			t.Errorf("CognitoIdentityProviders: got %+v, want %s of %s without token check", p, userPoolApp, userPoolKey)
		}

		provider := userPoolKey + ":" + userPoolApp
		role := s.roleARN("CaseUser")
		call(t, "SetIdentityPoolRoles", map[string]any{
			"IdentityPoolId": id, "Roles": map[string]any{"authenticated": role},
			"RoleMappings": map[string]any{provider: map[string]any{
				"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
				"type": "Bogus", "ambiguousRoleResolution": "Bogus",
				"rulesconfiguration": map[string]any{"Rules": []any{}},
				"RulesConfiguration": map[string]any{
					"rules": []any{},
					"Rules": []any{map[string]any{
						"Claim": "isAdmin", "MatchType": "Equals", "Value": "yes", "RoleARN": role,
						"matchtype": "Nope", "roleArn": "not an arn",
					}},
				},
			}},
		})
		out, err := s.signed.GetIdentityPoolRoles(ctx, &cognitoidentity.GetIdentityPoolRolesInput{IdentityPoolId: awsv2.String(id)})
		ok(t, err, "GetIdentityPoolRoles")
		m, found := out.RoleMappings[provider]
		want := types.MappingRule{Claim: awsv2.String("isAdmin"), MatchType: types.MappingRuleMatchTypeEquals, Value: awsv2.String("yes"), RoleARN: awsv2.String(role)}
		if !found || m.Type != types.RoleMappingTypeRules || m.AmbiguousRoleResolution != types.AmbiguousRoleResolutionTypeAuthenticatedRole ||
			m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) != 1 {
			t.Fatalf("RoleMappings[%s]: got %+v (found %v), want Rules with one rule", provider, m, found)
		}
		got := m.RulesConfiguration.Rules[0]
		if awsv2.ToString(got.Claim) != "isAdmin" || got.MatchType != want.MatchType || awsv2.ToString(got.Value) != "yes" || awsv2.ToString(got.RoleARN) != role {
			t.Errorf("rule: got %+v, want %+v", got, want)
		}
	})
}

// TestCaseFoldedMembersSync sends such bodies to Cognito Sync (restJson1),
// signed with the v1 SDK's own signer.
func TestCaseFoldedMembersSync(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	p := newSyncPool(t, s)
	dev := p.as("")
	push := s.snsAppARN("GCM", "idpool")
	role := s.roleARN("SyncPush")

	t.Run("nested structure", func(t *testing.T) {
		path := "/identitypools/" + escapeLabel(p.id) + "/configuration"
		body := `{"PushSync":{"ApplicationArns":["` + push + `"],"RoleArn":"` + role + `","rolearn":"not an arn","applicationarns":["bad"]},` +
			`"pushsync":{"ApplicationArns":["bad"],"RoleArn":"bad"},"cognitoStreams":{"StreamingStatus":"Bogus"}}`
		if res := dev.raw(t, s, http.MethodPost, path, "application/json", body); res.status != http.StatusOK {
			t.Fatalf("SetIdentityPoolConfiguration: got %d %s, want 200", res.status, res.body)
		}
		out, err := p.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p.id)})
		ok(t, err, "GetIdentityPoolConfiguration")
		ps := out.PushSync
		if ps == nil || len(ps.ApplicationArns) != 1 || aws.StringValue(ps.ApplicationArns[0]) != push || aws.StringValue(ps.RoleArn) != role {
			t.Errorf("PushSync: got %v, want [%s] with %s", ps, push, role)
		}
		if cs := out.CognitoStreams; cs != nil && aws.StringValue(cs.StreamingStatus) != "" {
			t.Errorf("CognitoStreams: got %v, want none", cs)
		}

		// Alone in another case, the structure is not there at all.
		p2 := newSyncPool(t, s)
		path = "/identitypools/" + escapeLabel(p2.id) + "/configuration"
		body = `{"pushsync":{"ApplicationArns":["bad"],"RoleArn":"bad"}}`
		if res := p2.as("").raw(t, s, http.MethodPost, path, "application/json", body); res.status != http.StatusOK {
			t.Fatalf("SetIdentityPoolConfiguration: got %d %s, want 200", res.status, res.body)
		}
		out, err = p2.dev.GetIdentityPoolConfiguration(&cognitosync.GetIdentityPoolConfigurationInput{IdentityPoolId: aws.String(p2.id)})
		ok(t, err, "GetIdentityPoolConfiguration")
		if ps := out.PushSync; ps != nil && (len(ps.ApplicationArns) != 0 || aws.StringValue(ps.RoleArn) != "") {
			t.Errorf("PushSync: got %v, want none", ps)
		}
	})

	t.Run("list of structures", func(t *testing.T) {
		u := p.guest(t)
		token := u.token(t, "notes")
		body := `{"SyncSessionToken":"` + token + `","RecordPatches":[{"Op":"replace","Key":"k","Value":"v","SyncCount":0,` +
			`"value":"other","key":"","op":"bogus","syncCount":-1}],"recordpatches":[],"clientcontext":"e30=","deviceID":"bad"}`
		if res := u.raw(t, s, http.MethodPost, u.datasetPath("notes"), "application/json", body); res.status != http.StatusOK {
			t.Fatalf("UpdateRecords: got %d %s, want 200", res.status, res.body)
		}
		out, err := u.list("notes", 0)
		ok(t, err, "ListRecords")
		wantRecords(t, "ListRecords", out.Records, map[string]syncRecord{"k": liveRecord("v", 1)})
	})
}
