package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Citus, after {@code migrate()}, the three tables are distributed by account in one co-location group, and the
 * whole store contract passes on connections where any statement that spans shards is an error.
 */
@Tag(Citus.TAG)
class CitusContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static Jdbi jdbi;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        pool = Citus.singleShardPool(db, "creditgate-citus", STORM_THREADS + 2);
        jdbi = Jdbi.create(pool);
        store = JdbiBalanceStore.create(jdbi);
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
    void migrateDistributesTheTablesByAccountInOneColocationGroup() {
        assertThat(Citus.distribution(jdbi, "credit")).containsExactly(
                "credit_accounts h account_id colocated",
                "credit_holds h account_id colocated",
                "credit_ledger h account_id colocated");
    }

    @Test
    void migratingAgainChangesNothing() {
        store.migrate();

        assertThat(Citus.distribution(jdbi, "credit")).containsExactly(
                "credit_accounts h account_id colocated",
                "credit_holds h account_id colocated",
                "credit_ledger h account_id colocated");
    }

    @Test
    void aStatementThatSpansShardsIsAnErrorOnTheseConnections() {
        assertThatThrownBy(() -> jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM credit_ledger")
                .mapTo(Long.class).one()))
                .hasMessageContaining("multi-task query about to be executed");
    }
}
