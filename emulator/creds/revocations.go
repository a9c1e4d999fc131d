package creds

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/idpool/idpool/storage"
)

// Revocations is what the test controls expired early: credentials, and
// OpenID tokens. They are persisted, so that an expiry survives a restart,
// and held in memory, so that checking one costs a map lookup.
type Revocations struct {
	store storage.Store
	now   func() time.Time

	mu      sync.Mutex
	revoked map[revocation]time.Time // → when it would expire anyway
	kinds   map[string]int           // how many of each kind
}

type revocation struct{ kind, id string }

// NewRevocations loads the revocations that have not expired from store.
func NewRevocations(ctx context.Context, store storage.Store, now func() time.Time) (*Revocations, error) {
	rs, err := store.Revocations(ctx, now())
	if err != nil {
		return nil, fmt.Errorf("creds: load revocations: %w", err)
	}
	r := &Revocations{store: store, now: now, revoked: make(map[revocation]time.Time, len(rs)), kinds: make(map[string]int)}
	for _, x := range rs {
		r.set(revocation{x.Kind, x.ID}, x.Expires)
	}
	return r, nil
}

// Revoke expires something now: kind is storage.RevokedCredentials (id an
// access key id) or storage.RevokedToken (id a token's SHA-256); exp is
// when it would have expired anyway, after which the revocation is
// forgotten.
func (r *Revocations) Revoke(ctx context.Context, kind, id string, exp time.Time) error {
	now := r.now()
	err := r.store.Update(ctx, func(tx storage.Tx) error {
		if err := tx.Revoke(ctx, storage.Revocation{Kind: kind, ID: id, Expires: exp}); err != nil {
			return err
		}
		return tx.ForgetExpired(ctx, now)
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, e := range r.revoked {
		if !now.Before(e) {
			delete(r.revoked, k)
			r.kinds[k.kind]--
		}
	}
	r.set(revocation{kind, id}, exp)
	return nil
}

// set records a revocation; r.mu is held or r is not shared yet.
func (r *Revocations) set(k revocation, exp time.Time) {
	if _, ok := r.revoked[k]; !ok {
		r.kinds[k.kind]++
	}
	r.revoked[k] = exp
}

// Any reports whether anything of kind is revoked, so that callers can
// skip computing an id to look up (hashing a token) when nothing is.
func (r *Revocations) Any(kind string) bool {
	r.mu.Lock()
	n := r.kinds[kind]
	r.mu.Unlock()
	return n > 0
}

// Revoked reports whether kind/id was expired early.
func (r *Revocations) Revoked(kind, id string) bool {
	r.mu.Lock()
	_, ok := r.revoked[revocation{kind, id}]
	r.mu.Unlock()
	return ok
}
