package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once across shards: every request is sent twice at the same time, by two callers, for accounts spread
 * over every shard; each account pays for exactly floor(balance / cost) requests, each request once.
 */
@Tag(Citus.TAG)
class CitusExactlyOnceTest {

    private static final int ACCOUNTS = 40;
    private static final int REQUESTS_PER_ACCOUNT = 15;
    private static final long GRANT = 21;
    private static final long COST = 2;
    private static final int CALLERS = 32;

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static HikariDataSource pool;
    private static Jdbi jdbi;

    @BeforeAll
    static void migrate() {
        pool = Citus.singleShardPool(db, "creditgate-citus-once", CALLERS + 6);
        jdbi = Jdbi.create(pool);
        JdbiBalanceStore.create(jdbi).migrate();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @ParameterizedTest(name = "batched={0}")
    @ValueSource(booleans = {false, true})
    void everyRequestSentTwiceIsChargedOnceAndNoAccountOverdraws(boolean batched) throws Exception {
        try (JdbiBalanceStore store = JdbiBalanceStore.builder(jdbi).batching(batched).build()) {
            CreditGate gate = CreditGate.builder().store(store).build();
            String prefix = batched ? "batched-" : "single-";
            List<ChargeRequest> sends = new ArrayList<>();
            for (int a = 0; a < ACCOUNTS; a++) {
                String account = prefix + a;
                gate.grant(account, GRANT, "funds");
                for (int r = 0; r < REQUESTS_PER_ACCOUNT; r++) {
                    ChargeRequest request = ChargeRequest.of(account, COST, "upload").idempotencyKey("req-" + r);
                    sends.add(request);
                    sends.add(request);
                }
            }
            Collections.shuffle(sends, new Random(7));

            List<ChargeResult> results = sendAll(gate, sends);

            List<Charged> charged = results.stream().filter(ChargeResult::isCharged).map(Charged.class::cast).toList();
            long perAccount = GRANT / COST;
            assertThat(charged.stream().filter(c -> !c.replayed()).count()).isEqualTo(ACCOUNTS * perAccount);
            assertThat(charged.stream().filter(Charged::replayed).count()).isEqualTo(ACCOUNTS * perAccount);
            assertThat(charged.stream().filter(c -> !c.replayed()).map(Charged::transactionId).distinct().count())
                    .isEqualTo(ACCOUNTS * perAccount);
            for (int a = 0; a < ACCOUNTS; a++) {
                assertThatAccount(gate, prefix + a).hasBalance(GRANT % COST).hasLedgerSummingToBalance();
            }
        }
    }

    private static List<ChargeResult> sendAll(CreditGate gate, List<ChargeRequest> sends) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<ChargeResult>> futures = new ArrayList<>();
            for (ChargeRequest request : sends) {
                futures.add(callers.submit(() -> gate.charge(request)));
            }
            List<ChargeResult> results = new ArrayList<>();
            for (Future<ChargeResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            callers.shutdownNow();
        }
    }
}
