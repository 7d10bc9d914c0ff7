package dev.creditgate.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The database both sides charge: the store's own tables in schema {@value #STORE_SCHEMA}, made by
 * {@link JdbiBalanceStore#migrate()}, and lean tables in schema {@value #LEAN_SCHEMA} that hold only what a charge
 * needs (a balance, and a ledger row with an idempotency key that is unique per account). Every run starts from the
 * same state: {@link #reset()} refills both and checkpoints, so no run pays for an earlier one's dirty pages.
 */
final class BenchDatabase {

    static final String STORE_SCHEMA = "cg_bench";
    static final String LEAN_SCHEMA = "cg_lean";

    /** Credits each account starts with: more than any run can spend. */
    static final long FUNDS = 1_000_000_000_000L;

    private final String host;
    private final int port;
    private final String database;
    private final String user;

    BenchDatabase(String host, int port, String database, String user) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String database() {
        return database;
    }

    String user() {
        return user;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user=" + user
                + "&ApplicationName=credit-gate-bench";
    }

    /** A pool of {@code size} connections; with {@code synced} false each session sets synchronous_commit off. */
    HikariDataSource pool(int size, boolean synced) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("bench-" + size + (synced ? "" : "-async"));
        if (!synced) {
            config.setConnectionInitSql("SET synchronous_commit = off");
        }
        return new HikariDataSource(config);
    }

    /** A store on the benchmark schema; the caller closes it. */
    static JdbiBalanceStore store(Jdbi jdbi, boolean batched, int lanes, int maxBatch) {
        return JdbiBalanceStore.builder(jdbi).schema(STORE_SCHEMA)
                .batching(batched).batchLanes(lanes).maxBatchSize(maxBatch).build();
    }

    /** Drops and creates both schemas. */
    void create() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + STORE_SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + LEAN_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + LEAN_SCHEMA);
            s.execute("CREATE TABLE " + LEAN_SCHEMA + ".accounts (account_id text PRIMARY KEY, balance bigint NOT NULL)");
            s.execute("CREATE TABLE " + LEAN_SCHEMA + ".ledger (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "account_id text NOT NULL, amount bigint NOT NULL, balance_after bigint NOT NULL, "
                    + "reference text NOT NULL, idempotency_key text NOT NULL, UNIQUE (account_id, idempotency_key))");
        }
        try (HikariDataSource pool = pool(1, true)) {
            store(Jdbi.create(pool), false, 1, 1).migrate();
        }
    }

    /** Refills both schemas' accounts (the hot one and the spread ones), empties the ledgers, and checkpoints. */
    void reset() throws SQLException {
        String accounts = "SELECT 'acct-' || i, " + FUNDS + " FROM generate_series(0, " + Workload.SPREAD_ACCOUNTS
                + ") i";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + STORE_SCHEMA + ".credit_holds, " + STORE_SCHEMA + ".credit_ledger, "
                    + STORE_SCHEMA + ".credit_accounts RESTART IDENTITY");
            s.execute("INSERT INTO " + STORE_SCHEMA + ".credit_accounts (account_id, balance) " + accounts);
            s.execute("INSERT INTO " + STORE_SCHEMA + ".credit_ledger (account_id, kind, amount, balance_after, "
                    + "reference, idempotency_key) SELECT account_id, 'GRANT', balance, balance, 'funds', 'funds' FROM "
                    + STORE_SCHEMA + ".credit_accounts");
            s.execute("TRUNCATE " + LEAN_SCHEMA + ".ledger, " + LEAN_SCHEMA + ".accounts RESTART IDENTITY");
            s.execute("INSERT INTO " + LEAN_SCHEMA + ".accounts (account_id, balance) " + accounts);
            s.execute("INSERT INTO " + LEAN_SCHEMA + ".ledger (account_id, amount, balance_after, reference, "
                    + "idempotency_key) SELECT account_id, balance, balance, 'funds', 'funds' FROM "
                    + LEAN_SCHEMA + ".accounts");
            s.execute("VACUUM ANALYZE");
            s.execute("CHECKPOINT");
        }
    }

    /** The server's version and the settings that decide commit cost. */
    Map<String, String> describe() throws SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                rs.next();
                facts.put("server", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name "
                    + "IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level', 'max_connections', "
                    + "'full_page_writes', 'max_wal_size') ORDER BY name")) {
                while (rs.next()) {
                    facts.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return facts;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }
}
