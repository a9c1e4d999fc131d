package policy

import (
	"reflect"
	"testing"
	"time"
)

func TestSessionKeys(t *testing.T) {
	issued := time.Date(2026, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	tests := []struct {
		name string
		s    Session
		want map[string][]string
	}{
		{"Cognito session", Session{
			Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/app/Auth", RoleID: "AROAEXAMPLEROLEID0001",
			Name: "CognitoIdentityCredentials", Provider: Cognito, Subject: "us-east-1:aaaa", Audience: "us-east-1:pool",
			AMR:  []string{"authenticated", "graph.facebook.com", "graph.facebook.com:app:1"},
			Tags: map[string]string{"team": "red", "dept": "eng"}, IssuedAt: issued,
		}, map[string][]string{
			"aws:userid":                         {"AROAEXAMPLEROLEID0001:CognitoIdentityCredentials"},
			"aws:PrincipalArn":                   {"arn:aws:iam::123456789012:role/app/Auth"},
			"aws:PrincipalAccount":               {"123456789012"},
			"aws:PrincipalType":                  {"AssumedRole"},
			"aws:PrincipalIsAWSService":          {"false"},
			"aws:TokenIssueTime":                 {"2026-05-01T11:00:00Z"},
			"aws:PrincipalTag/team":              {"red"},
			"aws:PrincipalTag/dept":              {"eng"},
			"aws:FederatedProvider":              {"cognito-identity.amazonaws.com"},
			"cognito-identity.amazonaws.com:aud": {"us-east-1:pool"},
			"cognito-identity.amazonaws.com:sub": {"us-east-1:aaaa"},
			"cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com", "graph.facebook.com:app:1"},
		}},
		{"guest without tags", Session{RoleID: "AROAX", Name: "s", Provider: Cognito, Subject: "us-east-1:g", Audience: "us-east-1:pool",
			AMR: []string{"unauthenticated"}}, map[string][]string{
			"aws:userid":                         {"AROAX:s"},
			"aws:PrincipalType":                  {"AssumedRole"},
			"aws:PrincipalIsAWSService":          {"false"},
			"aws:FederatedProvider":              {"cognito-identity.amazonaws.com"},
			"cognito-identity.amazonaws.com:aud": {"us-east-1:pool"},
			"cognito-identity.amazonaws.com:sub": {"us-east-1:g"},
			"cognito-identity.amazonaws.com:amr": {"unauthenticated"},
		}},
		// A GovCloud pool's sessions have its region's Cognito principal.
		{"GovCloud guest", Session{RoleID: "AROAX", Name: "s", Provider: Cognito, Subject: "us-gov-west-1:g", Audience: "us-gov-west-1:pool",
			AMR: []string{"unauthenticated"}}, map[string][]string{
			"aws:userid":                                {"AROAX:s"},
			"aws:PrincipalType":                         {"AssumedRole"},
			"aws:PrincipalIsAWSService":                 {"false"},
			"aws:FederatedProvider":                     {"cognito-identity-us-gov.amazonaws.com"},
			"cognito-identity-us-gov.amazonaws.com:aud": {"us-gov-west-1:pool"},
			"cognito-identity-us-gov.amazonaws.com:sub": {"us-gov-west-1:g"},
			"cognito-identity-us-gov.amazonaws.com:amr": {"unauthenticated"},
		}},
		{"OpenID Connect session", Session{RoleID: "AROAX", Name: "ci", Provider: "https://token.example.com/tenant/",
			ProviderARN: "arn:aws:iam::123456789012:oidc-provider/token.example.com/tenant", Subject: "user-1", Audience: "client-1"},
			map[string][]string{
				"aws:userid":                   {"AROAX:ci"},
				"aws:PrincipalType":            {"AssumedRole"},
				"aws:PrincipalIsAWSService":    {"false"},
				"aws:FederatedProvider":        {"arn:aws:iam::123456789012:oidc-provider/token.example.com/tenant"},
				"token.example.com/tenant:aud": {"client-1"},
				"token.example.com/tenant:sub": {"user-1"},
			}},
		// STS reports an OIDC provider by its ARN: the keys are named
		// after the provider's name, and the ARN is aws:FederatedProvider.
		{"OpenID Connect session by provider ARN", Session{RoleID: "AROAX", Name: "gh",
			Provider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", Subject: "repo:o/r:ref:refs/heads/main",
			Audience: "sts.amazonaws.com"},
			map[string][]string{
				"aws:userid":                              {"AROAX:gh"},
				"aws:PrincipalType":                       {"AssumedRole"},
				"aws:PrincipalIsAWSService":               {"false"},
				"aws:FederatedProvider":                   {"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
				"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
				"token.actions.githubusercontent.com:sub": {"repo:o/r:ref:refs/heads/main"},
			}},
		{"built-in provider session", Session{RoleID: "AROAX", Name: "g", Provider: "accounts.google.com",
			ProviderARN: "accounts.google.com", Subject: "1234", Audience: "android-client"},
			map[string][]string{
				"aws:userid":                {"AROAX:g"},
				"aws:PrincipalType":         {"AssumedRole"},
				"aws:PrincipalIsAWSService": {"false"},
				"aws:FederatedProvider":     {"accounts.google.com"},
				"accounts.google.com:aud":   {"android-client"},
				"accounts.google.com:sub":   {"1234"},
			}},
		{"AssumeRole session", Session{RoleID: "AROAX", Name: "ops", RoleARN: "arn:aws:iam::123456789012:role/R"}, map[string][]string{
			"aws:userid":                {"AROAX:ops"},
			"aws:PrincipalArn":          {"arn:aws:iam::123456789012:role/R"},
			"aws:PrincipalType":         {"AssumedRole"},
			"aws:PrincipalIsAWSService": {"false"},
		}},
		{"session with a source identity", Session{RoleID: "AROAX", Name: "ops", SourceIdentity: "alice"}, map[string][]string{
			"aws:userid":                {"AROAX:ops"},
			"aws:PrincipalType":         {"AssumedRole"},
			"aws:PrincipalIsAWSService": {"false"},
			"aws:SourceIdentity":        {"alice"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.s.Keys()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Keys:\ngot  %v\nwant %v", got, tc.want)
			}
			if _, ok := got["aws:username"]; ok {
				t.Errorf("Keys: got aws:username, want none for a role session")
			}
		})
	}
}

func TestProviderKey(t *testing.T) {
	for in, want := range map[string]string{
		"cognito-identity.amazonaws.com":                                              "cognito-identity.amazonaws.com",
		"https://accounts.google.com":                                                 "accounts.google.com",
		"https://token.example.com/tenant/":                                           "token.example.com/tenant",
		"http://localhost:8080/realms/r":                                              "localhost:8080/realms/r",
		"token.actions.githubusercontent.com":                                         "token.actions.githubusercontent.com",
		"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": "token.actions.githubusercontent.com",
		"arn:aws-cn:iam::123456789012:oidc-provider/localhost:9229/us-east-1_abc":     "localhost:9229/us-east-1_abc",
	} {
		if got := ProviderKey(in); got != want {
			t.Errorf("ProviderKey(%q): got %q, want %q", in, got, want)
		}
	}
}

// TestCognitoSessions evaluates the permission policies the Cognito
// developer guide recommends for identity pools against the context
// Session.Keys builds for two identities of a pool.
func TestCognitoSessions(t *testing.T) {
	const (
		pool = "us-east-1:11111111-2222-3333-4444-555555555555"
		a    = "us-east-1:aaaaaaaa-0000-0000-0000-000000000001"
		b    = "us-east-1:bbbbbbbb-0000-0000-0000-000000000002"
	)
	session := func(id string, amr ...string) Session {
		return Session{Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/Auth", RoleID: "AROAEXAMPLEROLEID0001",
			Name: "CognitoIdentityCredentials", Provider: Cognito, Subject: id, Audience: pool, AMR: amr,
			Tags: map[string]string{"team": "red"}}
	}
	own := mustParsePermissions(t, perm(
		`{"Sid":"OwnPrefix","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*"}`,
		`{"Sid":"OwnItems","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/T",`+
			`"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]}}}`,
		`{"Sid":"Sync","Effect":"Allow","Action":"cognito-sync:*","Resource":"arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*"}`,
		`{"Sid":"Team","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"}`,
		`{"Sid":"Guests","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/${aws:username, 'anonymous'}/*"}`,
		`{"Sid":"NoPrivate","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*/private/*",`+
			`"Condition":{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}`,
		`{"Sid":"AuthOnlyDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",`+
			`"Condition":{"ForAllValues:StringNotEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}`,
	))
	policies := []Named{{ID: "CognitoAccess", Type: "role", Doc: own}}
	ddb := "arn:aws:dynamodb:us-east-1:123456789012:table/T"
	tests := []struct {
		name     string
		s        Session
		action   string
		resource string
		extra    map[string][]string
		want     Decision
		sid      string
	}{
		{"A reads under A's id", session(a, "authenticated"), "s3:GetObject", "arn:aws:s3:::bucket/" + a + "/x", nil, Allowed, "OwnPrefix"},
		{"A may not read under B's id", session(a, "authenticated"), "s3:GetObject", "arn:aws:s3:::bucket/" + b + "/x", nil, ImplicitDeny, ""},
		{"B reads under B's id", session(b, "authenticated"), "s3:GetObject", "arn:aws:s3:::bucket/" + b + "/x", nil, Allowed, "OwnPrefix"},
		{"A may not list the bucket", session(a, "authenticated"), "s3:ListBucket", "arn:aws:s3:::bucket", nil, ImplicitDeny, ""},
		{"explicit deny wins for a guest", session(a, "unauthenticated"), "s3:GetObject", "arn:aws:s3:::bucket/" + a + "/private/x", nil, ExplicitDeny, "NoPrivate"},
		{"authenticated reaches private", session(a, "authenticated"), "s3:GetObject", "arn:aws:s3:::bucket/" + a + "/private/x", nil, Allowed, "OwnPrefix"},
		{"ForAllValues:StringNotEquals deny for a guest", session(a, "unauthenticated"), "s3:DeleteObject", "arn:aws:s3:::bucket/" + a + "/x", nil, ExplicitDeny, "AuthOnlyDelete"},
		{"LeadingKeys own", session(a, "authenticated"), "dynamodb:Query", ddb, map[string][]string{"dynamodb:LeadingKeys": {a}}, Allowed, "OwnItems"},
		{"LeadingKeys another's", session(a, "authenticated"), "dynamodb:GetItem", ddb, map[string][]string{"dynamodb:LeadingKeys": {b}}, ImplicitDeny, ""},
		{"LeadingKeys own and another's", session(a, "authenticated"), "dynamodb:GetItem", ddb, map[string][]string{"dynamodb:LeadingKeys": {a, b}}, ImplicitDeny, ""},
		{"Cognito Sync own dataset", session(a, "authenticated"), "cognito-sync:ListRecords",
			"arn:aws:cognito-sync:us-east-1:123456789012:identitypool/" + pool + "/identity/" + a + "/dataset/d", nil, Allowed, "Sync"},
		{"Cognito Sync another's dataset", session(a, "authenticated"), "cognito-sync:ListRecords",
			"arn:aws:cognito-sync:us-east-1:123456789012:identitypool/" + pool + "/identity/" + b + "/dataset/d", nil, ImplicitDeny, ""},
		{"principal tag", session(a, "authenticated"), "s3:GetObject", "arn:aws:s3:::teams/red/x", nil, Allowed, "Team"},
		{"other team", session(a, "authenticated"), "s3:GetObject", "arn:aws:s3:::teams/blue/x", nil, ImplicitDeny, ""},
		{"aws:username default", session(a, "unauthenticated"), "s3:GetObject", "arn:aws:s3:::public/anonymous/x", nil, Allowed, "Guests"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.s.Keys()
			for k, v := range tc.extra {
				keys[k] = v
			}
			got := Evaluate(policies, nil, Request{Action: tc.action, Resource: tc.resource, Context: keys})
			if got.Decision != tc.want {
				t.Fatalf("Evaluate(%s on %s): got %v, want %v", tc.action, tc.resource, got.Decision, tc.want)
			}
			if tc.sid != "" && (len(got.Matched) != 1 || got.Matched[0].Sid != tc.sid) {
				t.Errorf("Matched: got %+v, want statement %s alone", got.Matched, tc.sid)
			}
		})
	}
}
