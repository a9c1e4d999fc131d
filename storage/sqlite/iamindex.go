package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// IAM's indexes (migration 0016): the listings by name page on an index of
// the names their JSON holds, and a managed policy's uses are the rows of
// iam_policy_uses, which triggers keep as the roles, users and groups are
// written. Each read costs what it answers (and the entities a path prefix
// leaves out), whatever the number of entities IAM holds.

// pageByName is the query of a page of table's entities by name, the
// arguments being after (?1), the path prefix (?2) and the limit (?3).
func pageByName(table string) string {
	return `SELECT data FROM ` + table + ` WHERE json_extract(data, '$.Name') > ?1
		AND substr(json_extract(data, '$.Path'), 1, length(?2)) = ?2
		ORDER BY json_extract(data, '$.Name') LIMIT ?3`
}

var (
	qPageRoles  = pageByName("iam_roles")
	qPageUsers  = pageByName("iam_users")
	qPageGroups = pageByName("iam_groups")
)

// qPagePolicies pages the policies by name (then ARN) after ?1, of the
// path prefix ?2, at most ?3, used as storage.PolicyUse ?4 says.
const qPagePolicies = `SELECT p.data FROM iam_policies AS p
	WHERE json_extract(p.data, '$.Name') > ?1
	AND substr(json_extract(p.data, '$.Path'), 1, length(?2)) = ?2
	AND (?4 = 0 OR EXISTS (SELECT 1 FROM iam_policy_uses AS u WHERE u.policy_arn = p.arn AND u.boundary = ?4 - 1))
	ORDER BY json_extract(p.data, '$.Name'), p.arn LIMIT ?3`

const qPolicyNamed = `SELECT data FROM iam_policies WHERE json_extract(data, '$.Name') = ?1 COLLATE NOCASE LIMIT 1`

const qPolicyUsage = `SELECT count(*) FILTER (WHERE boundary = 0), count(*) FILTER (WHERE boundary = 1)
	FROM iam_policy_uses WHERE policy_arn = ?1`

// qPolicyEntities answers each entity of a policy once, with whether the
// policy is attached to it and whether it is its boundary; its path and
// id are its JSON's, found by its name (any case, as its table keys it).
const qPolicyEntities = `SELECT u.kind, u.name, max(u.boundary = 0), max(u.boundary = 1),
		coalesce(json_extract(coalesce(r.data, s.data, g.data), '$.Path'), ''),
		coalesce(json_extract(coalesce(r.data, s.data, g.data), '$.ID'), '')
	FROM iam_policy_uses AS u
	LEFT JOIN iam_roles AS r ON u.kind = 'role' AND r.name = u.name
	LEFT JOIN iam_users AS s ON u.kind = 'user' AND s.name = u.name
	LEFT JOIN iam_groups AS g ON u.kind = 'group' AND g.name = u.name
	WHERE u.policy_arn = ?1
	GROUP BY u.kind, u.name
	ORDER BY u.kind, u.name`

// sqlLimit is limit as SQLite takes it: -1 for no limit.
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

func pageJSON[T any](ctx context.Context, s *sql.Stmt, what string, p storage.NamePage) ([]T, error) {
	return listJSON[T](ctx, s, what, p.After, p.PathPrefix, sqlLimit(p.Limit))
}

func (q *iamQueries) policyPage(ctx context.Context, p storage.NamePage, use storage.PolicyUse) ([]storage.ManagedPolicy, error) {
	return listJSON[storage.ManagedPolicy](ctx, q.pagePolicies, "policies", p.After, p.PathPrefix, sqlLimit(p.Limit), int(use))
}

func (q *iamQueries) usage(ctx context.Context, arn string) (attached, boundary int, err error) {
	if err := q.policyUsage.QueryRowContext(ctx, arn).Scan(&attached, &boundary); err != nil {
		return 0, 0, fmt.Errorf("sqlite: usage of policy %s: %w", arn, err)
	}
	return attached, boundary, nil
}

func (q *iamQueries) entities(ctx context.Context, arn string) ([]storage.PolicyEntity, error) {
	rows, err := q.policyEntities.QueryContext(ctx, arn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: entities of policy %s: %w", arn, err)
	}
	defer rows.Close()
	var es []storage.PolicyEntity
	for rows.Next() {
		var e storage.PolicyEntity
		if err := rows.Scan(&e.Kind, &e.Name, &e.Attached, &e.Boundary, &e.Path, &e.ID); err != nil {
			return nil, fmt.Errorf("sqlite: entities of policy %s: %w", arn, err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: entities of policy %s: %w", arn, err)
	}
	return es, nil
}

// PageRoles implements storage.Reader.
func (s *Store) PageRoles(ctx context.Context, p storage.NamePage) ([]storage.Role, error) {
	return pageJSON[storage.Role](ctx, s.read.pageRoles, "roles", p)
}

// PageUsers implements storage.Reader.
func (s *Store) PageUsers(ctx context.Context, p storage.NamePage) ([]storage.User, error) {
	return pageJSON[storage.User](ctx, s.read.pageUsers, "users", p)
}

// PageGroups implements storage.Reader.
func (s *Store) PageGroups(ctx context.Context, p storage.NamePage) ([]storage.Group, error) {
	return pageJSON[storage.Group](ctx, s.read.pageGroups, "groups", p)
}

// PageManagedPolicies implements storage.Reader.
func (s *Store) PageManagedPolicies(ctx context.Context, p storage.NamePage, use storage.PolicyUse) ([]storage.ManagedPolicy, error) {
	return s.read.policyPage(ctx, p, use)
}

// ManagedPolicyNamed implements storage.Reader.
func (s *Store) ManagedPolicyNamed(ctx context.Context, name string) (storage.ManagedPolicy, error) {
	return getJSON[storage.ManagedPolicy](byKey(ctx), s.read.policyNamed, "policy named", name)
}

// PolicyUsage implements storage.Reader.
func (s *Store) PolicyUsage(ctx context.Context, arn string) (attached, boundary int, err error) {
	return s.read.usage(byKey(ctx), arn)
}

// PolicyEntities implements storage.Reader.
func (s *Store) PolicyEntities(ctx context.Context, arn string) ([]storage.PolicyEntity, error) {
	return s.read.entities(ctx, arn)
}

// PageRoles implements storage.Reader.
func (t *tx) PageRoles(ctx context.Context, p storage.NamePage) ([]storage.Role, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.Role, error) {
		return pageJSON[storage.Role](c, t.w.read.pageRoles, "roles", p)
	})
}

// PageUsers implements storage.Reader.
func (t *tx) PageUsers(ctx context.Context, p storage.NamePage) ([]storage.User, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.User, error) {
		return pageJSON[storage.User](c, t.w.read.pageUsers, "users", p)
	})
}

// PageGroups implements storage.Reader.
func (t *tx) PageGroups(ctx context.Context, p storage.NamePage) ([]storage.Group, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.Group, error) {
		return pageJSON[storage.Group](c, t.w.read.pageGroups, "groups", p)
	})
}

// PageManagedPolicies implements storage.Reader.
func (t *tx) PageManagedPolicies(ctx context.Context, p storage.NamePage, use storage.PolicyUse) ([]storage.ManagedPolicy, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.ManagedPolicy, error) {
		return t.w.read.policyPage(c, p, use)
	})
}

// ManagedPolicyNamed implements storage.Reader.
func (t *tx) ManagedPolicyNamed(ctx context.Context, name string) (storage.ManagedPolicy, error) {
	return txRead(t, ctx, func(c context.Context) (storage.ManagedPolicy, error) {
		return getJSON[storage.ManagedPolicy](c, t.w.read.policyNamed, "policy named", name)
	})
}

// usageCounts is what PolicyUsage answers, for txRead.
type usageCounts struct{ attached, boundary int }

// PolicyUsage implements storage.Reader.
func (t *tx) PolicyUsage(ctx context.Context, arn string) (attached, boundary int, err error) {
	n, err := txRead(t, ctx, func(c context.Context) (usageCounts, error) {
		a, b, err := t.w.read.usage(c, arn)
		return usageCounts{a, b}, err
	})
	return n.attached, n.boundary, err
}

// PolicyEntities implements storage.Reader.
func (t *tx) PolicyEntities(ctx context.Context, arn string) ([]storage.PolicyEntity, error) {
	return txRead(t, ctx, func(c context.Context) ([]storage.PolicyEntity, error) {
		return t.w.read.entities(c, arn)
	})
}
