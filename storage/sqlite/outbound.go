package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// The account's outbound identity federation (migration 0014): one row
// of outbound_federation, once it was first enabled, and its keys.

// outboundQueries are the reads of the outbound federation.
type outboundQueries struct {
	getOutbound, outboundKeys *sql.Stmt
}

func (q *outboundQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.getOutbound:  `SELECT issuer, enabled FROM outbound_federation`,
		&q.outboundKeys: `SELECT alg, private_key, created FROM outbound_keys ORDER BY created, alg`,
	})
}

func (q *outboundQueries) close() error {
	return closeAll(q.getOutbound, q.outboundKeys)
}

// outboundStmts are the writes of the outbound federation.
type outboundStmts struct {
	setOutbound, insertOutboundKey *sql.Stmt
}

func (st *outboundStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.setOutbound: `INSERT INTO outbound_federation (id, issuer, enabled) VALUES (1, ?1, ?2)
			ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, enabled = excluded.enabled`,
		&st.insertOutboundKey: `INSERT INTO outbound_keys (alg, private_key, created) VALUES (?1, ?2, ?3)`,
	})
}

func (st *outboundStmts) close() error {
	return closeAll(st.setOutbound, st.insertOutboundKey)
}

// outboundFederation reads the outbound federation with s.
func outboundFederation(ctx context.Context, s *sql.Stmt) (storage.OutboundFederation, error) {
	var (
		f       storage.OutboundFederation
		enabled int64
	)
	err := s.QueryRowContext(ctx).Scan(&f.Issuer, &enabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return f, fmt.Errorf("sqlite: get outbound federation: %w", storage.ErrNotFound)
	case err != nil:
		return f, fmt.Errorf("sqlite: get outbound federation: %w", err)
	}
	f.Enabled = enabled != 0
	return f, nil
}

// outboundKeys reads the outbound issuer's keys with s.
func outboundKeys(ctx context.Context, s *sql.Stmt) ([]storage.OutboundKey, error) {
	rows, err := s.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: outbound keys: %w", err)
	}
	defer rows.Close()
	var keys []storage.OutboundKey
	for rows.Next() {
		var (
			k       storage.OutboundKey
			created int64
		)
		if err := rows.Scan(&k.Algorithm, &k.PrivateKey, &created); err != nil {
			return nil, fmt.Errorf("sqlite: outbound keys: %w", err)
		}
		k.CreatedAt = fromMillis(created)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: outbound keys: %w", err)
	}
	return keys, nil
}

// OutboundFederation implements storage.Reader.
func (s *Store) OutboundFederation(ctx context.Context) (storage.OutboundFederation, error) {
	return outboundFederation(byKey(ctx), s.read.getOutbound)
}

// OutboundKeys implements storage.Reader.
func (s *Store) OutboundKeys(ctx context.Context) ([]storage.OutboundKey, error) {
	return outboundKeys(byKey(ctx), s.read.outboundKeys)
}

// OutboundFederation implements storage.Reader.
func (t *tx) OutboundFederation(ctx context.Context) (storage.OutboundFederation, error) {
	return txRead(t, ctx, func(c context.Context) (storage.OutboundFederation, error) {
		return outboundFederation(c, t.w.read.getOutbound)
	})
}

// OutboundKeys implements storage.Reader.
func (t *tx) OutboundKeys(ctx context.Context) ([]storage.OutboundKey, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.OutboundKey, error) {
		return outboundKeys(c, t.w.read.outboundKeys)
	})
}

// SetOutboundFederation implements storage.Tx: the one row of
// outbound_federation holds it.
func (t *tx) SetOutboundFederation(ctx context.Context, f storage.OutboundFederation) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, err := exec(t.w.st.setOutbound, f.Issuer, boolInt(f.Enabled)); err != nil {
		return fmt.Errorf("sqlite: set outbound federation: %w", sentinel(err))
	}
	return nil
}

// CreateOutboundKey implements storage.Tx.
func (t *tx) CreateOutboundKey(ctx context.Context, k storage.OutboundKey) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	// A nil key would violate NOT NULL; store it as empty.
	key := k.PrivateKey
	if key == nil {
		key = []byte{}
	}
	if _, err := exec(t.w.st.insertOutboundKey, k.Algorithm, key, millis(k.CreatedAt)); err != nil {
		return fmt.Errorf("sqlite: create outbound key %s: %w", k.Algorithm, sentinel(err))
	}
	return nil
}
