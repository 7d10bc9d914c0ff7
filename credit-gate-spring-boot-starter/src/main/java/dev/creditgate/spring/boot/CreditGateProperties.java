package dev.creditgate.spring.boot;

import dev.creditgate.jdbi.AccountIdType;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code creditgate.*} properties. Every default is the library's own: with none set, the starter builds
 * {@code CreditGate.builder().store(JdbiBalanceStore.create(Jdbi.create(dataSource))).build()}, and migrates nothing.
 *
 * @param store which store the gate runs on: {@code jdbc} (default), a PostgreSQL store over the application's
 *     {@code DataSource}; or {@code in-memory}, for tests and demos (balances live as long as the application)
 * @param migrate whether the PostgreSQL store creates or updates its tables on start-up (default false: run
 *     {@code JdbiBalanceStore.migrate()}, Flyway or Liquibase at deploy time instead); the role needs CREATE
 * @param schema the schema of the PostgreSQL store's tables; empty (default) for the connection's current schema
 * @param accountsTable credit-gate's own accounts table (default {@code credit_accounts})
 * @param ledgerTable the ledger table (default {@code credit_ledger})
 * @param holdsTable the holds table (default {@code credit_holds})
 * @param adopt an existing balance table to adopt instead of credit-gate's own accounts table
 * @param batching whether and how concurrent charges coalesce into one round trip
 * @param retry how transient store failures are retried
 * @param http how outcomes are answered over HTTP
 * @param charge how {@link ChargeCredits} pays for a handler
 * @param metrics how the gate is measured when Micrometer is present
 */
@ConfigurationProperties("creditgate")
public record CreditGateProperties(
        @DefaultValue("jdbc") StoreType store,
        @DefaultValue("false") boolean migrate,
        @DefaultValue("") String schema,
        @DefaultValue("credit_accounts") String accountsTable,
        @DefaultValue("credit_ledger") String ledgerTable,
        @DefaultValue("credit_holds") String holdsTable,
        @DefaultValue Adopt adopt,
        @DefaultValue Batching batching,
        @DefaultValue Retry retry,
        @DefaultValue Http http,
        @DefaultValue Charge charge,
        @DefaultValue Metrics metrics) {

    /** The stores the starter can build. */
    public enum StoreType {
        /** {@code JdbiBalanceStore} over the application's {@code DataSource}. */
        JDBC,
        /** {@code InMemoryBalanceStore}: nothing survives a restart; for tests and demos. */
        IN_MEMORY
    }

    /**
     * An existing balance table, such as {@code user_credits(user_id uuid primary key, credits bigint)}, adopted as
     * it is ({@code JdbiBalanceStore.Builder.adoptAccountTable}).
     *
     * @param table the table; empty (default) to use credit-gate's own accounts table
     * @param idColumn its account id column (default {@code user_id})
     * @param balanceColumn its balance column (default {@code credits})
     * @param idType the id column's type: {@code text} (default), {@code uuid} or {@code bigint}
     */
    public record Adopt(
            @DefaultValue("") String table,
            @DefaultValue("user_id") String idColumn,
            @DefaultValue("credits") String balanceColumn,
            @DefaultValue("text") AccountIdType idType) {

        /**
         * Whether a table is to be adopted.
         *
         * @return true when {@link #table()} is not blank
         */
        public boolean enabled() {
            return !table.isBlank();
        }
    }

    /**
     * Batched charges ({@code JdbiBalanceStore.Builder.batching}).
     *
     * @param enabled whether concurrent charges coalesce into one round trip and one transaction (default false)
     * @param lanes how many lanes send batches at once, 1 to 64 (default 4); fewer make bigger batches, which suits a
     *     database with few cores to give ({@code JdbiBalanceStore.Builder.batchLanes})
     * @param maxBatchSize the most charges in one batch, 1 to 10,000 (default 500)
     */
    public record Batching(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("4") int lanes,
            @DefaultValue("500") int maxBatchSize) {
    }

    /**
     * The gate's retry policy ({@code RetryPolicy}): jittered exponential backoff within a time budget. Only failures
     * the store classifies as transient or ambiguous are retried, whatever is set here.
     *
     * @param enabled whether to retry at all (default true; false is {@code RetryPolicy.none()})
     * @param maxAttempts the most attempts per call, the first included (default 4)
     * @param initialBackoff the wait before the first retry, before jitter (default 25ms)
     * @param maxBackoff the cap on a single wait (default 1s)
     * @param multiplier the factor by which each wait grows (default 2.0)
     * @param jitter the random spread of each wait, from 0 to 1 (default 0.5, that is plus or minus 50 %)
     * @param timeBudget the time after the first attempt from which no new attempt starts (default 3s)
     */
    public record Retry(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("4") int maxAttempts,
            @DefaultValue("25ms") Duration initialBackoff,
            @DefaultValue("1s") Duration maxBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("0.5") double jitter,
            @DefaultValue("3s") Duration timeBudget) {
    }

    /**
     * The HTTP answers of {@link CreditGateProblemHandler}.
     *
     * @param retryAfter the {@code Retry-After} sent with a 503, rounded up to whole seconds (default 1s)
     * @param includeInternals whether 402 and 404 bodies carry the account, action and debug context (default
     *     false; only for services whose every caller is trusted)
     */
    public record Http(
            @DefaultValue("1s") Duration retryAfter,
            @DefaultValue("false") boolean includeInternals) {
    }

    /**
     * How {@link ChargeCredits} pays for a handler.
     *
     * @param holdTtl how long credits stay held if the process dies while the handler runs (default 5m)
     * @param idempotencyHeader the request header whose value is the charge's idempotency key (default
     *     {@code Idempotency-Key})
     */
    public record Charge(
            @DefaultValue("5m") Duration holdTtl,
            @DefaultValue("Idempotency-Key") String idempotencyHeader) {
    }

    /**
     * The gate's Micrometer meters ({@code CreditGateMetrics}).
     *
     * @param maxActionTags the most distinct values of the {@code action} tag; later actions count as
     *     {@code other} (default 50)
     */
    public record Metrics(@DefaultValue("50") int maxActionTags) {
    }
}
