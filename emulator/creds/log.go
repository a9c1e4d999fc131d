package creds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/idpool/idpool/storage"
)

// Log remembers issued credentials by access key id, and what was expired
// early: credentials, and OpenID tokens (the test controls expire both).
// Recording happens behind the hot path: Record only queues, and a
// background flusher writes queued records in batches, so issuing still
// needs no database write of its own.
type Log struct {
	store  storage.Store
	now    func() time.Time
	logger *slog.Logger

	mu      sync.Mutex
	pending map[string]storage.IssuedCredentials // queued, not yet written
	revoked map[revocation]time.Time             // → when it would expire anyway
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

type revocation struct{ kind, id string }

// flushEvery bounds how long a record waits in memory; lookups see queued
// records meanwhile, so the delay is invisible to callers.
const flushEvery = 200 * time.Millisecond

// NewLog loads the revocations from store and starts the flusher. Close
// stops it after a last flush.
func NewLog(ctx context.Context, store storage.Store, now func() time.Time, logger *slog.Logger) (*Log, error) {
	rs, err := store.Revocations(ctx, now())
	if err != nil {
		return nil, fmt.Errorf("creds: load revocations: %w", err)
	}
	l := &Log{
		store: store, now: now, logger: logger,
		pending: make(map[string]storage.IssuedCredentials),
		revoked: make(map[revocation]time.Time),
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, r := range rs {
		l.revoked[revocation{r.Kind, r.ID}] = r.Expires
	}
	go l.flusher()
	return l, nil
}

// Record queues c to be written.
func (l *Log) Record(c Credentials) {
	l.mu.Lock()
	l.pending[c.AccessKeyID] = storage.IssuedCredentials{AccessKeyID: c.AccessKeyID, SessionToken: c.SessionToken, Expiration: c.Expiration}
	n := len(l.pending)
	l.mu.Unlock()
	if n >= 256 {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// SessionToken returns the session token issued with accessKeyID, or
// storage.ErrNotFound.
func (l *Log) SessionToken(ctx context.Context, accessKeyID string) (string, error) {
	l.mu.Lock()
	c, ok := l.pending[accessKeyID]
	l.mu.Unlock()
	if ok {
		return c.SessionToken, nil
	}
	c, err := l.store.IssuedCredentials(ctx, accessKeyID)
	if err != nil {
		return "", err
	}
	return c.SessionToken, nil
}

// Revoke expires something now: kind is storage.RevokedCredentials (id an
// access key id) or storage.RevokedToken (id a token's SHA-256); exp is
// when it would have expired, after which the revocation is forgotten.
func (l *Log) Revoke(ctx context.Context, kind, id string, exp time.Time) error {
	err := l.store.Update(ctx, func(tx storage.Tx) error {
		return tx.Revoke(ctx, storage.Revocation{Kind: kind, ID: id, Expires: exp})
	})
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.revoked[revocation{kind, id}] = exp
	l.mu.Unlock()
	return nil
}

// Revoked reports whether kind/id was expired early.
func (l *Log) Revoked(kind, id string) bool {
	l.mu.Lock()
	_, ok := l.revoked[revocation{kind, id}]
	l.mu.Unlock()
	return ok
}

// Close writes what is queued and stops the flusher.
func (l *Log) Close() error {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
	return nil
}

func (l *Log) flusher() {
	defer close(l.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.wake:
		case <-l.stop:
			l.flush()
			return
		}
		l.flush()
	}
}

// flush writes the queued records in one transaction and forgets what has
// expired. Records that fail to be written stay queued for the next try.
func (l *Log) flush() {
	l.mu.Lock()
	batch := make([]storage.IssuedCredentials, 0, len(l.pending))
	for _, c := range l.pending {
		batch = append(batch, c)
	}
	now := l.now()
	for id, exp := range l.revoked {
		if !now.Before(exp) {
			delete(l.revoked, id)
		}
	}
	l.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	err := l.store.Update(context.Background(), func(tx storage.Tx) error {
		if err := tx.RecordCredentials(context.Background(), batch); err != nil {
			return err
		}
		return tx.ForgetExpired(context.Background(), now)
	})
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			l.logger.Warn("credentials log: write failed; will retry", "err", err, "records", len(batch))
		}
		return
	}
	l.mu.Lock()
	for _, c := range batch {
		if cur, ok := l.pending[c.AccessKeyID]; ok && cur == c {
			delete(l.pending, c.AccessKeyID)
		}
	}
	l.mu.Unlock()
}
