package emulator

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/emulator/policy"
	"github.com/idpool/idpool/emulator/sts"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

const authOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Federated":"cognito-identity.amazonaws.com"},
 "Action":"sts:AssumeRoleWithWebIdentity",
 "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"},
  "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`

const trustsDeveloper = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`

// storeRoles returns roles reading a store that holds an IAM role of each
// ARN with its trust policy and maximum session (0: none set).
func storeRoles(t *testing.T, strict bool, docs map[string]string, maxSession int32) roles {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(t.Context(), func(tx storage.Tx) error {
		for arn, doc := range docs {
			if err := tx.CreateRole(t.Context(), storage.Role{Name: roleName(arn), ID: testRoleID(arn), ARN: arn, AssumeRolePolicy: doc, MaxSessionDuration: maxSession}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return roles{store: st, strict: strict, account: "123456789012", now: time.Now}
}

// testRoleID is the RoleId storeRoles gives the role of arn.
func testRoleID(arn string) string { return "AROATEST" + strings.ToUpper(roleName(arn)) }

func TestRolesAuthorize(t *testing.T) {
	docs := map[string]string{
		"arn:aws:iam::123456789012:role/Auth":         authOnly,
		"arn:aws:iam::123456789012:role/service/Dev":  trustsDeveloper,
		"arn:aws:iam::999999999999:role/OtherAccount": trustsDeveloper,
	}
	web := func(aud string, amr ...string) *sts.WebIdentity {
		return &sts.WebIdentity{Provider: sts.CognitoProvider, Audience: aud, Subject: "us-east-1:id", AMR: amr}
	}
	guestSession := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Unauth/CognitoIdentityCredentials", Temporary: true}
	tests := []struct {
		name   string
		strict bool
		req    sts.RoleRequest
		want   bool
	}{
		{"authenticated token", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "authenticated", "graph.facebook.com")}, true},
		{"guest token refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:pool", "unauthenticated")}, false},
		{"other pool refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: web("us-east-1:other", "authenticated")}, false},
		{"tags need TagSession", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Auth", WebIdentity: &sts.WebIdentity{Provider: sts.CognitoProvider, Audience: "us-east-1:pool", AMR: []string{"authenticated"}, PrincipalTags: map[string]string{"k": "v"}}}, false},
		{"role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, true},
		{"developer caller trusted", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"other account refused", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"chaining into a role without a policy", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, true},
		{"strict: chaining into a role without a policy refused", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: guestSession}, false},
		// STS assumes only roles that exist, whoever asks.
		{"strict: a user assumes no role IAM does not hold", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Open", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/dev", Account: "123456789012"}}, false},
		{"strict: the root assumes no role", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, false},
		{"a role's ARN in another partition is the same role", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws-cn:iam::123456789012:role/service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		// Role names are unique in an account: no role Dev can exist
		// beside service/Dev, and its ARN must not skip Dev's trust policy.
		{"same name, other path: no such role can exist", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"same name, other path in another case", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/Service/Dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, false},
		{"name in another case: the role's trust policy refuses", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/dev", Caller: &protocol.Principal{ARN: "arn:aws:iam::999999999999:root"}}, false},
		{"name in another case: the role's trust policy allows", false, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/service/DEV", Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}, true},
		{"web identity, name in another case: refused", false, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/auth", WebIdentity: web("us-east-1:pool", "unauthenticated")}, false},
		{"same name, other account: another role", true, sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: "arn:aws:iam::123456789012:role/OtherAccount", Caller: guestSession}, false},
		{"strict: web identity into a role IAM does not hold refused", true, sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: "arn:aws:iam::123456789012:role/Open", WebIdentity: web("us-east-1:x", "unauthenticated")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, tt.strict, docs, 0)
			g, err := rs.Authorize(context.Background(), tt.req)
			if tt.want && err != nil {
				t.Fatalf("got %v, want allowed", err)
			}
			if held := heldRole(docs, tt.req.RoleARN); tt.want && (g.RoleARN != held || held != "" && g.RoleID != testRoleID(held)) {
				t.Errorf("got role %q %q, want %q and its id", g.RoleARN, g.RoleID, held)
			}
			if !tt.want {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != sts.CodeAccessDenied || e.Status != 403 {
					t.Errorf("got %v, want 403 AccessDenied", err)
				}
			}
		})
	}
}

// trustsProvider is a trust policy that trusts the OpenID Connect
// provider arn.
func trustsProvider(arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + arn +
		`"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
}

// TestRolesProviderAccount: STS looks a web identity's OpenID Connect
// provider up in the role's account. idpool's account holds IAM's; a role
// of another account finds there the providers its trust policy names in
// its own account, and a trust policy that names only another account's
// gets AWS's answer for an account without a provider.
func TestRolesProviderAccount(t *testing.T) {
	const (
		own   = "arn:aws:iam::123456789012:oidc-provider/login.example.com"
		other = "arn:aws:iam::999999999999:oidc-provider/login.example.com"
	)
	docs := map[string]string{
		"arn:aws:iam::123456789012:role/Own":         trustsProvider(own),
		"arn:aws:iam::123456789012:role/TrustsOther": trustsProvider(other),
		"arn:aws:iam::999999999999:role/XAcct":       trustsProvider(other),
		"arn:aws:iam::999999999999:role/XAcct2":      trustsProvider(own),
		"arn:aws:iam::999999999999:role/Listed":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":["accounts.google.com","arn:aws:iam::999999999999:oidc-provider/LOGIN.example.com"]},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
		"arn:aws:iam::999999999999:role/Caller":      trustsDeveloper,
	}
	web := func(provider string) *sts.WebIdentity {
		return &sts.WebIdentity{Issuer: "https://login.example.com", Provider: provider, Subject: "user-123456", Audience: "app"}
	}
	const noProvider = "No OpenIDConnect provider found in your account for https://login.example.com"
	tests := []struct {
		name, role, provider string
		code, message        string // "" for allowed
	}{
		{"own account", "arn:aws:iam::123456789012:role/Own", own, "", ""},
		{"own account, trust names another account's", "arn:aws:iam::123456789012:role/TrustsOther", own, sts.CodeAccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"other account, trust names its own", "arn:aws:iam::999999999999:role/XAcct", other, "", ""},
		{"other account, trust names idpool's", "arn:aws:iam::999999999999:role/XAcct2", other, sts.CodeInvalidIdentityToken, noProvider},
		{"other account, listed in another case", "arn:aws:iam::999999999999:role/Listed", other, "", ""},
		{"other account, trust names no provider", "arn:aws:iam::999999999999:role/Caller", other, sts.CodeInvalidIdentityToken, noProvider},
		{"other account, role IAM does not hold", "arn:aws:iam::999999999999:role/Open", other, "", ""},
		{"other account, built-in provider", "arn:aws:iam::999999999999:role/Listed", "accounts.google.com", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, false, docs, 0)
			_, err := rs.Authorize(context.Background(), sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: tt.role, WebIdentity: web(tt.provider)})
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got %v, want allowed", err)
				}
				return
			}
			var e *protocol.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Message != tt.message {
				t.Errorf("got %v, want %s %q", err, tt.code, tt.message)
			}
		})
	}
}

// TestRolesRoot: AWS lets no root assume a role, whatever the trust
// policy: strict mode answers as AWS does, for the root's keys and its
// GetSessionToken sessions alike (both sign as the root), while permissive
// mode, where any key acts as the root, lets it.
func TestRolesRoot(t *testing.T) {
	docs := map[string]string{"arn:aws:iam::123456789012:role/Dev": trustsDeveloper}
	root := &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", Account: "123456789012", UserID: "123456789012"}
	rootSession := &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", Account: "123456789012", UserID: "123456789012", Temporary: true, SessionToken: "t"}
	tests := []struct {
		name   string
		strict bool
		role   string
		caller *protocol.Principal
		want   string // the refusal's message, "" when allowed
	}{
		{"strict: trusted", true, "arn:aws:iam::123456789012:role/Dev", root, "Roles may not be assumed by root accounts."},
		{"strict: role IAM does not hold", true, "arn:aws:iam::123456789012:role/Open", root, "Roles may not be assumed by root accounts."},
		{"strict: the root's session", true, "arn:aws:iam::123456789012:role/Dev", rootSession, "Roles may not be assumed by root accounts."},
		{"strict: root of aws-cn", true, "arn:aws-cn:iam::123456789012:role/Open", &protocol.Principal{ARN: "arn:aws-cn:iam::123456789012:root"}, "Roles may not be assumed by root accounts."},
		{"permissive: trusted", false, "arn:aws:iam::123456789012:role/Dev", root, ""},
		{"permissive: role IAM does not hold", false, "arn:aws:iam::123456789012:role/Open", root, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, tt.strict, docs, 0)
			_, err := rs.Authorize(t.Context(), sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: tt.role, Caller: tt.caller})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want allowed", err)
				}
				return
			}
			var e *protocol.Error
			if !errors.As(err, &e) || e.Code != sts.CodeAccessDenied || e.Status != 403 || e.Message != tt.want {
				t.Errorf("got %v, want 403 AccessDenied %q", err, tt.want)
			}
		})
	}
}

// heldRole is the ARN of the role of docs that arn names, by the rule of
// the store (the name in any case, the path as it is), or "".
func heldRole(docs map[string]string, arn string) string {
	for held := range docs {
		if strings.EqualFold(held, arn) && held[:strings.LastIndexByte(held, '/')] == arn[:strings.LastIndexByte(arn, '/')] {
			return held
		}
	}
	return ""
}

func TestRolesAllowEnhanced(t *testing.T) {
	const auth, open = "arn:aws:iam::123456789012:role/Auth", "arn:aws:iam::123456789012:role/app/Open"
	docs := map[string]string{auth: authOnly, open: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}]}`}
	session := func(arn string, amr ...string) identity.Session {
		return identity.Session{RoleARN: arn, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", AMR: amr}
	}
	tests := []struct {
		name    string
		strict  bool
		s       identity.Session
		wantARN string // the session's role, or "" for a refusal
		wantID  string
	}{
		{"authenticated", false, session(auth, "authenticated", "x"), auth, testRoleID(auth)},
		{"guest refused", false, session(auth, "unauthenticated"), "", ""},
		{"guest refused, role named in another case", false, session("arn:aws:iam::123456789012:role/auth", "unauthenticated"), "", ""},
		{"role named in another case is IAM's role", false, session("arn:aws:iam::123456789012:role/app/OPEN", "unauthenticated"), open, testRoleID(open)},
		{"role named under another path refused", false, session("arn:aws:iam::123456789012:role/Open", "unauthenticated"), "", ""},
		{"role IAM does not hold", false, session("arn:aws:iam::123456789012:role/Free", "unauthenticated"), "arn:aws:iam::123456789012:role/Free", ""},
		{"strict: authenticated", true, session(auth, "authenticated", "x"), auth, testRoleID(auth)},
		{"strict: role IAM does not hold refused", true, session("arn:aws:iam::123456789012:role/Free", "unauthenticated"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := storeRoles(t, tt.strict, docs, 0).allowEnhanced(t.Context(), tt.s)
			if tt.wantARN == "" {
				var e *protocol.Error
				if !errors.As(err, &e) || e.Code != identity.CodeInvalidIdentityPoolConfiguration {
					t.Errorf("got %v, want InvalidIdentityPoolConfigurationException", err)
				}
				return
			}
			if err != nil || g.Role(tt.s.RoleARN) != tt.wantARN || g.RoleID != tt.wantID {
				t.Errorf("got %q %q, %v, want %q %q", g.Role(tt.s.RoleARN), g.RoleID, err, tt.wantARN, tt.wantID)
			}
		})
	}
}

// TestRolesMaxSession: a role's MaxSessionDuration bounds its sessions;
// without one, the 12 hours IAM allows at most.
func TestRolesMaxSession(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/Dev"
	req := sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: arn, Caller: &protocol.Principal{ARN: "arn:aws:iam::123456789012:root"}}
	tests := []struct {
		name string
		max  int32
		want time.Duration
	}{
		{"set", 7200, 2 * time.Hour},
		{"not set", 0, maxRoleSession},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := storeRoles(t, false, map[string]string{arn: trustsDeveloper}, tt.max).Authorize(t.Context(), req)
			if got := g.MaxSession; err != nil || got != tt.want {
				t.Errorf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

// trustWith is a trust policy allowing the account's principals action
// under the condition (JSON).
func trustWith(action, condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"` + action + `","Condition":` + condition + `}]}`
}

// TestRolesAuthorizeContext: the trust policy sees the caller's keys and
// the request's, and a refusal names the action refused.
func TestRolesAuthorizeContext(t *testing.T) {
	const (
		external = "arn:aws:iam::123456789012:role/External"
		noSource = "arn:aws:iam::123456789012:role/NoSource"
		byAuth   = "arn:aws:iam::123456789012:role/ByAuth"
		red      = "arn:aws:iam::123456789012:role/Red"
		tagRed   = "arn:aws:iam::123456789012:role/TagRed"
		user     = "arn:aws:iam::123456789012:role/ByUser"
		webRed   = "arn:aws:iam::123456789012:role/WebRed"
	)
	docs := map[string]string{
		external: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Condition":{"StringEquals":{"sts:ExternalId":"s3cret","sts:SourceIdentity":"me"}}}]}`,
		noSource: trustWith("sts:AssumeRole", `{"StringEquals":{"sts:ExternalId":"s3cret"}}`),
		byAuth:   trustWith("sts:AssumeRole", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Auth"},"StringEquals":{"aws:userid":"AROAAUTH:s1"}}`),
		red:      trustWith("sts:AssumeRole", `{"StringEquals":{"aws:PrincipalTag/team":"red","aws:PrincipalType":"AssumedRole"}}`),
		tagRed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},
		 {"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/team":"red"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`,
		user: trustWith("sts:AssumeRole", `{"StringEquals":{"aws:username":"alice","aws:PrincipalType":"User"}}`),
		webRed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"},
		 {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:TagSession","Condition":{"StringEquals":{"aws:RequestTag/team":"red"}}}]}`,
	}
	web := func(tags map[string]string) sts.RoleRequest {
		return sts.RoleRequest{Action: "sts:AssumeRoleWithWebIdentity", RoleARN: webRed, WebIdentity: &sts.WebIdentity{Provider: sts.CognitoProvider, PrincipalTags: tags}, Tags: tags}
	}
	root := &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", Account: "123456789012", UserID: "123456789012"}
	alice := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", UserID: "AIDAALICE"}
	authP := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Auth/s1", Account: "123456789012", UserID: "AROAAUTH:s1", Temporary: true}
	authS := func(tags map[string]string) *creds.Credentials {
		return &creds.Credentials{Session: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", SessionName: "s1", PrincipalTags: tags}}
	}
	req := func(role string, p *protocol.Principal, c *creds.Credentials) sts.RoleRequest {
		return sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: role, Caller: p, CallerCredentials: c}
	}
	with := func(r sts.RoleRequest, f func(*sts.RoleRequest)) sts.RoleRequest { f(&r); return r }
	tests := []struct {
		name string
		req  sts.RoleRequest
		want string // the action refused, "" when allowed
	}{
		{"sts:ExternalId and sts:SourceIdentity", with(req(external, root, nil), func(r *sts.RoleRequest) { r.ExternalID, r.SourceIdentity = "s3cret", "me" }), ""},
		{"sts:ExternalId wrong", with(req(external, root, nil), func(r *sts.RoleRequest) { r.ExternalID, r.SourceIdentity = "guess", "me" }), "sts:AssumeRole"},
		{"sts:SourceIdentity of another value", with(req(external, root, nil), func(r *sts.RoleRequest) { r.ExternalID, r.SourceIdentity = "s3cret", "you" }), "sts:AssumeRole"},
		{"source identity without sts:SetSourceIdentity", with(req(noSource, root, nil), func(r *sts.RoleRequest) { r.ExternalID, r.SourceIdentity = "s3cret", "me" }), "sts:SetSourceIdentity"},
		{"no source identity", with(req(noSource, root, nil), func(r *sts.RoleRequest) { r.ExternalID = "s3cret" }), ""},
		{"aws:PrincipalArn and aws:userid of a role session", req(byAuth, authP, authS(nil)), ""},
		{"aws:PrincipalArn of the root", req(byAuth, root, nil), "sts:AssumeRole"},
		{"aws:PrincipalTag of the caller", req(red, authP, authS(map[string]string{"team": "red"})), ""},
		{"aws:PrincipalTag of another value", req(red, authP, authS(map[string]string{"team": "blue"})), "sts:AssumeRole"},
		{"aws:username of a user", req(user, alice, nil), ""},
		{"aws:username of the root", req(user, root, nil), "sts:AssumeRole"},
		{"aws:RequestTag for sts:TagSession", with(req(tagRed, root, nil), func(r *sts.RoleRequest) { r.Tags = map[string]string{"team": "red"} }), ""},
		{"aws:RequestTag of another value", with(req(tagRed, root, nil), func(r *sts.RoleRequest) { r.Tags = map[string]string{"team": "blue"} }), "sts:TagSession"},
		{"aws:TagKeys beyond the allowed", with(req(tagRed, root, nil), func(r *sts.RoleRequest) { r.Tags = map[string]string{"team": "red", "x": "y"} }), "sts:TagSession"},
		{"web identity: principal tags are request tags", web(map[string]string{"team": "red"}), ""},
		{"web identity: principal tags of another value", web(map[string]string{"team": "blue"}), "sts:TagSession"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := storeRoles(t, false, docs, 0).Authorize(t.Context(), tt.req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want allowed", err)
				}
				return
			}
			var e *protocol.Error
			if !errors.As(err, &e) || e.Code != sts.CodeAccessDenied || !strings.Contains(e.Message, tt.want) {
				t.Errorf("got %v, want AccessDenied for %s", err, tt.want)
			}
		})
	}
}

// TestRolesEnhancedRequestTags: Cognito's call passes the identity's
// principal tags as session tags, which the trust policy sees as
// aws:RequestTag.
func TestRolesEnhancedRequestTags(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/Tagged"
	rs := storeRoles(t, false, map[string]string{arn: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
	 "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/team":"red"}}}]}`}, 0)
	for _, tt := range []struct {
		team string
		ok   bool
	}{{"red", true}, {"blue", false}} {
		t.Run(tt.team, func(t *testing.T) {
			_, err := rs.allowEnhanced(t.Context(), identity.Session{RoleARN: arn, PoolID: "us-east-1:pool", IdentityID: "us-east-1:id", PrincipalTags: map[string]string{"team": tt.team}})
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want allowed %v", err, tt.ok)
			}
		})
	}
}

// TestRolesStrictChain: in strict mode a role session or an IAM user
// assumes a role that trusts the account only where its own policies allow
// it, one that names it unless they deny it (one that names its role's
// ARN, not its session's, as far as its session policies and boundary
// allow too); permissive mode is not held
// to policies, and the root assumes no role in strict mode.
func TestRolesStrictChain(t *testing.T) {
	const (
		admin        = "arn:aws:iam::123456789012:role/Admin"
		names        = "arn:aws:iam::123456789012:role/NamesGuest"
		namesSession = "arn:aws:iam::123456789012:role/NamesGuestSession"
	)
	docs := map[string]string{
		admin:        trustsDeveloper,
		names:        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/Guest"},"Action":"sts:AssumeRole"}]}`,
		namesSession: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials"},"Action":"sts:AssumeRole"}]}`,
	}
	guest := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Guest/CognitoIdentityCredentials", Account: "123456789012", Temporary: true}
	guestS := &creds.Credentials{Session: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Guest", SessionName: "CognitoIdentityCredentials"}}
	root := &protocol.Principal{ARN: "arn:aws:iam::123456789012:root", Account: "123456789012"}
	user := &protocol.Principal{ARN: "arn:aws:iam::123456789012:user/dev", Account: "123456789012", UserID: "AIDAEXAMPLE"}
	// decide stands for the caller's policies deciding d; with a trust
	// grant added to them, for its session policies and boundary capping
	// it (capped) or not.
	decide := func(d policy.Decision, capped bool) func(context.Context, *creds.Credentials, *protocol.Principal, string, string, map[string][]string, []policy.Named) (policy.Result, string, refuser, error) {
		return func(_ context.Context, _ *creds.Credentials, _ *protocol.Principal, _, _ string, _ map[string][]string, grant []policy.Named) (policy.Result, string, refuser, error) {
			switch {
			case grant == nil || d == policy.ExplicitDeny:
				return policy.Result{Decision: d}, "the guest's policies", byIdentity, nil
			case capped:
				return policy.Result{Decision: policy.ImplicitDeny}, "the guest's session policies", bySession, nil
			}
			return policy.Result{Decision: policy.Allowed}, "", "", nil
		}
	}
	tests := []struct {
		name     string
		strict   bool
		role     string
		caller   *protocol.Principal
		decision policy.Decision
		capped   bool // the session's policies or boundary cap a trust grant to its role
		want     bool
	}{
		{"account trust, no policy", true, admin, guest, policy.ImplicitDeny, false, false},
		{"account trust, policy allows", true, admin, guest, policy.Allowed, false, true},
		{"account trust, policy denies", true, admin, guest, policy.ExplicitDeny, false, false},
		{"named, no policy", true, names, guest, policy.ImplicitDeny, false, true},
		{"named, policy denies", true, names, guest, policy.ExplicitDeny, false, false},
		{"names the role, capped by the session", true, names, guest, policy.ImplicitDeny, true, false},
		{"names the session, capped by the session", true, namesSession, guest, policy.ImplicitDeny, true, true},
		{"names the session, policy denies", true, namesSession, guest, policy.ExplicitDeny, true, false},
		{"user, account trust, no policy", true, admin, user, policy.ImplicitDeny, false, false},
		{"user, account trust, policy allows", true, admin, user, policy.Allowed, false, true},
		{"user, account trust, policy denies", true, admin, user, policy.ExplicitDeny, false, false},
		{"permissive: a user without policies", false, admin, user, policy.ImplicitDeny, false, true},
		{"the root assumes no role", true, admin, root, policy.Allowed, false, false},
		{"permissive: the root assumes a role", false, admin, root, policy.ExplicitDeny, false, true},
		{"permissive: account trust, no policy", false, admin, guest, policy.ExplicitDeny, false, true},
		{"permissive: names the role, capped", false, names, guest, policy.ImplicitDeny, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, tt.strict, docs, 0)
			rs.decide = decide(tt.decision, tt.capped)
			var sess *creds.Credentials
			if tt.caller == guest {
				sess = guestS
			}
			_, err := rs.Authorize(t.Context(), sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: tt.role, Caller: tt.caller, CallerCredentials: sess})
			if (err == nil) != tt.want {
				t.Errorf("got %v, want allowed %v", err, tt.want)
			}
		})
	}
}

// TestRolesTimeKeys: the trust policy sees the time of the request, and
// the issue time of a caller's session.
func TestRolesTimeKeys(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:role/Timed"
	doc := trustWith("sts:AssumeRole", `{"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z","aws:TokenIssueTime":"2024-06-01T00:00:00Z"},"NumericGreaterThan":{"aws:EpochTime":"1735689600"}}`)
	caller := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Auth/s1", Account: "123456789012", UserID: "AROAAUTH:s1", Temporary: true}
	issued := func(at time.Time) *creds.Credentials {
		return &creds.Credentials{Issued: at, Session: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Auth", SessionName: "s1"}}
	}
	tests := []struct {
		name      string
		now, at   time.Time
		wantAllow bool
	}{
		{"after both", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), true},
		{"request too early", time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), false},
		{"session issued too early", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, false, map[string]string{arn: doc}, 0)
			rs.now = func() time.Time { return tt.now }
			_, err := rs.Authorize(t.Context(), sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: arn, Caller: caller, CallerCredentials: issued(tt.at)})
			if (err == nil) != tt.wantAllow {
				t.Errorf("got %v, want allowed %v", err, tt.wantAllow)
			}
		})
	}
}

// TestRolesStrictChainSourceIdentity: in strict mode a role session with
// a source identity assumes a role that trusts the account only where its
// own policies allow sts:SetSourceIdentity as well as sts:AssumeRole.
func TestRolesStrictChainSourceIdentity(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/Sourced"
	docs := map[string]string{role: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`}
	guest := &protocol.Principal{ARN: "arn:aws:sts::123456789012:assumed-role/Guest/s", Account: "123456789012", Temporary: true}
	sess := &creds.Credentials{Session: creds.Session{RoleARN: "arn:aws:iam::123456789012:role/Guest", SessionName: "s", SourceIdentity: "alice"}}
	tests := []struct {
		name    string
		allowed []string // the actions the caller's policies allow
		want    string   // the action refused, "" when allowed
	}{
		{"policies allow both", []string{"sts:AssumeRole", "sts:SetSourceIdentity"}, ""},
		{"policies allow sts:AssumeRole only", []string{"sts:AssumeRole"}, "sts:SetSourceIdentity"},
		{"policies allow sts:SetSourceIdentity only", []string{"sts:SetSourceIdentity"}, "sts:AssumeRole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := storeRoles(t, true, docs, 0)
			rs.decide = func(_ context.Context, _ *creds.Credentials, _ *protocol.Principal, action, _ string, _ map[string][]string, _ []policy.Named) (policy.Result, string, refuser, error) {
				if slices.Contains(tt.allowed, action) {
					return policy.Result{Decision: policy.Allowed}, "", "", nil
				}
				return policy.Result{}, "no policy allows " + action, byIdentity, nil
			}
			_, err := rs.Authorize(t.Context(), sts.RoleRequest{Action: "sts:AssumeRole", RoleARN: role, Caller: guest, CallerCredentials: sess,
				SourceIdentity: sess.Session.SourceIdentity})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want allowed", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), "perform: "+tt.want)):
				t.Errorf("got %v, want AccessDenied for %s", err, tt.want)
			}
		})
	}
}
