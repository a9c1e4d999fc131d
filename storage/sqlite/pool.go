package sqlite

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"

	"github.com/idpool/idpool/storage"
)

// poolConfig is the JSON stored in pools.config: everything configured on a
// pool besides its id, name and timestamps. It mirrors storage.Pool with
// explicit JSON names so that renaming a Go field never changes the stored
// format. Empty members are omitted; they read back as nil.
type poolConfig struct {
	AllowUnauthenticated      bool                          `json:"allowUnauthenticated,omitempty"`
	AllowClassicFlow          *bool                         `json:"allowClassicFlow,omitempty"`
	SupportedLoginProviders   map[string]string             `json:"supportedLoginProviders,omitempty"`
	DeveloperProviderName     string                        `json:"developerProviderName,omitempty"`
	OpenIDConnectProviderARNs []string                      `json:"openIdConnectProviderArns,omitempty"`
	CognitoIdentityProviders  []cognitoProvider             `json:"cognitoIdentityProviders,omitempty"`
	SAMLProviderARNs          []string                      `json:"samlProviderArns,omitempty"`
	Tags                      map[string]string             `json:"tags,omitempty"`
	Roles                     map[string]string             `json:"roles,omitempty"`
	RoleMappings              map[string]roleMapping        `json:"roleMappings,omitempty"`
	PrincipalTags             map[string]principalTagConfig `json:"principalTags,omitempty"`
}

type cognitoProvider struct {
	ProviderName         string `json:"providerName"`
	ClientID             string `json:"clientId"`
	ServerSideTokenCheck bool   `json:"serverSideTokenCheck,omitempty"`
}

type roleMapping struct {
	Type                    string        `json:"type"`
	AmbiguousRoleResolution string        `json:"ambiguousRoleResolution,omitempty"`
	Rules                   []mappingRule `json:"rules,omitempty"`
}

type mappingRule struct {
	Claim     string `json:"claim"`
	MatchType string `json:"matchType"`
	Value     string `json:"value"`
	RoleARN   string `json:"roleArn"`
}

type principalTagConfig struct {
	UseDefaults bool              `json:"useDefaults,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// encodePool returns the pools.config JSON of p.
func encodePool(p *storage.Pool) ([]byte, error) {
	c := poolConfig{
		AllowUnauthenticated:      p.AllowUnauthenticated,
		AllowClassicFlow:          p.AllowClassicFlow,
		SupportedLoginProviders:   p.SupportedLoginProviders,
		DeveloperProviderName:     p.DeveloperProviderName,
		OpenIDConnectProviderARNs: p.OpenIDConnectProviderARNs,
		SAMLProviderARNs:          p.SAMLProviderARNs,
		Tags:                      p.Tags,
		Roles:                     p.Roles,
	}
	if len(p.CognitoIdentityProviders) > 0 {
		c.CognitoIdentityProviders = make([]cognitoProvider, len(p.CognitoIdentityProviders))
		for i, cp := range p.CognitoIdentityProviders {
			c.CognitoIdentityProviders[i] = cognitoProvider(cp)
		}
	}
	if len(p.RoleMappings) > 0 {
		c.RoleMappings = make(map[string]roleMapping, len(p.RoleMappings))
		for k, m := range p.RoleMappings {
			rm := roleMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
			if len(m.Rules) > 0 {
				rm.Rules = make([]mappingRule, len(m.Rules))
				for i, r := range m.Rules {
					rm.Rules[i] = mappingRule(r)
				}
			}
			c.RoleMappings[k] = rm
		}
	}
	if len(p.PrincipalTags) > 0 {
		c.PrincipalTags = make(map[string]principalTagConfig, len(p.PrincipalTags))
		for k, t := range p.PrincipalTags {
			c.PrincipalTags[k] = principalTagConfig(t)
		}
	}
	return json.Marshal(&c)
}

// decodePool fills the configuration of p from pools.config JSON. The
// result shares no memory with anything else.
func decodePool(p *storage.Pool, config []byte) error {
	var c poolConfig
	if err := json.Unmarshal(config, &c); err != nil {
		return err
	}
	p.AllowUnauthenticated = c.AllowUnauthenticated
	p.AllowClassicFlow = c.AllowClassicFlow
	p.SupportedLoginProviders = c.SupportedLoginProviders
	p.DeveloperProviderName = c.DeveloperProviderName
	p.OpenIDConnectProviderARNs = c.OpenIDConnectProviderARNs
	p.SAMLProviderARNs = c.SAMLProviderARNs
	p.Tags = c.Tags
	p.Roles = c.Roles
	p.CognitoIdentityProviders = nil
	if len(c.CognitoIdentityProviders) > 0 {
		p.CognitoIdentityProviders = make([]storage.CognitoProvider, len(c.CognitoIdentityProviders))
		for i, cp := range c.CognitoIdentityProviders {
			p.CognitoIdentityProviders[i] = storage.CognitoProvider(cp)
		}
	}
	p.RoleMappings = nil
	if len(c.RoleMappings) > 0 {
		p.RoleMappings = make(map[string]storage.RoleMapping, len(c.RoleMappings))
		for k, m := range c.RoleMappings {
			rm := storage.RoleMapping{Type: m.Type, AmbiguousRoleResolution: m.AmbiguousRoleResolution}
			if len(m.Rules) > 0 {
				rm.Rules = make([]storage.MappingRule, len(m.Rules))
				for i, r := range m.Rules {
					rm.Rules[i] = storage.MappingRule(r)
				}
			}
			p.RoleMappings[k] = rm
		}
	}
	p.PrincipalTags = nil
	if len(c.PrincipalTags) > 0 {
		p.PrincipalTags = make(map[string]storage.PrincipalTagMap, len(c.PrincipalTags))
		for k, t := range c.PrincipalTags {
			p.PrincipalTags[k] = storage.PrincipalTagMap(t)
		}
	}
	return nil
}

// clonePool returns a deep copy of p: no map, slice or pointer is shared.
func clonePool(p *storage.Pool) storage.Pool {
	c := *p
	if p.AllowClassicFlow != nil {
		v := *p.AllowClassicFlow
		c.AllowClassicFlow = &v
	}
	c.SupportedLoginProviders = maps.Clone(p.SupportedLoginProviders)
	c.OpenIDConnectProviderARNs = slices.Clone(p.OpenIDConnectProviderARNs)
	c.CognitoIdentityProviders = slices.Clone(p.CognitoIdentityProviders)
	c.SAMLProviderARNs = slices.Clone(p.SAMLProviderARNs)
	c.Tags = maps.Clone(p.Tags)
	c.Roles = maps.Clone(p.Roles)
	if p.RoleMappings != nil {
		c.RoleMappings = make(map[string]storage.RoleMapping, len(p.RoleMappings))
		for k, m := range p.RoleMappings {
			m.Rules = slices.Clone(m.Rules)
			c.RoleMappings[k] = m
		}
	}
	if p.PrincipalTags != nil {
		c.PrincipalTags = make(map[string]storage.PrincipalTagMap, len(p.PrincipalTags))
		for k, t := range p.PrincipalTags {
			t.Tags = maps.Clone(t.Tags)
			c.PrincipalTags[k] = t
		}
	}
	return c
}

// maxCachedPools bounds the pool cache. Beyond it, pools are read from the
// database every time; the bound only keeps a pathological number of pools
// from pinning memory.
const maxCachedPools = 4096

// poolCache holds decoded pools as last committed, so that GetPool, the
// hottest read, costs a map lookup and a copy rather than a query and a JSON
// decode.
//
// It stays exactly consistent with the database because the Store is the
// database's only writer: the writer goroutine calls invalidate after every
// transaction that wrote a pool and before it reports the commit to anyone.
// A reader that missed records the generation before querying and only
// stores what it read if no invalidation happened meanwhile, so a value read
// before a commit can never be stored after it.
type poolCache struct {
	mu    sync.RWMutex
	gen   uint64
	pools map[string]*storage.Pool
}

// lookup returns a copy of the cached pool id, or ok false and the current
// generation to hand to put.
func (c *poolCache) lookup(id string) (p storage.Pool, gen uint64, ok bool) {
	c.mu.RLock()
	cp, ok := c.pools[id]
	gen = c.gen
	c.mu.RUnlock()
	if !ok {
		return storage.Pool{}, gen, false
	}
	// Cached pools are never modified, only replaced, so copying outside
	// the lock is safe.
	return clonePool(cp), gen, true
}

// put caches p, which the caller read from the database after lookup
// returned gen, unless the cache was invalidated since. p must not be
// modified afterwards.
func (c *poolCache) put(p *storage.Pool, gen uint64) {
	c.mu.Lock()
	if c.gen == gen && len(c.pools) < maxCachedPools {
		c.pools[p.ID] = p
	}
	c.mu.Unlock()
}

// invalidate drops every cached pool.
func (c *poolCache) invalidate() {
	c.mu.Lock()
	c.gen++
	clear(c.pools)
	c.mu.Unlock()
}
