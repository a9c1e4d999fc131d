package tokens

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/idpool/idpool/storage"
)

// fakeStore is an in-memory storage.Store holding signing keys only; the
// other methods panic through the nil embedded interface. Update runs one
// transaction at a time, like SQLite's single writer.
type fakeStore struct {
	storage.Store

	mu   sync.Mutex
	keys []storage.SigningKey

	// gate, when non-nil, makes Update wait until it is closed.
	gate chan struct{}
	// failUpdates makes the next n Updates fail with updateErr.
	failUpdates int
	updateErr   error
	// beforeTx runs at the start of each Update with mu held: a chance to
	// play another process writing first.
	beforeTx func(s *fakeStore)
	// stale makes transactions read an empty key list while writes still
	// see the real keys, as under an isolation level that lets two writers
	// both read "no key".
	stale bool

	updates int
}

func (s *fakeStore) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys), nil
}

func (s *fakeStore) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates++
	if s.failUpdates > 0 {
		s.failUpdates--
		return s.updateErr
	}
	if s.beforeTx != nil {
		s.beforeTx(s)
	}
	tx := &fakeTx{s: s, keys: slices.Clone(s.keys)}
	if err := fn(tx); err != nil {
		return err
	}
	s.keys = tx.keys
	return nil
}

func (s *fakeStore) Close() error { return nil }

func (s *fakeStore) snapshot() []storage.SigningKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys)
}

type fakeTx struct {
	storage.Tx
	s    *fakeStore
	keys []storage.SigningKey
}

func (tx *fakeTx) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	if tx.s.stale {
		return nil, nil
	}
	return slices.Clone(tx.keys), nil
}

func (tx *fakeTx) CreateSigningKey(ctx context.Context, k storage.SigningKey) error {
	for _, o := range tx.keys {
		if o.ID == k.ID {
			return fmt.Errorf("fake: kid %q: %w", k.ID, storage.ErrAlreadyExists)
		}
	}
	if k.Active {
		k.RetiredAt = time.Time{}
		for j := range tx.keys {
			o := &tx.keys[j]
			if o.Active || o.RetiredAt.IsZero() {
				o.Active, o.RetiredAt = false, k.CreatedAt
			}
		}
	}
	k.PrivateKey = slices.Clone(k.PrivateKey)
	tx.keys = append(tx.keys, k)
	return nil
}

func (tx *fakeTx) DeleteSigningKey(ctx context.Context, kid string) error {
	j := slices.IndexFunc(tx.keys, func(k storage.SigningKey) bool { return k.ID == kid })
	switch {
	case j < 0:
		return fmt.Errorf("fake: kid %q: %w", kid, storage.ErrNotFound)
	case tx.keys[j].Active:
		return fmt.Errorf("fake: kid %q: %w", kid, storage.ErrConflict)
	}
	tx.keys = slices.Delete(tx.keys, j, j+1)
	return nil
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1748274572, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
