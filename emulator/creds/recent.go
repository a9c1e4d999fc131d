package creds

import "sync"

// recent holds the most recently issued or used credentials, found by
// session token (so that a request signed with them does not open the
// token again) and by access key id (so that the test controls can say who
// an access key id is). It is bounded: the oldest entry goes first.
type recent struct {
	mu      sync.Mutex
	max     int
	byToken map[string]*Credentials // by tokenKey
	byKey   map[string]*Credentials
	order   []*Credentials // ring, next at head
	head    int
}

// tokenKeyLen is how much of a session token keys it in recent. A token
// is hundreds of characters, hashed on every signed request; its first 24
// characters already encode its version byte and its random 12-byte nonce,
// unique to one issue. A hit is confirmed against the whole token.
const tokenKeyLen = 24

func tokenKey(t string) string { return t[:min(len(t), tokenKeyLen)] }

func newRecent(max int) *recent {
	return &recent{max: max, byToken: make(map[string]*Credentials, max), byKey: make(map[string]*Credentials, max), order: make([]*Credentials, max)}
}

// add remembers c, evicting the oldest entry when full.
func (r *recent) add(c Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.byToken[tokenKey(c.SessionToken)]; ok && e.SessionToken == c.SessionToken {
		return
	}
	if old := r.order[r.head]; old != nil {
		if r.byToken[tokenKey(old.SessionToken)] == old {
			delete(r.byToken, tokenKey(old.SessionToken))
		}
		if r.byKey[old.AccessKeyID] == old {
			delete(r.byKey, old.AccessKeyID)
		}
	}
	e := &c
	r.order[r.head] = e
	r.head = (r.head + 1) % r.max
	r.byToken[tokenKey(c.SessionToken)] = e
	r.byKey[c.AccessKeyID] = e
}

func (r *recent) token(t string) (Credentials, bool) {
	r.mu.Lock()
	e, ok := r.byToken[tokenKey(t)]
	r.mu.Unlock()
	if !ok || e.SessionToken != t {
		return Credentials{}, false
	}
	return *e, true
}

func (r *recent) key(id string) (Credentials, bool) {
	r.mu.Lock()
	e, ok := r.byKey[id]
	r.mu.Unlock()
	if !ok {
		return Credentials{}, false
	}
	return *e, true
}
