-- 0013: IAM groups (CreateGroup), one JSON object each (see groups.go)
-- under the group's name, unique regardless of case as IAM's names are.
-- A group names its users in the JSON: IAM refuses to delete a user still
-- in a group, and ReplaceUser renames the user in its groups, so no
-- foreign key cascades.

CREATE TABLE iam_groups (
    name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    data TEXT NOT NULL
) STRICT, WITHOUT ROWID;
