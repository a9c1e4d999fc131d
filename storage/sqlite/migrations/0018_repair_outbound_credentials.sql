-- 0018: the outbound federation's tables in every database, in the shape
-- 0014 makes today, and no log of issued credentials.
--
-- Migration files were once renumbered and edited after they had run on
-- main, and user_version counts files, not names:
--   - a database written at 7653ed8 ran 0014_iam_groups, so a later idpool
--     took its 0014 (outbound) as done and never made outbound_federation
--     or outbound_keys;
--   - 0014_outbound_federation ran from dab84ce to 3e3d363 with an
--     issuer_id column and a kid key, which today's writes (that give
--     neither) fail on, NOT NULL;
--   - a database from the days of 0004_credentials (from a391cc8 until
--     31f7ee8 made it 0004_revocations) keeps issued_credentials, which
--     nothing has read since.
-- Every statement below is right for each of those databases and for one
-- that is as it should be.

CREATE TABLE IF NOT EXISTS outbound_federation (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    issuer  TEXT    NOT NULL,
    enabled INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS outbound_keys (
    alg         TEXT    NOT NULL PRIMARY KEY,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL
) STRICT;

-- Both tables are rebuilt in today's shape from the columns every shape
-- has (a row at most, and a key per algorithm: nothing to measure). A key
-- loses its stored kid, which is its algorithm's now (3e3d363).
CREATE TABLE outbound_federation_0018 (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    issuer  TEXT    NOT NULL,
    enabled INTEGER NOT NULL
) STRICT;
INSERT INTO outbound_federation_0018 (id, issuer, enabled) SELECT id, issuer, enabled FROM outbound_federation;
DROP TABLE outbound_federation;
ALTER TABLE outbound_federation_0018 RENAME TO outbound_federation;

CREATE TABLE outbound_keys_0018 (
    alg         TEXT    NOT NULL PRIMARY KEY,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL
) STRICT;
INSERT INTO outbound_keys_0018 (alg, private_key, created) SELECT alg, private_key, created FROM outbound_keys;
DROP TABLE outbound_keys;
ALTER TABLE outbound_keys_0018 RENAME TO outbound_keys;

DROP INDEX IF EXISTS issued_credentials_expires;
DROP TABLE IF EXISTS issued_credentials;
