-- 0009: a pool's last change is kept with its totals.
--
-- Usage's LastModifiedDate is the time of the last change to a dataset,
-- a deletion included; it was the newest live dataset, which went back in
-- time when that dataset was deleted. Triggers keep the newest change of
-- any of a pool's datasets in pool_totals, in the transaction that makes
-- it, so pool usage still reads the totals alone.
ALTER TABLE pool_totals ADD COLUMN modified INTEGER;

UPDATE pool_totals SET modified = (SELECT max(modified) FROM datasets WHERE datasets.pool_id = pool_totals.pool_id);

-- Pools whose datasets are all deleted have no totals yet.
INSERT INTO pool_totals (pool_id, datasets, data_storage, modified)
    SELECT d.pool_id, 0, 0, max(d.modified) FROM datasets AS d
    WHERE EXISTS (SELECT 1 FROM pools AS p WHERE p.id = d.pool_id)
    GROUP BY d.pool_id
    ON CONFLICT (pool_id) DO NOTHING;

CREATE TRIGGER datasets_modified_insert AFTER INSERT ON datasets BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage, modified) VALUES (NEW.pool_id, 0, 0, NEW.modified)
        ON CONFLICT (pool_id) DO UPDATE SET modified = max(coalesce(modified, excluded.modified), excluded.modified);
END;

CREATE TRIGGER datasets_modified_update AFTER UPDATE OF pool_id, modified ON datasets BEGIN
    INSERT INTO pool_totals (pool_id, datasets, data_storage, modified) VALUES (NEW.pool_id, 0, 0, NEW.modified)
        ON CONFLICT (pool_id) DO UPDATE SET modified = max(coalesce(modified, excluded.modified), excluded.modified);
END;
