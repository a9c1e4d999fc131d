package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// syncStmts are the Cognito Sync statements only the writer runs.
type syncStmts struct {
	updateDataset, insertDataset, renameDataset *sql.Stmt
	identityExists                              *sql.Stmt
	upsertRecord, deleteRecords                 *sql.Stmt
	putSyncConfig                               *sql.Stmt
	insertDevice, subscribe, unsubscribe        *sql.Stmt
}

func (st *syncStmts) prepare(ctx context.Context, p preparer) error {
	return prepareAll(ctx, p, map[**sql.Stmt]string{
		// The compare-and-swap half of PutDataset: it changes the row only
		// when it holds the expected sync count (?12).
		&st.updateDataset: `UPDATE datasets SET sync_count = ?3, deleted = ?4, deleted_at_sync_count = ?5,
			merged_from = ?6, last_modified_by = ?7, data_storage = ?8, num_records = ?9,
			created = ?10, modified = ?11, merged_from_name = ?13
			WHERE identity_id = ?1 AND name = ?2 AND sync_count = ?12
			AND NOT EXISTS (SELECT 1 FROM pools p WHERE p.id = datasets.pool_id AND p.deleted <> 0)`,
		// The insert half: the pool comes from the identity, and an absent
		// identity inserts no row.
		&st.insertDataset: `INSERT INTO datasets (identity_id, name, pool_id, sync_count, deleted,
			deleted_at_sync_count, merged_from, last_modified_by, data_storage, num_records, created, modified,
			merged_from_name)
			SELECT ?1, ?2, pool_id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 FROM identities i WHERE id = ?1 AND ` + livePool,
		// ON UPDATE CASCADE carries the records along. The pool follows the
		// target identity; when that identity is absent the foreign key
		// fails the statement. Neither identity may be in a pool marked
		// deleted.
		&st.renameDataset: `UPDATE datasets SET identity_id = ?3, name = ?4,
			pool_id = coalesce((SELECT pool_id FROM identities WHERE id = ?3), pool_id)
			WHERE identity_id = ?1 AND name = ?2 AND ` + liveIdentity1 + ` AND ` + liveIdentityOf("?3"),
		&st.identityExists: `SELECT EXISTS (SELECT 1 FROM identities i WHERE id = ?1 AND ` + livePool + `)`,

		// A record of an identity in a pool marked deleted is not written:
		// the statement changes no row.
		&st.upsertRecord: `INSERT INTO records (identity_id, dataset, key, sync_count, last_modified_by,
			modified, device_modified, value) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE ` + liveIdentity1 + `
			ON CONFLICT (identity_id, dataset, key) DO UPDATE SET sync_count = excluded.sync_count,
			last_modified_by = excluded.last_modified_by, modified = excluded.modified,
			device_modified = excluded.device_modified, value = excluded.value`,
		&st.deleteRecords: `DELETE FROM records WHERE identity_id = ?1 AND dataset = ?2`,

		&st.putSyncConfig: `INSERT INTO sync_config (pool_id, config) SELECT ?1, ?2 WHERE ` + livePool1 + `
			ON CONFLICT (pool_id) DO UPDATE SET config = excluded.config`,

		&st.insertDevice: `INSERT INTO devices (id, identity_id, platform, token, created)
			SELECT ?1, ?2, ?3, ?4, ?5 WHERE ` + liveIdentityOf("?2"),
		// A foreign-key failure (unknown device) is not a conflict: DO
		// NOTHING does not swallow it.
		&st.subscribe: `INSERT INTO subscriptions (device_id, dataset) SELECT ?1, ?2 WHERE ` + liveDevice1 + `
			ON CONFLICT DO NOTHING`,
		&st.unsubscribe: `DELETE FROM subscriptions WHERE device_id = ?1 AND dataset = ?2`,
	})
}

func (st *syncStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{
		st.updateDataset, st.insertDataset, st.renameDataset, st.identityExists,
		st.upsertRecord, st.deleteRecords, st.putSyncConfig,
		st.insertDevice, st.subscribe, st.unsubscribe,
	} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// wrote records that the transaction may have written the dataset, which
// the sync cache must then forget when the transaction ends. It is called
// before the write: a write that fails only costs a cache miss.
func (t *tx) wrote(identityID, name string) {
	t.w.datasetsWritten = append(t.w.datasetsWritten, dsKey{identityID, name})
}

// GetDataset implements storage.DatasetReader.
func (t *tx) GetDataset(ctx context.Context, identityID, name string) (storage.Dataset, error) {
	if err := t.check(ctx); err != nil {
		return storage.Dataset{}, err
	}
	return t.w.read.dataset(context.Background(), identityID, name)
}

// ListDatasets implements storage.DatasetReader.
func (t *tx) ListDatasets(ctx context.Context, identityID, after string, limit int) ([]storage.Dataset, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.datasets(context.Background(), identityID, after, limit)
}

// ListRecords implements storage.DatasetReader.
func (t *tx) ListRecords(ctx context.Context, identityID, name string, opts storage.ListRecordsOptions) ([]storage.Record, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.records(context.Background(), identityID, name, opts)
}

// DatasetRecords implements storage.DatasetReader. Every read of the
// transaction sees the same state: two reads are one snapshot.
func (t *tx) DatasetRecords(ctx context.Context, identityID, name string, opts storage.ListRecordsOptions) (storage.Dataset, []storage.Record, error) {
	if err := t.check(ctx); err != nil {
		return storage.Dataset{}, nil, err
	}
	return t.w.read.datasetRecords(context.Background(), identityID, name, opts)
}

// GetRecords implements storage.DatasetReader. Inside the transaction
// every lookup sees the same state, so each key is a point lookup: cheaper
// than building a JSON list for the few keys an update touches.
func (t *tx) GetRecords(ctx context.Context, identityID, name string, keys []string) (map[string]storage.Record, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	m := make(map[string]storage.Record, len(keys))
	if err := t.w.read.recordsOneByOne(context.Background(), identityID, name, keys, m); err != nil {
		return nil, fmt.Errorf("sqlite: get records of %s/%s: %w", identityID, name, err)
	}
	return m, nil
}

// IdentityUsage implements storage.DatasetReader.
func (t *tx) IdentityUsage(ctx context.Context, identityID string) (storage.Usage, error) {
	if err := t.check(ctx); err != nil {
		return storage.Usage{}, err
	}
	return t.w.read.identityUsage(context.Background(), identityID)
}

// PoolUsage implements storage.DatasetReader.
func (t *tx) PoolUsage(ctx context.Context, poolID string) (storage.Usage, error) {
	if err := t.check(ctx); err != nil {
		return storage.Usage{}, err
	}
	return t.w.read.poolUsage(context.Background(), poolID)
}

// GetSyncConfig implements storage.DatasetReader.
func (t *tx) GetSyncConfig(ctx context.Context, poolID string) (storage.SyncConfig, error) {
	if err := t.check(ctx); err != nil {
		return storage.SyncConfig{}, err
	}
	return t.w.read.syncConfigOf(context.Background(), poolID)
}

// GetDevice implements storage.DatasetReader.
func (t *tx) GetDevice(ctx context.Context, id string) (storage.Device, error) {
	if err := t.check(ctx); err != nil {
		return storage.Device{}, err
	}
	return t.w.read.deviceByID(context.Background(), id)
}

// DeviceByToken implements storage.DatasetReader.
func (t *tx) DeviceByToken(ctx context.Context, identityID, platform, token string) (storage.Device, error) {
	if err := t.check(ctx); err != nil {
		return storage.Device{}, err
	}
	return t.w.read.deviceWithToken(context.Background(), identityID, platform, token)
}

// ListDevices implements storage.DatasetReader.
func (t *tx) ListDevices(ctx context.Context, identityID string) ([]storage.Device, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.devicesOf(context.Background(), identityID)
}

// Subscriptions implements storage.DatasetReader.
func (t *tx) Subscriptions(ctx context.Context, deviceID string) ([]string, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.subscriptionsOf(context.Background(), deviceID)
}

// Subscribed implements storage.DatasetReader.
func (t *tx) Subscribed(ctx context.Context, deviceID, datasetName string) (bool, error) {
	if err := t.check(ctx); err != nil {
		return false, err
	}
	return t.w.read.subscribed(context.Background(), deviceID, datasetName)
}

// PutDataset implements storage.DatasetWriter. The compare-and-swap is an
// UPDATE conditioned on the expected sync count; when it changes nothing
// and 0 was expected, an INSERT, which the primary key refuses if the
// dataset exists after all. Each is one statement, atomic by itself, and
// the writer runs alone, so nothing can slip in between them. d.PoolID is
// not used: the dataset is recorded under its identity's pool.
func (t *tx) PutDataset(ctx context.Context, d storage.Dataset, expectSyncCount int64) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.wrote(d.IdentityID, d.Name)
	if err := t.putDataset(&d, expectSyncCount); err != nil {
		return fmt.Errorf("sqlite: put dataset %s/%s at sync count %d: %w", d.IdentityID, d.Name, expectSyncCount, err)
	}
	return nil
}

func (t *tx) putDataset(d *storage.Dataset, expect int64) error {
	st := &t.w.st
	created, modified := millis(d.CreatedAt), millis(d.ModifiedAt)
	res, err := exec(st.updateDataset, d.IdentityID, d.Name, d.SyncCount, boolInt(d.Deleted), d.DeletedAtSyncCount,
		d.MergedFrom, d.LastModifiedBy, d.DataStorage, d.NumRecords, created, modified, expect, d.MergedFromName)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if expect == 0 {
		res, err = exec(st.insertDataset, d.IdentityID, d.Name, d.SyncCount, boolInt(d.Deleted), d.DeletedAtSyncCount,
			d.MergedFrom, d.LastModifiedBy, d.DataStorage, d.NumRecords, created, modified, d.MergedFromName)
		if err != nil {
			if errors.Is(sentinel(err), storage.ErrAlreadyExists) {
				return storage.ErrConflict // it exists, at another sync count
			}
			return err
		}
		if err := affected(res); err != nil {
			return fmt.Errorf("identity %s: %w", d.IdentityID, storage.ErrNotFound)
		}
		return nil
	}
	// Nothing matched: tell an absent identity from a stale sync count.
	var exists bool
	if err := st.identityExists.QueryRowContext(context.Background(), d.IdentityID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("identity %s: %w", d.IdentityID, storage.ErrNotFound)
	}
	return storage.ErrConflict
}

// PutRecords implements storage.DatasetWriter. A record with a nil Value
// is stored as a tombstone; a zero DeviceModifiedAt as none.
func (t *tx) PutRecords(ctx context.Context, identityID, name string, records []storage.Record) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.wrote(identityID, name)
	put := func() error {
		for i := range records {
			r := &records[i]
			var value, device any // nil binds NULL
			if r.Value != nil {
				value = *r.Value
			}
			if !r.DeviceModifiedAt.IsZero() {
				device = millis(r.DeviceModifiedAt)
			}
			res, err := exec(t.w.st.upsertRecord, identityID, name, r.Key, r.SyncCount, r.LastModifiedBy,
				millis(r.ModifiedAt), device, value)
			if err == nil {
				err = affected(res) // the identity's pool is marked deleted
			}
			if err != nil {
				if errors.Is(sentinel(err), storage.ErrNotFound) {
					return fmt.Errorf("dataset %s/%s: %w", identityID, name, storage.ErrNotFound)
				}
				return fmt.Errorf("record %q: %w", r.Key, err)
			}
		}
		return nil
	}
	var err error
	if len(records) <= 1 {
		err = put() // at most one statement: atomic by itself
	} else {
		err = t.atomically(put)
	}
	if err != nil {
		return fmt.Errorf("sqlite: put records of %s/%s: %w", identityID, name, err)
	}
	return nil
}

// DeleteRecords implements storage.DatasetWriter.
func (t *tx) DeleteRecords(ctx context.Context, identityID, name string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.wrote(identityID, name)
	if _, err := exec(t.w.st.deleteRecords, identityID, name); err != nil {
		return fmt.Errorf("sqlite: delete records of %s/%s: %w", identityID, name, err)
	}
	return nil
}

// RenameDataset implements storage.DatasetWriter. It is one UPDATE of the
// dataset's key, which the foreign key cascades to its records.
func (t *tx) RenameDataset(ctx context.Context, fromIdentity, fromName, toIdentity, toName string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.wrote(fromIdentity, fromName)
	t.wrote(toIdentity, toName)
	res, err := exec(t.w.st.renameDataset, fromIdentity, fromName, toIdentity, toName)
	if err != nil {
		err = sentinel(err)
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("identity %s: %w", toIdentity, err)
		}
	} else {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("sqlite: rename dataset %s/%s to %s/%s: %w", fromIdentity, fromName, toIdentity, toName, err)
	}
	return nil
}

// PutSyncConfig implements storage.DatasetWriter. It returns ErrNotFound
// if the pool does not exist.
func (t *tx) PutSyncConfig(ctx context.Context, poolID string, c storage.SyncConfig) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	config, err := encodeSyncConfig(&c)
	if err != nil {
		return fmt.Errorf("sqlite: put sync configuration of %s: encode: %w", poolID, err)
	}
	res, err := exec(t.w.st.putSyncConfig, poolID, string(config))
	if err == nil {
		err = affected(res) // the pool is marked deleted
	}
	if err != nil {
		return fmt.Errorf("sqlite: put sync configuration of %s: %w", poolID, sentinel(err))
	}
	return nil
}

// PutDevice implements storage.DatasetWriter. Besides a taken id, it
// returns ErrAlreadyExists when the identity already has a device with the
// same platform and token, and ErrNotFound when the identity is absent.
func (t *tx) PutDevice(ctx context.Context, d storage.Device) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	res, err := exec(t.w.st.insertDevice, d.ID, d.IdentityID, d.Platform, d.Token, millis(d.CreatedAt))
	if err == nil {
		err = affected(res) // the identity's pool is marked deleted
	}
	if err != nil {
		err = sentinel(err)
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("identity %s: %w", d.IdentityID, err)
		}
		return fmt.Errorf("sqlite: put device %s: %w", d.ID, err)
	}
	return nil
}

// Subscribe implements storage.DatasetWriter. It returns ErrNotFound if
// the device does not exist.
func (t *tx) Subscribe(ctx context.Context, deviceID, datasetName string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	res, err := exec(t.w.st.subscribe, deviceID, datasetName)
	if err != nil {
		return fmt.Errorf("sqlite: subscribe %s to %s: %w", deviceID, datasetName, sentinel(err))
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	// No row: the device is subscribed already, or of a pool marked
	// deleted, which the device's lookup tells.
	if _, err := t.w.read.deviceByID(context.Background(), deviceID); err != nil {
		return fmt.Errorf("sqlite: subscribe %s to %s: %w", deviceID, datasetName, err)
	}
	return nil
}

// Unsubscribe implements storage.DatasetWriter.
func (t *tx) Unsubscribe(ctx context.Context, deviceID, datasetName string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, err := exec(t.w.st.unsubscribe, deviceID, datasetName); err != nil {
		return fmt.Errorf("sqlite: unsubscribe %s from %s: %w", deviceID, datasetName, err)
	}
	return nil
}
