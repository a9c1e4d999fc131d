package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/tokens"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// roleReason says in words why chooseRole refused the logins, or fell
// back to the default role (fallbackNote): which role mapping applied and,
// rule by rule, which matched; for the console's activity page (see
// protocol.SetReason). It mirrors chooseRole's walk.
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
			if role, err := tokenRole(l, custom); err == nil && role != "" && !RoleARN(role) {
				fmt.Fprintf(&b, "; the role taken from the token, %q, is not an IAM role ARN", role)
			}
			if h := groupsHint(l); h != "" {
				b.WriteString("; " + h)
			}
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

// groupsHint says, of a login a Token mapping applies to, that its token
// names user pool groups and no role: a user pool writes cognito:roles
// and cognito:preferred_role only for groups that have an IAM role, and
// cognito-local never writes them, so the mapping finds no role however
// the user is grouped. A Rules mapping reads the groups themselves. It is
// "" for a token with a role, without groups, or a SAML login.
func groupsHint(l login) string {
	groups := claimValues(l.claims, claimGroups)
	if l.kind == kindSAML || len(groups) == 0 || len(claimValues(l.claims, claimRoles)) > 0 || len(claimValues(l.claims, claimPreferredRole)) > 0 {
		return ""
	}
	return fmt.Sprintf("the token has %s %q but no %s: a user pool writes the roles only of groups that have an IAM role, and cognito-local writes none; to choose the role by group, use a Rules mapping (Claim %s, MatchType Contains, Value %q)", claimGroups, groups, claimRoles, claimGroups, groups[0])
}

// fallbackNote says, for a request whose role mapping chose no role, so
// that the pool's authenticated role was used, what the mapping saw
// (roleReason): nothing refused the request, and the role may not be the
// one its author expected. It is "" when no mapping applied or it chose a
// role.
func fallbackNote(p *storage.Pool, logins []login, guest bool, custom string) string {
	if guest {
		return ""
	}
	l, m, ok := mappingOf(p, logins)
	if !ok {
		return ""
	}
	var role string
	if m.Type == mappingRules {
		role, _ = ruleRole(m.Rules, l.claims, custom)
	} else {
		role, _ = tokenRole(l, custom)
	}
	if role != "" {
		return ""
	}
	return "the role mapping chose no role, so the default one was used: " + roleReason(p, logins, guest, custom)
}

// disabledReason says why identity x is disabled.
func disabledReason(x *storage.Identity) string {
	if x.MergedInto != "" {
		return "identity " + x.ID + " is disabled: it was merged into " + x.MergedInto
	}
	return "identity " + x.ID + " is disabled: its last login was unlinked"
}

// unmatchedReason says why logins do not prove authenticated identity x:
// none of them is linked to it.
func unmatchedReason(x *storage.Identity, logins []login) string {
	var linked, given []string
	for _, l := range x.Logins {
		if !slices.Contains(linked, l.Provider) {
			linked = append(linked, l.Provider)
		}
	}
	for _, l := range logins {
		given = append(given, l.key)
	}
	if len(given) == 0 {
		return fmt.Sprintf("identity %s is authenticated (linked to %s), and the request has no login of it", x.ID, strings.Join(linked, ", "))
	}
	return fmt.Sprintf("identity %s is linked to %s, and none of the logins given (%s) is one of its own", x.ID, strings.Join(linked, ", "), strings.Join(given, ", "))
}

// otherPoolReason says that identity x, named with pool, is of another pool.
func otherPoolReason(x *storage.Identity, pool string) string {
	return "identity " + x.ID + " belongs to pool " + x.PoolID + ", not " + pool
}

// unsupportedReason says why Logins key is no provider of pool p.
func unsupportedReason(p *storage.Pool, key string, mode loginMode) string {
	var keys []string
	keys = slices.AppendSeq(keys, maps.Keys(p.SupportedLoginProviders))
	for _, c := range p.CognitoIdentityProviders {
		if !slices.Contains(keys, c.ProviderName) {
			keys = append(keys, c.ProviderName)
		}
	}
	for _, arn := range p.OpenIDConnectProviderARNs {
		if h, ok := oidcHost(arn); ok {
			keys = append(keys, h)
		}
	}
	keys = append(keys, p.SAMLProviderARNs...)
	slices.Sort(keys)
	configured := "none"
	if len(keys) > 0 {
		configured = strings.Join(keys, ", ")
	}
	if mode == modeDeveloper {
		dev := p.DeveloperProviderName
		if dev == "" {
			dev = "none"
		}
		return fmt.Sprintf("Logins key %s is neither the developer provider of pool %s (%s) nor one of its login providers (%s)", key, p.ID, dev, configured)
	}
	return fmt.Sprintf("Logins key %s is not a login provider of pool %s (it has %s)", key, p.ID, configured)
}

// developerReason says why developer provider name is not pool p's.
func developerReason(p *storage.Pool, name string) string {
	if p.DeveloperProviderName == "" {
		return "pool " + p.ID + " has no developer provider, and the request names " + name
	}
	return "the developer provider of pool " + p.ID + " is " + p.DeveloperProviderName + ", and the request names " + name
}

// keyHint says, for a Logins key refused for token, which key the token's
// iss names, and how to turn a key written as a URL into one: Logins keys
// have no scheme and no trailing "/". It is "" when there is nothing to
// add (an opaque token under a key of the right form).
func keyHint(key, token string) string {
	var b strings.Builder
	if iss, ok := jwtIssuer(token); ok {
		k, _ := issuerKey(iss)
		fmt.Fprintf(&b, "; the token's iss %s is key %s", iss, k)
	}
	if strings.HasPrefix(key, "https://") || strings.HasPrefix(key, "http://") {
		b.WriteString("; remove the scheme from the Logins key")
	}
	if strings.HasSuffix(key, "/") {
		b.WriteString("; remove the trailing slash from the Logins key")
	}
	return b.String()
}

// AccessTokenReason says, when t is a user pool's access token (token_use
// access), that a login or a web identity needs the ID token: an access
// token has no aud, so Cognito Identity and STS refuse it. It is "" for
// any other token. Package providers shares it for STS.
func AccessTokenReason(t *tokens.JWT) string {
	if use, _ := t.StringClaim("token_use"); use != "access" {
		return ""
	}
	client, _ := t.StringClaim("client_id")
	return "this is a user pool access token (token_use access, client_id " + client + "); pass the ID token (IdToken) instead"
}

// accessTokenRefused makes the reason of a refused login the access
// token's (AccessTokenReason) when token is a user pool's access token:
// it is the cause nearest, as the check that refused it (a missing aud)
// does not tell why the claim is missing, so it replaces the check's
// reason. It parses the token again, which only a refusal pays for: a
// login that passes is parsed once.
func accessTokenRefused(ctx context.Context, token string) {
	t, err := tokens.Parse(token)
	if err != nil {
		return
	}
	if why, r := AccessTokenReason(t), protocol.RequestFrom(ctx); why != "" && r != nil {
		r.Reason = why
	}
}

// goneReason says why identity id is not found. idpool keeps nothing of a
// deleted identity, so it names what can have removed it: a deletion, a
// reset and, for an Ephemeral store, the end of the previous run. noPools
// reports that id's region has no pool now, so that the identity went with
// its pool (or with all of them). Clients that keep the id never drop it
// on this error (Amplify v6 keeps asking for it, as it does on AWS for a
// deleted identity: aws-amplify/amplify-js#2301), hence the key to clear.
func (s *Service) goneReason(id string, noPools bool) string {
	var b strings.Builder
	b.WriteString("no identity " + id + " exists: ")
	restart := ""
	if s.cfg.Ephemeral {
		restart = "this idpool keeps its state in memory and started at " + s.started.UTC().Format(time.RFC3339) + ", forgetting every identity made before"
	}
	if noPools {
		fmt.Fprintf(&b, "region %s has no identity pool now, so its pool was deleted (DeleteIdentityPool) or idpool was reset (POST /_idpool/reset)", protocol.IDRegion(id))
		if restart != "" {
			b.WriteString(", or " + restart)
		}
	} else {
		if restart != "" {
			b.WriteString(restart + "; or ")
		}
		b.WriteString("it was deleted (DeleteIdentities, or DeleteIdentityPool of its pool), or made before a reset (POST /_idpool/reset)")
	}
	b.WriteString("; a client that kept the id must forget it and call GetId again (Amplify v6 keeps it in localStorage under com.amplify.Cognito.<IdentityPoolId>.identityId)")
	return b.String()
}
