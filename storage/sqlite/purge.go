package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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

// liveWindow is the window of a step of DeleteIdentitiesStep, as table
// w: the identities of the JSON array of ids ?2 that pool ?1 holds, and
// none if the pool is marked deleted, so that such a step never touches
// another pool, nor a deleted one, which is the purger's.
const liveWindow = `(SELECT i.id FROM json_each(?2) AS j CROSS JOIN identities AS i ON i.id = j.value
	WHERE i.pool_id = ?1 AND NOT EXISTS (SELECT 1 FROM pools WHERE id = ?1 AND deleted <> 0)) AS w`

// qLiveDatasets lists up to ?3 datasets of the identities of liveWindow,
// in the order the join finds them (json_each gives no index to order
// them by, and none is needed: a step takes what it finds first).
const qLiveDatasets = `SELECT d.identity_id, d.name
	FROM ` + liveWindow + ` JOIN datasets AS d ON d.identity_id = w.id LIMIT ?3`

// liveStmts are the statements of DeleteIdentitiesStep and of the
// record of a reset in progress.
type liveStmts struct {
	// liveDatasets is qLiveDatasets; dropTombstones removes up to ?3
	// deleted records of one of them, countRecords counts the records
	// it holds, and dropRecords and dropDataset remove it;
	// liveIdentities removes those of the identities of liveWindow left
	// without datasets.
	liveDatasets, dropTombstones, countRecords, dropRecords, dropDataset, liveIdentities *sql.Stmt
	// setReset and clearReset write the one row of reset_pending.
	setReset, clearReset *sql.Stmt
}

func (st *liveStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.liveDatasets: qLiveDatasets,
		// A walk of the dataset's primary-key range that passes its
		// live records (at most 1,024) to find the tombstones.
		&st.dropTombstones: `DELETE FROM records WHERE (identity_id, dataset, key) IN (SELECT identity_id, dataset, key FROM records
			WHERE identity_id = ?1 AND dataset = ?2 AND value IS NULL LIMIT ?3)`,
		&st.countRecords:   `SELECT count(*) FROM records WHERE identity_id = ?1 AND dataset = ?2`,
		&st.dropRecords:    `DELETE FROM records WHERE identity_id = ?1 AND dataset = ?2`,
		&st.dropDataset:    `DELETE FROM datasets WHERE identity_id = ?1 AND name = ?2`,
		&st.liveIdentities: stepStmts(liveWindow)[2],
		&st.setReset:       `INSERT INTO reset_pending (id) VALUES (1) ON CONFLICT DO NOTHING`,
		&st.clearReset:     `DELETE FROM reset_pending`,
	})
}

func (st *liveStmts) close() error {
	return closeAll(st.liveDatasets, st.dropTombstones, st.countRecords, st.dropRecords, st.dropDataset, st.liveIdentities, st.setReset, st.clearReset)
}

// stepStmts are the statements of a step on the identities of window
// (purgeWindow or liveWindow, of parameters ?1 and ?2): up to ?3 of
// their records, up to ?3 of their datasets left without records, then
// those of them left without datasets, whose logins, devices and
// subscriptions the foreign keys remove with them. Each is a walk of
// primary keys from the window.
func stepStmts(window string) [3]string {
	return [3]string{`DELETE FROM records WHERE (identity_id, dataset, key) IN (SELECT r.identity_id, r.dataset, r.key FROM ` + window + ` JOIN records AS r ON r.identity_id = w.id LIMIT ?3)`,
		`DELETE FROM datasets WHERE (identity_id, name) IN (SELECT d.identity_id, d.name FROM ` + window + ` JOIN datasets AS d ON d.identity_id = w.id
			WHERE NOT EXISTS (SELECT 1 FROM records AS r WHERE r.identity_id = d.identity_id AND r.dataset = d.name) LIMIT ?3)`,
		`DELETE FROM identities WHERE id IN (SELECT w.id FROM ` + window + `
			WHERE NOT EXISTS (SELECT 1 FROM datasets AS d WHERE d.identity_id = w.id))`}
}

// step runs the statements of one step (see stepStmts), with window
// arguments a1 and a2, in order: each takes only what the one before it
// has emptied, so a full one (purgeRows rows) ends the step. It returns
// whether the last one ran, and how many identities it removed.
func (t *tx) step(s [3]*sql.Stmt, a1, a2 any) (identities int64, reached bool, err error) {
	for _, stmt := range s[:2] {
		n, err := t.remove(stmt, a1, a2, purgeRows)
		if err != nil || n == purgeRows {
			return 0, false, err
		}
	}
	identities, err = t.remove(s[2], a1, a2)
	return identities, err == nil, err
}

// remove runs a statement of a step and returns how many rows it removed.
func (t *tx) remove(stmt *sql.Stmt, args ...any) (int64, error) {
	res, err := exec(stmt, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if n > 0 {
		// Datasets went, or records of them: the sync cache must forget.
		t.w.allDatasets = true
	}
	return n, err
}

// purgeStep removes a bounded part of the pool id, if it is marked
// deleted, and the pool itself once nothing else of it is left. It
// reports whether nothing of a deleted pool of that id is left, which
// is at once the case for a live pool or an unknown id.
func (t *tx) purgeStep(id string) (gone bool, err error) {
	st := &t.w.st
	n, reached, err := t.step(st.purgeSteps, id, purgeSpan)
	if err != nil || !reached || n == purgeSpan {
		return false, err
	}
	// The window held every identity the pool had left.
	if _, err := exec(st.finishPurge, id); err != nil {
		return false, err
	}
	return true, nil
}

// DeleteIdentitiesStep implements storage.Tx with a step on the
// identities ids of the live pool poolID that removes whole datasets, each
// with its records in the statement after it, as DeleteIdentity would,
// then, once none is left, the identities with their logins and devices.
// A step removes up to purgeRows rows, or one whole dataset if that is
// more (see dropDatasets), so it holds other writes for a few
// milliseconds whatever the identities hold, as a purge step does. A
// dataset's tombstones (records deleted at run time, a removal of a key
// it never held included) have no limit, so they go first, purgeRows at
// a time; no count holds them (a dataset's NumRecords and DataStorage,
// and its pool's usage totals, which triggers on datasets keep, count
// its live records only), so a dataset that lost some of them still has
// counts matching its records. A crash between two steps therefore
// leaves every dataset as a serial order would, whole but perhaps for
// tombstones. (A purge step may leave a dataset part-removed: its pool
// is hidden.) The identities that lost a merge to those it removes
// forget them, as DeleteIdentity has them do.
func (t *tx) DeleteIdentitiesStep(ctx context.Context, poolID string, ids []string) (done bool, err error) {
	if err := t.check(ctx); err != nil {
		return false, err
	}
	if len(ids) == 0 {
		return true, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return false, fmt.Errorf("sqlite: delete identities of %s: %w", poolID, err)
	}
	st := &t.w.st
	err = t.atomically(func() error {
		more, err := t.dropDatasets(poolID, string(list))
		if err != nil || more {
			return err
		}
		if _, err := exec(st.liveIdentities, poolID, string(list)); err != nil {
			return err
		}
		done = true
		_, err = exec(st.unmergeGone, string(list))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: delete identities of %s: %w", poolID, err)
	}
	return done, nil
}

// dropDatasets removes datasets of the identities list (a JSON array) of
// the live pool poolID, up to purgeRows rows, and reports whether any is
// left. Of each dataset in turn it removes the tombstones first, then,
// once none is left, the dataset with its live records (at most 1,024)
// if they fit in what is left of the step, or in any case when the step
// has removed nothing else, so that every step makes progress.
func (t *tx) dropDatasets(poolID, list string) (more bool, err error) {
	st := &t.w.st
	// Each dataset costs a row at least: a step removes no more than
	// purgeRows of them.
	var found []dsKey
	rows, err := st.liveDatasets.QueryContext(context.Background(), poolID, list, purgeRows)
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var k dsKey
		if err := rows.Scan(&k.identity, &k.name); err != nil {
			rows.Close()
			return false, err
		}
		found = append(found, k)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return false, err
	}
	left := int64(purgeRows)
	for _, k := range found {
		t.wrote(k.identity, k.name)
		n, err := t.remove(st.dropTombstones, k.identity, k.name, left)
		if err != nil {
			return false, err
		}
		if left -= n; left == 0 {
			return true, nil // tombstones may be left: the next step goes on
		}
		var live int64
		if err := st.countRecords.QueryRowContext(context.Background(), k.identity, k.name).Scan(&live); err != nil {
			return false, err
		}
		if left < purgeRows && 1+live > left {
			return true, nil
		}
		if _, err := exec(st.dropRecords, k.identity, k.name); err != nil {
			return false, err
		}
		if _, err := exec(st.dropDataset, k.identity, k.name); err != nil {
			return false, err
		}
		if left -= 1 + live; left <= 0 {
			return true, nil
		}
	}
	// Each dataset cost a row at least, and rows were left: the query
	// found every dataset there was.
	return false, nil
}

// ResetPending implements storage.Store: at Open, a reset recorded as in
// progress is one that a crash interrupted, which fixtures.Fixture.Apply
// completes.
func (s *Store) ResetPending(ctx context.Context) (bool, error) {
	var pending bool
	err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reset_pending)`).Scan(&pending)
	if err != nil {
		return false, fmt.Errorf("sqlite: read the reset in progress: %w", err)
	}
	return pending, nil
}

// SetResetPending implements storage.Tx: it records that a reset is in
// progress, or with pending false that none is: a reset of many
// transactions records it in the same transaction as its first
// destructive step and forgets it in its last (fixtures.Fixture.Reset),
// so that a crash in between leaves the record for the next start.
func (t *tx) SetResetPending(ctx context.Context, pending bool) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	stmt := t.w.st.clearReset
	if pending {
		stmt = t.w.st.setReset
	}
	if _, err := exec(stmt); err != nil {
		return fmt.Errorf("sqlite: record the reset in progress: %w", err)
	}
	return nil
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
