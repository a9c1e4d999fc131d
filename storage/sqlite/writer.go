package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// request is one Update waiting for the writer.
type request struct {
	ctx  context.Context
	fn   func(storage.Tx) error
	done chan error // buffered: the writer never waits for the caller
}

// panicError carries a panic of fn from the writer goroutine to its caller.
type panicError struct{ value any }

func (p *panicError) Error() string { return fmt.Sprintf("sqlite: update panicked: %v", p.value) }

// writer owns the single write connection. Only its goroutine (loop) uses
// conn and the statements prepared on it.
type writer struct {
	conn     *sql.Conn
	cache    *poolCache
	sync     *syncCache
	maxBatch int

	read queries // Reader statements, for reads inside Update
	st   writeStmts

	// poolsWritten records that the current transaction wrote a pool: the
	// pool cache no longer matches it, and must be invalidated at its end.
	poolsWritten bool
	// datasetsWritten lists the datasets the current transaction may have
	// written, and allDatasets says it may have written any (a cascade):
	// the sync cache must forget them at its end.
	datasetsWritten []dsKey
	allDatasets     bool
	// marked says the current transaction left a pool marked deleted
	// with rows still to remove: the purger must be woken after it.
	marked bool
	// purge wakes the purger (buffered, never waited on).
	purge chan<- struct{}
	// committing holds the requests of the current batch whose fn
	// succeeded; they learn the outcome of COMMIT.
	committing []*request
}

// writeStmts are the statements only the writer runs.
type writeStmts struct {
	begin, commit, rollback              *sql.Stmt
	saveReq, releaseReq, rollbackReq     *sql.Stmt
	saveOp, releaseOp, rollbackOp        *sql.Stmt
	insertPool, updatePool, deletePool   *sql.Stmt
	finishPurge, markPool, nextMarked    *sql.Stmt
	purgeSteps                           [3]*sql.Stmt // see stepStmts
	unmergeGone                          *sql.Stmt
	insertIdentity, updateIdentity       *sql.Stmt
	deleteIdentity, unmerge, dropDead    *sql.Stmt
	insertLogin, deleteLogins            *sql.Stmt
	insertKey, deactivateKeys, deleteKey *sql.Stmt
	insertSecret                         *sql.Stmt
	syncStmts
	credStmts
	iamStmts
	groupStmts
	outboundStmts
	liveStmts
}

func (w *writer) prepare(ctx context.Context) error {
	if err := w.read.prepare(ctx, w.conn); err != nil {
		return err
	}
	st := &w.st
	if err := st.syncStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	if err := st.credStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	if err := st.iamStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	if err := st.groupStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	if err := st.outboundStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	if err := st.liveStmts.prepare(ctx, w.conn); err != nil {
		return err
	}
	purge := stepStmts(purgeWindow)
	return prepareAll(ctx, w.conn, map[**sql.Stmt]string{
		&st.begin:    `BEGIN IMMEDIATE`,
		&st.commit:   `COMMIT`,
		&st.rollback: `ROLLBACK`,
		// Each Update runs inside savepoint "req"; each multi-statement
		// Tx method inside savepoint "op", nested in it.
		&st.saveReq:     `SAVEPOINT req`,
		&st.releaseReq:  `RELEASE req`,
		&st.rollbackReq: `ROLLBACK TO req`,
		&st.saveOp:      `SAVEPOINT op`,
		&st.releaseOp:   `RELEASE op`,
		&st.rollbackOp:  `ROLLBACK TO op`,

		&st.insertPool: `INSERT INTO pools (id, name, config, created, modified) VALUES (?1, ?2, ?3, ?4, ?5)`,
		&st.updatePool: `UPDATE pools SET name = ?2, config = ?3, created = ?4, modified = ?5 WHERE id = ?1 AND deleted = 0`,
		&st.deletePool: `DELETE FROM pools WHERE id = ?1`,
		// A pool is deleted by marking it, then removing its rows a step
		// at a time, then its own row (purge.go). A step works on the
		// first ?2 identities of the pool (an index range of
		// identities_pool), and none touches a pool that is not marked.
		&st.markPool:      `UPDATE pools SET deleted = 1 WHERE id = ?1 AND deleted = 0`,
		&st.purgeSteps[0]: purge[0], &st.purgeSteps[1]: purge[1], &st.purgeSteps[2]: purge[2],
		// Once DeleteIdentitiesStep (purge.go) has removed the identities
		// ?1, the identities merged into them forget them, on the partial
		// index of merged identities.
		&st.unmergeGone: `UPDATE identities SET merged_into = '' WHERE merged_into IN (SELECT value FROM json_each(?1))
			AND merged_into <> '' AND NOT EXISTS (SELECT 1 FROM identities AS g WHERE g.id = identities.merged_into)`,
		&st.nextMarked:  `SELECT id FROM pools WHERE deleted <> 0 LIMIT 1`,
		&st.finishPurge: `DELETE FROM pools WHERE id = ?1 AND deleted <> 0`,

		// Nothing is written into a pool marked deleted: the pool's
		// identities, and the identities of such a pool, are not found.
		&st.insertIdentity: `INSERT INTO identities (id, pool_id, disabled, merged_into, created, modified)
			SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM pools WHERE id = ?2 AND deleted <> 0)`,
		&st.updateIdentity: `UPDATE identities AS i SET pool_id = ?2, disabled = ?3, merged_into = ?4, created = ?5, modified = ?6
			WHERE id = ?1 AND ` + livePool,
		&st.deleteIdentity: `DELETE FROM identities AS i WHERE id = ?1 AND ` + livePool,
		// An identity of a pool marked deleted, which the purger has not
		// removed yet, with everything it holds (the foreign keys
		// cascade): its id is free (CreateIdentity).
		&st.dropDead: `DELETE FROM identities AS i WHERE id = ?1 AND NOT ` + livePool,
		// On the partial index of merged identities: only the identities
		// merged into ?1 are read.
		&st.unmerge:      `UPDATE identities SET merged_into = '' WHERE merged_into = ?1 AND merged_into <> ''`,
		&st.insertLogin:  `INSERT INTO logins (pool_id, provider, user_id, identity_id, seq) VALUES (?1, ?2, ?3, ?4, ?5)`,
		&st.deleteLogins: `DELETE FROM logins WHERE identity_id = ?1`,

		&st.insertKey: `INSERT INTO signing_keys (kid, private_key, created, active, retired) VALUES (?1, ?2, ?3, ?4, ?5)`,
		// Every other key stops signing now, at the latest: the active
		// one, and those stored inactive since it was made.
		&st.deactivateKeys: `UPDATE signing_keys SET active = 0, retired = coalesce(retired, ?2)
			WHERE kid <> ?1 AND (active <> 0 OR retired IS NULL)`,
		// The active key stays (storage.Tx.DeleteSigningKey).
		&st.deleteKey:    `DELETE FROM signing_keys WHERE kid = ?1 AND active = 0`,
		&st.insertSecret: `INSERT INTO secrets (name, value, created) VALUES (?1, ?2, CAST(unixepoch('subsec') * 1000 AS INTEGER))`,
	})
}

func (w *writer) close() error {
	st := &w.st
	errs := []error{w.read.close(), st.syncStmts.close(), st.credStmts.close(), st.iamStmts.close(), st.groupStmts.close(), st.outboundStmts.close(), st.liveStmts.close()}
	for _, s := range append(st.purgeSteps[:],
		st.begin, st.commit, st.rollback,
		st.saveReq, st.releaseReq, st.rollbackReq,
		st.saveOp, st.releaseOp, st.rollbackOp,
		st.insertPool, st.updatePool, st.deletePool,
		st.markPool, st.nextMarked, st.finishPurge, st.unmergeGone,
		st.insertIdentity, st.updateIdentity, st.deleteIdentity, st.unmerge, st.dropDead,
		st.insertLogin, st.deleteLogins,
		st.insertKey, st.deactivateKeys, st.deleteKey, st.insertSecret,
	) {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	errs = append(errs, w.conn.Close())
	return errors.Join(errs...)
}

// exec runs a writer statement. Writer statements always run under the
// background context: SQLite answers an interrupted write inside a
// transaction by rolling back the whole transaction, which here is shared
// by every request of the batch.
func exec(s *sql.Stmt, args ...any) (sql.Result, error) {
	return s.ExecContext(context.Background(), args...)
}

// loop serves reqs until it is closed and drained, then closes done.
func (w *writer) loop(reqs <-chan *request, done chan<- struct{}) {
	defer close(done)
	for r := range reqs {
		w.batch(r, reqs)
	}
}

// batch runs first and whatever else is queued, up to maxBatch requests,
// in one transaction, and answers every one of them.
func (w *writer) batch(first *request, reqs <-chan *request) {
	if err := first.ctx.Err(); err != nil {
		first.done <- err
		return
	}
	if _, err := exec(w.st.begin); err != nil {
		first.done <- fmt.Errorf("sqlite: begin: %w", err)
		return
	}
	w.poolsWritten = false
	w.datasetsWritten = w.datasetsWritten[:0]
	w.allDatasets = false
	w.marked = false
	w.committing = w.committing[:0]

	var broken error // the transaction can no longer be trusted
	r := first
	for n := 1; ; n++ {
		if broken = w.run(r); broken != nil {
			break
		}
		if n == w.maxBatch {
			break
		}
		var ok bool
		select {
		case r, ok = <-reqs:
		default:
		}
		if !ok {
			break
		}
	}

	var err error
	if broken == nil {
		if _, err = exec(w.st.commit); err != nil {
			err = fmt.Errorf("sqlite: commit: %w", err)
		}
	} else {
		err = broken
	}
	if err != nil {
		// After a failed COMMIT the transaction may still be open; if it
		// is not, this ROLLBACK fails harmlessly.
		_, _ = exec(w.st.rollback)
	}
	if w.poolsWritten {
		// Before anyone learns of the commit: from now on a reader
		// either finds nothing cached or a pool read after this point.
		w.cache.invalidate()
	}
	switch {
	case w.allDatasets:
		w.sync.invalidateAll()
	case len(w.datasetsWritten) > 0:
		w.sync.invalidate(w.datasetsWritten)
		clear(w.datasetsWritten)
	}
	if w.marked && err == nil {
		select {
		case w.purge <- struct{}{}:
		default: // already awake, or about to be
		}
	}
	for _, r := range w.committing {
		r.done <- err
	}
	clear(w.committing)
}

// run runs one request's fn inside savepoint "req" and answers it at once
// if it failed; a request that succeeded joins w.committing. A non-nil
// result means the transaction is broken: the savepoint could not be
// released or rolled back, so the batch must not commit. r is answered
// in every case but the one where it joined w.committing.
func (w *writer) run(r *request) (broken error) {
	if err := r.ctx.Err(); err != nil {
		r.done <- err
		return nil
	}
	if _, err := exec(w.st.saveReq); err != nil {
		err = fmt.Errorf("sqlite: savepoint: %w", err)
		r.done <- err
		return err
	}
	t := &tx{w: w}
	err := call(r.fn, t)
	t.done = true
	if err != nil {
		r.done <- err
		if _, rerr := exec(w.st.rollbackReq); rerr != nil {
			return fmt.Errorf("sqlite: rollback to savepoint: %w", rerr)
		}
		if _, rerr := exec(w.st.releaseReq); rerr != nil {
			return fmt.Errorf("sqlite: release savepoint: %w", rerr)
		}
		return nil
	}
	if _, err := exec(w.st.releaseReq); err != nil {
		err = fmt.Errorf("sqlite: release savepoint: %w", err)
		r.done <- err
		return err
	}
	w.committing = append(w.committing, r)
	return nil
}

// call runs fn, turning a panic into a *panicError.
func call(fn func(storage.Tx) error, t *tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v}
		}
	}()
	return fn(t)
}
