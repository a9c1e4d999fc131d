-- 0005: what keeps large pools cheap.
--
-- Pool usage reads per-pool totals instead of scanning a pool's datasets.
-- Triggers keep them, so every statement that changes a dataset (a cascade
-- from a deleted identity or pool included) changes the totals in the same
-- transaction. Only live datasets count.
CREATE TABLE pool_totals (
    pool_id      TEXT    NOT NULL PRIMARY KEY REFERENCES pools (id) ON DELETE CASCADE,
    datasets     INTEGER NOT NULL,
    data_storage INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO pool_totals (pool_id, datasets, data_storage)
    SELECT pool_id, count(*), sum(data_storage) FROM datasets WHERE deleted = 0 GROUP BY pool_id;

CREATE TRIGGER datasets_totals_insert AFTER INSERT ON datasets WHEN NEW.deleted = 0 BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage) VALUES (NEW.pool_id, 1, NEW.data_storage)
        ON CONFLICT (pool_id) DO UPDATE SET datasets = datasets + 1, data_storage = data_storage + excluded.data_storage;
END;

CREATE TRIGGER datasets_totals_delete AFTER DELETE ON datasets WHEN OLD.deleted = 0 BEGIN
    UPDATE pool_totals SET datasets = datasets - 1, data_storage = data_storage - OLD.data_storage
        WHERE pool_id = OLD.pool_id;
END;

CREATE TRIGGER datasets_totals_update AFTER UPDATE OF pool_id, deleted, data_storage ON datasets BEGIN
    UPDATE pool_totals SET datasets = datasets - 1, data_storage = data_storage - OLD.data_storage
        WHERE pool_id = OLD.pool_id AND OLD.deleted = 0;
    INSERT INTO pool_totals (pool_id, datasets, data_storage)
        SELECT NEW.pool_id, 1, NEW.data_storage WHERE NEW.deleted = 0
        ON CONFLICT (pool_id) DO UPDATE SET datasets = datasets + 1, data_storage = data_storage + excluded.data_storage;
END;

-- A pool's last change is the newest live dataset: one probe of this index.
-- It also serves everything the index on pool_id alone served.
DROP INDEX datasets_pool;
CREATE INDEX datasets_pool_modified ON datasets (pool_id, deleted, modified);

-- A deleted pool is first marked, which hides it and everything in it at
-- once, and then removed in batches that let other writes through (see
-- purge.go). A mark survives a crash: the removal resumes at the next Open.
ALTER TABLE pools ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
