-- credit-gate: every key of the ledger and the holds includes account_id, so that the tables can be distributed by
-- account on Citus (which requires every primary key, unique constraint and foreign key of a distributed table to
-- include its distribution column). On one PostgreSQL server nothing changes for the code: ids are still unique on
-- their own (identity columns), a refund is still unique per charge, a capture still per ledger entry.
--   ledger: primary key (account_id, id); unique (account_id, reverses); (account_id, reverses) references it
--   holds:  primary key (account_id, id); unique (account_id, capture_entry); (account_id, capture_entry) references
--           the ledger's (account_id, id)
-- Upgrades a database made by V1_2/V1_3 in place and does nothing on one already upgraded. It takes ACCESS
-- EXCLUSIVE locks on both tables while it rebuilds their keys: run it at deploy time.
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${ledger} ${holds}          the ledger and holds tables
DO $$
DECLARE
    ledger regclass := to_regclass('${ledger}');
    holds regclass := to_regclass('${holds}');
    old record;
BEGIN
    -- A primary key of one column (id) marks a table not yet upgraded.
    IF (SELECT array_length(conkey, 1) FROM pg_constraint WHERE conrelid = ledger AND contype = 'p') = 1 THEN
        -- Constraints that name id alone, found by their columns: the user may have renamed the tables.
        FOR old IN
            SELECT c.conrelid::regclass AS owner, c.conname FROM pg_constraint c
            WHERE c.conrelid IN (ledger, holds) AND c.contype IN ('f', 'u', 'p') AND array_length(c.conkey, 1) = 1
              AND (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1])
                  IN ('id', 'reverses', 'capture_entry')
            -- Foreign keys first: they depend on the unique index of the key they reference.
            ORDER BY c.contype = 'f' DESC
        LOOP
            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', old.owner, old.conname);
        END LOOP;
        EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (account_id, id)', ledger);
        EXECUTE format('ALTER TABLE %s ADD UNIQUE (account_id, reverses)', ledger);
        EXECUTE format('ALTER TABLE %s ADD FOREIGN KEY (account_id, reverses) REFERENCES %s (account_id, id)',
                ledger, ledger);
        EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (account_id, id)', holds);
        EXECUTE format('ALTER TABLE %s ADD UNIQUE (account_id, capture_entry)', holds);
        EXECUTE format('ALTER TABLE %s ADD FOREIGN KEY (account_id, capture_entry) REFERENCES %s (account_id, id)',
                holds, ledger);
    END IF;
END
$$;
