package emulator

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idpool/idpool/emulator/identity"
	"github.com/idpool/idpool/fixtures"
)

// TestWarnOtherPartitions: a fixture pool whose role (default or of a
// rule) is of another partition than the pool's loads with a warning
// naming the pool and the role.
func TestWarnOtherPartitions(t *testing.T) {
	rule := func(arn string) map[string]fixtures.RoleMapping {
		return map[string]fixtures.RoleMapping{"accounts.google.com": {Type: "Rules", AmbiguousRoleResolution: "Deny",
			RulesConfiguration: &identity.RulesConfiguration{Rules: []identity.MappingRule{{Claim: "c", MatchType: "Equals", Value: "v", RoleARN: arn}}}}}
	}
	tests := []struct {
		name string
		pool fixtures.IdentityPool
		want []string // the roles warned of
	}{
		{"same partition", fixtures.IdentityPool{IdentityPoolId: "cn-north-1:p", Roles: map[string]string{"unauthenticated": "arn:aws-cn:iam::123456789012:role/G"}}, nil},
		{"default role of aws in cn-north-1", fixtures.IdentityPool{IdentityPoolId: "cn-north-1:p", Roles: map[string]string{"unauthenticated": "arn:aws:iam::123456789012:role/G"}},
			[]string{"arn:aws:iam::123456789012:role/G"}},
		{"rule role of aws-cn in us-east-1", fixtures.IdentityPool{IdentityPoolId: "us-east-1:p", RoleMappings: rule("arn:aws-cn:iam::123456789012:role/R")},
			[]string{"arn:aws-cn:iam::123456789012:role/R"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			warnOtherPartitions(&fixtures.Fixture{IdentityPools: []fixtures.IdentityPool{tc.pool}}, slog.New(slog.NewTextHandler(&buf, nil)))
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(tc.want) == 0 {
				if buf.Len() > 0 {
					t.Errorf("got warnings %q, want none", buf.String())
				}
				return
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d warnings (%q), want %d", len(lines), buf.String(), len(tc.want))
			}
			for i, arn := range tc.want {
				if !strings.Contains(lines[i], "level=WARN") || !strings.Contains(lines[i], "role="+arn) || !strings.Contains(lines[i], "pool="+tc.pool.IdentityPoolId) {
					t.Errorf("warning %d: got %q, want one of pool %s and role %s", i, lines[i], tc.pool.IdentityPoolId, arn)
				}
			}
		})
	}
}

// TestSharedFixture: one fixture value given to two servers of different
// accounts stays each server's own: a reset of the first seeds the first's
// account, not the account of the server made after it, and the caller's
// value is left as it was.
func TestSharedFixture(t *testing.T) {
	ctx := t.Context()
	f := &fixtures.Fixture{Providers: []fixtures.Provider{{Name: "login.example.com", ClientIds: []string{"app"},
		JwksUrl: "http://127.0.0.1:9/jwks"}}}
	start := func(account string) *Server {
		t.Helper()
		s, err := New(ctx, Config{DB: ":memory:", AccountID: account, Fixture: f}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a := start("111111111111")
	start("222222222222")
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://localhost:9230/_idpool/reset", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("reset: got %d %s, want 200", rec.Code, rec.Body)
	}
	ps, err := a.store.ListOIDCProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::111111111111:oidc-provider/login.example.com"; len(ps) != 1 || ps[0].ARN != want {
		t.Errorf("providers after the first server's reset: got %+v, want only %s", ps, want)
	}
	if f.IAMAccount != "" {
		t.Errorf("the caller's fixture: got IAMAccount %q, want it left empty", f.IAMAccount)
	}
}
