package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Role types, the keys of a pool's Roles.
const (
	roleAuthenticated   = "authenticated"
	roleUnauthenticated = "unauthenticated"
)

// Role mapping vocabulary (model enums).
const (
	mappingToken           = "Token"
	mappingRules           = "Rules"
	resolveAuthenticated   = "AuthenticatedRole"
	resolveDeny            = "Deny"
	matchEquals            = "Equals"
	matchContains          = "Contains"
	matchStartsWith        = "StartsWith"
	matchNotEqual          = "NotEqual"
	claimRoles             = "cognito:roles"
	claimPreferredRole     = "cognito:preferred_role"
	claimGroups            = "cognito:groups"
	samlRoleAttribute      = "https://aws.amazon.com/SAML/Attributes/Role"
	credentialsSessionName = "CognitoIdentityCredentials"
)

// SetIdentityPoolRoles replaces a pool's default roles and role mappings.
func (s *Service) SetIdentityPoolRoles(ctx context.Context, in *SetIdentityPoolRolesInput) (*SetIdentityPoolRolesOutput, error) {
	if err := CheckRoles(ctx, in.Roles); err != nil {
		return nil, err
	}
	mappings := make(map[string]storage.RoleMapping, len(in.RoleMappings))
	for _, k := range slices.Sorted(maps.Keys(in.RoleMappings)) {
		m, err := StoredRoleMapping(k, in.RoleMappings[k])
		if err != nil {
			return nil, err
		}
		mappings[k] = m
	}
	_, err := s.updatePool(ctx, in.IdentityPoolId, func(_ storage.Tx, p *storage.Pool) error {
		for _, k := range slices.Sorted(maps.Keys(mappings)) {
			if !MappingProvider(p, k) {
				return badParam(msgBadMappingKey, k)
			}
		}
		// Whether the pool's partition holds the roles is asked of the
		// pool, once it is found, as the mapping keys are.
		for _, k := range slices.Sorted(maps.Keys(in.Roles)) {
			if err := inPoolPartition(ctx, in.IdentityPoolId, in.Roles[k]); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(mappings)) {
			for _, r := range mappings[k].Rules {
				if err := inPoolPartition(ctx, in.IdentityPoolId, r.RoleARN); err != nil {
					return err
				}
			}
		}
		p.Roles = maps.Clone(in.Roles)
		p.RoleMappings = mappings
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetIdentityPoolRolesOutput{}, nil
}

// CheckRoles checks the Roles of SetIdentityPoolRoles: each key a role
// type, each value the ARN of an IAM role (a value that is not is refused
// as a role the caller may not pass, see roleForbidden). Fixtures check
// their pools' roles with it, as they check role mappings with
// StoredRoleMapping.
func CheckRoles(ctx context.Context, roles map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(roles)) {
		if k != roleAuthenticated && k != roleUnauthenticated {
			return badParam("Invalid role type '%s': Roles keys are authenticated and unauthenticated.", k)
		}
		if !RoleARN(roles[k]) {
			protocol.SetReason(ctx, fmt.Sprintf("the %s role, %q, is not the ARN of an IAM role (arn:<partition>:iam::<account>:role/<path><name>)", k, roles[k]))
			return roleForbidden(roles[k])
		}
	}
	return nil
}

// inPoolPartition refuses a role of another partition than the pool's
// as a role the caller may not pass: the pool's partition's IAM holds no
// role of that ARN.
func inPoolPartition(ctx context.Context, pool, arn string) error {
	if !PoolPartition(ctx, pool, arn) {
		return roleForbidden(arn)
	}
	return nil
}

// PoolPartition reports whether role ARN arn is of the partition of pool,
// the only one whose roles the pool may use; when not, it says why
// (protocol.SetReason).
func PoolPartition(ctx context.Context, pool, arn string) bool {
	role, p := protocol.ARNPartition(arn), protocol.Partition(protocol.IDRegion(pool))
	if role != p {
		protocol.SetReason(ctx, fmt.Sprintf("the role %s is of partition %s and the pool %s of %s: a pool's roles are of its partition", arn, role, pool, p))
	}
	return role == p
}

// roleForbidden is AWS's refusal of a role the caller may not use: a
// CustomRoleArn the pool's mapping does not allow, and, in
// SetIdentityPoolRoles, a value that is not the ARN of an IAM role, such
// as a bare role name (AWS checks that the caller may pass the role, and
// a value that names no role fails that check: aws/aws-sdk-js#908,
// boto/boto3#73, amazon-archives/aws-cognito-angular-quickstart#35).
func roleForbidden(arn string) error {
	return notAuthorized(msgRoleForbidden, arn)
}

// StoredRoleMapping checks one RoleMapping input and converts it to its
// stored form. A Token mapping keeps no rules.
func StoredRoleMapping(key string, m RoleMapping) (storage.RoleMapping, error) {
	out := storage.RoleMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
	switch m.Type {
	case mappingToken, mappingRules:
	default:
		return out, badParam("Invalid role mapping type '%s' for %s.", m.Type, key)
	}
	switch m.AmbiguousRoleResolution {
	case resolveAuthenticated, resolveDeny:
	case "":
		return out, badParam("AmbiguousRoleResolution must be specified for role mapping %s of type %s.", key, m.Type)
	default:
		return out, badParam("Invalid AmbiguousRoleResolution '%s' for %s.", m.AmbiguousRoleResolution, key)
	}
	if m.Type == mappingRules {
		if m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 {
			return out, badParam("RulesConfiguration must be specified for role mapping %s of type Rules.", key)
		}
		for _, r := range m.RulesConfiguration.Rules {
			switch r.MatchType {
			case matchEquals, matchContains, matchStartsWith, matchNotEqual:
			default:
				return out, badParam("Invalid MatchType '%s' in role mapping %s.", r.MatchType, key)
			}
			if r.Claim == "" || r.Value == "" {
				return out, badParam("Rules of role mapping %s need a Claim and a Value.", key)
			}
			if !RoleARN(r.RoleARN) {
				return out, roleForbidden(r.RoleARN)
			}
			out.Rules = append(out.Rules, storage.MappingRule{
				Claim: r.Claim, MatchType: r.MatchType, Value: r.Value, RoleARN: r.RoleARN,
			})
		}
	}
	return out, nil
}

// GetIdentityPoolRoles returns a pool's default roles and role mappings.
func (s *Service) GetIdentityPoolRoles(ctx context.Context, in *GetIdentityPoolRolesInput) (*GetIdentityPoolRolesOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return &GetIdentityPoolRolesOutput{IdentityPoolId: p.ID, Roles: p.Roles, RoleMappings: RoleMappings(p.RoleMappings)}, nil
}

// RoleMappings is the wire form of stored role mappings; nil for none.
func RoleMappings(ms map[string]storage.RoleMapping) map[string]RoleMapping {
	if len(ms) == 0 {
		return nil
	}
	out := make(map[string]RoleMapping, len(ms))
	for k, m := range ms {
		rm := RoleMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
		if len(m.Rules) > 0 {
			rc := &RulesConfiguration{Rules: make([]MappingRule, 0, len(m.Rules))}
			for _, r := range m.Rules {
				rc.Rules = append(rc.Rules, MappingRule(r))
			}
			rm.RulesConfiguration = rc
		}
		out[k] = rm
	}
	return out
}

// SetPrincipalTagAttributeMap sets how a provider's claims become principal
// tags.
func (s *Service) SetPrincipalTagAttributeMap(ctx context.Context, in *SetPrincipalTagAttributeMapInput) (*SetPrincipalTagAttributeMapOutput, error) {
	m := storage.PrincipalTagMap{Tags: maps.Clone(in.PrincipalTags)}
	if in.UseDefaults != nil {
		m.UseDefaults = *in.UseDefaults
	}
	_, err := s.updatePool(ctx, in.IdentityPoolId, func(_ storage.Tx, p *storage.Pool) error {
		if !TagProvider(p, in.IdentityProviderName) {
			return badParam("Identity provider '%s' is not configured on identity pool %s.", in.IdentityProviderName, p.ID)
		}
		tags := maps.Clone(p.PrincipalTags)
		if tags == nil {
			tags = make(map[string]storage.PrincipalTagMap)
		}
		tags[in.IdentityProviderName] = m
		p.PrincipalTags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tagMapOutput(in.IdentityPoolId, in.IdentityProviderName, m, true), nil
}

// GetPrincipalTagAttributeMap returns a provider's principal-tag map; for a
// provider without one, only the pool and provider names [unconfirmed].
func (s *Service) GetPrincipalTagAttributeMap(ctx context.Context, in *GetPrincipalTagAttributeMapInput) (*GetPrincipalTagAttributeMapOutput, error) {
	p, err := getPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	if !TagProvider(&p, in.IdentityProviderName) {
		return nil, badParam("Identity provider '%s' is not configured on identity pool %s.", in.IdentityProviderName, p.ID)
	}
	m, ok := p.PrincipalTags[in.IdentityProviderName]
	return tagMapOutput(p.ID, in.IdentityProviderName, m, ok), nil
}

func tagMapOutput(pool, provider string, m storage.PrincipalTagMap, set bool) *SetPrincipalTagAttributeMapOutput {
	out := &SetPrincipalTagAttributeMapOutput{IdentityPoolId: pool, IdentityProviderName: provider}
	if set {
		u := m.UseDefaults
		out.UseDefaults = &u
		out.PrincipalTags = m.Tags
	}
	return out
}

// Limits of IAM's role names and paths (its roleNameType and pathType).
const (
	maxRoleName = 64
	maxRolePath = 512
)

// RoleARN reports whether arn can name an IAM role:
// arn:<partition>:iam::<account>:role/<path><name>, the path being "/" or
// printable ASCII between slashes (at most 512 characters; an empty
// segment too, "/a//b/", as IAM's CreateRole takes it: see iam.Path; but
// not the path "//", which IAM's pattern refuses),
// the name 1 to 64 of letters, digits and _+=,.@- (IAM's rules). The
// Cognito model leaves role ARNs a bare ARNString: the service and the
// fixtures share this check, so that every role a pool is given loads
// back from an export.
func RoleARN(arn string) bool {
	rest, ok := iamName(arn, "role")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '/')
	path, name := "/"+rest[:i+1], rest[i+1:]
	if name == "" || len(name) > maxRoleName || len(path) > maxRolePath || path == "//" ||
		strings.IndexFunc(path, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool {
		return !(strings.ContainsRune("_+=,.@-", r) || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}

// LoginProvider reports whether key is the Logins key of a provider p
// configures, its developer provider included (idpool's own tokens are
// not a provider's logins).
func LoginProvider(p *storage.Pool, key string) bool {
	k := lookupProvider(p, key).kind
	return k != kindUnsupported && k != kindCognito
}

// MappingProvider reports whether key may name a role mapping of p: a
// social, OIDC or SAML provider key of p, or "<provider>:<clientId>" of one
// of its user-pool providers.
func MappingProvider(p *storage.Pool, key string) bool {
	for _, c := range p.CognitoIdentityProviders {
		// key == ProviderName + ":" + ClientID, compared in place: every
		// pool read runs this (DropStale), and a concatenation per
		// provider and key was most of its cost.
		n := len(c.ProviderName)
		if len(key) == n+1+len(c.ClientID) && strings.HasPrefix(key, c.ProviderName) && key[n] == ':' && strings.HasSuffix(key, c.ClientID) {
			return true
		}
	}
	switch lookupProvider(p, key).kind {
	case kindOpaque, kindSocialJWT, kindOIDC, kindSAML:
		return true
	}
	return false
}

// TagProvider reports whether key may name a principal-tag map of p: any
// provider key a role mapping may use, or a user pool's provider name.
func TagProvider(p *storage.Pool, key string) bool {
	return MappingProvider(p, key) || slices.ContainsFunc(p.CognitoIdentityProviders, func(c storage.CognitoProvider) bool {
		return c.ProviderName == key
	})
}

// chooseRole picks the role of a GetCredentialsForIdentity call (spec §7.2):
// the unauthenticated role for guests; else the first login (by provider
// key) with a role mapping decides, falling back to the authenticated role;
// idpool tokens and developer logins never use mappings. custom
// (CustomRoleArn) must be a role the rules could grant [idpool's reading;
// AWS's handling is unconfirmed]: among cognito:roles (Token), the role of a
// matching rule (Rules), or the default role; else NotAuthorizedException.
// A role the token names that is not an IAM role ARN is refused as STS's
// refusal of a role is: InvalidIdentityPoolConfigurationException.
func chooseRole(p *storage.Pool, logins []login, guest bool, custom string) (string, error) {
	def := roleAuthenticated
	if guest {
		def = roleUnauthenticated
	} else if l, m, ok := mappingOf(p, logins); ok {
		var role string
		var err error
		if m.Type == mappingRules {
			role, err = ruleRole(m.Rules, l.claims, custom)
		} else {
			role, err = tokenRole(l, custom)
		}
		if err != nil {
			return "", err
		}
		if role != "" {
			// A Token mapping's role comes from the token, where nothing
			// checked it. Cognito hands it to STS, which refuses what is
			// not a role ARN, and every refusal of STS's comes back as
			// InvalidIdentityPoolConfigurationException.
			if !RoleARN(role) {
				return "", badPoolConfig()
			}
			return role, nil
		}
		if m.AmbiguousRoleResolution == resolveDeny {
			return "", notAuthorized(msgAmbiguousDenied, l.mappingKey())
		}
	}
	role := p.Roles[def]
	if role == "" {
		return "", badPoolConfig()
	}
	if custom != "" && custom != role {
		return "", roleForbidden(custom)
	}
	return role, nil
}

// mappingOf returns the first login (by provider key) that has a role
// mapping, with the mapping; idpool tokens and developer logins never use
// mappings.
func mappingOf(p *storage.Pool, logins []login) (login, storage.RoleMapping, bool) {
	for _, l := range logins {
		if l.kind == kindCognito || l.kind == kindDeveloper {
			continue
		}
		if m, ok := p.RoleMappings[l.mappingKey()]; ok {
			return l, m, true
		}
	}
	return login{}, storage.RoleMapping{}, false
}

// tokenRole applies a Token mapping: CustomRoleArn if the token grants it,
// else cognito:preferred_role, else the only role granted. "" means
// ambiguous. SAML logins grant the roles of their Role attribute.
func tokenRole(l login, custom string) (string, error) {
	var roles []string
	var preferred string
	if l.kind == kindSAML {
		for _, v := range claimValues(l.claims, samlRoleAttribute) {
			// Each value is "<role arn>,<provider arn>", in either order.
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); RoleARN(part) {
					roles = append(roles, part)
				}
			}
		}
	} else {
		for _, v := range claimValues(l.claims, claimRoles) {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					roles = append(roles, part)
				}
			}
		}
		preferred, _ = claimString(l.claims, claimPreferredRole)
	}
	switch {
	case custom != "":
		if slices.Contains(roles, custom) || custom == preferred {
			return custom, nil
		}
		return "", roleForbidden(custom)
	case preferred != "":
		return preferred, nil
	case len(roles) == 1:
		return roles[0], nil
	}
	return "", nil
}

// ruleRole applies a Rules mapping: the first rule that matches, or the
// matching rule whose role is custom. "" means no rule matched.
func ruleRole(rules []storage.MappingRule, c claims, custom string) (string, error) {
	first := ""
	for _, r := range rules {
		if !matches(r, c) {
			continue
		}
		if custom == "" || r.RoleARN == custom {
			return r.RoleARN, nil
		}
		if first == "" {
			first = r.RoleARN
		}
	}
	if first != "" {
		return "", roleForbidden(custom)
	}
	return "", nil
}

// matches evaluates one rule. A list claim (cognito:groups) matches when
// one of its values does; NotEqual needs the claim present and none of its
// values equal to Value.
func matches(r storage.MappingRule, c claims) bool {
	vals := claimValues(c, r.Claim)
	if len(vals) == 0 {
		return false
	}
	if r.MatchType == matchNotEqual {
		return !slices.Contains(vals, r.Value)
	}
	for _, v := range vals {
		switch r.MatchType {
		case matchEquals:
			if v == r.Value {
				return true
			}
		case matchContains:
			if strings.Contains(v, r.Value) {
				return true
			}
		case matchStartsWith:
			if strings.HasPrefix(v, r.Value) {
				return true
			}
		}
	}
	return false
}

// claimValues returns a claim as text: a scalar as one value, a list as its
// scalar elements. Objects, null and absent claims give nil.
func claimValues(c claims, name string) []string {
	if c == nil {
		return nil
	}
	v, ok := c.Claim(name)
	if !ok {
		return nil
	}
	if s, ok := scalar(v); ok {
		return []string{s}
	}
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := scalar(e); ok {
			out = append(out, s)
		}
	}
	return out
}

// claimString returns a claim as one text: a list is joined with commas.
func claimString(c claims, name string) (string, bool) {
	vals := claimValues(c, name)
	if len(vals) == 0 {
		return "", false
	}
	return strings.Join(vals, ","), true
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// principalTags computes the principal tags of a session from the pool's
// principal-tag maps and the logins used: each mapped tag takes the value
// of its claim. UseDefaults maps "client" to aud and "username" to sub
// [unconfirmed tag names]; explicit tags override them. An idpool token
// carries its own tags (developer PrincipalTags).
func principalTags(p *storage.Pool, logins []login) map[string]string {
	var tags map[string]string
	set := func(k, v string) {
		if tags == nil {
			tags = make(map[string]string)
		}
		tags[k] = v
	}
	for _, l := range logins {
		if l.kind == kindCognito {
			for _, k := range slices.Sorted(maps.Keys(l.cognito.PrincipalTags)) {
				set(k, l.cognito.PrincipalTags[k])
			}
			continue
		}
		m, ok := p.PrincipalTags[l.mappingKey()]
		if !ok {
			m, ok = p.PrincipalTags[l.key]
		}
		if !ok {
			continue
		}
		if m.UseDefaults {
			if v, ok := claimString(l.claims, "aud"); ok {
				set("client", v)
			}
			if v, ok := claimString(l.claims, "sub"); ok {
				set("username", v)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(m.Tags)) {
			if v, ok := claimString(l.claims, m.Tags[k]); ok {
				set(k, v)
			}
		}
	}
	return tags
}
