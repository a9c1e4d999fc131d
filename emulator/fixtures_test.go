package emulator

import (
	"bytes"
	"log/slog"
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
