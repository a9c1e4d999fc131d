package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idpool/idpool/storage"
)

// A purge step removes rows of one pool marked deleted. It runs on the
// writer as one request among others, so what it removes is bounded by
// rows, whatever the pool's identities hold: a step works on a window of
// the pool's first purgeSpan identities, and removes up to purgeRows of
// their Cognito Sync records, then (when those are all gone) up to
// purgeRows of their datasets, then those of them left without datasets,
// with their few logins and devices. Removing a record with its index
// entries costs a few microseconds, so a step holds other writes for a
// few milliseconds, its commit included (an identity of 20 datasets of
// 1024 records, within AWS's limits, takes about twenty steps), and
// removes a pool of plain identities purgeSpan at a time, as before.
// Smaller steps would only add commits: the purger rests as long as a
// step took, and a pool of a million records goes in well under a minute.
const (
	purgeSpan = 100
	purgeRows = 1000
)

// purgeWindow is the window of a step, as table w: the first ?2
// identities of pool ?1 (a range of the index identities_pool), and
// none if the pool is not marked deleted, so that a step never touches a
// live pool.
const purgeWindow = `(SELECT id FROM identities WHERE pool_id = ?1
	AND EXISTS (SELECT 1 FROM pools WHERE id = ?1 AND deleted <> 0) ORDER BY id LIMIT ?2) AS w`

// purgeStep removes a bounded part of the pool id, if it is marked
// deleted, and the pool itself once nothing else of it is left. It
// reports whether nothing of a deleted pool of that id is left, which
// is at once the case for a live pool or an unknown id.
func (t *tx) purgeStep(id string) (gone bool, err error) {
	st := &t.w.st
	// Each statement takes only what the one before it has emptied: a
	// full one ends the step.
	for _, s := range []struct {
		stmt *sql.Stmt
		args []any
		full int64
	}{
		{st.purgeRecords, []any{id, purgeSpan, purgeRows}, purgeRows},
		{st.purgeDatasets, []any{id, purgeSpan, purgeRows}, purgeRows},
		{st.purgeIdentities, []any{id, purgeSpan}, purgeSpan},
	} {
		res, err := exec(s.stmt, s.args...)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		if n > 0 {
			// Datasets went, or records of them: the sync cache must
			// forget.
			t.w.allDatasets = true
		}
		if n == s.full {
			return false, nil
		}
	}
	// The window held every identity the pool had left.
	if _, err := exec(st.finishPurge, id); err != nil {
		return false, err
	}
	return true, nil
}

// PurgePool removes what is left of a deleted pool of the id, in bounded
// steps, each its own transaction, and returns once nothing of it is
// left; it does nothing for a live pool or an unknown id. Creating a pool
// of an id still being purged removes the rest of the old one in the
// creating transaction, in one statement however much is left: a caller
// about to re-create a pool of a known id (a fixture) calls PurgePool
// first, so that other writes wait for a step at a time rather than for
// the whole of it.
func (s *Store) PurgePool(ctx context.Context, id string) error {
	for gone := false; !gone; {
		err := s.Update(ctx, func(stx storage.Tx) error {
			var err error
			gone, err = stx.(*tx).purgeStep(id)
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: purge deleted pool %s: %w", id, err)
		}
	}
	return nil
}

// purge removes the pools marked deleted, a step per Update, whenever the
// writer wakes it, until stop is closed. It is woken once at Open to
// finish what a crash interrupted.
func (s *Store) purge(wake <-chan struct{}, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case <-stop:
			return
		case <-wake:
		}
		for {
			select {
			case <-stop:
				return
			default:
			}
			t0 := time.Now()
			more, err := s.purgeNext()
			if err != nil || !more {
				// An error leaves the mark: the pool stays invisible,
				// and the next wake (or Open) takes it up again.
				break
			}
			// Rest as long as the step took: the purge takes at most
			// half of the writer, and the WAL checkpoints its pages in
			// between rather than all at once.
			select {
			case <-stop:
				return
			case <-time.After(time.Since(t0)):
			}
		}
	}
}

// purgeNext runs one purge step on a marked pool, if any, and reports
// whether one was found.
func (s *Store) purgeNext() (found bool, err error) {
	err = s.Update(context.Background(), func(stx storage.Tx) error {
		t := stx.(*tx)
		var id string
		err := t.w.st.nextMarked.QueryRowContext(context.Background()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		_, err = t.purgeStep(id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: purge deleted pools: %w", err)
	}
	return found, nil
}
