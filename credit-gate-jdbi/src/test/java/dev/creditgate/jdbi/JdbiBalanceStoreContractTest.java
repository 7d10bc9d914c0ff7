package dev.creditgate.jdbi;

import dev.creditgate.BalanceStore;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL store passes the whole store contract against a real server. */
class JdbiBalanceStoreContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        pool = Pools.hikari(db, "creditgate-contract", STORM_THREADS + 2);
        store = JdbiBalanceStore.create(Jdbi.create(pool));
        store.migrate();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    protected BalanceStore store() {
        return store;
    }
}
