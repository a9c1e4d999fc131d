package storagetest

import (
	"context"
	"sync"

	"github.com/idpool/idpool/storage"
)

// Racing is a Store for the tests of services: its next Update first runs
// the function given to Arm, then the transaction asked for. With a
// function that commits a write of its own (say, deleting a pool), the
// request under test loses a race deterministically: it did its reads
// before that write, and its transaction starts after it.
type Racing struct {
	storage.Store
	mu     sync.Mutex
	before func()
}

// Arm makes the next Update run before first. before must not call the
// Racing store itself: use the store it wraps.
func (r *Racing) Arm(before func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.before = before
}

// Fired reports whether the armed function ran.
func (r *Racing) Fired() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.before == nil
}

// Update implements storage.Store.
func (r *Racing) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	r.mu.Lock()
	f := r.before
	r.before = nil
	r.mu.Unlock()
	if f != nil {
		f()
	}
	return r.Store.Update(ctx, fn)
}
