-- credit-gate: the balance table. One row per account. The primary key makes duplicate balance rows impossible,
-- and the check keeps a balance from ever going below zero whatever writes to it.
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${accounts}  the table, default credit_accounts
CREATE TABLE IF NOT EXISTS ${accounts} (
    account_id  text        PRIMARY KEY,
    balance     bigint      NOT NULL CHECK (balance >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
