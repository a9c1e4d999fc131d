-- 0014: the account's outbound identity federation (IAM's
-- EnableOutboundWebIdentityFederation, STS's GetWebIdentityToken). The
-- account has one issuer at most, so outbound_federation holds one row at
-- most, whose id is 1; the issuer's keys, one per algorithm, are never
-- rotated.

CREATE TABLE outbound_federation (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    issuer  TEXT    NOT NULL,
    enabled INTEGER NOT NULL
) STRICT;

-- A key's kid is its algorithm's (AWS's RSA_0, EC384_0): not stored.
CREATE TABLE outbound_keys (
    alg         TEXT    NOT NULL PRIMARY KEY,
    private_key BLOB    NOT NULL,
    created     INTEGER NOT NULL
) STRICT;
