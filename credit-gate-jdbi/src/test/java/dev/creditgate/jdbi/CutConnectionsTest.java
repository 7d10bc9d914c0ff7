package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.test.ChaosProxy;
import dev.creditgate.test.PostgresTestDatabase;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once when the network cuts connections between driver and server, including after a statement reached
 * the server (and committed) but before its reply came back.
 */
class CutConnectionsTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static ChaosProxy proxy;
    private static HikariDataSource pool;
    private static CreditGate gate;
    private static JdbiBalanceStore batchedStore;
    private static CreditGate batchedGate;

    @BeforeAll
    static void start() {
        JdbiBalanceStore.create(Jdbi.create(db.dataSource())).migrate();
        URI server = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        proxy = ChaosProxy.start(server.getHost(), server.getPort());
        HikariConfig config = new HikariConfig();
        // prepareThreshold=0 keeps the SQL text in every message, so a cut can be aimed at the charge statement.
        config.setJdbcUrl(db.jdbcUrl().replace(server.getHost() + ":" + server.getPort(), proxy.host() + ":"
                + proxy.port()) + "&prepareThreshold=0&socketTimeout=10");
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(10);
        config.setConnectionTimeout(5_000);
        pool = new HikariDataSource(config);
        gate = CreditGate.builder().store(JdbiBalanceStore.create(Jdbi.create(pool))).build();
        batchedStore = JdbiBalanceStore.builder(Jdbi.create(pool)).batching(true).batchLanes(2).build();
        batchedGate = CreditGate.builder().store(batchedStore).build();
    }

    @AfterAll
    static void stop() {
        batchedStore.close();
        pool.close();
        proxy.close();
    }

    @Test
    void aChargeWhoseReplyIsLostAfterItCommittedIsRetriedAndAppliedOnce() {
        gate.grant("reply-lost", 100, "funds");
        long cutsBefore = proxy.connectionsCut();
        // The key travels as a bind value in every execution, even of a statement the server has prepared.
        proxy.cutWhen(ChaosProxy.Direction.CLIENT_TO_SERVER, ChaosProxy.containsAscii("lost-1"), true);

        ChargeResult result = gate.charge(ChargeRequest.of("reply-lost", 10, "upload").idempotencyKey("lost-1"));

        assertThat(proxy.connectionsCut()).isEqualTo(cutsBefore + 1);
        assertThat(result).isCharged().isReplayed().hasBalanceAfter(90);
        assertThatAccount(gate, "reply-lost").hasBalance(90).hasLedgerEntries(2).hasLedgerSummingToBalance();
    }

    @Test
    void aChargeWhoseRequestIsLostIsRetriedAndAppliedOnce() {
        gate.grant("request-lost", 100, "funds");
        proxy.cutWhen(ChaosProxy.Direction.CLIENT_TO_SERVER, ChaosProxy.containsAscii("lost-2"), false);

        ChargeResult result = gate.charge(ChargeRequest.of("request-lost", 10, "upload").idempotencyKey("lost-2"));

        assertThat(result).isCharged().isNotReplayed().hasBalanceAfter(90);
        assertThatAccount(gate, "request-lost").hasBalance(90).hasLedgerEntries(2);
    }

    @ParameterizedTest(name = "batched={0}")
    @ValueSource(booleans = {false, true})
    void randomCutsNeverChargeAKeyTwiceNorLoseOne(boolean batched) throws Exception {
        long initial = 1_000_000;
        String mode = batched ? "-batched" : "";
        List<String> accounts = List.of("cut-a" + mode, "cut-b" + mode);
        CreditGate gate = batched ? batchedGate : CutConnectionsTest.gate;
        accounts.forEach(account -> gate.grant(account, initial, "funds"));
        AtomicLong[] costs = {new AtomicLong(), new AtomicLong()};
        ConcurrentLinkedQueue<ChargeRequest> unsettled = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> falseRejections = new ConcurrentLinkedQueue<>();
        long cutsBefore = proxy.connectionsCut();
        proxy.cutRandomly(0.06, 7);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(threads.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        int which = (thread + i) % 2;
                        long cost = 1 + i % 4;
                        costs[which].addAndGet(cost);
                        ChargeRequest request = ChargeRequest.of(accounts.get(which), cost, "upload")
                                .idempotencyKey("cut-" + thread + "-" + i);
                        try {
                            ChargeResult result = gate.charge(request);
                            if (!result.isCharged()) {
                                falseRejections.add(request + " -> " + result);
                            }
                        } catch (ChargeOutcomeUnknownException | CreditStoreUnavailableException e) {
                            unsettled.add(request);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            proxy.stopCutting();
            threads.shutdownNow();
        }
        for (ChargeRequest request : unsettled) {
            assertThat(Pools.settle(gate, request)).isCharged();
        }

        long cuts = proxy.connectionsCut() - cutsBefore;
        System.out.printf("proxy test: 480 charges, %d connections cut, %d unknown or unavailable, re-submitted "
                + "and settled%n", cuts, unsettled.size());
        assertThat(falseRejections).as("no false InsufficientCredits or AccountNotFound").isEmpty();
        assertThat(cuts).isPositive();
        for (int which = 0; which < 2; which++) {
            assertThatAccount(gate, accounts.get(which)).hasBalance(initial - costs[which].get())
                    .hasLedgerEntries(1 + 240).hasLedgerSummingToBalance();
        }
    }
}
