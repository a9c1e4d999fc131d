package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idpool/idpool/storage"
)

const (
	qIssuedCredentials = `SELECT session_token, expires FROM issued_credentials WHERE access_key_id = ?1`
	qRevocations       = `SELECT kind, id, expires FROM revocations WHERE expires > ?1 ORDER BY kind, id`
)

// credQueries are the reads of the credentials log.
type credQueries struct {
	issued, revocations *sql.Stmt
}

func (q *credQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.issued:      qIssuedCredentials,
		&q.revocations: qRevocations,
	})
}

func (q *credQueries) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{q.issued, q.revocations} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

func (q *credQueries) issuedCredentials(ctx context.Context, akid string) (storage.IssuedCredentials, error) {
	c := storage.IssuedCredentials{AccessKeyID: akid}
	var exp int64
	err := q.issued.QueryRowContext(ctx, akid).Scan(&c.SessionToken, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.IssuedCredentials{}, fmt.Errorf("sqlite: issued credentials %s: %w", akid, storage.ErrNotFound)
	}
	if err != nil {
		return storage.IssuedCredentials{}, fmt.Errorf("sqlite: issued credentials %s: %w", akid, err)
	}
	c.Expiration = fromMillis(exp)
	return c, nil
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

// credStmts are the writes of the credentials log.
type credStmts struct {
	record, revoke, forgetCreds, forgetRevocations *sql.Stmt
}

func (st *credStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.record:            `INSERT INTO issued_credentials (access_key_id, session_token, expires) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`,
		&st.revoke:            `INSERT INTO revocations (kind, id, expires) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET expires = max(expires, excluded.expires)`,
		&st.forgetCreds:       `DELETE FROM issued_credentials WHERE expires < ?1`,
		&st.forgetRevocations: `DELETE FROM revocations WHERE expires < ?1`,
	})
}

func (st *credStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.record, st.revoke, st.forgetCreds, st.forgetRevocations} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// IssuedCredentials implements storage.Reader.
func (s *Store) IssuedCredentials(ctx context.Context, akid string) (storage.IssuedCredentials, error) {
	return s.read.issuedCredentials(ctx, akid)
}

// Revocations implements storage.Reader.
func (s *Store) Revocations(ctx context.Context, now time.Time) ([]storage.Revocation, error) {
	return s.read.revoked(ctx, now)
}

// IssuedCredentials implements storage.Reader.
func (t *tx) IssuedCredentials(ctx context.Context, akid string) (storage.IssuedCredentials, error) {
	if err := t.check(ctx); err != nil {
		return storage.IssuedCredentials{}, err
	}
	return t.w.read.issuedCredentials(context.Background(), akid)
}

// Revocations implements storage.Reader.
func (t *tx) Revocations(ctx context.Context, now time.Time) ([]storage.Revocation, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.revoked(context.Background(), now)
}

// RecordCredentials implements storage.Tx.
func (t *tx) RecordCredentials(ctx context.Context, cs []storage.IssuedCredentials) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	err := t.atomically(func() error {
		for _, c := range cs {
			if _, err := exec(t.w.st.record, c.AccessKeyID, c.SessionToken, millis(c.Expiration)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: record credentials: %w", err)
	}
	return nil
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
	err := t.atomically(func() error {
		if _, err := exec(t.w.st.forgetCreds, millis(before)); err != nil {
			return err
		}
		_, err := exec(t.w.st.forgetRevocations, millis(before))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: forget expired: %w", err)
	}
	return nil
}
