package identity

import (
	"fmt"
	"strings"

	"github.com/idpool/idpool/storage"
)

// roleReason says in words why chooseRole refused the logins: which role
// mapping applied and, rule by rule, which matched; for the console's
// activity page (see protocol.SetReason). It mirrors chooseRole's walk.
func roleReason(p *storage.Pool, logins []login, guest bool, custom string) string {
	var b strings.Builder
	def := roleAuthenticated
	if guest {
		def = roleUnauthenticated
	} else if l, m, ok := mappingOf(p, logins); ok {
		fmt.Fprintf(&b, "role mapping of %s (%s)", l.mappingKey(), m.Type)
		if m.Type == mappingRules {
			for i, r := range m.Rules {
				verdict := "did not match"
				if matches(r, l.claims) {
					verdict = "matched"
				}
				fmt.Fprintf(&b, "; rule %d (%s %s %q → %s) %s, the token's %s is %q", i+1, r.Claim, r.MatchType, r.Value, r.RoleARN, verdict, r.Claim, claimValues(l.claims, r.Claim))
			}
		} else {
			fmt.Fprintf(&b, "; the token's %s is %q and %s %q", claimRoles, claimValues(l.claims, claimRoles), claimPreferredRole, claimValues(l.claims, claimPreferredRole))
		}
		fmt.Fprintf(&b, "; AmbiguousRoleResolution %s", m.AmbiguousRoleResolution)
	}
	if b.Len() > 0 {
		b.WriteString("; ")
	}
	if role := p.Roles[def]; role == "" {
		fmt.Fprintf(&b, "the pool has no %s role", def)
	} else {
		fmt.Fprintf(&b, "the pool's %s role is %s", def, role)
	}
	if custom != "" {
		fmt.Fprintf(&b, "; CustomRoleArn %s was asked for", custom)
	}
	return b.String()
}
