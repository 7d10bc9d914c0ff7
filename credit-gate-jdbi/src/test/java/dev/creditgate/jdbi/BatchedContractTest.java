package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.test.BalanceStoreContract;
import dev.creditgate.test.PostgresTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL store passes the whole store contract with batched charges, and batches keep each charge's rules. */
class BatchedContractTest extends BalanceStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static JdbiBalanceStore store;

    @BeforeAll
    static void migrate() {
        pool = Pools.hikari(db, "creditgate-batched", STORM_THREADS + 2);
        store = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).batchLanes(3).maxBatchSize(64).build();
        store.migrate();
    }

    @AfterAll
    static void closePool() {
        store.close();
        pool.close();
    }

    @Override
    protected BalanceStore store() {
        return store;
    }

    @Test
    void chargesInOneBatchAreEachConditionalOnWhatTheOnesBeforeLeft() throws Exception {
        String account = newAccountId();
        gate.grant(account, 10, "funds");
        gate.charge(ChargeRequest.of(account, 1, "first").idempotencyKey("used")).orElseThrow();
        // Many charges on one account at once land in few batches: each is conditional on what the ones before left.
        List<ChargeRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(ChargeRequest.of(account, 2, "batch").idempotencyKey("k-" + i));
        }
        requests.add(ChargeRequest.of(account, 1, "first").idempotencyKey("used"));
        requests.add(ChargeRequest.of(account, 5, "other").idempotencyKey("used"));

        List<Object> outcomes = submitAtOnce(requests);

        long charged = outcomes.subList(0, 12).stream().filter(o -> o instanceof Charged c && !c.replayed()).count();
        long insufficient = outcomes.subList(0, 12).stream().filter(InsufficientCredits.class::isInstance).count();
        assertThat(charged).isEqualTo(4);
        assertThat(insufficient).isEqualTo(8);
        assertThat(outcomes.get(12)).isInstanceOfSatisfying(Charged.class, c -> assertThat(c.replayed()).isTrue());
        assertThat(outcomes.get(13)).isInstanceOf(IdempotencyConflictException.class);
        assertThatAccount(gate, account).hasBalance(1).hasLedgerEntries(6).hasLedgerSummingToBalance();
    }

    @Test
    void theSameKeyTwiceInOneBatchChargesOnce() throws Exception {
        String account = newAccountId();
        gate.grant(account, 100, "funds");
        List<ChargeRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(ChargeRequest.of(account, 7, "dup").idempotencyKey("same"));
        }

        List<Object> outcomes = submitAtOnce(requests);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Charged.class));
        assertThat(outcomes.stream().filter(o -> !((Charged) o).replayed()).count()).isEqualTo(1);
        assertThatAccount(gate, account).hasBalance(93).hasLedgerEntries(2);
    }

    @Test
    void aLoneChargeGoesAloneAndWhatQueuesBehindABusyLaneGoesAsOneBatch() throws Exception {
        String account = newAccountId();
        gate.grant(account, 100, "funds");
        try (JdbiBalanceStore oneLane = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).batchLanes(1)
                .maxBatchSize(64).build();
             org.jdbi.v3.core.Handle holder = Jdbi.create(pool).open()) {
            ChargeBatcher batcher = oneLane.batcher();
            assertThat(oneLane.charge(account, 1, "alone", "k-alone")).isInstanceOf(Charged.class);
            assertThat(batcher.batchesSent()).isEqualTo(1);
            assertThat(batcher.chargesSent()).isEqualTo(1);
            assertThat(batcher.sentByCallers()).isEqualTo(1);

            // Another transaction holds the account, so the next charge's batch waits in the database...
            holder.begin();
            holder.createQuery("SELECT balance FROM credit_accounts WHERE account_id = :a FOR UPDATE")
                    .bind("a", account).mapTo(Long.class).one();
            ExecutorService threads = Executors.newFixedThreadPool(11);
            try {
                List<Future<ChargeResult>> charges = new ArrayList<>();
                charges.add(threads.submit(() -> oneLane.charge(account, 2, "held", "k-held")));
                awaitLockWaits(1);
                // ...and every charge submitted meanwhile queues behind it.
                for (int i = 0; i < 10; i++) {
                    String key = "k-" + i;
                    charges.add(threads.submit(() -> oneLane.charge(account, 3, "queued", key)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (batcher.queued() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(batcher.queued()).isEqualTo(10);
                holder.commit();

                for (Future<ChargeResult> charge : charges) {
                    assertThat(charge.get(1, TimeUnit.MINUTES)).isInstanceOf(Charged.class);
                }
            } finally {
                threads.shutdownNow();
            }
            // The lone charge and the held one, each sent by its caller; the ten queued behind, one batch by the lane.
            assertThat(batcher.batchesSent()).isEqualTo(3);
            assertThat(batcher.chargesSent()).isEqualTo(12);
            assertThat(batcher.sentByCallers()).isEqualTo(2);
        }
        assertThatAccount(gate, account).hasBalance(100 - 1 - 2 - 30).hasLedgerEntries(13).hasLedgerSummingToBalance();
    }

    private static void awaitLockWaits(int waiting) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (org.jdbi.v3.core.Handle observer = Jdbi.create(pool).open()) {
            while (System.nanoTime() < deadline) {
                int now = observer.createQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND datname = current_database()").mapTo(Integer.class).one();
                if (now >= waiting) {
                    return;
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("no charge came to wait for the account's lock within 30 s");
    }

    @Test
    void aClosedStoreFailsChargesAsNothingApplied() {
        JdbiBalanceStore closed = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).build();
        closed.close();

        assertThatThrownBy(() -> closed.charge("anyone", 1, "x", "k"))
                .isInstanceOf(dev.creditgate.TransientStoreException.class).hasMessageContaining("closed");
    }

    /** Submits every request from its own thread at the same moment; returns each result or exception, in order. */
    private List<Object> submitAtOnce(List<ChargeRequest> requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (ChargeRequest request : requests) {
                futures.add(threads.submit(() -> {
                    start.await();
                    try {
                        ChargeResult result = gate.charge(request);
                        return result;
                    } catch (RuntimeException rejected) {
                        return rejected;
                    }
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(1, TimeUnit.MINUTES));
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
