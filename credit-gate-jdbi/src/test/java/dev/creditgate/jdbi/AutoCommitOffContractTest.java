package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import java.sql.Connection;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole store contract on a pool whose connections come with auto-commit off, as many applications configure
 * theirs for JPA: every operation of the store still commits on its own, and migrate() leaves its tables behind,
 * where a write left in the pool's open transaction would be rolled back when the connection went back.
 */
class AutoCommitOffContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        HikariConfig config = Pools.config(db, "creditgate-autocommit-off", STORM_THREADS + 2, null);
        config.setAutoCommit(false);
        pool = new HikariDataSource(config);
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

    @Test
    void theConnectionsReallyComeWithAutoCommitOffAndGoBackSo() throws Exception {
        gate.grant(newAccountId(), 5, "funds");
        try (Connection connection = pool.getConnection()) {
            assertThat(connection.getAutoCommit()).isFalse();
        }
    }
}
