package dev.creditgate.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batched charges on Citus: batches spanning accounts on several shards keep every per-charge guarantee. */
@Tag(Citus.TAG)
class CitusBatchedContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        pool = Citus.singleShardPool(db, "creditgate-citus-batched", STORM_THREADS + 6);
        store = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).build();
        store.migrate();
    }

    @AfterAll
    static void close() {
        store.close();
        pool.close();
    }

    @Override
    protected BalanceStore store() {
        return store;
    }
}
