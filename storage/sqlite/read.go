package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idpool/idpool/storage"
)

// Every identity query returns these columns, one row per login in link
// order (or one row with NULL login columns for an identity without logins),
// rows of one identity adjacent.
// livePool holds for an identity i whose pool is not marked deleted. It
// names the column i.pool_id, so SQLite checks it for every identity the
// statement reads: it serves statements of one identity; those of many
// guard their pool parameter with livePool1 instead.
const livePool = `NOT EXISTS (SELECT 1 FROM pools p WHERE p.id = i.pool_id AND p.deleted <> 0)`

const identityColumns = `i.id, i.pool_id, i.disabled, i.merged_into, i.created, i.modified, l.provider, l.user_id`

const (
	// A pool marked deleted is being removed in batches (purge.go): it
	// and its identities are gone for every reader at once.
	qGetPool   = `SELECT name, config, created, modified FROM pools WHERE id = ?1 AND deleted = 0`
	qListPools = `SELECT id, name, config, created, modified FROM pools
		WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2`
	qCountPool = `SELECT count(*) FROM pools WHERE deleted = 0`

	qGetIdentity = `SELECT ` + identityColumns + `
		FROM identities i LEFT JOIN logins l ON l.identity_id = i.id
		WHERE i.id = ?1 AND ` + livePool + `
		ORDER BY l.seq`
	qIdentityByLogin = `SELECT ` + identityColumns + `
		FROM logins k
		JOIN identities i ON i.id = k.identity_id
		LEFT JOIN logins l ON l.identity_id = i.id
		WHERE k.pool_id = ?1 AND k.provider = ?2 AND k.user_id = ?3 AND ` + livePool + `
		ORDER BY l.seq`
	// A page of pool ?1's identities after id ?2, at most ?3 of them.
	// The guard of the pool names the parameter ?1, not the column
	// pool_id, so that SQLite checks it once per statement rather than
	// once per identity read (see livePool1).
	qListIdentities = `SELECT ` + identityColumns + `
		FROM (SELECT * FROM identities
		      WHERE pool_id = ?1 AND id > ?2 AND ` + livePool1 + `
		      ORDER BY id LIMIT ?3) i
		LEFT JOIN logins l ON l.identity_id = i.id
		ORDER BY i.id, l.seq`
	// The identities merged into ?5, on the partial index of merged
	// identities (migration 0007): the pool's other identities are never
	// read. The index is named because the planner could otherwise walk
	// identities_pool in id order, the whole pool for a survivor with few;
	// merged_into <> '' is the index's condition, which the query must
	// state for the index to serve it.
	qListMerged = `SELECT ` + identityColumns + `
		FROM (SELECT * FROM identities AS i INDEXED BY identities_merged
		      WHERE merged_into = ?5 AND merged_into <> '' AND id > ?2
		        AND pool_id = ?1 AND (?3 = 0 OR disabled = 0) AND ` + livePool1 + `
		      ORDER BY id LIMIT ?4) i
		LEFT JOIN logins l ON l.identity_id = i.id
		ORDER BY i.id, l.seq`
	// The counts are kept by triggers (migration 0007).
	qCountIdentities = `SELECT c.identities, c.disabled FROM pool_identities c JOIN pools p ON p.id = c.pool_id
		WHERE c.pool_id = ?1 AND p.deleted = 0`
	qSigningKeys = `SELECT kid, private_key, created, active, retired FROM signing_keys ORDER BY created, seq`
	qSecret      = `SELECT value FROM secrets WHERE name = ?1`
)

// preparer is what statements are prepared on: the read pool (*sql.DB) or
// the writer's connection (*sql.Conn).
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// prepareAll prepares each query into its *sql.Stmt. On error it closes
// what it prepared.
func prepareAll(ctx context.Context, p preparer, stmts map[**sql.Stmt]string) error {
	var done []*sql.Stmt
	for dst, q := range stmts {
		s, err := p.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range done {
				s.Close()
			}
			return fmt.Errorf("sqlite: prepare %q: %w", q, err)
		}
		done = append(done, s)
		*dst = s
	}
	return nil
}

// queries are the Reader's prepared statements on one preparer.
type queries struct {
	getPool, listPools, countPools               *sql.Stmt
	getIdentity, identityByLogin, listIdentities *sql.Stmt
	listMerged, countIdentities                  *sql.Stmt
	signingKeys, secret                          *sql.Stmt
	syncQueries
	credQueries
	iamQueries
	groupQueries
	outboundQueries
}

func (q *queries) prepare(ctx context.Context, p preparer) error {
	if err := q.syncQueries.prepare(ctx, p); err != nil {
		return err
	}
	if err := q.credQueries.prepare(ctx, p); err != nil {
		return err
	}
	if err := q.iamQueries.prepare(ctx, p); err != nil {
		return err
	}
	if err := q.groupQueries.prepare(ctx, p); err != nil {
		return err
	}
	if err := q.outboundQueries.prepare(ctx, p); err != nil {
		return err
	}
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.getPool:         qGetPool,
		&q.listPools:       qListPools,
		&q.countPools:      qCountPool,
		&q.getIdentity:     qGetIdentity,
		&q.identityByLogin: qIdentityByLogin,
		&q.listIdentities:  qListIdentities,
		&q.listMerged:      qListMerged,
		&q.countIdentities: qCountIdentities,
		&q.signingKeys:     qSigningKeys,
		&q.secret:          qSecret,
	})
}

func (q *queries) close() error {
	errs := []error{q.syncQueries.close(), q.credQueries.close(), q.iamQueries.close(), q.groupQueries.close(), q.outboundQueries.close()}
	for _, s := range []*sql.Stmt{q.getPool, q.listPools, q.countPools, q.getIdentity, q.identityByLogin, q.listIdentities, q.listMerged, q.countIdentities, q.signingKeys, q.secret} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// millis and fromMillis convert between time.Time and the stored unix
// milliseconds. Times read back are in UTC.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// pool reads pool id from the database.
func (q *queries) pool(ctx context.Context, id string) (storage.Pool, error) {
	var (
		p                 = storage.Pool{ID: id}
		config            []byte
		created, modified int64
	)
	err := q.getPool.QueryRowContext(ctx, id).Scan(&p.Name, &config, &created, &modified)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Pool{}, fmt.Errorf("sqlite: get pool %s: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Pool{}, fmt.Errorf("sqlite: get pool %s: %w", id, err)
	}
	if err := decodePool(&p, config); err != nil {
		return storage.Pool{}, fmt.Errorf("sqlite: get pool %s: decode config: %w", id, err)
	}
	p.CreatedAt, p.ModifiedAt = fromMillis(created), fromMillis(modified)
	return p, nil
}

// cachedPool returns pool id from cache, reading it with q on a miss.
func (q *queries) cachedPool(ctx context.Context, cache *poolCache, id string) (storage.Pool, error) {
	p, gen, ok := cache.lookup(id)
	if ok {
		return p, nil
	}
	p, err := q.pool(ctx, id)
	if err != nil {
		return storage.Pool{}, err
	}
	c := clonePool(&p)
	cache.put(&c, gen)
	return p, nil
}

func (q *queries) pools(ctx context.Context, after string, limit int) ([]storage.Pool, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := q.listPools.QueryContext(ctx, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list pools: %w", err)
	}
	defer rows.Close()
	var ps []storage.Pool
	for rows.Next() {
		var (
			p                 storage.Pool
			config            []byte
			created, modified int64
		)
		if err := rows.Scan(&p.ID, &p.Name, &config, &created, &modified); err != nil {
			return nil, fmt.Errorf("sqlite: list pools: %w", err)
		}
		if err := decodePool(&p, config); err != nil {
			return nil, fmt.Errorf("sqlite: list pools: pool %s: decode config: %w", p.ID, err)
		}
		p.CreatedAt, p.ModifiedAt = fromMillis(created), fromMillis(modified)
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list pools: %w", err)
	}
	return ps, nil
}

func (q *queries) countAllPools(ctx context.Context) (int, error) {
	var n int
	if err := q.countPools.QueryRowContext(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count pools: %w", err)
	}
	return n, nil
}

// identityRow holds the scan targets of one row of identityColumns. They
// live in one struct so that handing their addresses to Scan costs one
// allocation rather than one per column.
type identityRow struct {
	id, poolID, mergedInto string
	disabled               int64
	created, modified      int64
	provider, userID       sql.NullString
}

// scan reads the current row of rows into r.
func (r *identityRow) scan(rows *sql.Rows) error {
	return rows.Scan(&r.id, &r.poolID, &r.disabled, &r.mergedInto, &r.created, &r.modified, &r.provider, &r.userID)
}

// addTo appends r to dst: a new identity when r starts one, with r's login
// if it has one.
func (r *identityRow) addTo(dst []storage.Identity) []storage.Identity {
	n := len(dst)
	if n == 0 || dst[n-1].ID != r.id {
		dst = append(dst, storage.Identity{
			ID:         r.id,
			PoolID:     r.poolID,
			Disabled:   r.disabled != 0,
			MergedInto: r.mergedInto,
			CreatedAt:  fromMillis(r.created),
			ModifiedAt: fromMillis(r.modified),
		})
		n++
	}
	if r.provider.Valid {
		dst[n-1].Logins = append(dst[n-1].Logins, storage.Login{Provider: r.provider.String, UserID: r.userID.String})
	}
	return dst
}

// scanIdentities appends to dst the identities of rows (identityColumns)
// and closes rows.
func scanIdentities(rows *sql.Rows, dst []storage.Identity) ([]storage.Identity, error) {
	defer rows.Close()
	r := new(identityRow)
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return nil, err
		}
		dst = r.addTo(dst)
	}
	return dst, rows.Err()
}

// scanLive returns the live identities of rows (identityColumns, in id
// order), at most o.Limit, passing over at most o.MaxSkipped disabled
// ones (any number when it is 0), as storage.ListIdentitiesOptions
// describes, and closes rows. It stops reading as soon as it knows its
// result: the statement reads no row after the first of the identity
// after it, however many rows rows could still give.
func scanLive(rows *sql.Rows, o storage.ListIdentitiesOptions) ([]storage.Identity, error) {
	defer rows.Close()
	var (
		dst           []storage.Identity
		live, skipped int
		cur           string // the identity of the last row
		keep          bool   // whether cur is in dst
		bounded       = o.MaxSkipped > 0
	)
	r := new(identityRow)
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return nil, err
		}
		if r.id != cur {
			// r starts an identity, so cur is whole.
			if (o.Limit > 0 && live == o.Limit) || (bounded && skipped == o.MaxSkipped) {
				return dst, nil // a disabled identity last is where to resume
			}
			cur = r.id
			if r.disabled != 0 {
				skipped++
				keep = bounded && skipped == o.MaxSkipped // where to resume, if another follows
			} else {
				live++
				keep = true
			}
		}
		if keep {
			dst = r.addTo(dst)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The pool ended: no identity follows a disabled one last.
	if n := len(dst); n > 0 && dst[n-1].Disabled {
		dst = dst[:n-1]
	}
	return dst, nil
}

// oneIdentity returns the single identity stmt selects with args.
func oneIdentity(ctx context.Context, stmt *sql.Stmt, args ...any) (storage.Identity, bool, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return storage.Identity{}, false, err
	}
	var buf [1]storage.Identity
	ids, err := scanIdentities(rows, buf[:0])
	if err != nil || len(ids) == 0 {
		return storage.Identity{}, false, err
	}
	return ids[0], true, nil
}

func (q *queries) identity(ctx context.Context, id string) (storage.Identity, error) {
	i, ok, err := oneIdentity(ctx, q.getIdentity, id)
	if err != nil {
		return storage.Identity{}, fmt.Errorf("sqlite: get identity %s: %w", id, err)
	}
	if !ok {
		return storage.Identity{}, fmt.Errorf("sqlite: get identity %s: %w", id, storage.ErrNotFound)
	}
	return i, nil
}

func (q *queries) identityWithLogin(ctx context.Context, poolID string, l storage.Login) (storage.Identity, error) {
	i, ok, err := oneIdentity(ctx, q.identityByLogin, poolID, l.Provider, l.UserID)
	if err != nil {
		return storage.Identity{}, fmt.Errorf("sqlite: identity of %s login %s/%s: %w", poolID, l.Provider, l.UserID, err)
	}
	if !ok {
		return storage.Identity{}, fmt.Errorf("sqlite: identity of %s login %s/%s: %w", poolID, l.Provider, l.UserID, storage.ErrNotFound)
	}
	return i, nil
}

func (q *queries) identities(ctx context.Context, poolID string, o storage.ListIdentitiesOptions) ([]storage.Identity, error) {
	limit := o.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	hide := 0
	if o.HideDisabled {
		hide = 1
	}
	// A listing of live identities only (not of those merged into one)
	// reads every identity in turn, disabled ones too, for scanLive to
	// keep the live ones and stop at the bound. It has Limit live or
	// MaxSkipped disabled ones after Limit+MaxSkipped-1 identities at the
	// latest, and reads one more to know that another follows. Unbounded,
	// it reads on until it has Limit live ones: no index of the live
	// identities is kept to skip the disabled ones, as an index (migration
	// 0015) cost every new identity more than the rare pool of many
	// disabled identities gained (migration 0017).
	live := o.HideDisabled && o.MergedInto == ""
	if live {
		limit = -1
		if o.Limit > 0 && o.MaxSkipped > 0 {
			limit = o.Limit + o.MaxSkipped
		}
	}
	var (
		rows *sql.Rows
		err  error
	)
	if o.MergedInto != "" {
		rows, err = q.listMerged.QueryContext(ctx, poolID, o.After, hide, limit, o.MergedInto)
	} else {
		rows, err = q.listIdentities.QueryContext(ctx, poolID, o.After, limit)
	}
	var ids []storage.Identity
	switch {
	case err != nil:
	case live:
		ids, err = scanLive(rows, o)
	default:
		var dst []storage.Identity
		if o.Limit > 0 && o.Limit <= 1000 {
			dst = make([]storage.Identity, 0, o.Limit)
		}
		ids, err = scanIdentities(rows, dst)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: list identities of %s: %w", poolID, err)
	}
	return ids, nil
}

func (q *queries) identityCount(ctx context.Context, poolID string) (storage.IdentityCount, error) {
	var c storage.IdentityCount
	err := q.countIdentities.QueryRowContext(ctx, poolID).Scan(&c.All, &c.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.IdentityCount{}, fmt.Errorf("sqlite: count identities of %s: %w", poolID, storage.ErrNotFound)
	}
	if err != nil {
		return storage.IdentityCount{}, fmt.Errorf("sqlite: count identities of %s: %w", poolID, err)
	}
	return c, nil
}

func (q *queries) keys(ctx context.Context) ([]storage.SigningKey, error) {
	rows, err := q.signingKeys.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: signing keys: %w", err)
	}
	defer rows.Close()
	var ks []storage.SigningKey
	for rows.Next() {
		var (
			k       storage.SigningKey
			created int64
			active  int64
			retired *int64
		)
		// Scanning into *[]byte copies, so the key shares no memory.
		if err := rows.Scan(&k.ID, &k.PrivateKey, &created, &active, &retired); err != nil {
			return nil, fmt.Errorf("sqlite: signing keys: %w", err)
		}
		k.CreatedAt, k.Active, k.RetiredAt = fromMillis(created), active != 0, fromOptMillis(retired)
		ks = append(ks, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: signing keys: %w", err)
	}
	return ks, nil
}

func (q *queries) secretValue(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := q.secret.QueryRowContext(ctx, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: secret %s: %w", name, storage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: secret %s: %w", name, err)
	}
	return v, nil
}
