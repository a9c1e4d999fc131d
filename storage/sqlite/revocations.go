package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idpool/idpool/storage"
)

const qRevocations = `SELECT kind, id, expires FROM revocations WHERE expires > ?1 ORDER BY kind, id`

// credQueries are the reads of the revocations.
type credQueries struct {
	revocations *sql.Stmt
}

func (q *credQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.revocations: qRevocations,
	})
}

func (q *credQueries) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{q.revocations} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

func (q *credQueries) revoked(ctx context.Context, now time.Time) ([]storage.Revocation, error) {
	rows, err := q.revocations.QueryContext(ctx, millis(now))
	if err != nil {
		return nil, fmt.Errorf("sqlite: revocations: %w", err)
	}
	defer rows.Close()
	var rs []storage.Revocation
	for rows.Next() {
		var (
			r   storage.Revocation
			exp int64
		)
		if err := rows.Scan(&r.Kind, &r.ID, &exp); err != nil {
			return nil, fmt.Errorf("sqlite: revocations: %w", err)
		}
		r.Expires = fromMillis(exp)
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: revocations: %w", err)
	}
	return rs, nil
}

// credStmts are the writes of the revocations.
type credStmts struct {
	revoke, forgetRevocations *sql.Stmt
}

func (st *credStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.revoke:            `INSERT INTO revocations (kind, id, expires) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET expires = max(expires, excluded.expires)`,
		&st.forgetRevocations: `DELETE FROM revocations WHERE expires < ?1`,
	})
}

func (st *credStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.revoke, st.forgetRevocations} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// Revocations implements storage.Reader.
func (s *Store) Revocations(ctx context.Context, now time.Time) ([]storage.Revocation, error) {
	return s.read.revoked(ctx, now)
}

// Revocations implements storage.Reader.
func (t *tx) Revocations(ctx context.Context, now time.Time) ([]storage.Revocation, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.revoked(context.Background(), now)
}

// Revoke implements storage.Tx.
func (t *tx) Revoke(ctx context.Context, r storage.Revocation) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, err := exec(t.w.st.revoke, r.Kind, r.ID, millis(r.Expires)); err != nil {
		return fmt.Errorf("sqlite: revoke %s %s: %w", r.Kind, r.ID, err)
	}
	return nil
}

// ForgetExpired implements storage.Tx.
func (t *tx) ForgetExpired(ctx context.Context, before time.Time) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, err := exec(t.w.st.forgetRevocations, millis(before)); err != nil {
		return fmt.Errorf("sqlite: forget expired: %w", err)
	}
	return nil
}
