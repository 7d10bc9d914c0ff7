package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.CreditGate;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A pooled DataSource shared by 64 threads, as a busy service would use it. */
class PooledStormTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    @Test
    void sixtyFourThreadsOnAPoolNeverOverdrawOneAccount() throws Exception {
        long initial = 2_400;
        long cost = 3;
        try (HikariDataSource pool = Pools.hikari(db, "creditgate-pooled-storm", 16)) {
            JdbiBalanceStore store = JdbiBalanceStore.create(Jdbi.create(pool));
            store.migrate();
            CreditGate gate = CreditGate.builder().store(store).build();
            gate.grant("hot-account", initial, "funds");
            AtomicLong charged = new AtomicLong();
            AtomicLong insufficient = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(64);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (int t = 0; t < 64; t++) {
                    futures.add(threads.submit(() -> {
                        start.await();
                        for (int i = 0; i < 30; i++) {
                            (gate.charge("hot-account", cost, "storm").isCharged() ? charged : insufficient)
                                    .incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : futures) {
                    future.get(5, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }

            assertThat(charged.get()).isEqualTo(initial / cost);
            assertThat(insufficient.get()).isEqualTo(64 * 30 - initial / cost);
            assertThatAccount(gate, "hot-account").hasBalance(initial % cost)
                    .hasLedgerEntries((int) (initial / cost) + 1).hasLedgerSummingToBalance();
        }
    }
}
