-- 0015: nothing, now. It made identities_live, a partial index of the
-- live identities, which 0017 drops (see there): every database that ran
-- this file runs 0017 too, so the index was made only to be dropped, which
-- cost a database of half a million identities 4.6 s of its upgrade. A
-- database that ran the former file holds the index until 0017 drops it
-- (DROP INDEX IF EXISTS); one that runs this one never has it: both end
-- in the same schema.
SELECT 1;
