package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.CreditGate;
import dev.creditgate.Released;
import dev.creditgate.Reserved;
import dev.creditgate.test.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interleavings the storms rarely hit, forced step by step: a second session plays a reservation that is in flight
 * (account row locked, hold inserted, not yet committed) while the store settles another hold of the same account.
 */
class HoldRacesTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static CreditGate gate;

    @BeforeAll
    static void migrate() {
        JdbiBalanceStore store = JdbiBalanceStore.create(Jdbi.create(db.dataSource()));
        store.migrate();
        gate = CreditGate.builder().store(store).build();
    }

    @Test
    void aReleaseOverlappingAReservationLeavesTheNewHoldCounted() throws Exception {
        gate.grant("race-release", 100, "funds");
        Reserved first = gate.reserve("race-release", 20, "render", Duration.ofMinutes(10)).reservedOrThrow();

        Released released = whileAReservationIsInFlight("race-release", 30, () -> gate.release(first.reservationId()));

        assertThat(released.replayed()).isFalse();
        assertThat(gate.charge("race-release", 100, "export")).isInsufficient().hasAvailable(70);
        assertThatAccount(gate, "race-release").hasPosted(100).hasHeld(30);
    }

    @Test
    void aCaptureOverlappingAReservationLeavesTheNewHoldCounted() throws Exception {
        gate.grant("race-capture", 100, "funds");
        Reserved first = gate.reserve("race-capture", 20, "render", Duration.ofMinutes(10)).reservedOrThrow();

        whileAReservationIsInFlight("race-capture", 30, () -> gate.capture(first.reservationId(), 20));

        assertThat(gate.charge("race-capture", 80, "export")).isInsufficient().hasAvailable(50);
        assertThatAccount(gate, "race-capture").hasPosted(80).hasHeld(30).hasLedgerSummingToBalance();
    }

    /**
     * Starts a reservation of {@code amount} in another session and keeps it uncommitted until {@code settle},
     * started meanwhile, is waiting for a lock; then commits it and returns what {@code settle} returned.
     */
    private static <T> T whileAReservationIsInFlight(String account, long amount, java.util.concurrent.Callable<T> settle)
            throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection reservation = db.dataSource().getConnection()) {
            reservation.setAutoCommit(false);
            try (PreparedStatement lock = reservation.prepareStatement(
                    "SELECT balance FROM credit_accounts WHERE account_id = ? FOR UPDATE");
                 PreparedStatement hold = reservation.prepareStatement("INSERT INTO credit_holds (account_id, action, "
                         + "amount, available_after, idempotency_key, expires_at) VALUES (?, 'render', ?, 0, ?, "
                         + "clock_timestamp() + interval '10 minutes')");
                 PreparedStatement until = reservation.prepareStatement("UPDATE credit_accounts SET holds_until = "
                         + "clock_timestamp() + interval '10 minutes' WHERE account_id = ?")) {
                lock.setString(1, account);
                lock.executeQuery().close();
                hold.setString(1, account);
                hold.setLong(2, amount);
                hold.setString(3, account + "-in-flight");
                hold.executeUpdate();
                until.setString(1, account);
                until.executeUpdate();
            }
            Future<T> settled = thread.submit(settle);
            awaitALockWaiter();
            reservation.commit();
            return settled.get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
    }

    /** Waits until some session of this test's schema waits for a lock; bounded, so a bug cannot hang the build. */
    private static void awaitALockWaiter() throws Exception {
        try (Connection admin = db.adminDataSource().getConnection(); Statement statement = admin.createStatement()) {
            for (int i = 0; i < 500; i++) {
                try (ResultSet waiting = statement.executeQuery("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE wait_event_type = 'Lock' AND query LIKE '%credit_%'")) {
                    waiting.next();
                    if (waiting.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the settling call never waited for the in-flight reservation's lock");
    }
}
