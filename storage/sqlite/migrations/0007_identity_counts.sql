-- 0007: a pool's identity count without walking its identities, and the
-- identities merged into one without scanning the pool.
--
-- Every pool has one row here, made with the pool, holding how many
-- identities it has and how many of those are disabled (merged into
-- another identity, or left without logins). Disabled identities count,
-- as ListIdentities lists them unless HideDisabled is set; the live ones
-- are identities - disabled. Triggers keep the row, so every statement
-- that adds, removes, disables or moves an identity (a cascade from a
-- deleted pool and the purge of a pool marked deleted included) changes
-- the count in the same transaction. The row goes with its pool.
CREATE TABLE pool_identities (
    pool_id    TEXT    NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    identities INTEGER NOT NULL,
    disabled   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO pool_identities (pool_id, identities, disabled)
    SELECT id, 0, 0 FROM pools;

-- The backfill: one walk of the identities, once, when the database is
-- upgraded.
UPDATE pool_identities SET identities = c.n, disabled = c.d
    FROM (SELECT pool_id, count(*) AS n, sum(disabled <> 0) AS d FROM identities GROUP BY pool_id) AS c
    WHERE pool_identities.pool_id = c.pool_id;

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

-- UpdateIdentity writes every column; only a change of pool or of
-- disabled moves a count.
CREATE TRIGGER identities_count_update AFTER UPDATE OF pool_id, disabled ON identities
    WHEN OLD.pool_id <> NEW.pool_id OR (OLD.disabled <> 0) <> (NEW.disabled <> 0) BEGIN
    UPDATE pool_identities SET identities = identities - 1, disabled = disabled - (OLD.disabled <> 0)
        WHERE pool_id = OLD.pool_id;
    UPDATE pool_identities SET identities = identities + 1, disabled = disabled + (NEW.disabled <> 0)
        WHERE pool_id = NEW.pool_id;
END;

-- The identities that lost a merge to one identity: merged identities
-- only, so the index stays as small as the merges are few.
CREATE INDEX identities_merged ON identities (merged_into, id) WHERE merged_into <> '';
