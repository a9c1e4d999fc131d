-- 0004: the log of issued temporary credentials and early revocations.

CREATE TABLE issued_credentials (
    access_key_id TEXT    NOT NULL PRIMARY KEY,
    session_token TEXT    NOT NULL,
    expires       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX issued_credentials_expires ON issued_credentials (expires);

CREATE TABLE revocations (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
