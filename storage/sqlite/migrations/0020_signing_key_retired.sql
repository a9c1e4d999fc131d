-- 0020: when each signing key stopped signing (storage.SigningKey.RetiredAt),
-- in unix milliseconds, NULL while it has not, so that a key retired
-- longer ago than any token it signed can live is deleted. A key an older
-- idpool retired stopped signing when the active key was made, at the
-- latest: the keys stored before it get its creation time, the bound that
-- keeps every token they signed verifying. Keys stored after it were
-- stored inactive and have not signed here.

ALTER TABLE signing_keys ADD COLUMN retired INTEGER;

UPDATE signing_keys
SET retired = (SELECT MAX(a.created) FROM signing_keys AS a WHERE a.active <> 0)
WHERE active = 0
  AND seq < (SELECT MAX(a.seq) FROM signing_keys AS a WHERE a.active <> 0);
