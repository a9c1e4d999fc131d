-- 0005: IAM roles, managed policies, OpenID Connect providers, users and
-- their access keys. Each entity is one JSON object (see iam.go) under its
-- key; role and user names are unique regardless of case, as in IAM.

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

CREATE INDEX iam_access_keys_user ON iam_access_keys (user_name, created);
