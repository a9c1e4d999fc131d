-- 0002: server secrets, such as the key that seals issued credentials.
-- A secret is written once and never changes.

CREATE TABLE secrets (
    name    TEXT    NOT NULL PRIMARY KEY,
    value   BLOB    NOT NULL,
    created INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
