package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/idpool/idpool/storage"
)

// IAM groups are stored as the other IAM entities are: the JSON encoding
// of the storage value under the group's name (migration 0013).

// groupQueries are the reads of the IAM groups.
type groupQueries struct {
	getGroup, listGroups *sql.Stmt
}

func (q *groupQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.getGroup:   `SELECT data FROM iam_groups WHERE name = ?1`,
		&q.listGroups: `SELECT data FROM iam_groups ORDER BY name`,
	})
}

func (q *groupQueries) close() error { return closeAll(q.getGroup, q.listGroups) }

// groupStmts are the writes of the IAM groups.
type groupStmts struct {
	insertGroup, updateGroup, deleteGroup *sql.Stmt
}

func (st *groupStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.insertGroup: `INSERT INTO iam_groups (name, data) VALUES (?1, ?2)`,
		&st.updateGroup: `UPDATE iam_groups SET data = ?2 WHERE name = ?1`,
		&st.deleteGroup: `DELETE FROM iam_groups WHERE name = ?1`,
	})
}

func (st *groupStmts) close() error { return closeAll(st.insertGroup, st.updateGroup, st.deleteGroup) }

// closeAll closes the statements that were prepared.
func closeAll(stmts ...*sql.Stmt) error {
	var errs []error
	for _, s := range stmts {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// GetGroup implements storage.Reader.
func (s *Store) GetGroup(ctx context.Context, name string) (storage.Group, error) {
	return getJSON[storage.Group](byKey(ctx), s.read.getGroup, "group", name)
}

// ListGroups implements storage.Reader.
func (s *Store) ListGroups(ctx context.Context) ([]storage.Group, error) {
	return listJSON[storage.Group](ctx, s.read.listGroups, "groups")
}

// GetGroup implements storage.Reader.
func (t *tx) GetGroup(ctx context.Context, name string) (storage.Group, error) {
	return txRead(t, ctx, func(c context.Context) (storage.Group, error) {
		return getJSON[storage.Group](c, t.w.read.getGroup, "group", name)
	})
}

// ListGroups implements storage.Reader.
func (t *tx) ListGroups(ctx context.Context) ([]storage.Group, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.Group, error) {
		return listJSON[storage.Group](c, t.w.read.listGroups, "groups")
	})
}

// CreateGroup implements storage.Tx.
func (t *tx) CreateGroup(ctx context.Context, g storage.Group) error {
	return t.write(ctx, t.w.st.insertGroup, "create group", g.Name, g, false)
}

// UpdateGroup implements storage.Tx.
func (t *tx) UpdateGroup(ctx context.Context, g storage.Group) error {
	return t.write(ctx, t.w.st.updateGroup, "update group", g.Name, g, true)
}

// DeleteGroup implements storage.Tx.
func (t *tx) DeleteGroup(ctx context.Context, name string) error {
	return t.write(ctx, t.w.st.deleteGroup, "delete group", name, nil, true)
}
