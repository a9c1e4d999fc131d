-- 0001: pools, identities, their logins, and token signing keys.
-- Timestamps are unix milliseconds. Later migrations only add.

CREATE TABLE pools (
    id       TEXT    NOT NULL PRIMARY KEY,
    name     TEXT    NOT NULL,
    -- Everything configured on the pool beyond its name, as one JSON object
    -- (see poolConfig in pool.go).
    config   TEXT    NOT NULL,
    created  INTEGER NOT NULL,
    modified INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE identities (
    id          TEXT    NOT NULL PRIMARY KEY,
    pool_id     TEXT    NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    disabled    INTEGER NOT NULL DEFAULT 0,
    merged_into TEXT    NOT NULL DEFAULT '',
    created     INTEGER NOT NULL,
    modified    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- ListIdentities pages a pool's identities in id order; the pool cascade
-- finds them here too.
CREATE INDEX identities_pool ON identities (pool_id, id);

-- The primary key makes a login unique within its pool, whichever identity
-- holds it; IdentityByLogin is a lookup on it.
CREATE TABLE logins (
    pool_id     TEXT    NOT NULL,
    provider    TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    identity_id TEXT    NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    -- Position in the identity's link order.
    seq         INTEGER NOT NULL,
    PRIMARY KEY (pool_id, provider, user_id)
) STRICT, WITHOUT ROWID;

-- An identity's logins in link order; the identity cascade finds them here.
CREATE INDEX logins_identity ON logins (identity_id, seq);

CREATE TABLE signing_keys (
    -- Insertion order breaks ties between keys created in the same millisecond.
    seq         INTEGER PRIMARY KEY,
    kid         TEXT    NOT NULL UNIQUE,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX signing_keys_created ON signing_keys (created, seq);
