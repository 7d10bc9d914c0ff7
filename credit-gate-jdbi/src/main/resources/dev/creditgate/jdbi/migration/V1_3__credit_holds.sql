-- credit-gate: holds (reservations). A hold counts against its account's available credits while it is HELD and
-- its expires_at (by the database's clock) is in the future. No background job is needed: an expired hold simply
-- stops counting. A captured hold points at the ledger entry of its charge, at most once.
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${holds}               the table, default credit_holds
--   ${ledger}              the ledger table, default credit_ledger
--   ${holds_active_index}  the index of held holds, default credit_holds_active
CREATE TABLE IF NOT EXISTS ${holds} (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       text        NOT NULL,
    action           text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    available_after  bigint      NOT NULL CHECK (available_after >= 0),
    idempotency_key  text        NOT NULL,
    state            text        NOT NULL DEFAULT 'HELD' CHECK (state IN ('HELD', 'CAPTURED', 'RELEASED')),
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    settled_at       timestamptz,
    capture_entry    bigint      UNIQUE REFERENCES ${ledger} (id),
    UNIQUE (account_id, idempotency_key),
    CHECK ((state = 'CAPTURED') = (capture_entry IS NOT NULL)),
    CHECK ((state = 'HELD') = (settled_at IS NULL))
);
CREATE INDEX IF NOT EXISTS ${holds_active_index} ON ${holds} (account_id) WHERE state = 'HELD';
