-- 0003: Cognito Sync state: datasets and their records, each pool's sync
-- configuration, push devices and their dataset subscriptions.
--
-- Everything hangs off a pool through foreign keys, so that deleting a pool
-- or an identity removes all of it: pools → identities → datasets → records,
-- identities → devices → subscriptions, pools → sync_config.

CREATE TABLE datasets (
    identity_id           TEXT    NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    name                  TEXT    NOT NULL,
    -- The identity's pool, copied here so that pool usage needs no join.
    pool_id               TEXT    NOT NULL,
    sync_count            INTEGER NOT NULL,
    deleted               INTEGER NOT NULL DEFAULT 0,
    deleted_at_sync_count INTEGER NOT NULL DEFAULT 0,
    merged_from           TEXT    NOT NULL DEFAULT '',
    last_modified_by      TEXT    NOT NULL DEFAULT '',
    data_storage          INTEGER NOT NULL DEFAULT 0,
    num_records           INTEGER NOT NULL DEFAULT 0,
    created               INTEGER NOT NULL,
    modified              INTEGER NOT NULL,
    PRIMARY KEY (identity_id, name)
) STRICT, WITHOUT ROWID;

-- PoolUsage aggregates a pool's datasets.
CREATE INDEX datasets_pool ON datasets (pool_id);

-- The value comes last: it may be large enough to spill onto overflow
-- pages, and columns stored after it would then cost a walk of that chain
-- to read. A NULL value is a tombstone.
CREATE TABLE records (
    identity_id      TEXT    NOT NULL,
    dataset          TEXT    NOT NULL,
    key              TEXT    NOT NULL,
    sync_count       INTEGER NOT NULL,
    last_modified_by TEXT    NOT NULL DEFAULT '',
    modified         INTEGER NOT NULL,
    -- NULL when the device sent no date.
    device_modified  INTEGER,
    value            TEXT,
    PRIMARY KEY (identity_id, dataset, key),
    -- ON UPDATE CASCADE: RenameDataset moves a dataset's records with it.
    FOREIGN KEY (identity_id, dataset) REFERENCES datasets (identity_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT, WITHOUT ROWID;

-- Incremental ListRecords (records changed after a sync count) finds the
-- changed records here rather than scanning the whole dataset.
CREATE INDEX records_sync ON records (identity_id, dataset, sync_count);

CREATE TABLE sync_config (
    pool_id TEXT NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    -- The whole SyncConfig as one JSON object (see syncConfig in sync.go).
    config  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE devices (
    id          TEXT    NOT NULL PRIMARY KEY,
    identity_id TEXT    NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    platform    TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    created     INTEGER NOT NULL,
    -- DeviceByToken is a lookup on it; the identity cascade finds devices here.
    UNIQUE (identity_id, platform, token)
) STRICT, WITHOUT ROWID;

CREATE TABLE subscriptions (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    dataset   TEXT NOT NULL,
    PRIMARY KEY (device_id, dataset)
) STRICT, WITHOUT ROWID;
