-- 0019: a reset in progress. A reset (fixtures.Fixture.Reset) that takes
-- more than one transaction records that it is in progress in the same
-- transaction as its first destructive step, and forgets it in its last:
-- a row here at Open is a reset that a crash interrupted, which the next
-- start completes before it serves (fixtures.Fixture.Apply). One row at
-- most, whose id is 1.

CREATE TABLE reset_pending (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1)
) STRICT;
