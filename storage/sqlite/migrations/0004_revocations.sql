-- 0004: early revocations of issued credentials and OpenID tokens.

CREATE TABLE revocations (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
