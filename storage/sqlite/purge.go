package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idpool/idpool/storage"
)

// purgeBatch is how many identities one purge step removes, with
// everything they hold. A step is one request among others on the
// writer, so it bounds how long a pool deletion holds up other writes
// (a few milliseconds for identities with a login or two each).
const purgeBatch = 100

// purgeStep removes up to purgeBatch identities of the pool id, marked
// deleted, and the pool itself once it has none left. It reports whether
// the pool is gone.
func (t *tx) purgeStep(id string) (gone bool, err error) {
	st := &t.w.st
	// The identities' datasets go with them: the sync cache must forget.
	t.w.allDatasets = true
	res, err := exec(st.purgeIdentities, id, purgeBatch)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == purgeBatch {
		return false, err
	}
	if _, err := exec(st.finishPurge, id); err != nil {
		return false, err
	}
	return true, nil
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
