package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// Each IAM entity is stored as the JSON encoding of its storage value
// under its key (migration 0006) and read whole. Access keys also carry
// their user and creation time in columns, for the user's listing and the
// cascade when the user is deleted. The reads whose cost must not grow
// with the number of entities (a policy's uses, a page of a listing) go
// through the indexes of migration 0016 (iamindex.go).

// iamQueries are the reads of the IAM entities.
type iamQueries struct {
	getRole, listRoles       *sql.Stmt
	getPolicy, listPolicies  *sql.Stmt
	getProvider, listProvs   *sql.Stmt
	getUser, listUsers       *sql.Stmt
	getAccessKey, listAccess *sql.Stmt
	getAlias                 *sql.Stmt
	getMFA, listMFA          *sql.Stmt
	// The reads of IAM's indexes (iamindex.go, migration 0016).
	pageRoles, pageUsers, pageGroups, pagePolicies *sql.Stmt
	policyNamed, policyUsage, policyEntities       *sql.Stmt
	// The counts of IAM's account quotas (iamcount.go).
	countRoles, countUsers, countGroups, countPolicies, countProviders *sql.Stmt
}

func (q *iamQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.getRole:        `SELECT data FROM iam_roles WHERE name = ?1`,
		&q.listRoles:      `SELECT data FROM iam_roles ORDER BY name`,
		&q.getPolicy:      `SELECT data FROM iam_policies WHERE arn = ?1`,
		&q.listPolicies:   `SELECT data FROM iam_policies ORDER BY arn`,
		&q.getProvider:    `SELECT data FROM iam_oidc_providers WHERE arn = ?1`,
		&q.listProvs:      `SELECT data FROM iam_oidc_providers ORDER BY arn`,
		&q.getUser:        `SELECT data FROM iam_users WHERE name = ?1`,
		&q.listUsers:      `SELECT data FROM iam_users ORDER BY name`,
		&q.getAccessKey:   `SELECT data FROM iam_access_keys WHERE id = ?1`,
		&q.listAccess:     `SELECT data FROM iam_access_keys WHERE user_name = ?1 ORDER BY created, id`,
		&q.getAlias:       `SELECT alias FROM iam_account_alias`,
		&q.getMFA:         `SELECT data FROM iam_mfa_devices WHERE serial = ?1`,
		&q.listMFA:        `SELECT data FROM iam_mfa_devices ORDER BY serial`,
		&q.pageRoles:      qPageRoles,
		&q.pageUsers:      qPageUsers,
		&q.pageGroups:     qPageGroups,
		&q.pagePolicies:   qPagePolicies,
		&q.policyNamed:    qPolicyNamed,
		&q.policyUsage:    qPolicyUsage,
		&q.policyEntities: qPolicyEntities,
		&q.countRoles:     `SELECT count(*) FROM iam_roles`,
		&q.countUsers:     `SELECT count(*) FROM iam_users`,
		&q.countGroups:    `SELECT count(*) FROM iam_groups`,
		&q.countPolicies:  `SELECT count(*) FROM iam_policies`,
		&q.countProviders: `SELECT count(*) FROM iam_oidc_providers`,
	})
}

func (q *iamQueries) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{q.getRole, q.listRoles, q.getPolicy, q.listPolicies, q.getProvider, q.listProvs,
		q.getUser, q.listUsers, q.getAccessKey, q.listAccess, q.getAlias, q.getMFA, q.listMFA,
		q.pageRoles, q.pageUsers, q.pageGroups, q.pagePolicies, q.policyNamed, q.policyUsage, q.policyEntities,
		q.countRoles, q.countUsers, q.countGroups, q.countPolicies, q.countProviders} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// iamStmts are the writes of the IAM entities.
type iamStmts struct {
	insertRole, updateRole, deleteRole         *sql.Stmt
	insertPolicy, updatePolicy, deletePolicy   *sql.Stmt
	insertProvider, updateProvider, deleteProv *sql.Stmt
	insertUser, updateUser, deleteUser         *sql.Stmt
	insertAccessKey, deleteAccessKey           *sql.Stmt
	updateAccessKey                            *sql.Stmt
	setAlias, deleteAlias                      *sql.Stmt
	insertMFA, updateMFA, deleteMFA            *sql.Stmt
}

func (st *iamStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&st.insertRole:      `INSERT INTO iam_roles (name, data) VALUES (?1, ?2)`,
		&st.updateRole:      `UPDATE iam_roles SET data = ?2 WHERE name = ?1`,
		&st.deleteRole:      `DELETE FROM iam_roles WHERE name = ?1`,
		&st.insertPolicy:    `INSERT INTO iam_policies (arn, data) VALUES (?1, ?2)`,
		&st.updatePolicy:    `UPDATE iam_policies SET data = ?2 WHERE arn = ?1`,
		&st.deletePolicy:    `DELETE FROM iam_policies WHERE arn = ?1`,
		&st.insertProvider:  `INSERT INTO iam_oidc_providers (arn, data) VALUES (?1, ?2)`,
		&st.updateProvider:  `UPDATE iam_oidc_providers SET data = ?2 WHERE arn = ?1`,
		&st.deleteProv:      `DELETE FROM iam_oidc_providers WHERE arn = ?1`,
		&st.insertUser:      `INSERT INTO iam_users (name, data) VALUES (?1, ?2)`,
		&st.updateUser:      `UPDATE iam_users SET data = ?2 WHERE name = ?1`,
		&st.deleteUser:      `DELETE FROM iam_users WHERE name = ?1`,
		&st.insertAccessKey: `INSERT INTO iam_access_keys (id, data, user_name, created) VALUES (?1, ?2, ?3, ?4)`,
		&st.deleteAccessKey: `DELETE FROM iam_access_keys WHERE id = ?1`,
		&st.updateAccessKey: `UPDATE iam_access_keys SET data = ?2 WHERE id = ?1`,
		&st.setAlias:        `INSERT INTO iam_account_alias (id, alias) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET alias = excluded.alias`,
		&st.deleteAlias:     `DELETE FROM iam_account_alias`,
		&st.insertMFA:       `INSERT INTO iam_mfa_devices (serial, data) VALUES (?1, ?2)`,
		&st.updateMFA:       `UPDATE iam_mfa_devices SET data = ?2 WHERE serial = ?1`,
		&st.deleteMFA:       `DELETE FROM iam_mfa_devices WHERE serial = ?1`,
	})
}

func (st *iamStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.insertRole, st.updateRole, st.deleteRole, st.insertPolicy, st.updatePolicy,
		st.deletePolicy, st.insertProvider, st.updateProvider, st.deleteProv, st.insertUser, st.updateUser, st.deleteUser,
		st.insertAccessKey, st.deleteAccessKey, st.updateAccessKey, st.setAlias, st.deleteAlias,
		st.insertMFA, st.updateMFA, st.deleteMFA} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// getJSON reads the one entity s selects by key.
func getJSON[T any](ctx context.Context, s *sql.Stmt, what, key string) (T, error) {
	var (
		v    T
		data string
	)
	err := s.QueryRowContext(ctx, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("sqlite: get %s %s: %w", what, key, storage.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("sqlite: get %s %s: %w", what, key, err)
	}
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return v, fmt.Errorf("sqlite: decode %s %s: %w", what, key, err)
	}
	return v, nil
}

// listJSON reads every entity s selects.
func listJSON[T any](ctx context.Context, s *sql.Stmt, what string, args ...any) ([]T, error) {
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list %s: %w", what, err)
	}
	defer rows.Close()
	var vs []T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("sqlite: list %s: %w", what, err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("sqlite: decode %s: %w", what, err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list %s: %w", what, err)
	}
	return vs, nil
}

// write runs a writer statement on key and the JSON of v (and more
// arguments). A statement that must change a row (an update or delete)
// answers ErrNotFound when it changed none.
func (t *tx) write(ctx context.Context, s *sql.Stmt, what, key string, v any, mustChange bool, more ...any) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	args := []any{key}
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("sqlite: encode %s %s: %w", what, key, err)
		}
		args = append(args, string(b))
	}
	res, err := exec(s, append(args, more...)...)
	if err == nil && mustChange {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("sqlite: %s %s: %w", what, key, sentinel(err))
	}
	return nil
}

// GetRole implements storage.Reader.
func (s *Store) GetRole(ctx context.Context, name string) (storage.Role, error) {
	return getJSON[storage.Role](byKey(ctx), s.read.getRole, "role", name)
}

// ListRoles implements storage.Reader.
func (s *Store) ListRoles(ctx context.Context) ([]storage.Role, error) {
	return listJSON[storage.Role](ctx, s.read.listRoles, "roles")
}

// GetManagedPolicy implements storage.Reader.
func (s *Store) GetManagedPolicy(ctx context.Context, arn string) (storage.ManagedPolicy, error) {
	return getJSON[storage.ManagedPolicy](byKey(ctx), s.read.getPolicy, "policy", arn)
}

// ListManagedPolicies implements storage.Reader.
func (s *Store) ListManagedPolicies(ctx context.Context) ([]storage.ManagedPolicy, error) {
	return listJSON[storage.ManagedPolicy](ctx, s.read.listPolicies, "policies")
}

// GetOIDCProvider implements storage.Reader.
func (s *Store) GetOIDCProvider(ctx context.Context, arn string) (storage.OIDCProvider, error) {
	return getJSON[storage.OIDCProvider](byKey(ctx), s.read.getProvider, "OpenID Connect provider", arn)
}

// ListOIDCProviders implements storage.Reader.
func (s *Store) ListOIDCProviders(ctx context.Context) ([]storage.OIDCProvider, error) {
	return listJSON[storage.OIDCProvider](ctx, s.read.listProvs, "OpenID Connect providers")
}

// GetUser implements storage.Reader.
func (s *Store) GetUser(ctx context.Context, name string) (storage.User, error) {
	return getJSON[storage.User](byKey(ctx), s.read.getUser, "user", name)
}

// ListUsers implements storage.Reader.
func (s *Store) ListUsers(ctx context.Context) ([]storage.User, error) {
	return listJSON[storage.User](ctx, s.read.listUsers, "users")
}

// GetAccessKey implements storage.Reader.
func (s *Store) GetAccessKey(ctx context.Context, id string) (storage.AccessKey, error) {
	return getJSON[storage.AccessKey](byKey(ctx), s.read.getAccessKey, "access key", id)
}

// ListAccessKeys implements storage.Reader.
func (s *Store) ListAccessKeys(ctx context.Context, userName string) ([]storage.AccessKey, error) {
	return listJSON[storage.AccessKey](ctx, s.read.listAccess, "access keys", userName)
}

// GetMFADevice implements storage.Reader.
func (s *Store) GetMFADevice(ctx context.Context, serial string) (storage.MFADevice, error) {
	return getJSON[storage.MFADevice](byKey(ctx), s.read.getMFA, "MFA device", serial)
}

// ListMFADevices implements storage.Reader.
func (s *Store) ListMFADevices(ctx context.Context) ([]storage.MFADevice, error) {
	return listJSON[storage.MFADevice](ctx, s.read.listMFA, "MFA devices")
}

// txRead runs a read of the writer's connection for a tx method.
func txRead[T any](t *tx, ctx context.Context, read func(context.Context) (T, error)) (T, error) {
	if err := t.check(ctx); err != nil {
		var zero T
		return zero, err
	}
	return read(context.Background())
}

// GetRole implements storage.Reader.
func (t *tx) GetRole(ctx context.Context, name string) (storage.Role, error) {
	return txRead(t, ctx, func(c context.Context) (storage.Role, error) {
		return getJSON[storage.Role](c, t.w.read.getRole, "role", name)
	})
}

// ListRoles implements storage.Reader.
func (t *tx) ListRoles(ctx context.Context) ([]storage.Role, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.Role, error) {
		return listJSON[storage.Role](c, t.w.read.listRoles, "roles")
	})
}

// GetManagedPolicy implements storage.Reader.
func (t *tx) GetManagedPolicy(ctx context.Context, arn string) (storage.ManagedPolicy, error) {
	return txRead(t, ctx, func(c context.Context) (storage.ManagedPolicy, error) {
		return getJSON[storage.ManagedPolicy](c, t.w.read.getPolicy, "policy", arn)
	})
}

// ListManagedPolicies implements storage.Reader.
func (t *tx) ListManagedPolicies(ctx context.Context) ([]storage.ManagedPolicy, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.ManagedPolicy, error) {
		return listJSON[storage.ManagedPolicy](c, t.w.read.listPolicies, "policies")
	})
}

// GetOIDCProvider implements storage.Reader.
func (t *tx) GetOIDCProvider(ctx context.Context, arn string) (storage.OIDCProvider, error) {
	return txRead(t, ctx, func(c context.Context) (storage.OIDCProvider, error) {
		return getJSON[storage.OIDCProvider](c, t.w.read.getProvider, "OpenID Connect provider", arn)
	})
}

// ListOIDCProviders implements storage.Reader.
func (t *tx) ListOIDCProviders(ctx context.Context) ([]storage.OIDCProvider, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.OIDCProvider, error) {
		return listJSON[storage.OIDCProvider](c, t.w.read.listProvs, "OpenID Connect providers")
	})
}

// GetUser implements storage.Reader.
func (t *tx) GetUser(ctx context.Context, name string) (storage.User, error) {
	return txRead(t, ctx, func(c context.Context) (storage.User, error) {
		return getJSON[storage.User](c, t.w.read.getUser, "user", name)
	})
}

// ListUsers implements storage.Reader.
func (t *tx) ListUsers(ctx context.Context) ([]storage.User, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.User, error) {
		return listJSON[storage.User](c, t.w.read.listUsers, "users")
	})
}

// GetAccessKey implements storage.Reader.
func (t *tx) GetAccessKey(ctx context.Context, id string) (storage.AccessKey, error) {
	return txRead(t, ctx, func(c context.Context) (storage.AccessKey, error) {
		return getJSON[storage.AccessKey](c, t.w.read.getAccessKey, "access key", id)
	})
}

// ListAccessKeys implements storage.Reader.
func (t *tx) ListAccessKeys(ctx context.Context, userName string) ([]storage.AccessKey, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.AccessKey, error) {
		return listJSON[storage.AccessKey](c, t.w.read.listAccess, "access keys", userName)
	})
}

// GetMFADevice implements storage.Reader.
func (t *tx) GetMFADevice(ctx context.Context, serial string) (storage.MFADevice, error) {
	return txRead(t, ctx, func(c context.Context) (storage.MFADevice, error) {
		return getJSON[storage.MFADevice](c, t.w.read.getMFA, "MFA device", serial)
	})
}

// ListMFADevices implements storage.Reader.
func (t *tx) ListMFADevices(ctx context.Context) ([]storage.MFADevice, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.MFADevice, error) {
		return listJSON[storage.MFADevice](c, t.w.read.listMFA, "MFA devices")
	})
}

// CreateMFADevice implements storage.Tx.
func (t *tx) CreateMFADevice(ctx context.Context, d storage.MFADevice) error {
	return t.write(ctx, t.w.st.insertMFA, "create MFA device", d.SerialNumber, d, false)
}

// UpdateMFADevice implements storage.Tx.
func (t *tx) UpdateMFADevice(ctx context.Context, d storage.MFADevice) error {
	return t.write(ctx, t.w.st.updateMFA, "update MFA device", d.SerialNumber, d, true)
}

// DeleteMFADevice implements storage.Tx.
func (t *tx) DeleteMFADevice(ctx context.Context, serial string) error {
	return t.write(ctx, t.w.st.deleteMFA, "delete MFA device", serial, nil, true)
}

// CreateRole implements storage.Tx.
func (t *tx) CreateRole(ctx context.Context, r storage.Role) error {
	return t.write(ctx, t.w.st.insertRole, "create role", r.Name, r, false)
}

// UpdateRole implements storage.Tx.
func (t *tx) UpdateRole(ctx context.Context, r storage.Role) error {
	return t.write(ctx, t.w.st.updateRole, "update role", r.Name, r, true)
}

// DeleteRole implements storage.Tx.
func (t *tx) DeleteRole(ctx context.Context, name string) error {
	return t.write(ctx, t.w.st.deleteRole, "delete role", name, nil, true)
}

// CreateManagedPolicy implements storage.Tx.
func (t *tx) CreateManagedPolicy(ctx context.Context, p storage.ManagedPolicy) error {
	return t.write(ctx, t.w.st.insertPolicy, "create policy", p.ARN, p, false)
}

// UpdateManagedPolicy implements storage.Tx.
func (t *tx) UpdateManagedPolicy(ctx context.Context, p storage.ManagedPolicy) error {
	return t.write(ctx, t.w.st.updatePolicy, "update policy", p.ARN, p, true)
}

// DeleteManagedPolicy implements storage.Tx.
func (t *tx) DeleteManagedPolicy(ctx context.Context, arn string) error {
	return t.write(ctx, t.w.st.deletePolicy, "delete policy", arn, nil, true)
}

// CreateOIDCProvider implements storage.Tx.
func (t *tx) CreateOIDCProvider(ctx context.Context, p storage.OIDCProvider) error {
	return t.write(ctx, t.w.st.insertProvider, "create OpenID Connect provider", p.ARN, p, false)
}

// UpdateOIDCProvider implements storage.Tx.
func (t *tx) UpdateOIDCProvider(ctx context.Context, p storage.OIDCProvider) error {
	return t.write(ctx, t.w.st.updateProvider, "update OpenID Connect provider", p.ARN, p, true)
}

// DeleteOIDCProvider implements storage.Tx.
func (t *tx) DeleteOIDCProvider(ctx context.Context, arn string) error {
	return t.write(ctx, t.w.st.deleteProv, "delete OpenID Connect provider", arn, nil, true)
}

// CreateUser implements storage.Tx.
func (t *tx) CreateUser(ctx context.Context, u storage.User) error {
	return t.write(ctx, t.w.st.insertUser, "create user", u.Name, u, false)
}

// UpdateUser implements storage.Tx. An UPDATE, not a replace, so that
// the user's access keys stay (a delete would cascade to them).
func (t *tx) UpdateUser(ctx context.Context, u storage.User) error {
	return t.write(ctx, t.w.st.updateUser, "update user", u.Name, u, true)
}

// DeleteUser implements storage.Tx. The user's access keys go with it
// (ON DELETE CASCADE).
func (t *tx) DeleteUser(ctx context.Context, name string) error {
	return t.write(ctx, t.w.st.deleteUser, "delete user", name, nil, true)
}

// CreateAccessKey implements storage.Tx. A missing user fails the foreign
// key, which sentinel maps to ErrNotFound.
func (t *tx) CreateAccessKey(ctx context.Context, k storage.AccessKey) error {
	return t.write(ctx, t.w.st.insertAccessKey, "create access key", k.ID, k, false, k.UserName, millis(k.CreatedAt))
}

// UpdateAccessKey implements storage.Tx. The key's user stays the one it
// was created for: only its data (its status) changes.
func (t *tx) UpdateAccessKey(ctx context.Context, k storage.AccessKey) error {
	return t.write(ctx, t.w.st.updateAccessKey, "update access key", k.ID, k, true)
}

// DeleteAccessKey implements storage.Tx.
func (t *tx) DeleteAccessKey(ctx context.Context, id string) error {
	return t.write(ctx, t.w.st.deleteAccessKey, "delete access key", id, nil, true)
}

// accountAlias reads the account's alias with s, "" when it has none.
func accountAlias(ctx context.Context, s *sql.Stmt) (string, error) {
	var alias string
	err := s.QueryRowContext(ctx).Scan(&alias)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("sqlite: get account alias: %w", err)
	}
	return alias, nil
}

// AccountAlias implements storage.Reader.
func (s *Store) AccountAlias(ctx context.Context) (string, error) {
	return accountAlias(byKey(ctx), s.read.getAlias)
}

// AccountAlias implements storage.Reader.
func (t *tx) AccountAlias(ctx context.Context) (string, error) {
	return txRead(t, ctx, func(c context.Context) (string, error) { return accountAlias(c, t.w.read.getAlias) })
}

// SetAccountAlias implements storage.Tx: the one row of
// iam_account_alias holds the alias, and none is left for "".
func (t *tx) SetAccountAlias(ctx context.Context, alias string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	var err error
	if alias == "" {
		_, err = exec(t.w.st.deleteAlias)
	} else {
		_, err = exec(t.w.st.setAlias, alias)
	}
	if err != nil {
		return fmt.Errorf("sqlite: set account alias %q: %w", alias, sentinel(err))
	}
	return nil
}
