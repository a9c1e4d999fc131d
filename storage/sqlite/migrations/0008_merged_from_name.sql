-- 0008: a merged copy keeps the name of the dataset it came from.
--
-- An identity merge stores a dataset beside the survivor's dataset of the
-- same name as "<name>.<loser id>", shortened when that would be too long,
-- and ListRecords of <name> reports it. The origin was found by the name's
-- prefix, which a shortened name does not keep; it is now stored.
ALTER TABLE datasets ADD COLUMN merged_from_name TEXT NOT NULL DEFAULT '';

-- Copies merged before: the name up to ".<loser id>" or ".<loser uuid>",
-- as they were found before (a shortened name yields its shortened
-- prefix, as it did).
UPDATE datasets SET merged_from_name = CASE
        WHEN instr(name, '.' || merged_from) > 1 THEN substr(name, 1, instr(name, '.' || merged_from) - 1)
        ELSE substr(name, 1, instr(name, '.' || substr(merged_from, instr(merged_from, ':') + 1)) - 1)
    END
    WHERE merged_from <> '';
