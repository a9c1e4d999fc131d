package storage

import (
	"context"
	"time"
)

// Dataset is a Cognito Sync dataset of one identity. A deleted dataset keeps
// its row (Deleted set) so that ListRecords can still tell devices that it
// was deleted after the sync count they hold, and so that a re-created
// dataset continues the sync-count sequence.
type Dataset struct {
	IdentityID string
	Name       string
	// PoolID is the identity's pool (kept for pool-wide usage figures).
	// PutDataset records the identity's pool whatever d.PoolID holds, and
	// RenameDataset the target identity's.
	PoolID string
	// SyncCount is bumped by exactly one by every UpdateRecords that
	// changes the dataset; 0 before the first write.
	SyncCount int64
	// Deleted marks a deleted dataset; DeletedAtSyncCount is the dataset's
	// SyncCount when it was last deleted (0 when never deleted).
	Deleted            bool
	DeletedAtSyncCount int64
	// MergedFrom is the identity whose dataset this was, for a dataset that
	// an identity merge moved here under a new name ("" otherwise), and
	// MergedFromName the name it had there: ListRecords of that name
	// reports this dataset in MergedDatasetNames. The new name may be a
	// shortened one, so the origin is kept, not derived from it.
	MergedFrom     string
	MergedFromName string

	LastModifiedBy string
	// DataStorage is the total size in bytes (UTF-8 key + value) of the
	// live records; NumRecords counts them. Tombstones count for neither.
	DataStorage int64
	NumRecords  int64

	CreatedAt  time.Time
	ModifiedAt time.Time
}

// Record is one key of a dataset. A removed record is kept as a tombstone
// (Value nil) so that incremental listing reports the removal.
type Record struct {
	Key              string
	Value            *string
	SyncCount        int64
	LastModifiedBy   string
	ModifiedAt       time.Time
	DeviceModifiedAt time.Time // zero when the device sent none
}

// ListRecordsOptions selects a page of a dataset's records.
type ListRecordsOptions struct {
	// SinceSyncCount keeps records whose SyncCount is greater (0: all).
	SinceSyncCount int64
	// After is the key of the last record of the previous page; records
	// are listed in ascending key order.
	After string
	Limit int // ≤ 0: no limit
}

// Usage is the Cognito Sync usage of an identity or a whole pool.
type Usage struct {
	DatasetCount int64 // live datasets
	DataStorage  int64 // bytes of live records
	// LastModifiedAt is the newest ModifiedAt of the datasets, deleted
	// ones included: a deletion is a change (zero when none).
	LastModifiedAt time.Time
}

// SyncConfig is a pool's Cognito Sync configuration: stored and answered,
// never acted on outside the machine.
type SyncConfig struct {
	// Events maps an event name (SyncTrigger) to a Lambda ARN.
	Events map[string]string
	// PushSync: SNS platform application ARNs and the role to publish with.
	PushApplicationARNs []string
	PushRoleARN         string
	HasPushSync         bool
	// CognitoStreams.
	StreamName      string
	StreamRoleARN   string
	StreamingStatus string
	HasStreams      bool
	// The last BulkPublish.
	BulkPublishStatus   string // "" (never), IN_PROGRESS, SUCCEEDED, FAILED
	BulkPublishStart    time.Time
	BulkPublishComplete time.Time
	BulkPublishFailure  string
}

// Device is a push-sync device registered by an identity.
type Device struct {
	ID         string
	IdentityID string
	Platform   string
	Token      string
	CreatedAt  time.Time
}

// DatasetReader is the read half of the Cognito Sync state. The state of
// a deleted pool's identities, and its configuration, are gone for every
// reader with the pool (Tx.DeletePool), however much of it the backend
// has yet to remove.
type DatasetReader interface {
	// GetDataset returns the dataset, deleted or not, or ErrNotFound if
	// it never existed.
	GetDataset(ctx context.Context, identityID, name string) (Dataset, error)
	// ListDatasets returns up to limit live datasets of the identity with
	// name > after, in ascending name order.
	ListDatasets(ctx context.Context, identityID, after string, limit int) ([]Dataset, error)
	// ListRecords returns records of a dataset, tombstones included, as
	// values of the caller's own.
	ListRecords(ctx context.Context, identityID, name string, opts ListRecordsOptions) ([]Record, error)
	// DatasetRecords returns the dataset, deleted or not, and, unless it
	// is deleted, the page of its records that opts selects (values of the
	// caller's own), both of one state of the store: no write is seen by
	// one and not by the other, so no record's SyncCount exceeds the
	// dataset's, and a live dataset comes with the records it has. It
	// returns ErrNotFound if the dataset never existed. It is what a
	// device's pull reads; GetDataset followed by ListRecords may see a
	// write between the two.
	DatasetRecords(ctx context.Context, identityID, name string, opts ListRecordsOptions) (Dataset, []Record, error)
	// GetRecords returns the stored records with the given keys (those
	// that exist, tombstones included), keyed by Key.
	GetRecords(ctx context.Context, identityID, name string, keys []string) (map[string]Record, error)
	// IdentityUsage and PoolUsage aggregate live datasets, and the last
	// change of any (see Usage).
	IdentityUsage(ctx context.Context, identityID string) (Usage, error)
	PoolUsage(ctx context.Context, poolID string) (Usage, error)
	// GetSyncConfig returns the pool's configuration; a pool never
	// configured has the zero SyncConfig (not an error).
	GetSyncConfig(ctx context.Context, poolID string) (SyncConfig, error)
	// GetDevice returns ErrNotFound for an unknown device id.
	GetDevice(ctx context.Context, id string) (Device, error)
	// DeviceByToken finds the identity's device for (platform, token).
	DeviceByToken(ctx context.Context, identityID, platform, token string) (Device, error)
	// Subscribed reports whether the device is subscribed to the dataset.
	Subscribed(ctx context.Context, deviceID, datasetName string) (bool, error)
	// ListDevices returns every device of the identity, in (Platform,
	// Token) order; an identity has a handful.
	ListDevices(ctx context.Context, identityID string) ([]Device, error)
	// Subscriptions returns the names of the datasets the device is
	// subscribed to, in name order.
	Subscriptions(ctx context.Context, deviceID string) ([]string, error)
}

// DatasetWriter is the write half, used inside Store.Update. An identity,
// dataset, device or pool of a deleted pool does not exist for it.
type DatasetWriter interface {
	// PutDataset stores d (insert or replace) if the stored SyncCount
	// equals expectSyncCount (0 when the dataset does not exist yet) — a
	// compare-and-swap: otherwise it returns ErrConflict and writes
	// nothing. ErrNotFound if the identity does not exist.
	PutDataset(ctx context.Context, d Dataset, expectSyncCount int64) error
	// PutRecords inserts or replaces records of an existing dataset, as
	// given: DataStorage and NumRecords of the dataset are the caller's to
	// keep up to date (with PutDataset). ErrNotFound if the dataset does
	// not exist.
	PutRecords(ctx context.Context, identityID, name string, records []Record) error
	// DeleteRecords removes every record of the dataset (tombstones too).
	DeleteRecords(ctx context.Context, identityID, name string) error
	// RenameDataset moves a dataset with its records to another identity
	// and/or name (identity merges). ErrAlreadyExists if the target
	// exists, deleted or not; ErrNotFound if the source or the target
	// identity does not.
	RenameDataset(ctx context.Context, fromIdentity, fromName, toIdentity, toName string) error
	// PutSyncConfig replaces the pool's configuration; ErrNotFound if the
	// pool does not exist.
	PutSyncConfig(ctx context.Context, poolID string, c SyncConfig) error
	// PutDevice stores a device; ErrAlreadyExists if its id is taken or
	// the identity already has a device with that platform and token,
	// ErrNotFound if the identity does not exist.
	PutDevice(ctx context.Context, d Device) error
	// Subscribe and Unsubscribe are idempotent. Subscribe returns
	// ErrNotFound if the device does not exist.
	Subscribe(ctx context.Context, deviceID, datasetName string) error
	Unsubscribe(ctx context.Context, deviceID, datasetName string) error
}
