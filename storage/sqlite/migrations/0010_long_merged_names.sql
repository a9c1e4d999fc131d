-- 0010: merged copies get names a client can use.
--
-- Before the merge shortened the names it makes, a merged copy of a long
-- dataset was stored as "<name>.<loser id>", longer than the 128
-- characters of a dataset name: listed, but refused by every call that
-- names it, so a client could never read, reconcile or delete it, and an
-- export holding it did not load. Each such copy now takes the name the
-- merge gives today (mergedName in emulator/cognitosync/merge.go): the
-- first of
--
--     <name>.<loser id>, <name>.<loser id>.2, <name>.<loser id>.3, …
--
-- that its identity holds no dataset of, where the id loses its region
-- when the name would be too long, and the name is cut short when even
-- that is too long. <name> is the stored name of the dataset the copy
-- came from. The copies of one identity are named in the order of their
-- old names, so that "<name>.<id>" keeps the first name and
-- "<name>.<id>.2" the next. A deleted dataset holds its name here too:
-- where a merge would take its place, the upgrade moves no records
-- between datasets. As in a merge, a copy finds a free name among the
-- first 999; one that does not leaves new NULL, and the upgrade fails.
CREATE TEMP TABLE long_names (
    identity_id TEXT NOT NULL,
    old         TEXT NOT NULL,
    new         TEXT NOT NULL,
    -- The name to store as the origin (merged_from_name).
    origin      TEXT NOT NULL,
    PRIMARY KEY (identity_id, old)
);

-- A copy of such a copy names a long origin; as the origin's old name
-- starts the copy's old name, it comes first and has its new name by
-- then, which the copy's name is made from and stores as its origin. An
-- origin no longer held (deleted and purged) keeps its first 128
-- characters.
--
-- The walk names one copy at a time, each taking the first candidate
-- that is neither a dataset of its identity nor a name given to an
-- earlier copy of it: the copy before it (w.old, w.new) and those before
-- that (w.names, of the same identity: an object from new name to old,
-- where a candidate is looked up rather than compared with every name
-- given, which made an identity of many colliding copies slow). The
-- i-th candidate is mergedName(origin, from_id, i): its suffix s is the
-- id (or, where that would be too long, the id without its region) and
-- ".<i>" from the second on, and the origin keeps at most 127 - length(s)
-- characters.
CREATE TEMP TABLE long_copies (
    k           INTEGER PRIMARY KEY,
    identity_id TEXT NOT NULL,
    old         TEXT NOT NULL,
    -- The stored name of the dataset it came from.
    base        TEXT NOT NULL,
    from_id     TEXT NOT NULL,
    uuid        TEXT NOT NULL
);

INSERT INTO long_copies (k, identity_id, old, base, from_id, uuid)
    SELECT row_number() OVER (ORDER BY identity_id, name), identity_id, name,
        CASE WHEN merged_from_name <> '' THEN merged_from_name ELSE name END,
        merged_from, substr(merged_from, instr(merged_from, ':') + 1)
    FROM datasets WHERE length(name) > 128 AND merged_from <> '';

-- The suffixes of the candidates, in order, so that a copy's search
-- stops at the first free one.
CREATE TEMP TABLE merge_tries (
    i INTEGER PRIMARY KEY,
    n TEXT NOT NULL
);

INSERT INTO merge_tries (i, n)
    WITH RECURSIVE tries(i, n) AS (SELECT 1, '' UNION ALL SELECT i + 1, '.' || (i + 1) FROM tries WHERE i < 999)
    SELECT i, n FROM tries;

INSERT INTO long_names (identity_id, old, new, origin)
WITH RECURSIVE
    walk(k, identity_id, old, origin, new, names) AS (
        SELECT 0, '', '', '', '', json_object()
        UNION ALL
        SELECT c.k, c.identity_id, c.old,
            CASE WHEN length(c.base) <= 128 THEN c.base
                WHEN w.identity_id <> c.identity_id THEN substr(c.base, 1, 128)
                ELSE coalesce(CASE WHEN c.base = w.old THEN w.new END,
                    (SELECT j.key FROM json_each(w.names) AS j WHERE j.value = c.base), substr(c.base, 1, 128))
            END,
            (SELECT t.name
                FROM (SELECT i, substr(origin, 1, 127 - length(s)) || '.' || s AS name
                    FROM (SELECT i, origin, CASE WHEN length(origin) + 1 + length(c.from_id || n) > 128
                            THEN c.uuid ELSE c.from_id END || n AS s
                        FROM merge_tries, (SELECT CASE WHEN length(c.base) <= 128 THEN c.base
                            WHEN w.identity_id <> c.identity_id THEN substr(c.base, 1, 128)
                            ELSE coalesce(CASE WHEN c.base = w.old THEN w.new END,
                                (SELECT j.key FROM json_each(w.names) AS j WHERE j.value = c.base), substr(c.base, 1, 128))
                        END AS origin))) AS t
                WHERE NOT EXISTS (SELECT 1 FROM datasets AS d WHERE d.identity_id = c.identity_id AND d.name = t.name)
                    AND NOT (w.identity_id = c.identity_id AND (t.name = w.new
                        OR json_type(w.names, '$."' || t.name || '"') IS NOT NULL))
                ORDER BY t.i LIMIT 1),
            CASE WHEN w.identity_id = c.identity_id THEN json_set(w.names, '$."' || w.new || '"', w.old)
                ELSE json_object() END
        FROM walk AS w JOIN long_copies AS c ON c.k = w.k + 1
    )
SELECT identity_id, old, new, origin FROM walk WHERE k > 0;

-- The copies move under their new names: a new row each, then their
-- records and the subscriptions to them, then the old row goes. The
-- triggers on datasets see one dataset come and one go, so the pool's
-- totals and last change stay as they were.
INSERT INTO datasets (identity_id, name, pool_id, sync_count, deleted, deleted_at_sync_count, merged_from,
        last_modified_by, data_storage, num_records, created, modified, merged_from_name)
    SELECT d.identity_id, l.new, d.pool_id, d.sync_count, d.deleted, d.deleted_at_sync_count, d.merged_from,
        d.last_modified_by, d.data_storage, d.num_records, d.created, d.modified, l.origin
    FROM datasets AS d JOIN long_names AS l ON l.identity_id = d.identity_id AND l.old = d.name;

UPDATE records SET dataset = l.new
    FROM long_names AS l WHERE records.identity_id = l.identity_id AND records.dataset = l.old;

UPDATE subscriptions SET dataset = l.new
    FROM long_names AS l, devices AS v
    WHERE subscriptions.device_id = v.id AND v.identity_id = l.identity_id AND subscriptions.dataset = l.old;

DELETE FROM datasets WHERE length(name) > 128
    AND EXISTS (SELECT 1 FROM long_names AS l WHERE l.identity_id = datasets.identity_id AND l.old = datasets.name);

-- A copy a merge made since, from such a copy, still names the long
-- name as its origin. It takes the copy's new name where ListRecords of
-- that name finds it (its name starts with the new name's MergedPrefix:
-- the first 87 characters, or all of a shorter one and a dot), and the
-- first 128 characters of the old name otherwise, which its name starts
-- with the first 87 of.
UPDATE datasets SET merged_from_name = coalesce(
        (SELECT l.new FROM long_names AS l
            WHERE l.identity_id = datasets.identity_id AND l.old = datasets.merged_from_name
                AND CASE WHEN length(l.new) > 87 THEN substr(datasets.name, 1, 87) = substr(l.new, 1, 87)
                    ELSE substr(datasets.name, 1, length(l.new) + 1) = l.new || '.' END),
        substr(merged_from_name, 1, 128))
    WHERE length(merged_from_name) > 128;

DROP TABLE long_names;
DROP TABLE long_copies;
DROP TABLE merge_tries;
