package dev.creditgate.jdbi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Every SQL statement of the PostgreSQL store, in one place. Configured names arrive validated and are quoted
 * here; every value is a bind parameter.
 *
 * <p>A charge's success path is one statement: the conditional debit and its ledger row, in a data-modifying CTE.
 * The debit's {@code WHERE balance >= :cost} is re-checked by PostgreSQL on the newest row version after it waits for
 * the row lock, so concurrent charges serialize on the row and never overdraw.
 */
final class PostgresSql {

    static final String LEDGER_COLUMNS =
            "id, account_id, kind, amount, balance_after, reference, idempotency_key, reverses, created_at";

    private final String accounts;
    private final String id;
    private final String balance;
    private final AccountIdType idType;
    private final String accountParam;
    private final String touch;
    private final String ledger;
    private final String historyIndex;
    private final String holds;
    private final String holdsIndex;
    private final String holdsKeyIndex;
    private final String noActiveHolds;
    private final boolean ownsAccounts;

    PostgresSql(Tables tables) {
        String prefix = tables.schema().map(s -> Identifiers.quote(s) + ".").orElse("");
        this.accounts = prefix + Identifiers.quote(tables.accountsTable());
        this.id = Identifiers.quote(tables.idColumn());
        this.balance = Identifiers.quote(tables.balanceColumn());
        this.idType = tables.idType();
        this.accountParam = idType.cast(":account");
        // Only a table credit-gate created is known to have updated_at; an adopted one is left as it is.
        this.touch = tables.ownsAccountsTable() ? ", \"updated_at\" = now()" : "";
        this.ledger = prefix + Identifiers.quote(tables.ledgerTable());
        this.historyIndex = Identifiers.quote(tables.ledgerTable() + "_history");
        this.ownsAccounts = tables.ownsAccountsTable();
        this.holds = prefix + Identifiers.quote(tables.holdsTable());
        this.holdsIndex = Identifiers.quote(tables.holdsTable() + "_active");
        this.holdsKeyIndex = Identifiers.quote(tables.holdsTable() + "_key");
        // The one-statement charge must not take held credits. Holds live in another table, which a statement's
        // snapshot may see too early; holds_until lives in the account row, which PostgreSQL re-reads after waiting
        // for the row lock. An adopted table has no such column, so its charges always take the locked path.
        this.noActiveHolds = tables.ownsAccountsTable()
                ? " AND (\"holds_until\" IS NULL OR \"holds_until\" <= now())"
                : " AND false";
    }

    /** The one-statement charge, taken when the account has no hold in force. */
    String charge() {
        return debit(noActiveHolds);
    }

    /** The charge run under the row lock, after the held credits were counted. */
    String chargeLocked() {
        return debit("");
    }

    private String debit(String condition) {
        return """
                WITH debited AS (
                    UPDATE %1$s SET %3$s = %3$s - :cost%5$s
                    WHERE %2$s = %4$s AND %3$s >= :cost%7$s
                    RETURNING %3$s AS balance_after
                )
                INSERT INTO %6$s (account_id, kind, amount, balance_after, reference, idempotency_key)
                SELECT :account, 'CHARGE', -CAST(:cost AS bigint), balance_after, :action, :key FROM debited
                RETURNING id, balance_after
                """.formatted(accounts, id, balance, accountParam, touch, ledger, condition);
    }

    /**
     * Run after the account row is locked: a new snapshot, so it sees every hold placed before the lock. Says too
     * whether one of those holds has the key, which then belongs to the hold and cannot be charged.
     */
    String held() {
        return """
                SELECT COALESCE(sum(amount), 0) AS held, COALESCE(bool_or(idempotency_key = :key), false) AS key_held
                FROM %s
                WHERE account_id = :account AND state = 'HELD' AND expires_at > clock_timestamp()
                """.formatted(holds);
    }

    String account() {
        return """
                SELECT a.%3$s AS posted,
                       COALESCE((SELECT sum(h.amount) FROM %5$s h WHERE h.account_id = :account AND h.state = 'HELD'
                                 AND h.expires_at > clock_timestamp()), 0) AS held,
                       clock_timestamp() AS observed_at
                FROM %1$s a WHERE a.%2$s = %4$s
                """.formatted(accounts, id, balance, accountParam, holds);
    }

    String insertHold() {
        return """
                INSERT INTO %s (account_id, action, amount, available_after, idempotency_key, expires_at)
                VALUES (:account, :action, :amount, :availableAfter, :key,
                        clock_timestamp() + CAST(:ttlMillis AS bigint) * interval '1 millisecond')
                RETURNING id, expires_at
                """.formatted(holds);
    }

    static final String HOLD_COLUMNS =
            "id, account_id, action, amount, available_after, idempotency_key, state, expires_at, capture_entry, "
                    + "expires_at <= clock_timestamp() AS expired, "
                    + "settled_at IS NOT NULL AND settled_at >= expires_at AS settled_after_expiry";

    /** The key's reservation that is held (maybe expired) or captured; released ones gave their key back. */
    String holdByKey() {
        return "SELECT %s FROM %s WHERE account_id = :account AND idempotency_key = :key AND state <> 'RELEASED'"
                .formatted(HOLD_COLUMNS, holds);
    }

    String holdById() {
        return "SELECT %s FROM %s WHERE account_id = :account AND id = :id".formatted(HOLD_COLUMNS, holds);
    }

    String lockHold() {
        return "SELECT %s FROM %s WHERE account_id = :account AND id = :id FOR UPDATE".formatted(HOLD_COLUMNS, holds);
    }

    String settleHold() {
        return """
                UPDATE %s SET state = :state, capture_entry = :entry, settled_at = clock_timestamp()
                WHERE account_id = :account AND id = :id AND state = 'HELD'
                """.formatted(holds);
    }

    /**
     * Deletes one batch of holds settled, or expired, before {@code now - retention}. Rows locked by a capture or
     * release in flight are skipped, left for the next run.
     */
    String purgeHolds() {
        return """
                DELETE FROM %1$s WHERE id IN (
                    SELECT id FROM %1$s
                    WHERE CASE WHEN state = 'HELD' THEN expires_at ELSE settled_at END
                          < clock_timestamp() - CAST(:retentionMillis AS bigint) * interval '1 millisecond'
                    LIMIT :batch
                    FOR UPDATE SKIP LOCKED)
                """.formatted(holds);
    }

    /** Keeps holds_until truthful after a hold is placed or settled; a no-op for an adopted table. */
    String refreshHoldsUntil() {
        if (!ownsAccounts) {
            return "SELECT 1";
        }
        return """
                UPDATE %1$s SET "holds_until" = (
                    SELECT max(expires_at) FROM %4$s
                    WHERE account_id = :account AND state = 'HELD' AND expires_at > clock_timestamp())
                WHERE %2$s = %3$s
                """.formatted(accounts, id, accountParam, holds);
    }

    /**
     * Locks an account row inside a transaction (after a charge debited nothing, or before a hold changes). The plain
     * sub-select sees the row as the statement's snapshot and the SELECT policies allow; the FOR UPDATE one waits for
     * the row lock and sees the newest version, as the UPDATE policies allow. Together they tell a missing row from a
     * hidden one from a low balance.
     */
    String lockAccount() {
        return """
                WITH locked AS (
                    SELECT %3$s AS balance FROM %1$s WHERE %2$s = %4$s FOR UPDATE
                )
                SELECT (SELECT %3$s FROM %1$s WHERE %2$s = %4$s) AS visible_balance,
                       (SELECT balance FROM locked) AS locked_balance,
                       clock_timestamp() AS observed_at
                """.formatted(accounts, id, balance, accountParam);
    }

    String grant() {
        return """
                WITH credited AS (
                    INSERT INTO %1$s AS a (%2$s, %3$s) VALUES (%4$s, :amount)
                    ON CONFLICT (%2$s) DO UPDATE SET %3$s = a.%3$s + EXCLUDED.%3$s%5$s
                    RETURNING a.%3$s AS balance_after
                )
                INSERT INTO %6$s (account_id, kind, amount, balance_after, reference, idempotency_key)
                SELECT :account, 'GRANT', :amount, balance_after, :reason, :key FROM credited
                RETURNING id, balance_after
                """.formatted(accounts, id, balance, accountParam, touch, ledger);
    }

    String refund() {
        return """
                WITH charge AS (
                    SELECT id, account_id, -amount AS amount FROM %6$s
                    WHERE account_id = :chargeAccount AND id = :charge AND kind = 'CHARGE'
                ), credited AS (
                    UPDATE %1$s SET %3$s = %3$s + (SELECT amount FROM charge)%5$s
                    WHERE %2$s = %4$s
                    RETURNING %3$s AS balance_after
                )
                INSERT INTO %6$s (account_id, kind, amount, balance_after, reference, idempotency_key, reverses)
                SELECT charge.account_id, 'REFUND', charge.amount, credited.balance_after, :reason, :key, charge.id
                FROM charge, credited
                RETURNING %7$s
                """.formatted(accounts, id, balance, idType.cast("(SELECT account_id FROM charge)"), touch,
                ledger, LEDGER_COLUMNS);
    }

    /**
     * For an adopted table: one opening-balance entry for each account that has credits and no ledger yet, so that
     * every account's ledger sums to its balance from the start.
     */
    String openingBalances() {
        return """
                INSERT INTO %4$s (account_id, kind, amount, balance_after, reference, idempotency_key)
                SELECT CAST(a.%2$s AS text), 'GRANT', a.%3$s, a.%3$s, 'opening balance', 'creditgate:opening-balance'
                FROM %1$s a
                WHERE a.%3$s > 0
                  AND NOT EXISTS (SELECT 1 FROM %4$s l WHERE l.account_id = CAST(a.%2$s AS text))
                """.formatted(accounts, id, balance, ledger);
    }

    String chargeExists() {
        return "SELECT EXISTS (SELECT 1 FROM %s WHERE account_id = :chargeAccount AND id = :charge AND kind = 'CHARGE')"
                .formatted(ledger);
    }

    String entryByKey() {
        return "SELECT %s FROM %s WHERE account_id = :account AND idempotency_key = :key"
                .formatted(LEDGER_COLUMNS, ledger);
    }

    String refundOf() {
        return "SELECT %s FROM %s WHERE account_id = :chargeAccount AND reverses = :charge"
                .formatted(LEDGER_COLUMNS, ledger);
    }

    String entryById() {
        return "SELECT %s FROM %s WHERE account_id = :account AND id = :id".formatted(LEDGER_COLUMNS, ledger);
    }

    String balance() {
        return "SELECT %s FROM %s WHERE %s = %s".formatted(balance, accounts, id, accountParam);
    }

    /** A page by keyset: the entries older than {@code :before}, one more than the page holds to tell if more follow. */
    String history() {
        return "SELECT %s FROM %s WHERE account_id = :account AND id < :before ORDER BY id DESC LIMIT :limit"
                .formatted(LEDGER_COLUMNS, ledger);
    }

    /** The DDL scripts, in order, with their placeholders filled; the accounts script only when we own the table. */
    List<String> migration(boolean includeAccounts) {
        Map<String, String> placeholders = Map.of(
                "${accounts}", accounts,
                "${ledger}", ledger,
                "${ledger_history_index}", historyIndex,
                "${holds}", holds,
                "${holds_active_index}", holdsIndex,
                "${holds_key_index}", holdsKeyIndex);
        String ledgerDdl = fill(resource("V1_2__credit_ledger.sql"), placeholders);
        String holdsDdl = fill(resource("V1_3__credit_holds.sql"), placeholders);
        String holdsKeyDdl = fill(resource("V1_5__credit_holds_key_reuse.sql"), placeholders);
        return includeAccounts
                ? List.of(fill(resource("V1_1__credit_accounts.sql"), placeholders), ledgerDdl, holdsDdl,
                        fill(resource("V1_4__credit_accounts_holds_until.sql"), placeholders), holdsKeyDdl)
                : List.of(ledgerDdl, holdsDdl, holdsKeyDdl);
    }

    private static String fill(String template, Map<String, String> placeholders) {
        String filled = template;
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            filled = filled.replace(placeholder.getKey(), placeholder.getValue());
        }
        return filled;
    }

    static String resource(String name) {
        String path = "migration/" + name;
        try (InputStream in = PostgresSql.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/creditgate/jdbi/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
