-- credit-gate: the ledger. One row per balance change, written in the same statement as the change.
-- (account_id, idempotency_key) identifies one change, and a refund references its charge and can exist once.
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${ledger}                the table, default credit_ledger
--   ${ledger_history_index}  the history index, default credit_ledger_history
CREATE TABLE IF NOT EXISTS ${ledger} (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('GRANT', 'CHARGE', 'REFUND')),
    amount           bigint      NOT NULL CHECK (amount <> 0),
    balance_after    bigint      NOT NULL CHECK (balance_after >= 0),
    reference        text        NOT NULL,
    idempotency_key  text        NOT NULL,
    reverses         bigint      UNIQUE REFERENCES ${ledger} (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, idempotency_key),
    CHECK ((kind = 'CHARGE') = (amount < 0)),
    CHECK ((kind = 'REFUND') = (reverses IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS ${ledger_history_index} ON ${ledger} (account_id, id DESC);
