package creds

import "sync"

// recent holds the most recently issued or used credentials, found by
// session token (so that a request signed with them does not open the
// token again) and by access key id (so that the test controls can say who
// an access key id is). It is bounded: the oldest entry goes first.
type recent struct {
	mu      sync.Mutex
	max     int
	byToken map[string]*Credentials
	byKey   map[string]*Credentials
	order   []*Credentials // ring, next at head
	head    int
}

func newRecent(max int) *recent {
	return &recent{max: max, byToken: make(map[string]*Credentials, max), byKey: make(map[string]*Credentials, max), order: make([]*Credentials, max)}
}

// add remembers c, evicting the oldest entry when full.
func (r *recent) add(c Credentials) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byToken[c.SessionToken]; ok {
		return
	}
	if old := r.order[r.head]; old != nil {
		delete(r.byToken, old.SessionToken)
		if r.byKey[old.AccessKeyID] == old {
			delete(r.byKey, old.AccessKeyID)
		}
	}
	e := &c
	r.order[r.head] = e
	r.head = (r.head + 1) % r.max
	r.byToken[c.SessionToken] = e
	r.byKey[c.AccessKeyID] = e
}

func (r *recent) token(t string) (Credentials, bool) {
	r.mu.Lock()
	e, ok := r.byToken[t]
	r.mu.Unlock()
	if !ok {
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
