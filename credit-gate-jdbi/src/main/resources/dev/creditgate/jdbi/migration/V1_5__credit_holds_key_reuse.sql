-- credit-gate: a reservation released, or expired without a capture, gives its idempotency key back, so that the
-- key may hold credits again (a request whose work failed can be re-submitted with its key). Keys stay unique among
-- the reservations that are not released: at most one per key is held or captured. Replaces the plain unique
-- constraint of V1_3, creating the new index first so that the key is never unguarded.
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${holds}            the holds table, default credit_holds
--   ${holds_key_index}  the index of keys in use, default credit_holds_key
CREATE UNIQUE INDEX IF NOT EXISTS ${holds_key_index} ON ${holds} (account_id, idempotency_key)
    WHERE state <> 'RELEASED';
DO $$
DECLARE
    plain_unique text;
BEGIN
    SELECT c.conname INTO plain_unique
    FROM pg_constraint c
    WHERE c.conrelid = to_regclass('${holds}') AND c.contype = 'u'
      AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
           WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) = ARRAY['account_id', 'idempotency_key'];
    IF plain_unique IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', '${holds}', plain_unique);
    END IF;
END
$$;
