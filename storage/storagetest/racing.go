package storagetest

import (
	"context"
	"sync"

	"github.com/idpool/idpool/storage"
)

// armed holds the function a racing Store runs once, at its chosen point.
type armed struct {
	mu sync.Mutex
	fn func()
}

// Arm makes the store run fn at its point, once. fn must not call the
// racing store itself: use the store it wraps.
func (a *armed) Arm(fn func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fn = fn
}

// Fired reports whether the armed function ran.
func (a *armed) Fired() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fn == nil
}

// fire runs the armed function, if any, and disarms.
func (a *armed) fire() {
	a.mu.Lock()
	f := a.fn
	a.fn = nil
	a.mu.Unlock()
	if f != nil {
		f()
	}
}

// Racing is a Store for the tests of services: its next Update first runs
// the function given to Arm, then the transaction asked for. With a
// function that commits a write of its own (say, deleting a pool), the
// request under test loses a race deterministically: it did its reads
// before that write, and its transaction starts after it.
type Racing struct {
	storage.Store
	armed
}

// Update implements storage.Store.
func (r *Racing) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	r.fire()
	return r.Store.Update(ctx, fn)
}

// ReadRacing is a Store for the tests of services: its next read of a
// dataset (GetDataset or DatasetRecords) runs the function given to Arm
// once it has read, before it returns. With a function that commits a
// write, a request that reads a dataset in more than one call sees that
// write in its later reads only.
type ReadRacing struct {
	storage.Store
	armed
}

// GetDataset implements storage.DatasetReader.
func (r *ReadRacing) GetDataset(ctx context.Context, identityID, name string) (storage.Dataset, error) {
	d, err := r.Store.GetDataset(ctx, identityID, name)
	r.fire()
	return d, err
}

// DatasetRecords implements storage.DatasetReader.
func (r *ReadRacing) DatasetRecords(ctx context.Context, identityID, name string, opts storage.ListRecordsOptions) (storage.Dataset, []storage.Record, error) {
	d, rs, err := r.Store.DatasetRecords(ctx, identityID, name, opts)
	r.fire()
	return d, rs, err
}
