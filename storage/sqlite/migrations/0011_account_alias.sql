-- 0011: the account's IAM alias (CreateAccountAlias). An account has one
-- alias at most, so the table holds one row at most, whose id is 1.

CREATE TABLE iam_account_alias (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    alias TEXT    NOT NULL
) STRICT;
