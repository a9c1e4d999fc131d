package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/idpool/idpool/storage"
)

var (
	_ storage.DatasetReader = (*Store)(nil)
	_ storage.DatasetReader = (*tx)(nil)
	_ storage.DatasetWriter = (*tx)(nil)
)

// Every dataset query returns these columns.
const datasetColumns = `name, pool_id, sync_count, deleted, deleted_at_sync_count, merged_from, merged_from_name,
	last_modified_by, data_storage, num_records, created, modified`

// Every record query returns these columns.
const recordColumns = `key, sync_count, last_modified_by, modified, device_modified, value`

// The sync state of a pool marked deleted stays until the purger reaches
// it, and is gone for every reader at once, as the pool is. Each guard
// names only a parameter, not a column of the rows read: SQLite evaluates
// it once per statement, not per row.
const (
	// liveIdentity1 holds unless identity ?1 is in a pool marked deleted.
	liveIdentity1 = `NOT EXISTS (SELECT 1 FROM identities i JOIN pools p ON p.id = i.pool_id
		WHERE i.id = ?1 AND p.deleted <> 0)`
	// livePool1 holds unless pool ?1 is marked deleted.
	livePool1 = `NOT EXISTS (SELECT 1 FROM pools p WHERE p.id = ?1 AND p.deleted <> 0)`
	// liveDevice1 holds unless device ?1 is of an identity in a pool
	// marked deleted.
	liveDevice1 = `NOT EXISTS (SELECT 1 FROM devices d JOIN identities i ON i.id = d.identity_id
		JOIN pools p ON p.id = i.pool_id WHERE d.id = ?1 AND p.deleted <> 0)`
)

// liveIdentityOf is liveIdentity1 of another parameter, param.
func liveIdentityOf(param string) string { return strings.Replace(liveIdentity1, "?1", param, 1) }

const (
	qGetDataset   = `SELECT ` + datasetColumns + ` FROM datasets WHERE identity_id = ?1 AND name = ?2 AND ` + liveIdentity1
	qListDatasets = `SELECT ` + datasetColumns + ` FROM datasets
		WHERE identity_id = ?1 AND name > ?2 AND deleted = 0 AND ` + liveIdentity1 + `
		ORDER BY name LIMIT ?3`

	// A full listing walks the primary key, already in key order. An
	// incremental one (a device catching up) starts from records_sync,
	// which finds the few changed records of a large dataset without
	// reading the others, and sorts them; left to itself, the planner,
	// which knows nothing of how many records changed, walks the primary
	// key and reads every record.
	qListRecords = `SELECT ` + recordColumns + ` FROM records
		WHERE identity_id = ?1 AND dataset = ?2 AND key > ?3 AND ` + liveIdentity1 + `
		ORDER BY key LIMIT ?4`
	qListRecordsSince = `SELECT ` + recordColumns + ` FROM records INDEXED BY records_sync
		WHERE identity_id = ?1 AND dataset = ?2 AND key > ?3 AND sync_count > ?4 AND ` + liveIdentity1 + `
		ORDER BY key LIMIT ?5`
	qGetRecord = `SELECT ` + recordColumns + ` FROM records
		WHERE identity_id = ?1 AND dataset = ?2 AND key = ?3 AND ` + liveIdentity1
	// ?3 is a JSON array of keys: one statement, hence one snapshot, for
	// any number of keys.
	qGetRecords = `SELECT ` + recordColumns + ` FROM records
		WHERE identity_id = ?1 AND dataset = ?2 AND key IN (SELECT value FROM json_each(?3)) AND ` + liveIdentity1

	// The last change counts deleted datasets: a deletion is a change.
	qIdentityUsage = `SELECT count(*) FILTER (WHERE deleted = 0),
		coalesce(sum(data_storage) FILTER (WHERE deleted = 0), 0), max(modified)
		FROM datasets WHERE identity_id = ?1 AND ` + liveIdentity1
	// The totals and the last change are kept by triggers (migrations
	// 0005 and 0009). The aggregates make one row of the pool's one row
	// of totals, or of none.
	qPoolUsage = `SELECT coalesce(max(datasets), 0), coalesce(max(data_storage), 0), max(modified)
		FROM pool_totals WHERE pool_id = ?1 AND ` + livePool1

	qSyncConfig    = `SELECT config FROM sync_config WHERE pool_id = ?1 AND ` + livePool1
	qDevice        = `SELECT id, identity_id, platform, token, created FROM devices WHERE id = ?1 AND ` + liveDevice1
	qDeviceByToken = `SELECT id, identity_id, platform, token, created FROM devices
		WHERE identity_id = ?1 AND platform = ?2 AND token = ?3 AND ` + liveIdentity1
	qSubscribed = `SELECT EXISTS (SELECT 1 FROM subscriptions WHERE device_id = ?1 AND dataset = ?2 AND ` + liveDevice1 + `)`
	// The unique index on (identity_id, platform, token) gives the order.
	qListDevices = `SELECT id, identity_id, platform, token, created FROM devices
		WHERE identity_id = ?1 AND ` + liveIdentity1 + ` ORDER BY platform, token`
	qSubscriptions = `SELECT dataset FROM subscriptions WHERE device_id = ?1 AND ` + liveDevice1 + ` ORDER BY dataset`
)

// syncQueries are the Cognito Sync statements of queries.
type syncQueries struct {
	getDataset, listDatasets              *sql.Stmt
	listRecords, listRecordsSince         *sql.Stmt
	getRecord, getRecords                 *sql.Stmt
	sumIdentity, sumPool                  *sql.Stmt
	config, device, deviceByToken, subbed *sql.Stmt
	listDevices, subscriptions            *sql.Stmt
}

func (q *syncQueries) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		&q.getDataset:       qGetDataset,
		&q.listDatasets:     qListDatasets,
		&q.listRecords:      qListRecords,
		&q.listRecordsSince: qListRecordsSince,
		&q.getRecord:        qGetRecord,
		&q.getRecords:       qGetRecords,
		&q.sumIdentity:      qIdentityUsage,
		&q.sumPool:          qPoolUsage,
		&q.config:           qSyncConfig,
		&q.device:           qDevice,
		&q.deviceByToken:    qDeviceByToken,
		&q.subbed:           qSubscribed,
		&q.listDevices:      qListDevices,
		&q.subscriptions:    qSubscriptions,
	})
}

func (q *syncQueries) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{
		q.getDataset, q.listDatasets, q.listRecords, q.listRecordsSince,
		q.getRecord, q.getRecords, q.sumIdentity, q.sumPool,
		q.config, q.device, q.deviceByToken, q.subbed,
		q.listDevices, q.subscriptions,
	} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// datasetRow holds the scan targets of datasetColumns, in one allocation.
type datasetRow struct {
	d                 storage.Dataset
	deleted           int64
	created, modified int64
}

func (r *datasetRow) scan(s interface{ Scan(...any) error }) error {
	d := &r.d
	return s.Scan(&d.Name, &d.PoolID, &d.SyncCount, &r.deleted, &d.DeletedAtSyncCount, &d.MergedFrom, &d.MergedFromName,
		&d.LastModifiedBy, &d.DataStorage, &d.NumRecords, &r.created, &r.modified)
}

func (r *datasetRow) dataset(identityID string) storage.Dataset {
	d := r.d
	d.IdentityID = identityID
	d.Deleted = r.deleted != 0
	d.CreatedAt, d.ModifiedAt = fromMillis(r.created), fromMillis(r.modified)
	return d
}

// recordRow holds the scan targets of recordColumns, in one allocation.
type recordRow struct {
	key, by        string
	syncCount      int64
	modified       int64
	deviceModified sql.NullInt64
	value          sql.NullString
}

func (r *recordRow) scan(s interface{ Scan(...any) error }) error {
	return s.Scan(&r.key, &r.syncCount, &r.by, &r.modified, &r.deviceModified, &r.value)
}

// record returns the scanned record. Its Value points to a fresh string.
func (r *recordRow) record() storage.Record {
	rec := storage.Record{
		Key:            r.key,
		SyncCount:      r.syncCount,
		LastModifiedBy: r.by,
		ModifiedAt:     fromMillis(r.modified),
	}
	if r.value.Valid {
		v := r.value.String
		rec.Value = &v
	}
	if r.deviceModified.Valid {
		rec.DeviceModifiedAt = fromMillis(r.deviceModified.Int64)
	}
	return rec
}

func (q *queries) dataset(ctx context.Context, identityID, name string) (storage.Dataset, error) {
	var r datasetRow
	err := r.scan(q.getDataset.QueryRowContext(ctx, identityID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Dataset{}, fmt.Errorf("sqlite: get dataset %s/%s: %w", identityID, name, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Dataset{}, fmt.Errorf("sqlite: get dataset %s/%s: %w", identityID, name, err)
	}
	return r.dataset(identityID), nil
}

func (q *queries) datasets(ctx context.Context, identityID, after string, limit int) ([]storage.Dataset, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := q.listDatasets.QueryContext(ctx, identityID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list datasets of %s: %w", identityID, err)
	}
	defer rows.Close()
	var (
		ds []storage.Dataset
		r  datasetRow
	)
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return nil, fmt.Errorf("sqlite: list datasets of %s: %w", identityID, err)
		}
		ds = append(ds, r.dataset(identityID))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list datasets of %s: %w", identityID, err)
	}
	return ds, nil
}

func (q *queries) records(ctx context.Context, identityID, name string, o storage.ListRecordsOptions) ([]storage.Record, error) {
	limit := o.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var (
		rows *sql.Rows
		err  error
	)
	if o.SinceSyncCount > 0 {
		rows, err = q.listRecordsSince.QueryContext(ctx, identityID, name, o.After, o.SinceSyncCount, limit)
	} else {
		rows, err = q.listRecords.QueryContext(ctx, identityID, name, o.After, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: list records of %s/%s: %w", identityID, name, err)
	}
	defer rows.Close()
	var (
		rs []storage.Record
		r  recordRow
	)
	if o.Limit > 0 && o.Limit <= 1024 {
		rs = make([]storage.Record, 0, min(o.Limit, 64))
	}
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return nil, fmt.Errorf("sqlite: list records of %s/%s: %w", identityID, name, err)
		}
		rs = append(rs, r.record())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list records of %s/%s: %w", identityID, name, err)
	}
	return rs, nil
}

// recordsByKey returns the records of keys. One key is a point lookup;
// several go in one statement so that, outside a transaction, they come
// from one snapshot. Keys that are not valid UTF-8 cannot travel in JSON
// unchanged, and are looked up one by one.
func (q *queries) recordsByKey(ctx context.Context, identityID, name string, keys []string) (map[string]storage.Record, error) {
	m := make(map[string]storage.Record, len(keys))
	err := func() error {
		if len(keys) == 1 || !allUTF8(keys) {
			return q.recordsOneByOne(ctx, identityID, name, keys, m)
		}
		if len(keys) == 0 {
			return nil
		}
		list, err := json.Marshal(keys)
		if err != nil {
			return err
		}
		rows, err := q.getRecords.QueryContext(ctx, identityID, name, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		var r recordRow
		for rows.Next() {
			if err := r.scan(rows); err != nil {
				return err
			}
			m[r.key] = r.record()
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("sqlite: get records of %s/%s: %w", identityID, name, err)
	}
	return m, nil
}

// recordsOneByOne adds the records of keys to m, one point lookup each.
func (q *queries) recordsOneByOne(ctx context.Context, identityID, name string, keys []string, m map[string]storage.Record) error {
	var r recordRow
	for _, k := range keys {
		err := r.scan(q.getRecord.QueryRowContext(ctx, identityID, name, k))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		m[r.key] = r.record()
	}
	return nil
}

func allUTF8(ss []string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func usage(ctx context.Context, stmt *sql.Stmt, id string) (storage.Usage, error) {
	var (
		u    storage.Usage
		last sql.NullInt64
	)
	if err := stmt.QueryRowContext(ctx, id).Scan(&u.DatasetCount, &u.DataStorage, &last); err != nil {
		return storage.Usage{}, err
	}
	if last.Valid {
		u.LastModifiedAt = fromMillis(last.Int64)
	}
	return u, nil
}

func (q *queries) identityUsage(ctx context.Context, identityID string) (storage.Usage, error) {
	u, err := usage(ctx, q.sumIdentity, identityID)
	if err != nil {
		return storage.Usage{}, fmt.Errorf("sqlite: usage of identity %s: %w", identityID, err)
	}
	return u, nil
}

func (q *queries) poolUsage(ctx context.Context, poolID string) (storage.Usage, error) {
	u, err := usage(ctx, q.sumPool, poolID)
	if err != nil {
		return storage.Usage{}, fmt.Errorf("sqlite: usage of pool %s: %w", poolID, err)
	}
	return u, nil
}

func (q *queries) syncConfigOf(ctx context.Context, poolID string) (storage.SyncConfig, error) {
	var config []byte
	err := q.config.QueryRowContext(ctx, poolID).Scan(&config)
	if errors.Is(err, sql.ErrNoRows) {
		return storage.SyncConfig{}, nil
	}
	if err != nil {
		return storage.SyncConfig{}, fmt.Errorf("sqlite: sync configuration of %s: %w", poolID, err)
	}
	c, err := decodeSyncConfig(config)
	if err != nil {
		return storage.SyncConfig{}, fmt.Errorf("sqlite: sync configuration of %s: decode: %w", poolID, err)
	}
	return c, nil
}

func scanDevice(s interface{ Scan(...any) error }) (storage.Device, error) {
	var (
		d       storage.Device
		created int64
	)
	if err := s.Scan(&d.ID, &d.IdentityID, &d.Platform, &d.Token, &created); err != nil {
		return storage.Device{}, err
	}
	d.CreatedAt = fromMillis(created)
	return d, nil
}

func (q *queries) deviceByID(ctx context.Context, id string) (storage.Device, error) {
	d, err := scanDevice(q.device.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Device{}, fmt.Errorf("sqlite: get device %s: %w", id, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Device{}, fmt.Errorf("sqlite: get device %s: %w", id, err)
	}
	return d, nil
}

func (q *queries) deviceWithToken(ctx context.Context, identityID, platform, token string) (storage.Device, error) {
	d, err := scanDevice(q.deviceByToken.QueryRowContext(ctx, identityID, platform, token))
	if errors.Is(err, sql.ErrNoRows) {
		return storage.Device{}, fmt.Errorf("sqlite: device of %s on %s: %w", identityID, platform, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Device{}, fmt.Errorf("sqlite: device of %s on %s: %w", identityID, platform, err)
	}
	return d, nil
}

func (q *queries) devicesOf(ctx context.Context, identityID string) ([]storage.Device, error) {
	rows, err := q.listDevices.QueryContext(ctx, identityID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: devices of %s: %w", identityID, err)
	}
	defer rows.Close()
	var ds []storage.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: devices of %s: %w", identityID, err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: devices of %s: %w", identityID, err)
	}
	return ds, nil
}

func (q *queries) subscriptionsOf(ctx context.Context, deviceID string) ([]string, error) {
	rows, err := q.subscriptions.QueryContext(ctx, deviceID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: subscriptions of %s: %w", deviceID, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlite: subscriptions of %s: %w", deviceID, err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: subscriptions of %s: %w", deviceID, err)
	}
	return names, nil
}

func (q *queries) subscribed(ctx context.Context, deviceID, dataset string) (bool, error) {
	var ok bool
	if err := q.subbed.QueryRowContext(ctx, deviceID, dataset).Scan(&ok); err != nil {
		return false, fmt.Errorf("sqlite: subscription of %s to %s: %w", deviceID, dataset, err)
	}
	return ok, nil
}

// GetDataset implements storage.DatasetReader. Datasets, and that a
// dataset does not exist, are served from the sync cache when it has them.
func (s *Store) GetDataset(ctx context.Context, identityID, name string) (storage.Dataset, error) {
	k := dsKey{identityID, name}
	d, gen, ok := s.sync.dataset(k)
	if ok {
		if d == nil {
			return storage.Dataset{}, fmt.Errorf("sqlite: get dataset %s/%s: %w", identityID, name, storage.ErrNotFound)
		}
		return *d, nil
	}
	got, err := s.read.dataset(byKey(ctx), identityID, name)
	switch {
	case err == nil:
		c := got
		s.sync.putDataset(k, &c, gen)
	case errors.Is(err, storage.ErrNotFound):
		s.sync.putDataset(k, nil, gen)
	}
	return got, err
}

// ListDatasets implements storage.DatasetReader. A limit ≤ 0 means no limit.
// The page is selected from the identity's list of live datasets in the
// sync cache; a miss reads that whole list (one query, whatever the page)
// into it, unless the identity has too many datasets, which are then read
// page by page from the database.
func (s *Store) ListDatasets(ctx context.Context, identityID, after string, limit int) ([]storage.Dataset, error) {
	all, big, gen, ok := s.sync.list(identityID)
	if !ok {
		var err error
		if all, err = s.read.datasets(ctx, identityID, "", maxCachedDatasets+1); err != nil {
			return nil, err
		}
		big = len(all) > maxCachedDatasets
		s.sync.putList(identityID, all, gen)
	}
	if big {
		return s.read.datasets(ctx, identityID, after, limit)
	}
	return selectDatasets(all, after, limit), nil
}

// ListRecords implements storage.DatasetReader. The page comes from one
// snapshot of the database. A miss reads the whole dataset into the sync
// cache, unless the cache knows it is too big, and the page is selected
// from that.
func (s *Store) ListRecords(ctx context.Context, identityID, name string, opts storage.ListRecordsOptions) ([]storage.Record, error) {
	_, all, big, err := s.cachedSnapshot(ctx, identityID, name)
	if err != nil {
		return nil, err
	}
	if big {
		return s.read.records(ctx, identityID, name, opts)
	}
	return selectRecords(all, opts), nil
}

// DatasetRecords implements storage.DatasetReader. The dataset and its
// records come from the sync cache, which holds them as read together;
// a miss reads them into it, in one read transaction. The records of a
// dataset too big to cache are read with the dataset, in one read
// transaction, every time.
func (s *Store) DatasetRecords(ctx context.Context, identityID, name string, opts storage.ListRecordsOptions) (storage.Dataset, []storage.Record, error) {
	d, all, big, err := s.cachedSnapshot(ctx, identityID, name)
	switch {
	case err != nil:
		return storage.Dataset{}, nil, err
	case big:
		return s.readSnapshot(ctx, identityID, name, opts)
	case d == nil:
		return storage.Dataset{}, nil, fmt.Errorf("sqlite: get dataset %s/%s: %w", identityID, name, storage.ErrNotFound)
	case d.Deleted:
		return *d, nil, nil
	}
	return *d, selectRecords(all, opts), nil
}

// cachedSnapshot returns a dataset (nil: it never existed) with all its
// records, in key order, read in one snapshot: from the sync cache, or
// read into it on a miss. big tells, with no records, that the cache
// knows them too big to hold. d and all are shared with the cache:
// callers must not modify them.
func (s *Store) cachedSnapshot(ctx context.Context, identityID, name string) (d *storage.Dataset, all []storage.Record, big bool, err error) {
	k := dsKey{identityID, name}
	d, all, big, gen, ok := s.sync.snapshot(k)
	if ok {
		return d, all, big, nil
	}
	var got storage.Dataset
	err = s.inSnapshot(ctx, identityID, name, func(q *queries) error {
		var err error
		if got, err = q.dataset(ctx, identityID, name); err != nil {
			return err
		}
		// The dataset's own totals tell a dataset too big for the cache
		// before its records are read: a device's sync after each write
		// would otherwise read all of a big dataset to learn it again.
		if big = !got.Deleted && cacheWeight(&got) > maxCachedRecordBytes; big {
			return nil
		}
		all, err = q.records(ctx, identityID, name, storage.ListRecordsOptions{})
		return err
	})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		d = nil
	case err != nil:
		return nil, nil, false, err
	default:
		d = &got
	}
	s.sync.putSnapshot(k, d, all, big, gen)
	return d, all, big, nil
}

// readSnapshot reads a dataset and, when it is not deleted, the records o
// selects from the database, in one snapshot.
func (s *Store) readSnapshot(ctx context.Context, identityID, name string, o storage.ListRecordsOptions) (d storage.Dataset, rs []storage.Record, err error) {
	err = s.inSnapshot(ctx, identityID, name, func(q *queries) error {
		d, rs, err = q.datasetRecords(ctx, identityID, name, o)
		return err
	})
	return d, rs, err
}

// inSnapshot calls read with the dataset queries of one read
// transaction: one snapshot, whatever the writer commits meanwhile.
func (s *Store) inSnapshot(ctx context.Context, identityID, name string, read func(q *queries) error) error {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: read dataset %s/%s: %w", identityID, name, err)
	}
	defer tx.Rollback() // a read-only transaction has nothing to keep
	// The statements are the read pool's, which database/sql prepares
	// once per connection.
	var q queries
	q.getDataset = tx.StmtContext(ctx, s.read.getDataset)
	q.listRecords = tx.StmtContext(ctx, s.read.listRecords)
	q.listRecordsSince = tx.StmtContext(ctx, s.read.listRecordsSince)
	return read(&q)
}

// datasetRecords reads a dataset and, when it is not deleted, the records
// o selects: one snapshot when q reads inside a transaction.
func (q *queries) datasetRecords(ctx context.Context, identityID, name string, o storage.ListRecordsOptions) (storage.Dataset, []storage.Record, error) {
	d, err := q.dataset(ctx, identityID, name)
	if err != nil || d.Deleted {
		return d, nil, err
	}
	rs, err := q.records(ctx, identityID, name, o)
	if err != nil {
		return storage.Dataset{}, nil, err
	}
	return d, rs, nil
}

// GetRecords implements storage.DatasetReader.
func (s *Store) GetRecords(ctx context.Context, identityID, name string, keys []string) (map[string]storage.Record, error) {
	_, all, big, _, ok := s.sync.snapshot(dsKey{identityID, name})
	if !ok || big {
		return s.read.recordsByKey(byKey(ctx), identityID, name, keys)
	}
	m := make(map[string]storage.Record, len(keys))
	for _, k := range keys {
		i := sort.Search(len(all), func(i int) bool { return all[i].Key >= k })
		if i < len(all) && all[i].Key == k {
			m[k] = copyRecord(&all[i])
		}
	}
	return m, nil
}

// IdentityUsage implements storage.DatasetReader.
func (s *Store) IdentityUsage(ctx context.Context, identityID string) (storage.Usage, error) {
	return s.read.identityUsage(byKey(ctx), identityID)
}

// PoolUsage implements storage.DatasetReader.
func (s *Store) PoolUsage(ctx context.Context, poolID string) (storage.Usage, error) {
	return s.read.poolUsage(byKey(ctx), poolID)
}

// GetSyncConfig implements storage.DatasetReader.
func (s *Store) GetSyncConfig(ctx context.Context, poolID string) (storage.SyncConfig, error) {
	return s.read.syncConfigOf(byKey(ctx), poolID)
}

// GetDevice implements storage.DatasetReader.
func (s *Store) GetDevice(ctx context.Context, id string) (storage.Device, error) {
	return s.read.deviceByID(byKey(ctx), id)
}

// DeviceByToken implements storage.DatasetReader.
func (s *Store) DeviceByToken(ctx context.Context, identityID, platform, token string) (storage.Device, error) {
	return s.read.deviceWithToken(byKey(ctx), identityID, platform, token)
}

// ListDevices implements storage.DatasetReader.
func (s *Store) ListDevices(ctx context.Context, identityID string) ([]storage.Device, error) {
	return s.read.devicesOf(byKey(ctx), identityID)
}

// Subscriptions implements storage.DatasetReader.
func (s *Store) Subscriptions(ctx context.Context, deviceID string) ([]string, error) {
	return s.read.subscriptionsOf(byKey(ctx), deviceID)
}

// Subscribed implements storage.DatasetReader.
func (s *Store) Subscribed(ctx context.Context, deviceID, datasetName string) (bool, error) {
	return s.read.subscribed(byKey(ctx), deviceID, datasetName)
}
