package dev.creditgate.jdbi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Every SQL statement of the PostgreSQL store, in one place, built once per store: configured names arrive validated
 * and are quoted here; every value is a bind parameter.
 *
 * <p>Charges, reservations, captures and releases are each one call of a function that the migration creates
 * ({@code V1_6__credit_gate_functions.sql}): one statement and one round trip on every path, whatever the outcome.
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
    private final String upsertTouch;
    private final String ledger;
    private final String holds;
    private final Map<String, String> placeholders;

    private final String chargeCall;
    private final String chargeBatchCall;
    private final String reserveCall;
    private final String captureCall;
    private final String releaseCall;
    private final String account;
    private final String grant;
    private final String refund;
    private final String chargeExists;
    private final String entryByKey;
    private final String refundOf;
    private final String balanceQuery;
    private final String history;
    private final String purgeHolds;
    private final String purgeDistributedHolds;

    PostgresSql(Tables tables) {
        String prefix = tables.schema().map(s -> Identifiers.quote(s) + ".").orElse("");
        this.accounts = prefix + Identifiers.quote(tables.accountsTable());
        this.id = Identifiers.quote(tables.idColumn());
        this.balance = Identifiers.quote(tables.balanceColumn());
        this.idType = tables.idType();
        this.accountParam = idType.cast(":account");
        // Only a table credit-gate created is known to have updated_at; an adopted one is left as it is.
        this.touch = tables.ownsAccountsTable() ? ", \"updated_at\" = now()" : "";
        // Citus refuses now() in ON CONFLICT DO UPDATE; the proposed row's default is the same time.
        this.upsertTouch = tables.ownsAccountsTable() ? ", \"updated_at\" = EXCLUDED.\"updated_at\"" : "";
        this.ledger = prefix + Identifiers.quote(tables.ledgerTable());
        this.holds = prefix + Identifiers.quote(tables.holdsTable());
        String function = prefix + "\"" + tables.ledgerTable();
        this.placeholders = Map.ofEntries(
                Map.entry("${accounts}", accounts),
                Map.entry("${account_id}", id),
                Map.entry("${balance}", balance),
                Map.entry("${account_value}", idType.cast("p_account")),
                Map.entry("${owns_accounts}", Boolean.toString(tables.ownsAccountsTable())),
                Map.entry("${touch}", touch),
                Map.entry("${ledger}", ledger),
                Map.entry("${ledger_history_index}", Identifiers.quote(tables.ledgerTable() + "_history")),
                Map.entry("${holds}", holds),
                Map.entry("${holds_active_index}", Identifiers.quote(tables.holdsTable() + "_active")),
                Map.entry("${holds_key_index}", Identifiers.quote(tables.holdsTable() + "_key")),
                Map.entry("${charge_function}", function + "_charge\""),
                Map.entry("${charge_batch_function}", function + "_charges\""),
                Map.entry("${reserve_function}", function + "_reserve\""),
                Map.entry("${capture_function}", function + "_capture\""),
                Map.entry("${release_function}", function + "_release\""));

        this.chargeCall = fill("SELECT * FROM ${charge_function}(?, ?, ?, ?)");
        this.chargeBatchCall = fill("SELECT * FROM ${charge_batch_function}(?, ?, ?, ?)");
        this.reserveCall = fill("SELECT * FROM ${reserve_function}(:account, :amount, :action, :key, :ttlMillis)");
        this.captureCall = fill("SELECT * FROM ${capture_function}(:account, :hold, :amount)");
        this.releaseCall = fill("SELECT * FROM ${release_function}(:account, :hold)");
        this.account = """
                SELECT a.%3$s AS posted,
                       COALESCE((SELECT sum(h.amount) FROM %5$s h WHERE h.account_id = :account AND h.state = 'HELD'
                                 AND h.expires_at > clock_timestamp()), 0) AS held,
                       clock_timestamp() AS observed_at
                FROM %1$s a WHERE a.%2$s = %4$s
                """.formatted(accounts, id, balance, accountParam, holds);
        this.grant = grantStatement();
        this.refund = refundStatement();
        this.chargeExists = "SELECT EXISTS (SELECT 1 FROM %s WHERE account_id = :chargeAccount AND id = :charge "
                .formatted(ledger) + "AND kind = 'CHARGE')";
        this.entryByKey = "SELECT %s FROM %s WHERE account_id = :account AND idempotency_key = :key"
                .formatted(LEDGER_COLUMNS, ledger);
        this.refundOf = "SELECT %s FROM %s WHERE account_id = :chargeAccount AND reverses = :charge"
                .formatted(LEDGER_COLUMNS, ledger);
        this.balanceQuery = "SELECT %s FROM %s WHERE %s = %s".formatted(balance, accounts, id, accountParam);
        this.history = "SELECT %s FROM %s WHERE account_id = :account AND id < :before ORDER BY id DESC LIMIT :limit"
                .formatted(LEDGER_COLUMNS, ledger);
        this.purgeHolds = """
                DELETE FROM %1$s WHERE id IN (
                    SELECT id FROM %1$s
                    WHERE CASE WHEN state = 'HELD' THEN expires_at ELSE settled_at END
                          < clock_timestamp() - CAST(:retentionMillis AS bigint) * interval '1 millisecond'
                    LIMIT :batch
                    FOR UPDATE SKIP LOCKED)
                """.formatted(holds);
        this.purgeDistributedHolds = """
                DELETE FROM %1$s
                WHERE CASE WHEN state = 'HELD' THEN expires_at ELSE settled_at END < :cutoff
                """.formatted(holds);
    }

    /** The accounts table, quoted and qualified as the statements name it. */
    String accounts() {
        return accounts;
    }

    /** The ledger table, quoted and qualified as the statements name it. */
    String ledger() {
        return ledger;
    }

    /** The holds table, quoted and qualified as the statements name it. */
    String holds() {
        return holds;
    }

    /**
     * A charge on every path, with JDBC's positional parameters (account, cost, action, key): see
     * {@code V1_6__credit_gate_functions.sql} for its outcome codes.
     */
    String chargeCall() {
        return chargeCall;
    }

    /** Many charges in one transaction, each decided as {@link #chargeCall()} decides one. */
    String chargeBatchCall() {
        return chargeBatchCall;
    }

    String reserveCall() {
        return reserveCall;
    }

    String captureCall() {
        return captureCall;
    }

    String releaseCall() {
        return releaseCall;
    }

    /** Posted and held credits in one statement's snapshot. */
    String account() {
        return account;
    }

    String grant() {
        return grant;
    }

    String refund() {
        return refund;
    }

    String chargeExists() {
        return chargeExists;
    }

    String entryByKey() {
        return entryByKey;
    }

    String refundOf() {
        return refundOf;
    }

    String balance() {
        return balanceQuery;
    }

    /** A page by keyset: the entries older than {@code :before}, one more than the page holds to tell if more follow. */
    String history() {
        return history;
    }

    /**
     * Deletes one batch of holds settled, or expired, before {@code now - retention}. Rows locked by a capture or
     * release in flight are skipped, left for the next run.
     */
    String purgeHolds() {
        return purgeHolds;
    }

    /**
     * Deletes every hold settled, or expired, before {@code :cutoff}, on every shard at once: a table distributed by
     * Citus cannot take the batched form's {@code LIMIT} sub-select.
     */
    String purgeDistributedHolds() {
        return purgeDistributedHolds;
    }

    private String grantStatement() {
        return """
                WITH credited AS (
                    INSERT INTO %1$s AS a (%2$s, %3$s) VALUES (%4$s, :amount)
                    ON CONFLICT (%2$s) DO UPDATE SET %3$s = a.%3$s + EXCLUDED.%3$s%5$s
                    RETURNING a.%3$s AS balance_after
                )
                INSERT INTO %6$s (account_id, kind, amount, balance_after, reference, idempotency_key)
                SELECT :account, 'GRANT', :amount, balance_after, :reason, :key FROM credited
                RETURNING id, balance_after
                """.formatted(accounts, id, balance, accountParam, upsertTouch, ledger);
    }

    private String refundStatement() {
        return """
                WITH charge AS (
                    SELECT id, account_id, -amount AS amount FROM %6$s
                    WHERE account_id = :chargeAccount AND id = :charge AND kind = 'CHARGE'
                ), credited AS (
                    UPDATE %1$s SET %3$s = %3$s + (SELECT amount FROM charge)%5$s
                    WHERE %2$s = %4$s AND EXISTS (SELECT 1 FROM charge)
                    RETURNING %3$s AS balance_after
                )
                INSERT INTO %6$s (account_id, kind, amount, balance_after, reference, idempotency_key, reverses)
                SELECT charge.account_id, 'REFUND', charge.amount, credited.balance_after, :reason, :key, charge.id
                FROM charge, credited
                RETURNING %7$s
                """.formatted(accounts, id, balance, idType.cast(":chargeAccount"), touch,
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

    /** The DDL scripts, in order, with their placeholders filled; the accounts scripts only when we own the table. */
    List<String> migration(boolean includeAccounts) {
        List<String> scripts = includeAccounts
                ? List.of("V1_1__credit_accounts.sql", "V1_2__credit_ledger.sql", "V1_3__credit_holds.sql",
                        "V1_4__credit_accounts_holds_until.sql", "V1_5__credit_holds_key_reuse.sql",
                        "V1_6__credit_gate_functions.sql", "V1_7__credit_distribution_keys.sql")
                : List.of("V1_2__credit_ledger.sql", "V1_3__credit_holds.sql", "V1_5__credit_holds_key_reuse.sql",
                        "V1_6__credit_gate_functions.sql", "V1_7__credit_distribution_keys.sql");
        return scripts.stream().map(script -> fill(resource(script))).toList();
    }

    private String fill(String template) {
        return fill(template, placeholders);
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
