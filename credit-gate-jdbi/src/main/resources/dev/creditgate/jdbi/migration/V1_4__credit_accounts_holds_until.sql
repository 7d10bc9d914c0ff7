-- credit-gate: lets a charge know, from the account row alone, that no hold of the account is in force. The
-- one-statement charge runs only past holds_until; PostgreSQL re-reads the row after waiting for its lock, so a
-- hold placed meanwhile is never missed. Only for credit-gate's own accounts table (an adopted one is not altered).
-- Placeholders (Flyway syntax: credit-gate's migrate() fills them with quoted, validated names):
--   ${accounts}  the accounts table, default credit_accounts
ALTER TABLE ${accounts} ADD COLUMN IF NOT EXISTS holds_until timestamptz;
