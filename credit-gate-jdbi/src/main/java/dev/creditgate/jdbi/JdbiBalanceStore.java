package dev.creditgate.jdbi;

import dev.creditgate.AccountNotFound;
import dev.creditgate.AccountSnapshot;
import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGateException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.DebugContext;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Refund;
import dev.creditgate.Released;
import dev.creditgate.ReservationNotFoundException;
import dev.creditgate.ReserveResult;
import dev.creditgate.TransactionNotFoundException;
import dev.creditgate.TransientStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link BalanceStore}, on Jdbi 3 and pgjdbc. Many application instances may share one database:
 * every decision is made by PostgreSQL in the statement that applies it.
 *
 * <pre>{@code
 * JdbiBalanceStore store = JdbiBalanceStore.create(jdbi);   // credit_accounts, credit_ledger in the current schema
 * store.migrate();                                          // creates or updates its tables; idempotent
 * CreditGate gate = CreditGate.builder().store(store).build();
 * }</pre>
 *
 * <h2>How a charge is decided</h2>
 * One statement on the success path: a conditional {@code UPDATE ... WHERE balance >= :cost} and the ledger
 * {@code INSERT} in one data-modifying CTE, so the debit and its ledger row commit together or not at all. That path
 * is taken only while no hold of the account is in force (the account row's {@code holds_until} is past). Otherwise,
 * or when it debits nothing, a short READ COMMITTED transaction locks the account row, counts the credits held by
 * active holds in a later statement (a fresh snapshot that sees every hold placed before the lock) and tells the
 * cases apart truthfully:
 * <ul>
 *   <li>no row visible → {@link AccountNotFound} (missing, or hidden by a row-level security policy);</li>
 *   <li>row visible, but not lockable for update → {@link CreditStoreMisconfiguredException} (a row-level security
 *       policy that allows SELECT but not UPDATE) — never a 402;</li>
 *   <li>available credits (locked balance minus holds) below the cost → {@link InsufficientCredits} with them and
 *       the database's time, unless the idempotency key was already charged, which replays the charge;</li>
 *   <li>available credits cover the cost → the debit runs under the lock.</li>
 * </ul>
 *
 * <h2>Holds</h2>
 * {@link #reserve}, {@link #capture} and {@link #release} lock first (the account row; for a capture or release,
 * the hold row and then the account row) and read after, in one transaction each. Expiry is by the database's
 * clock, so instances with skewed clocks agree, and needs no background job.
 *
 * <h2>Failures</h2>
 * Classified by SQLSTATE anywhere in the cause chain: serialization failures, deadlocks, lock and statement
 * timeouts, too many connections, a server starting up or read-only, and failing to connect are
 * {@link TransientStoreException}s; a connection lost during a statement or its commit is an
 * {@link dev.creditgate.AmbiguousStoreException} (the gate retries it with the same key; the ledger's unique
 * {@code (account_id, idempotency_key)} turns the retry into a replay if the first attempt committed); missing
 * tables, columns, privileges and policies are {@link CreditStoreMisconfiguredException}s.
 *
 * <p>Thread-safe; it takes a connection from the {@link Jdbi} per call.
 */
public final class JdbiBalanceStore implements BalanceStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiBalanceStore.class);

    /** Serializes concurrent {@link #migrate()} calls from many instances. */
    private static final long MIGRATION_LOCK = 0x63726564_69746761L;

    /** The default number of lanes that send batched charges. */
    public static final int DEFAULT_BATCH_LANES = 4;

    /** The default most charges in one batch. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 500;

    /** Holds deleted per transaction by {@link #purgeSettledHolds(Duration)}. */
    private static final int PURGE_BATCH = 1_000;

    private final Jdbi jdbi;
    private final Tables tables;
    private final PostgresSql sql;
    private final String description;
    private final HoldOperations holds;
    /** Coalesces concurrent charges, when batching is on; otherwise null. */
    private final ChargeBatcher batcher;
    /** Whether migrate() may distribute an adopted accounts table on Citus. */
    private final boolean distributeAdoptedTable;

    private JdbiBalanceStore(Jdbi jdbi, Tables tables, Builder builder) {
        this.jdbi = jdbi;
        this.tables = tables;
        this.sql = new PostgresSql(tables);
        this.description = "postgresql " + tables.schema().map(s -> "schema=" + s + " ").orElse("")
                + "accounts=" + tables.accountsTable() + " ledger=" + tables.ledgerTable()
                + " holds=" + tables.holdsTable();
        this.holds = new HoldOperations(sql, description);
        this.distributeAdoptedTable = builder.distributeAdoptedTable;
        this.batcher = builder.batching
                ? new ChargeBatcher(builder.batchLanes, builder.maxBatchSize, sql, this::run, this::chargeCall,
                        description)
                : null;
    }

    /** The batcher of charges, when batching is on; for tests. */
    ChargeBatcher batcher() {
        return batcher;
    }

    /** The Jdbi the store connects through, for the doctor. */
    Jdbi jdbi() {
        return jdbi;
    }

    /** Where the store's data lives, for the doctor. */
    Tables tables() {
        return tables;
    }

    /**
     * Creates a store on the default tables, {@code credit_accounts} and {@code credit_ledger}, in the schema that
     * is current for the Jdbi's connections. Does no I/O.
     *
     * @param jdbi the Jdbi instance, typically on a pooled DataSource
     * @return the store
     */
    public static JdbiBalanceStore create(Jdbi jdbi) {
        return builder(jdbi).build();
    }

    /**
     * Starts configuring a store: another schema, other table names, or an existing balance table to adopt.
     *
     * @param jdbi the Jdbi instance, typically on a pooled DataSource
     * @return a builder
     */
    public static Builder builder(Jdbi jdbi) {
        return new Builder(jdbi);
    }

    /**
     * Creates or updates the store's schema objects: the schema if one was named, the accounts table (unless an
     * existing one was adopted, which is checked instead) and the ledger. Idempotent, and safe to run from many
     * instances at once (they take turns on an advisory lock). Users of Flyway or Liquibase can run the same DDL from
     * the resources {@code dev/creditgate/jdbi/migration/V1_1__credit_accounts.sql} to {@code V1_7__...sql} instead
     * (V1_1 and V1_4 only for credit-gate's own accounts table).
     *
     * <p>On Citus (the database has the {@code citus} extension) it also distributes the accounts, ledger and holds
     * tables by account id in one co-location group, so that every operation on one account runs on one shard (the
     * store's functions run on the coordinator, which routes each of their statements to that shard). Tables already
     * distributed are left as they are. An adopted accounts table is distributed only when the builder's
     * {@link Builder#distributeAdoptedTable(boolean)} asks for it.
     *
     * @throws CreditStoreMisconfiguredException if the role may not create the objects, or an adopted table lacks a
     *     column, has a column of an unsupported type, or lacks a primary key or unique constraint on its id column
     * @throws TransientStoreException if the database could not be reached
     */
    public void migrate() {
        run("migrate", handle -> {
            handle.useTransaction(tx -> {
                tx.execute("SELECT pg_advisory_xact_lock(?)", MIGRATION_LOCK);
                boolean citus = CitusDistribution.present(tx);
                if (citus) {
                    // DDL on distributed tables, then functions distributed, in one transaction: Citus allows
                    // that only when it runs the shards' commands one connection at a time.
                    tx.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'");
                }
                tables.schema().ifPresent(schema ->
                        tx.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema)));
                if (!tables.ownsAccountsTable()) {
                    AdoptedTable.verify(tx, tables);
                }
                for (String script : sql.migration(tables.ownsAccountsTable())) {
                    executeScript(tx, script);
                }
                if (!tables.ownsAccountsTable()) {
                    tx.execute(sql.openingBalances());
                }
                if (citus) {
                    CitusDistribution.distribute(tx, tables, sql, distributeAdoptedTable);
                }
            });
            return null;
        });
    }

    /**
     * Runs a migration script as it is, all its statements in one round trip. The driver, not Jdbi's script splitter,
     * separates them: it knows PostgreSQL's dollar quoting, which a {@code DO} block needs.
     */
    private static void executeScript(Handle tx, String script) {
        try (java.sql.Statement statement = tx.getConnection().createStatement()) {
            statement.execute(script);
        } catch (SQLException failure) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(failure, null);
        }
    }

    @Override
    public ChargeResult charge(String accountId, long cost, String action, String idempotencyKey) {
        if (!tables.idType().isCanonical(accountId)) {
            return notFound(accountId, action, idempotencyKey);
        }
        if (batcher != null) {
            return batcher.charge(accountId, cost, action, idempotencyKey);
        }
        return run("charge", handle -> decided(handle, tx -> chargeCall(tx.getConnection(), accountId, cost, action,
                idempotencyKey).toResult(accountId, cost, action, idempotencyKey, description)));
    }

    /**
     * The hot path in plain JDBC on the handle's connection: per call, Jdbi's statement machinery (argument
     * factories, statement context, row mapping) cost the client more CPU than the database spends on the charge.
     * pgjdbc still caches the statement per connection and prepares it on the server after a few uses.
     */
    ChargeOutcome chargeCall(Connection connection, String accountId, long cost, String action, String key) {
        try (PreparedStatement call = connection.prepareStatement(sql.chargeCall())) {
            call.setString(1, accountId);
            call.setLong(2, cost);
            call.setString(3, action);
            call.setString(4, key);
            try (ResultSet rs = call.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("charge of account '" + accountId + "': the database function "
                            + "answered no row");
                }
                return ChargeOutcome.read(rs, 1);
            }
        } catch (SQLException failure) {
            // Jdbi's own wrapping, so that the failure is classified exactly as every other statement's.
            throw new UnableToExecuteStatementException(failure, null);
        }
    }

    /** The outcome columns of the charge function, read before the result is built outside the row mapper. */
    record ChargeOutcome(String outcome, long entry, long balanceAfter, long available, Instant observedAt,
            String kind, long amount, String reference) {

        /** Reads the columns starting at {@code first}: o_outcome, o_entry, o_balance, o_available, ... */
        static ChargeOutcome read(ResultSet rs, int first) throws SQLException {
            OffsetDateTime observed = rs.getObject(first + 4, OffsetDateTime.class);
            return new ChargeOutcome(rs.getString(first), rs.getLong(first + 1), rs.getLong(first + 2),
                    rs.getLong(first + 3), observed == null ? null : observed.toInstant(), rs.getString(first + 5),
                    rs.getLong(first + 6), rs.getString(first + 7));
        }

        ChargeResult toResult(String accountId, long cost, String action, String key, String store) {
            switch (outcome) {
                case "CHARGED":
                    return new Charged(ScopedId.of(entry, accountId), accountId, action, cost, balanceAfter, key,
                            false);
                case "KEY_USED":
                    if (!"CHARGE".equals(kind) || amount != -cost || !reference.equals(action)) {
                        throw conflict(accountId, key, kind, amount, reference,
                                "a charge of " + cost + " for '" + action + "'");
                    }
                    return new Charged(ScopedId.of(entry, accountId), accountId, action, cost, balanceAfter, key,
                            true);
                case "KEY_HELD":
                    throw new IdempotencyConflictException(accountId, key, "a reservation that still holds credits",
                            "a charge of " + cost + " for '" + action + "'");
                case "INSUFFICIENT":
                    return new InsufficientCredits(accountId, action, cost, available,
                            DebugContext.observed(key, store, Optional.of(observedAt)));
                case "NOT_FOUND":
                    return new AccountNotFound(accountId, action, DebugContext.observed(key, store, Optional.empty()));
                case "HIDDEN_FROM_UPDATE":
                    throw hiddenFromUpdate("charge", accountId);
                default:
                    throw unexpected("charge", accountId, outcome);
            }
        }
    }

    /**
     * Runs a call of one of the store's functions, which decide under a lock and need READ COMMITTED: in autocommit,
     * one round trip; if the connection's isolation is another (SQLSTATE CG001), again in a transaction that sets
     * READ COMMITTED itself.
     */
    static <T> T decided(Handle handle, HandleCallback<T, RuntimeException> call) {
        try {
            return call.withHandle(handle);
        } catch (RuntimeException failure) {
            if (!SqlFailures.needsReadCommitted(failure)) {
                throw failure;
            }
            afterFailedStatement(handle);
            return inReadCommitted(handle, call);
        }
    }

    static CreditStoreMisconfiguredException hiddenFromUpdate(String operation, String accountId) {
        return new CreditStoreMisconfiguredException(operation + ": account '" + accountId + "' is visible to "
                + "SELECT but cannot be locked for UPDATE by this database role; a row-level security policy allows "
                + "reading the row but not updating it", null);
    }

    static IllegalStateException unexpected(String operation, String accountId, String outcome) {
        return new IllegalStateException(operation + " of account '" + accountId + "': the database function answered "
                + "'" + outcome + "', which this version of credit-gate does not know; run migrate() with the "
                + "credit-gate version the application uses");
    }

    @Override
    public long grant(String accountId, long amount, String reason, String idempotencyKey) {
        if (!tables.idType().isCanonical(accountId)) {
            throw new IllegalArgumentException("accountId must be a canonical " + tables.idType() + " for table "
                    + tables.accountsTable() + ", got '" + accountId + "'");
        }
        return run("grant", handle -> {
            try {
                return handle.createQuery(sql.grant())
                        .bind("account", accountId)
                        .bind("amount", amount)
                        .bind("reason", reason)
                        .bind("key", idempotencyKey)
                        .map((rs, ctx) -> rs.getLong("balance_after"))
                        .one();
            } catch (RuntimeException failure) {
                afterFailedStatement(handle);
                if (!tables.ownsAccountsTable() && (SqlFailures.isTooLong(failure) || SqlFailures.isOutOfRange(failure))) {
                    Optional<String> badId = AdoptedTable.idProblem(handle, tables, accountId);
                    if (badId.isPresent()) {
                        throw new IllegalArgumentException(badId.get(), failure);
                    }
                }
                if (!SqlFailures.isUniqueViolation(failure) && !SqlFailures.isOutOfRange(failure)) {
                    throw failure;
                }
                Optional<LedgerEntry> earlier = entryByKey(handle, accountId, idempotencyKey);
                if (earlier.isEmpty()) {
                    throw failure;
                }
                LedgerEntry entry = earlier.get();
                if (entry.kind() != LedgerEntry.Kind.GRANT || entry.amount() != amount
                        || !entry.reference().equals(reason)) {
                    throw conflict(entry, "a grant of " + amount + " for '" + reason + "'");
                }
                return entry.balanceAfter();
            }
        });
    }

    @Override
    public Refund refund(String chargeTransactionId, String reason, String idempotencyKey) {
        return refund(transaction(chargeTransactionId), reason, idempotencyKey);
    }

    @Override
    public Refund refund(String accountId, String chargeTransactionId, String reason, String idempotencyKey) {
        ScopedId charge = transaction(chargeTransactionId);
        if (!charge.accountId().equals(accountId)) {
            throw new TransactionNotFoundException(chargeTransactionId);
        }
        return refund(charge, reason, idempotencyKey);
    }

    private ScopedId transaction(String transactionId) {
        return ScopedId.parse(transactionId)
                .filter(id -> tables.idType().isCanonical(id.accountId()))
                .orElseThrow(() -> new TransactionNotFoundException(transactionId));
    }

    private Refund refund(ScopedId charge, String reason, String idempotencyKey) {
        return run("refund", handle -> {
            try {
                Optional<LedgerEntry> credited = handle.createQuery(sql.refund())
                        .bind("chargeAccount", charge.accountId())
                        .bind("charge", charge.number())
                        .bind("reason", reason)
                        .bind("key", idempotencyKey)
                        .map(JdbiBalanceStore::ledgerEntry)
                        .findOne();
                if (credited.isPresent()) {
                    return refund(credited.get(), false);
                }
                boolean isCharge = handle.createQuery(sql.chargeExists())
                        .bind("chargeAccount", charge.accountId())
                        .bind("charge", charge.number())
                        .mapTo(Boolean.class).one();
                if (!isCharge) {
                    throw new TransactionNotFoundException(charge.text());
                }
                throw new CreditStoreMisconfiguredException("refund: the account of charge " + charge.text()
                        + " exists but this database role cannot update it (row-level security?)", null);
            } catch (RuntimeException failure) {
                if (!SqlFailures.isUniqueViolation(failure) && !SqlFailures.isOutOfRange(failure)) {
                    throw failure;
                }
                afterFailedStatement(handle);
                Optional<LedgerEntry> first = handle.createQuery(sql.refundOf())
                        .bind("chargeAccount", charge.accountId())
                        .bind("charge", charge.number())
                        .map(JdbiBalanceStore::ledgerEntry).findOne();
                if (first.isEmpty()) {
                    throw failure;
                }
                return refund(first.get(), true);
            }
        });
    }

    @Override
    public OptionalLong balance(String accountId) {
        if (!tables.idType().isCanonical(accountId)) {
            return OptionalLong.empty();
        }
        return run("balance", handle -> handle.createQuery(sql.balance())
                .bind("account", accountId)
                .map((rs, ctx) -> rs.getLong(1))
                .findOne()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty()));
    }

    @Override
    public Optional<AccountSnapshot> account(String accountId) {
        if (!tables.idType().isCanonical(accountId)) {
            return Optional.empty();
        }
        return run("account", handle -> handle.createQuery(sql.account())
                .bind("account", accountId)
                .map((rs, ctx) -> {
                    long posted = rs.getLong("posted");
                    long held = rs.getLong("held");
                    return new AccountSnapshot(accountId, posted, held, posted - held,
                            rs.getObject("observed_at", OffsetDateTime.class).toInstant());
                })
                .findOne());
    }

    @Override
    public ReserveResult reserve(String accountId, long amount, String action, Duration ttl, String idempotencyKey) {
        if (!tables.idType().isCanonical(accountId)) {
            return notFound(accountId, action, idempotencyKey);
        }
        return run("reserve", handle -> decided(handle,
                tx -> holds.reserve(tx, accountId, amount, action, ttl, idempotencyKey)));
    }

    @Override
    public Charged capture(String reservationId, long amount) {
        ScopedId reservation = reservation(reservationId);
        return run("capture", handle -> decided(handle, tx -> holds.capture(tx, reservation, amount)));
    }

    @Override
    public Released release(String reservationId) {
        ScopedId reservation = reservation(reservationId);
        return run("release", handle -> decided(handle, tx -> holds.release(tx, reservation)));
    }

    private ScopedId reservation(String reservationId) {
        return ScopedId.parse(reservationId)
                .filter(id -> tables.idType().isCanonical(id.accountId()))
                .orElseThrow(() -> new ReservationNotFoundException(reservationId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes in batches of {@value #PURGE_BATCH} rows, one short transaction each, skipping rows that a capture or
     * release holds locked at that moment. It reads the holds table in full, so run it off-peak on a large one. On
     * Citus it is one statement on every shard at once (a purge concerns every account), with the cut-off time taken
     * from the coordinator's clock.
     */
    @Override
    public long purgeSettledHolds(Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        return run("purge holds", handle -> {
            if (CitusDistribution.isDistributed(handle, sql.holds())) {
                return holds.purgeDistributed(handle, retention);
            }
            long deleted = 0;
            long batch;
            do {
                batch = holds.purge(handle, retention, PURGE_BATCH);
                if (!autoCommit(handle)) {
                    commit(handle); // each batch its own transaction, as in auto-commit, so that locks stay short
                }
                deleted += batch;
            } while (batch == PURGE_BATCH);
            return deleted;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>A cursor is the ledger row number of a page's last entry. An account's entries are numbered in the order
     * they commit (each is written under the account's row lock), so a later page is never changed by new entries.
     */
    @Override
    public HistoryPage history(HistoryQuery query) {
        long before = query.cursor().map(JdbiBalanceStore::cursorPosition).orElse(Long.MAX_VALUE);
        String accountId = query.accountId();
        int limit = query.limit();
        List<LedgerEntry> entries = run("history", handle -> handle.createQuery(sql.history())
                .bind("account", accountId)
                .bind("before", before)
                .bind("limit", limit + 1)
                .map(JdbiBalanceStore::ledgerEntry)
                .list());
        if (entries.size() <= limit) {
            return new HistoryPage(entries, Optional.empty());
        }
        List<LedgerEntry> page = entries.subList(0, limit);
        long last = ScopedId.parse(page.get(limit - 1).transactionId()).orElseThrow().number();
        return new HistoryPage(page, Optional.of(Long.toString(last)));
    }

    private static long cursorPosition(String cursor) {
        try {
            long position = Long.parseLong(cursor);
            if (position > 0 && Long.toString(position).equals(cursor)) {
                return position;
            }
        } catch (NumberFormatException notOurs) {
            // falls through to the rejection
        }
        throw new IllegalArgumentException("cursor '" + cursor + "' was not issued by this PostgreSQL store");
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Stops the threads that send batched charges, when batching is on; charges waiting for a batch then fail with a
     * {@link TransientStoreException} (nothing applied). Does nothing otherwise. The store's tables, and the Jdbi
     * and its connections, are left as they are.
     */
    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    @Override
    public String toString() {
        return "JdbiBalanceStore[" + description + "]";
    }

    /**
     * Runs one operation on its own handle, translating failures: those while connecting happened before anything
     * was sent, so they are at worst transient; the rest are classified by SQLSTATE.
     */
    <T> T run(String operation, HandleCallback<T, RuntimeException> body) {
        Handle handle;
        boolean ownTransaction;
        try {
            handle = jdbi.open();
            ownTransaction = !autoCommit(handle);
        } catch (RuntimeException failure) {
            throw SqlFailures.translate(operation, failure, true);
        }
        try (handle) {
            try {
                T result = body.withHandle(handle);
                if (ownTransaction) {
                    commit(handle);
                }
                return result;
            } catch (CreditGateException | ArithmeticException | IllegalArgumentException decided) {
                if (ownTransaction) {
                    endDecided(handle);
                }
                throw decided;
            } catch (RuntimeException failure) {
                if (ownTransaction) {
                    rollbackQuietly(handle);
                }
                throw failure;
            }
        } catch (CreditGateException | ArithmeticException | IllegalArgumentException decided) {
            throw decided;
        } catch (RuntimeException failure) {
            throw SqlFailures.translate(operation, failure, false);
        }
    }

    /**
     * Whether the connection commits each statement by itself. A pool may hand connections out with auto-commit off,
     * as pools configured for JPA do; the store then ends each operation's transaction itself (one more round trip),
     * for a write left open would be rolled back when the connection went back, after the caller was told it was
     * done. (Turning auto-commit on instead would mislead Jdbi, which reads it once, when the handle opens.)
     */
    private static boolean autoCommit(Handle handle) {
        try {
            return handle.getConnection().getAutoCommit();
        } catch (SQLException failure) {
            throw new org.jdbi.v3.core.ConnectionException(failure);
        }
    }

    /** Commits the operation's transaction on a connection without auto-commit. */
    private static void commit(Handle handle) {
        try {
            handle.getConnection().commit();
        } catch (SQLException failure) {
            throw new UnableToExecuteStatementException("COMMIT", failure, null);
        }
    }

    /**
     * After a statement failed and before the next: without auto-commit the failure aborted the operation's
     * transaction, which had written nothing before it, so it is rolled back and the next statement begins anew, as
     * in auto-commit.
     */
    private static void afterFailedStatement(Handle handle) {
        if (autoCommit(handle)) {
            return;
        }
        try {
            handle.getConnection().rollback();
        } catch (SQLException failure) {
            throw new UnableToExecuteStatementException("ROLLBACK", failure, null);
        }
    }

    /**
     * Ends the transaction of an operation that the database's answer decided against (a conflict, a refusal): what
     * it wrote stands, as it would in auto-commit; where a failed statement had aborted it, nothing did.
     */
    private static void endDecided(Handle handle) {
        try {
            handle.getConnection().commit();
        } catch (SQLException aborted) {
            rollbackQuietly(handle);
        }
    }

    private static void rollbackQuietly(Handle handle) {
        try {
            handle.getConnection().rollback();
        } catch (SQLException | RuntimeException broken) {
            LOG.debug("rollback after a failed operation failed too; the pool discards a broken connection", broken);
        }
    }

    /**
     * Runs {@code body} in a READ COMMITTED transaction whatever the database's default isolation: the locked paths
     * rely on each statement taking a fresh snapshot after the lock is granted. Set per transaction, so the
     * connection's session settings are left alone.
     */
    private static <T> T inReadCommitted(Handle handle, HandleCallback<T, RuntimeException> body) {
        if (!autoCommit(handle)) {
            // Already the operation's own transaction, begun by this statement; run() commits it.
            handle.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            return body.withHandle(handle);
        }
        return handle.inTransaction(tx -> {
            tx.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            return body.withHandle(tx);
        });
    }

    private Optional<LedgerEntry> entryByKey(Handle handle, String accountId, String key) {
        return handle.createQuery(sql.entryByKey())
                .bind("account", accountId)
                .bind("key", key)
                .map(JdbiBalanceStore::ledgerEntry)
                .findOne();
    }

    private AccountNotFound notFound(String accountId, String action, String key) {
        return new AccountNotFound(accountId, action, DebugContext.observed(key, description, Optional.empty()));
    }

    static IdempotencyConflictException conflict(String accountId, String key, String kind, long amount,
            String reference, String attempted) {
        return new IdempotencyConflictException(accountId, key,
                "a " + kind.toLowerCase(Locale.ROOT) + " of " + Math.abs(amount) + " for '" + reference + "'",
                attempted);
    }

    static IdempotencyConflictException conflict(LedgerEntry earlier, String attempted) {
        return new IdempotencyConflictException(earlier.accountId(), earlier.idempotencyKey(),
                "a " + earlier.kind().name().toLowerCase(Locale.ROOT) + " of " + Math.abs(earlier.amount())
                        + " for '" + earlier.reference() + "'",
                attempted);
    }

    private static Refund refund(LedgerEntry entry, boolean replayed) {
        return new Refund(entry.transactionId(), entry.reverses().orElseThrow(), entry.accountId(), entry.amount(),
                entry.balanceAfter(), replayed);
    }

    static LedgerEntry ledgerEntry(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        String accountId = rs.getString("account_id");
        long reverses = rs.getLong("reverses");
        Optional<String> reversed = rs.wasNull() ? Optional.empty() : Optional.of(ScopedId.of(reverses, accountId));
        return new LedgerEntry(
                ScopedId.of(rs.getLong("id"), accountId),
                accountId,
                LedgerEntry.Kind.valueOf(rs.getString("kind")),
                rs.getLong("amount"),
                rs.getLong("balance_after"),
                rs.getString("reference"),
                rs.getString("idempotency_key"),
                reversed,
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    /** Configures a {@link JdbiBalanceStore}. */
    public static final class Builder {

        private final Jdbi jdbi;
        private Optional<String> schema = Optional.empty();
        private String accountsTable = "credit_accounts";
        private String idColumn = "account_id";
        private String balanceColumn = "balance";
        private AccountIdType idType = AccountIdType.TEXT;
        private boolean ownsAccountsTable = true;
        private String ledgerTable = "credit_ledger";
        private String holdsTable = "credit_holds";
        private boolean batching;
        private int batchLanes = DEFAULT_BATCH_LANES;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private boolean distributeAdoptedTable;

        private Builder(Jdbi jdbi) {
            this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        }

        /**
         * Puts the tables in a named schema instead of the connection's current one; {@link #migrate()} creates it.
         *
         * @param name a plain SQL identifier: a letter or underscore, then letters, digits, underscores; at most 63
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder schema(String name) {
            this.schema = Optional.of(Identifiers.requireValid("schema", name));
            return this;
        }

        /**
         * Names credit-gate's own accounts table (default {@code credit_accounts}).
         *
         * @param name a plain SQL identifier
         * @return this builder
         * @throws IllegalArgumentException if the name is not a plain identifier
         */
        public Builder accountsTable(String name) {
            this.accountsTable = Identifiers.requireValid("accountsTable", name);
            this.idColumn = "account_id";
            this.balanceColumn = "balance";
            this.idType = AccountIdType.TEXT;
            this.ownsAccountsTable = true;
            return this;
        }

        /**
         * Adopts an existing balance table, such as {@code user_credits(user_id uuid primary key, credits bigint)}:
         * charges and grants update its balance column in place, and the ledger lives beside it. The id column must
         * have a primary key or unique constraint; {@link #migrate()} checks the table and never alters it, and
         * writes an "opening balance" ledger entry for each account that has credits and no ledger yet (run it
         * before the first charge). Granting to a new account inserts a row with only the id and balance columns
         * set.
         *
         * @param table the existing table
         * @param idColumn its account id column
         * @param balanceColumn its balance column, of type bigint or integer
         * @param type the id column's type
         * @return this builder
         * @throws IllegalArgumentException if a name is not a plain identifier
         */
        public Builder adoptAccountTable(String table, String idColumn, String balanceColumn, AccountIdType type) {
            this.accountsTable = Identifiers.requireValid("table", table);
            this.idColumn = Identifiers.requireValid("idColumn", idColumn);
            this.balanceColumn = Identifiers.requireValid("balanceColumn", balanceColumn);
            this.idType = Objects.requireNonNull(type, "type");
            this.ownsAccountsTable = false;
            return this;
        }

        /**
         * Names the ledger table (default {@code credit_ledger}); its history index is named after it.
         *
         * @param name a plain SQL identifier of at most 55 characters
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder ledgerTable(String name) {
            Identifiers.requireValid("ledgerTable", name + "_history");
            this.ledgerTable = Identifiers.requireValid("ledgerTable", name);
            return this;
        }

        /**
         * Names the holds table (default {@code credit_holds}); its index is named after it.
         *
         * @param name a plain SQL identifier of at most 56 characters
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder holdsTable(String name) {
            Identifiers.requireValid("holdsTable", name + "_active");
            this.holdsTable = Identifiers.requireValid("holdsTable", name);
            return this;
        }

        /**
         * Turns batched charges on or off (default off). With batching, concurrent charges coalesce into one round
         * trip and one transaction per batch: each account's charges go, in the order they arrive, to one of
         * {@link #batchLanes(int) lanes}, and a lane sends whatever is queued, up to {@link #maxBatchSize(int)}, as
         * soon as its previous batch is answered. Nothing waits for a batch to fill: a charge that finds its lane idle
         * is sent at once, on the caller's own thread, and alone it goes as a single charge. Every charge keeps its own
         * guarantees: it is decided as a single charge is, its rejection does not fail the others, and a batch that
         * fails as a whole fails each charge with the classified exception, which the gate retries by its key.
         * Reservations, captures, releases, grants and refunds are not batched. Each lane is a daemon thread and uses
         * one connection of the pool while a batch is in flight; {@link JdbiBalanceStore#close()} stops them.
         *
         * @param enabled whether to batch charges
         * @return this builder
         */
        public Builder batching(boolean enabled) {
            this.batching = enabled;
            return this;
        }

        /**
         * Sets how many lanes send batches at once (default {@value JdbiBalanceStore#DEFAULT_BATCH_LANES}), each with
         * its own thread and, while a batch is in flight, its own connection. One account always uses the same lane.
         * Lanes are how many of the database's cores one instance's batches can use at once; fewer lanes make bigger
         * batches, which cost the database less per charge. So a database with few cores to give, or many instances
         * batching against it, does better with fewer lanes: on a 2-core server shared with its client, 2 lanes did
         * 1.07 to 1.32 times what 4 did at 8 and 64 callers (the project's benchmark results). On Citus, give at
         * least as many lanes as worker nodes, so that each batch stays on one node.
         *
         * @param lanes from 1 to 64
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder batchLanes(int lanes) {
            if (lanes < 1 || lanes > 64) {
                throw new IllegalArgumentException("batchLanes must be between 1 and 64, got " + lanes);
            }
            this.batchLanes = lanes;
            return this;
        }

        /**
         * Sets the most charges one batch holds (default {@value JdbiBalanceStore#DEFAULT_MAX_BATCH_SIZE}).
         *
         * @param size from 1 to 10,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBatchSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("maxBatchSize must be between 1 and 10000, got " + size);
            }
            this.maxBatchSize = size;
            return this;
        }

        /**
         * On Citus, lets {@link JdbiBalanceStore#migrate()} distribute an adopted accounts table by its id column,
         * co-located with the ledger and holds (default {@code false}: an adopted table, and with it the store's own
         * tables, stay local to the coordinator). The id column must be of type text, like the ledger's
         * {@code account_id}. Without Citus this setting does nothing.
         *
         * @param distribute whether migrate() may distribute the adopted table
         * @return this builder
         */
        public Builder distributeAdoptedTable(boolean distribute) {
            this.distributeAdoptedTable = distribute;
            return this;
        }

        /**
         * Builds the store. Does no I/O.
         *
         * @return the store
         * @throws IllegalArgumentException if the accounts and ledger tables have the same name
         */
        public JdbiBalanceStore build() {
            if (java.util.Set.of(accountsTable, ledgerTable, holdsTable).size() < 3) {
                throw new IllegalArgumentException("the accounts, ledger and holds tables must have different names, "
                        + "got " + accountsTable + ", " + ledgerTable + ", " + holdsTable);
            }
            return new JdbiBalanceStore(jdbi, new Tables(schema, accountsTable, idColumn, balanceColumn, idType,
                    ownsAccountsTable, ledgerTable, holdsTable), this);
        }
    }
}
