package dev.creditgate.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Where the demo runs: in memory, or on PostgreSQL in a schema of its own that it creates and drops, never touching
 * anything else. Each gate's run gets its own stores; its score is read afterwards through stores of the referee's
 * own, so that nothing the run broke (a pool of ended sessions) is in the way.
 */
abstract class DemoBackend implements AutoCloseable {

    /** Which gate a run is for. */
    enum Lane {
        NAIVE, CREDIT_GATE
    }

    static DemoBackend inMemory() {
        return new InMemory();
    }

    /** Creates the demo's schema and tables; they are dropped at {@link #close()}. */
    static DemoBackend postgres(DataSource database, int poolSize) {
        return new Postgres(database, poolSize);
    }

    abstract String description();

    /** The store for the tour and for reading the credit-gate run's results. */
    abstract BalanceStore store();

    /** The store credit-gate's run charges through. */
    abstract BalanceStore runStore();

    /** The naive gate's tables, for setting up and reading its results. */
    abstract NaiveTable naiveTable();

    /** The naive gate's tables as its run reaches them. */
    abstract NaiveTable runNaiveTable();

    /** Starts ending sessions under a lane's run, where there are sessions to end. */
    abstract Optional<BackendTerminator> terminator(Lane lane, long seed);

    /** Whether and how sessions are ended under the runs. */
    abstract String describeTerminations();

    @Override
    public abstract void close();

    private static final class InMemory extends DemoBackend {
        private final InMemoryBalanceStore store = new InMemoryBalanceStore();
        private final MemoryNaiveTable naive = new MemoryNaiveTable();

        @Override
        String description() {
            return "in memory";
        }

        @Override
        BalanceStore store() {
            return store;
        }

        @Override
        BalanceStore runStore() {
            return store;
        }

        @Override
        NaiveTable naiveTable() {
            return naive;
        }

        @Override
        NaiveTable runNaiveTable() {
            return naive;
        }

        @Override
        Optional<BackendTerminator> terminator(Lane lane, long seed) {
            return Optional.empty();
        }

        @Override
        String describeTerminations() {
            return "none (no sessions in memory)";
        }

        @Override
        public void close() {
        }
    }

    private static final class Postgres extends DemoBackend {
        private static final Duration TERMINATE_EVERY = Duration.ofMillis(500);

        private final DataSource database;
        private final String schema;
        private final int poolSize;
        private final JdbiBalanceStore store;
        private final PostgresNaiveTable naive;
        private final List<HikariDataSource> pools = new ArrayList<>();

        Postgres(DataSource database, int poolSize) {
            this.database = database;
            this.poolSize = poolSize;
            this.schema = "credit_gate_demo_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            // Creates the schema first, on a connection of its own, and says truthfully why it could not
            // (unreachable, no privilege) before any pool starts.
            Stores.postgres(database, Optional.of(schema)).build().migrate();
            try {
                // Setting up, the tour and the referee's reads share a small pool that no session is ended in.
                DataSource quiet = pool("setup", 2);
                this.store = Stores.postgres(quiet, Optional.of(schema)).build();
                this.naive = new PostgresNaiveTable(Jdbi.create(quiet), schema);
                naive.create();
            } catch (RuntimeException failed) {
                close();
                throw failed;
            }
        }

        @Override
        String description() {
            return "postgresql schema=" + schema + " (dropped afterwards)";
        }

        @Override
        BalanceStore store() {
            return store;
        }

        @Override
        BalanceStore runStore() {
            return Stores.postgres(pool(lane(Lane.CREDIT_GATE), poolSize), Optional.of(schema)).build();
        }

        @Override
        NaiveTable naiveTable() {
            return naive;
        }

        @Override
        NaiveTable runNaiveTable() {
            return new PostgresNaiveTable(Jdbi.create(pool(lane(Lane.NAIVE), poolSize)), schema);
        }

        @Override
        Optional<BackendTerminator> terminator(Lane lane, long seed) {
            return Optional.of(BackendTerminator.start(database, applicationName(lane(lane)), seed, TERMINATE_EVERY));
        }

        @Override
        String describeTerminations() {
            return "one every " + TERMINATE_EVERY.toMillis() + " ms, with pg_terminate_backend";
        }

        private static String lane(Lane lane) {
            return lane.name().toLowerCase(java.util.Locale.ROOT);
        }

        private String applicationName(String use) {
            return schema + "_" + use;
        }

        private DataSource pool(String use, int size) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(database);
            config.setPoolName(applicationName(use));
            config.setMaximumPoolSize(size);
            config.setConnectionTimeout(10_000);
            // Tags the sessions, so that the terminator ends these and nobody else's.
            config.setConnectionInitSql("SET application_name = '" + applicationName(use) + "'");
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            return pool;
        }

        @Override
        public void close() {
            pools.forEach(HikariDataSource::close);
            // On a connection of its own: the pools' sessions may have been ended under them.
            Jdbi.create(database).useHandle(handle -> handle.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
        }
    }
}
