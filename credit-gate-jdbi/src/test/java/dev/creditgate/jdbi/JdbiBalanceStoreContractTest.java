package dev.creditgate.jdbi;

import dev.creditgate.BalanceStore;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL store passes the whole store contract against a real server. */
class JdbiBalanceStoreContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        store = JdbiBalanceStore.create(Jdbi.create(db.dataSource()));
        store.migrate();
    }

    @Override
    protected BalanceStore store() {
        return store;
    }
}
