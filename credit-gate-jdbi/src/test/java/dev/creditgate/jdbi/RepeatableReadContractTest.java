package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.RetryPolicy;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole store contract on connections whose default isolation is REPEATABLE READ, as some applications
 * configure: the store's functions then decide under a lock in a transaction that sets READ COMMITTED itself, and a
 * concurrent update of the same row is a serialization failure that the gate retries.
 */
class RepeatableReadContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        pool = Pools.hikari(db, "creditgate-repeatable-read", STORM_THREADS + 2,
                "SET default_transaction_isolation = 'repeatable read'");
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

    /** Storms on one row meet many serialization failures under REPEATABLE READ; every one is retried. */
    @Override
    protected RetryPolicy retryPolicy() {
        return RetryPolicy.of(RetryConfig.custom().maxAttempts(200)
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(1), 1.5, 0.5,
                                Duration.ofMillis(50)))
                        .build())
                .withTimeBudget(Duration.ofSeconds(60));
    }

    @Test
    void theConnectionsReallyDefaultToRepeatableRead() {
        String isolation = Jdbi.create(pool).withHandle(h -> h.createQuery("SHOW transaction_isolation")
                .mapTo(String.class).one());
        assertThat(isolation).isEqualTo("repeatable read");
    }
}
