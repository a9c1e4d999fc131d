-- 0016: IAM's managed policies found by their uses, and its listings paged
-- by name, without reading every role, user, group or policy.
--
-- iam_policy_uses holds, for each role, user and group, one row for each
-- managed policy attached to it (boundary 0) and one for the permissions
-- boundary of a role or user (boundary 1), under the entity's kind and
-- its name as its JSON holds it. A policy's AttachmentCount is then a
-- count of its rows, and ListEntitiesForPolicy reads its rows alone. The
-- triggers below keep it in the statement that writes the entity, and
-- the INSERT at the end fills it from the entities already stored. An
-- ARN attached twice (as no operation does) is one row.
CREATE TABLE iam_policy_uses (
    policy_arn TEXT    NOT NULL,
    boundary   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    PRIMARY KEY (policy_arn, boundary, kind, name)
) STRICT, WITHOUT ROWID;

-- The rows of one entity, which its triggers delete.
CREATE INDEX iam_policy_uses_entity ON iam_policy_uses (kind, name);

-- iam_entity_uses is every use of a managed policy the roles, users and
-- groups stored hold, as iam_policy_uses holds them: the backfill.
CREATE VIEW iam_entity_uses (policy_arn, boundary, kind, name) AS
    SELECT a.value, 0, 'role', json_extract(r.data, '$.Name') FROM iam_roles AS r, json_each(r.data, '$.Attached') AS a WHERE a.type = 'text'
    UNION ALL SELECT json_extract(data, '$.Boundary'), 1, 'role', json_extract(data, '$.Name') FROM iam_roles WHERE json_extract(data, '$.Boundary') <> ''
    UNION ALL SELECT a.value, 0, 'user', json_extract(u.data, '$.Name') FROM iam_users AS u, json_each(u.data, '$.Attached') AS a WHERE a.type = 'text'
    UNION ALL SELECT json_extract(data, '$.Boundary'), 1, 'user', json_extract(data, '$.Name') FROM iam_users WHERE json_extract(data, '$.Boundary') <> ''
    UNION ALL SELECT a.value, 0, 'group', json_extract(g.data, '$.Name') FROM iam_groups AS g, json_each(g.data, '$.Attached') AS a WHERE a.type = 'text';

INSERT OR IGNORE INTO iam_policy_uses SELECT * FROM iam_entity_uses;
DROP VIEW iam_entity_uses;

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

-- The listings by name (ListRoles, ListUsers, ListGroups, ListPolicies)
-- page in the order of the names as their JSON holds them, byte by byte,
-- which the key columns (NOCASE, or a policy's ARN) are not: these
-- indexes hold that order, so a page reads its own entities and starts
-- after its marker's name without reading those before.
CREATE INDEX iam_roles_by_name ON iam_roles (json_extract(data, '$.Name'));
CREATE INDEX iam_users_by_name ON iam_users (json_extract(data, '$.Name'));
CREATE INDEX iam_groups_by_name ON iam_groups (json_extract(data, '$.Name'));
CREATE INDEX iam_policies_by_name ON iam_policies (json_extract(data, '$.Name'), arn);

-- A policy's name is the account's whatever its path and case
-- (CreatePolicy): its names in any case, to find the one a new policy
-- would take. Policy names are ASCII (the model's [\w+=,.@-]+), which
-- NOCASE folds as the emulator's comparison does.
CREATE INDEX iam_policies_by_folded_name ON iam_policies (json_extract(data, '$.Name') COLLATE NOCASE);
