package sqlite

import (
	"slices"
	"sync"

	"github.com/idpool/idpool/storage"
)

// maxIdentityCacheBytes bounds the identity cache by an estimate of the
// memory its entries hold; past it the cache starts over empty. 2 MiB holds
// some 4,500 identities with a login each: the working set of the clients
// a local emulator serves. With 4 MiB, the server with a pool of a million
// identities read at random reached 63 MiB resident, against a 64 MiB
// target. A bound in entries let the cache grow to tens of
// megabytes of small objects, whose scanning made the garbage collector
// the server's main cost once a pool held tens of thousands of identities.
const maxIdentityCacheBytes = 2 << 20

// Per-entry overheads of the estimate: a map slot, the Identity value with
// its string and slice headers, and a login key with its slot.
const (
	identityEntryBytes = 64 + 144
	loginEntryBytes    = 64 + 48 + 32
)

// identityBytes estimates what caching i holds.
func identityBytes(i *storage.Identity) int {
	n := identityEntryBytes + len(i.ID) + len(i.PoolID) + len(i.MergedInto)
	for _, l := range i.Logins {
		// The login's strings are shared by the Identity and the key.
		n += loginEntryBytes + len(l.Provider) + len(l.UserID)
	}
	return n
}

// loginKey is a login within its pool, as the logins table's key.
type loginKey struct{ pool, provider, user string }

// identityCache holds identities as last committed, found by id or by one
// of their logins, so that GetId for a known login (the hottest read) needs
// no query. As with the pool cache, this Store must be the database's only
// writer: the writer goroutine drops every identity a transaction updated
// or deleted after the transaction ends and before anyone learns that it
// committed. A reader caches what it read only if no such drop happened
// since before its read (the generation), so a stale read is never cached.
// Created identities need no drop: nothing about them can be cached before
// they exist, since absences are not cached.
type identityCache struct {
	mu      sync.RWMutex
	gen     uint64
	bytes   int // identityBytes of the entries
	byID    map[string]*storage.Identity
	byLogin map[loginKey]string // → identity id
}

func newIdentityCache() *identityCache {
	return &identityCache{byID: make(map[string]*storage.Identity), byLogin: make(map[loginKey]string)}
}

// byIdentity returns a copy of the cached identity id, or ok false and the
// generation to hand to put.
func (c *identityCache) byIdentity(id string) (storage.Identity, uint64, bool) {
	c.mu.RLock()
	i, ok := c.byID[id]
	gen := c.gen
	c.mu.RUnlock()
	if !ok {
		return storage.Identity{}, gen, false
	}
	return cloneIdentity(i), gen, true
}

// withLogin returns a copy of the cached identity of pool holding l.
func (c *identityCache) withLogin(pool string, l storage.Login) (storage.Identity, uint64, bool) {
	c.mu.RLock()
	gen := c.gen
	i, ok := c.byID[c.byLogin[loginKey{pool, l.Provider, l.UserID}]]
	c.mu.RUnlock()
	if !ok {
		return storage.Identity{}, gen, false
	}
	return cloneIdentity(i), gen, true
}

// put caches i, read from the database after a lookup returned gen, unless
// an identity was dropped since. i must not be modified afterwards.
func (c *identityCache) put(i *storage.Identity, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if _, ok := c.byID[i.ID]; ok {
		return // a concurrent reader cached it first
	}
	size := identityBytes(i)
	if c.bytes+size > maxIdentityCacheBytes {
		// Starting over is cheaper than tracking recency on every hit,
		// and the hot identities come back at the next miss.
		clear(c.byID)
		clear(c.byLogin)
		c.bytes = 0
	}
	c.bytes += size
	c.byID[i.ID] = i
	for _, l := range i.Logins {
		c.byLogin[loginKey{i.PoolID, l.Provider, l.UserID}] = i.ID
	}
}

// drop forgets the identities ids with their logins.
func (c *identityCache) drop(ids []string) {
	c.mu.Lock()
	c.gen++
	for _, id := range ids {
		if i, ok := c.byID[id]; ok {
			for _, l := range i.Logins {
				delete(c.byLogin, loginKey{i.PoolID, l.Provider, l.UserID})
			}
			delete(c.byID, id)
			c.bytes -= identityBytes(i)
		}
	}
	c.mu.Unlock()
}

// dropAll forgets everything.
func (c *identityCache) dropAll() {
	c.mu.Lock()
	c.gen++
	clear(c.byID)
	clear(c.byLogin)
	c.bytes = 0
	c.mu.Unlock()
}

func cloneIdentity(i *storage.Identity) storage.Identity {
	c := *i
	c.Logins = slices.Clone(i.Logins)
	return c
}

// cached returns what lookup finds, or else what read reads, caching it.
func (c *identityCache) cached(lookup func() (storage.Identity, uint64, bool), read func() (storage.Identity, error)) (storage.Identity, error) {
	i, gen, ok := lookup()
	if ok {
		return i, nil
	}
	i, err := read()
	if err != nil {
		return storage.Identity{}, err
	}
	cp := cloneIdentity(&i)
	c.put(&cp, gen)
	return i, nil
}
