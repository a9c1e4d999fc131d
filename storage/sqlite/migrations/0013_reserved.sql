-- 0013: reserved. Another branch adds the migration of this number; this
-- placeholder keeps the versions contiguous (migrations requires it) until
-- the two are merged, when it is deleted in favour of that branch's file.
SELECT 1;
