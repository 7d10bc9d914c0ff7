package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.ReserveRequest;
import dev.creditgate.Reserved;
import dev.creditgate.test.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once under killed connections: while 8 threads charge, another thread terminates their backends every
 * few tens of milliseconds. Every key ends charged exactly once after the unknown ones are re-submitted.
 */
class KilledConnectionsTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    /** Names this class's pool sessions, unique per run so that a killer never reaches another run's sessions. */
    private static String application;
    private static final int THREADS = 8;
    private static final int CHARGES_PER_THREAD = 150;
    private static final long INITIAL = 1_000_000;

    private static HikariDataSource pool;
    private static CreditGate gate;
    private static JdbiBalanceStore batchedStore;
    private static CreditGate batchedGate;

    @BeforeAll
    static void start() {
        application = "creditgate-kill-" + db.schema();
        pool = Pools.hikari(db, application, THREADS + 2);
        JdbiBalanceStore store = JdbiBalanceStore.create(Jdbi.create(pool));
        store.migrate();
        gate = CreditGate.builder().store(store).build();
        batchedStore = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).batchLanes(2).build();
        batchedGate = CreditGate.builder().store(batchedStore).build();
    }

    @AfterAll
    static void stop() {
        batchedStore.close();
        pool.close();
    }

    @ParameterizedTest(name = "batched={0}")
    @ValueSource(booleans = {false, true})
    void killedBackendsNeverChargeAKeyTwiceNorLoseOne(boolean batched) throws Exception {
        String mode = batched ? "-batched" : "";
        List<String> accounts = List.of("kill-a" + mode, "kill-b" + mode, "kill-c" + mode, "kill-d" + mode);
        CreditGate gate = batched ? batchedGate : KilledConnectionsTest.gate;
        accounts.forEach(account -> gate.grant(account, INITIAL, "funds"));
        Map<String, AtomicLong> costOfAllKeys = new ConcurrentHashMap<>();
        accounts.forEach(account -> costOfAllKeys.put(account, new AtomicLong()));
        ConcurrentLinkedQueue<ChargeRequest> unsettled = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> falseRejections = new ConcurrentLinkedQueue<>();
        AtomicLong unknown = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicBoolean charging = new AtomicBoolean(true);
        AtomicLong kills = new AtomicLong();

        ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
        try {
            Future<?> killer = threads.submit(() -> killWhile(charging, kills));
            List<Future<?>> chargers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                chargers.add(threads.submit(() -> {
                    for (int i = 0; i < CHARGES_PER_THREAD; i++) {
                        String account = accounts.get((thread + i) % accounts.size());
                        long cost = 1 + i % 5;
                        ChargeRequest request = ChargeRequest.of(account, cost, "upload")
                                .idempotencyKey("kill-" + thread + "-" + i);
                        costOfAllKeys.get(account).addAndGet(cost);
                        try {
                            ChargeResult result = gate.charge(request);
                            if (!result.isCharged()) {
                                falseRejections.add(request + " -> " + result);
                            }
                        } catch (ChargeOutcomeUnknownException e) {
                            unknown.incrementAndGet();
                            unsettled.add(request);
                        } catch (CreditStoreUnavailableException e) {
                            unavailable.incrementAndGet();
                            unsettled.add(request);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> charger : chargers) {
                charger.get(5, TimeUnit.MINUTES);
            }
            charging.set(false);
            killer.get(1, TimeUnit.MINUTES);
        } finally {
            charging.set(false);
            threads.shutdownNow();
        }

        for (ChargeRequest request : unsettled) {
            assertThat(Pools.settle(gate, request).isCharged()).as("re-submitted %s", request).isTrue();
        }

        long retried = gate.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt();
        System.out.printf("kill test: %d charges, %d backends killed, %d charges retried to success, "
                        + "%d outcome unknown, %d unavailable, %d re-submitted and settled%n",
                THREADS * CHARGES_PER_THREAD, kills.get(), retried, unknown.get(), unavailable.get(),
                unsettled.size());
        assertThat(falseRejections).as("no false InsufficientCredits or AccountNotFound").isEmpty();
        assertThat(kills.get()).as("backends killed").isPositive();
        assertThat(retried + unknown.get() + unavailable.get()).as("kills that hit a charge").isPositive();
        int entries = 1 + THREADS * CHARGES_PER_THREAD / accounts.size();
        for (String account : accounts) {
            assertThatAccount(gate, account)
                    .hasBalance(INITIAL - costOfAllKeys.get(account).get())
                    .hasLedgerEntries(entries)
                    .hasLedgerSummingToBalance();
        }
    }

    @Test
    void killedBackendsNeverCaptureAHoldTwiceNorLoseOne() throws Exception {
        String account = "kill-holds";
        gate.grant(account, INITIAL, "funds");
        AtomicLong captured = new AtomicLong();
        AtomicLong unknown = new AtomicLong();
        AtomicLong kills = new AtomicLong();
        AtomicBoolean working = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        int holdsPerThread = 40;

        ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
        try {
            Future<?> killer = threads.submit(() -> killWhile(working, kills));
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(threads.submit(() -> {
                    for (int i = 0; i < holdsPerThread; i++) {
                        long amount = 1 + i % 5;
                        ReserveRequest request = ReserveRequest.of(account, amount, "render", Duration.ofMinutes(10))
                                .idempotencyKey("hold-" + thread + "-" + i);
                        Reserved reserved = (Reserved) until(unknown, () -> gate.reserve(request));
                        if (reserved == null) {
                            problems.add("not reserved: " + request);
                            continue;
                        }
                        Charged charged = (Charged) until(unknown,
                                () -> gate.capture(reserved.reservationId(), amount));
                        if (charged == null || charged.cost() != amount) {
                            problems.add("not captured: " + reserved);
                            continue;
                        }
                        captured.addAndGet(amount);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES);
            }
            working.set(false);
            killer.get(1, TimeUnit.MINUTES);
        } finally {
            working.set(false);
            threads.shutdownNow();
        }

        System.out.printf("kill test (holds): %d reserve+capture pairs, %d backends killed, %d unknown or unavailable "
                + "outcomes re-submitted%n", THREADS * holdsPerThread, kills.get(), unknown.get());
        assertThat(problems).isEmpty();
        assertThat(kills.get()).isPositive();
        assertThatAccount(gate, account)
                .hasPosted(INITIAL - captured.get())
                .hasHeld(0)
                .hasLedgerEntries(1 + THREADS * holdsPerThread)
                .hasLedgerSummingToBalance();
    }

    private static Object until(AtomicLong unknown, java.util.function.Supplier<Object> call) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return call.get();
            } catch (ChargeOutcomeUnknownException | CreditStoreUnavailableException e) {
                unknown.incrementAndGet();
            }
        }
        return null;
    }

    private static Void killWhile(AtomicBoolean working, AtomicLong kills) throws Exception {
        try (Connection admin = db.adminDataSource().getConnection();
             Statement statement = admin.createStatement()) {
            while (working.get()) {
                try (ResultSet killed = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) "
                        + "FROM pg_stat_activity WHERE application_name = '" + application + "' "
                        + "AND pid <> pg_backend_pid() AND state <> 'idle'")) {
                    killed.next();
                    kills.addAndGet(killed.getLong(1));
                }
                Thread.sleep(20 + (kills.get() % 3) * 10);
            }
        }
        return null;
    }
}
