package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// View implements storage.Store. fn reads inside one read transaction on
// a connection of the read pool, with statements of its own, and past
// every cache: the caches hold the latest state, not the snapshot. On a
// file database (write-ahead log) writers go on committing meanwhile,
// and the log keeps the snapshot until View returns; on an in-memory
// database (a rollback journal) a write waits for View to return, and
// fails with SQLITE_BUSY after the busy timeout (10 s): a View there must
// be short.
func (s *Store) View(ctx context.Context, fn func(r storage.Reader) error) (err error) {
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: view: %w", err)
	}
	defer conn.Close()
	var q queries
	defer func() { err = errors.Join(err, q.close()) }()
	if err := q.prepare(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("sqlite: view: begin: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
			err = errors.Join(err, fmt.Errorf("sqlite: view: end: %w", rerr))
		}
	}()
	// The snapshot is taken by the first read: take it now, so that it
	// is the state of when View started whatever fn reads first.
	if _, err := conn.ExecContext(ctx, "SELECT 1 FROM pools LIMIT 1"); err != nil {
		return fmt.Errorf("sqlite: view: %w", err)
	}
	// A tx without a writer reads with q alone; poolsWritten keeps
	// GetPool away from the pool cache.
	t := &tx{w: &writer{read: q, poolsWritten: true}}
	defer func() { t.done = true }()
	return fn(view{t})
}

// view is the Reader View hands out: a tx's reads, without its writes.
type view struct{ storage.Reader }
