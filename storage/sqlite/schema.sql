-- The schema of migrations 0001 to 0020 (go test ./storage/sqlite -run TestSchemaIsMigrations -update writes it).
CREATE TABLE pools (
    id       TEXT    NOT NULL PRIMARY KEY,
    name     TEXT    NOT NULL,
    -- Everything configured on the pool beyond its name, as one JSON object
    -- (see poolConfig in pool.go).
    config   TEXT    NOT NULL,
    created  INTEGER NOT NULL,
    modified INTEGER NOT NULL
, deleted INTEGER NOT NULL DEFAULT 0) STRICT, WITHOUT ROWID;
CREATE TABLE identities (
    id          TEXT    NOT NULL PRIMARY KEY,
    pool_id     TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    disabled    INTEGER NOT NULL DEFAULT 0,
    merged_into TEXT    NOT NULL DEFAULT '',
    created     INTEGER NOT NULL,
    modified    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE logins (
    pool_id     TEXT    NOT NULL,
    provider    TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    identity_id TEXT    NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    -- Position in the identity's link order.
    seq         INTEGER NOT NULL,
    PRIMARY KEY (pool_id, provider, user_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE signing_keys (
    -- Insertion order breaks ties between keys created in the same millisecond.
    seq         INTEGER PRIMARY KEY,
    kid         TEXT    NOT NULL UNIQUE,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
, retired INTEGER) STRICT;
CREATE TABLE secrets (
    name    TEXT    NOT NULL PRIMARY KEY,
    value   BLOB    NOT NULL,
    created INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
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
    modified              INTEGER NOT NULL, merged_from_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (identity_id, name)
) STRICT, WITHOUT ROWID;
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
CREATE TABLE revocations (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
CREATE TABLE pool_totals (
    pool_id      TEXT    NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    datasets     INTEGER NOT NULL,
    data_storage INTEGER NOT NULL
, modified INTEGER) STRICT, WITHOUT ROWID;
CREATE TABLE iam_roles (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_policies (
    arn  TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_oidc_providers (
    arn  TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_users (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_access_keys (
    id        TEXT    NOT NULL PRIMARY KEY,
    user_name TEXT    NOT NULL COLLATE NOCASE REFERENCES iam_users (name) ON DELETE CASCADE,
    created   INTEGER NOT NULL,
    data      TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE pool_identities (
    pool_id    TEXT    NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    identities INTEGER NOT NULL,
    disabled   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_account_alias (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    alias TEXT    NOT NULL
) STRICT;
CREATE TABLE iam_mfa_devices (
    serial TEXT NOT NULL PRIMARY KEY,
    data   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_groups (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE iam_policy_uses (
    policy_arn TEXT    NOT NULL,
    boundary   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    PRIMARY KEY (policy_arn, boundary, kind, name)
) STRICT, WITHOUT ROWID;
CREATE TABLE "outbound_federation" (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    issuer  TEXT    NOT NULL,
    enabled INTEGER NOT NULL
) STRICT;
CREATE TABLE "outbound_keys" (
    alg         TEXT    NOT NULL PRIMARY KEY,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL
) STRICT;
CREATE TABLE reset_pending (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1)
) STRICT;
CREATE INDEX identities_pool ON identities (pool_id, id);
CREATE INDEX logins_identity ON logins (identity_id, seq);
CREATE INDEX signing_keys_created ON signing_keys (created, seq);
CREATE INDEX records_sync ON records (identity_id, dataset, sync_count);
CREATE INDEX datasets_pool_modified ON datasets (pool_id, deleted, modified);
CREATE INDEX iam_access_keys_user ON iam_access_keys (user_name, created);
CREATE INDEX identities_merged ON identities (merged_into, id) WHERE merged_into <> '';
CREATE INDEX iam_policy_uses_entity ON iam_policy_uses (kind, name);
CREATE INDEX iam_roles_by_name ON iam_roles (json_extract(data, '$.Name'));
CREATE INDEX iam_users_by_name ON iam_users (json_extract(data, '$.Name'));
CREATE INDEX iam_groups_by_name ON iam_groups (json_extract(data, '$.Name'));
CREATE INDEX iam_policies_by_name ON iam_policies (json_extract(data, '$.Name'), arn);
CREATE INDEX iam_policies_by_folded_name ON iam_policies (json_extract(data, '$.Name') COLLATE NOCASE);
CREATE TRIGGER datasets_totals_insert AFTER INSERT ON datasets WHEN NEW.deleted = 0 BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage) VALUES (NEW.pool_id, 1, NEW.data_storage)
        ON CONFLICT (pool_id) DO UPDATE SET datasets = datasets + 1, data_storage = data_storage + excluded.data_storage;
END;
CREATE TRIGGER datasets_totals_delete AFTER DELETE ON datasets WHEN OLD.deleted = 0 BEGIN
    UPDATE pool_totals SET datasets = datasets - 1, data_storage = data_storage - OLD.data_storage
        WHERE pool_id = OLD.pool_id;
END;
CREATE TRIGGER datasets_totals_update AFTER UPDATE OF pool_id, deleted, data_storage ON datasets BEGIN
    UPDATE pool_totals SET datasets = datasets - 1, data_storage = data_storage - OLD.data_storage
        WHERE pool_id = OLD.pool_id AND OLD.deleted = 0;
    INSERT INTO pool_totals (pool_id, datasets, data_storage)
        SELECT NEW.pool_id, 1, NEW.data_storage WHERE NEW.deleted = 0
        ON CONFLICT (pool_id) DO UPDATE SET datasets = datasets + 1, data_storage = data_storage + excluded.data_storage;
END;
CREATE TRIGGER pools_identities_insert AFTER INSERT ON pools BEGIN
    INSERT INTO pool_identities (pool_id, identities, disabled) VALUES (NEW.id, 0, 0);
END;
CREATE TRIGGER identities_count_insert AFTER INSERT ON identities BEGIN
    UPDATE pool_identities SET identities = identities + 1, disabled = disabled + (NEW.disabled <> 0)
        WHERE pool_id = NEW.pool_id;
END;
CREATE TRIGGER identities_count_delete AFTER DELETE ON identities BEGIN
    UPDATE pool_identities SET identities = identities - 1, disabled = disabled - (OLD.disabled <> 0)
        WHERE pool_id = OLD.pool_id;
END;
CREATE TRIGGER identities_count_update AFTER UPDATE OF pool_id, disabled ON identities
    WHEN OLD.pool_id <> NEW.pool_id OR (OLD.disabled <> 0) <> (NEW.disabled <> 0) BEGIN
    UPDATE pool_identities SET identities = identities - 1, disabled = disabled - (OLD.disabled <> 0)
        WHERE pool_id = OLD.pool_id;
    UPDATE pool_identities SET identities = identities + 1, disabled = disabled + (NEW.disabled <> 0)
        WHERE pool_id = NEW.pool_id;
END;
CREATE TRIGGER datasets_modified_insert AFTER INSERT ON datasets BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage, modified) VALUES (NEW.pool_id, 0, 0, NEW.modified)
        ON CONFLICT (pool_id) DO UPDATE SET modified = max(coalesce(modified, excluded.modified), excluded.modified);
END;
CREATE TRIGGER datasets_modified_update AFTER UPDATE OF pool_id, modified ON datasets BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage, modified) VALUES (NEW.pool_id, 0, 0, NEW.modified)
        ON CONFLICT (pool_id) DO UPDATE SET modified = max(coalesce(modified, excluded.modified), excluded.modified);
END;
CREATE TRIGGER iam_roles_uses_insert AFTER INSERT ON iam_roles BEGIN
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'role', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text'
        UNION ALL SELECT json_extract(NEW.data, '$.Boundary'), 1, 'role', json_extract(NEW.data, '$.Name') WHERE json_extract(NEW.data, '$.Boundary') <> '';
END;
CREATE TRIGGER iam_roles_uses_update AFTER UPDATE OF data ON iam_roles BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'role' AND name = json_extract(OLD.data, '$.Name');
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'role', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text'
        UNION ALL SELECT json_extract(NEW.data, '$.Boundary'), 1, 'role', json_extract(NEW.data, '$.Name') WHERE json_extract(NEW.data, '$.Boundary') <> '';
END;
CREATE TRIGGER iam_roles_uses_delete AFTER DELETE ON iam_roles BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'role' AND name = json_extract(OLD.data, '$.Name');
END;
CREATE TRIGGER iam_users_uses_insert AFTER INSERT ON iam_users BEGIN
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'user', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text'
        UNION ALL SELECT json_extract(NEW.data, '$.Boundary'), 1, 'user', json_extract(NEW.data, '$.Name') WHERE json_extract(NEW.data, '$.Boundary') <> '';
END;
CREATE TRIGGER iam_users_uses_update AFTER UPDATE OF data ON iam_users BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'user' AND name = json_extract(OLD.data, '$.Name');
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'user', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text'
        UNION ALL SELECT json_extract(NEW.data, '$.Boundary'), 1, 'user', json_extract(NEW.data, '$.Name') WHERE json_extract(NEW.data, '$.Boundary') <> '';
END;
CREATE TRIGGER iam_users_uses_delete AFTER DELETE ON iam_users BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'user' AND name = json_extract(OLD.data, '$.Name');
END;
CREATE TRIGGER iam_groups_uses_insert AFTER INSERT ON iam_groups BEGIN
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'group', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text';
END;
CREATE TRIGGER iam_groups_uses_update AFTER UPDATE OF data ON iam_groups BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'group' AND name = json_extract(OLD.data, '$.Name');
    INSERT OR IGNORE INTO iam_policy_uses
        SELECT value, 0, 'group', json_extract(NEW.data, '$.Name') FROM json_each(NEW.data, '$.Attached') WHERE type = 'text';
END;
CREATE TRIGGER iam_groups_uses_delete AFTER DELETE ON iam_groups BEGIN
    DELETE FROM iam_policy_uses WHERE kind = 'group' AND name = json_extract(OLD.data, '$.Name');
END;
