package dev.creditgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.ReservationStateException;
import dev.creditgate.ReserveRequest;
import dev.creditgate.RetryPolicy;
import dev.creditgate.TransactionNotFoundException;
import dev.creditgate.test.FaultInjectingBalanceStore;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import dev.creditgate.test.ManualClock;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Every call a gate makes is counted once, under the outcome and bounded action it had, on every bound registry. */
class CreditGateMetricsTest {

    /** Three attempts, 1 ms apart: the retries are real, the test stays fast. */
    private static final RetryPolicy FAST_RETRIES = RetryPolicy.of(
            RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1)).build());

    private final FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(new InMemoryBalanceStore());
    private final CreditGate gate = CreditGate.builder().store(store).retryPolicy(FAST_RETRIES).build();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** The counts of a timer's meters, keyed by "outcome action" (or just "outcome" without an action tag). */
    static Map<String, Long> counts(MeterRegistry registry, String name) {
        Map<String, Long> counts = new TreeMap<>();
        for (Timer timer : registry.find(name).timers()) {
            String action = timer.getId().getTag(CreditGateMetrics.ACTION_TAG);
            counts.put(timer.getId().getTag(CreditGateMetrics.OUTCOME_TAG) + (action == null ? "" : " " + action),
                    timer.count());
        }
        return counts;
    }

    static Map<String, Double> retries(MeterRegistry registry) {
        Map<String, Double> retries = new TreeMap<>();
        registry.find(CreditGateMetrics.RETRIES).counters().forEach(counter ->
                retries.put(counter.getId().getTag(CreditGateMetrics.OPERATION_TAG), counter.count()));
        return retries;
    }

    static double holdsOpen(MeterRegistry registry) {
        return registry.get(CreditGateMetrics.HOLDS_OPEN).gauge().value();
    }

    @Test
    void everyOutcomeOfAChargeIsCountedOnceWithItsAction() {
        CreditGateMetrics.builder(gate).build().bindTo(registry);
        gate.grant("user-1", 10, "signup");
        ChargeRequest keyed = ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1");
        gate.charge(keyed);
        gate.charge(keyed);
        gate.charge("user-1", 50, "audio.upload");
        gate.charge("nobody", 2, "audio.upload");
        assertThatThrownBy(() -> gate.charge(ChargeRequest.of("user-1", 3, "audio.upload").idempotencyKey("req-1")))
                .isInstanceOf(IdempotencyConflictException.class);
        store.failNext(3, Fault.TRANSIENT);
        assertThatThrownBy(() -> gate.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(CreditStoreUnavailableException.class);
        store.failNext(3, Fault.AMBIGUOUS_NOT_APPLIED);
        assertThatThrownBy(() -> gate.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(ChargeOutcomeUnknownException.class);
        store.failNext(1, Fault.MISCONFIGURED);
        assertThatThrownBy(() -> gate.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(CreditStoreMisconfiguredException.class);
        store.failNext(2, Fault.TRANSIENT);
        gate.charge("user-1", 1, "export");

        assertThat(counts(registry, CreditGateMetrics.CHARGES)).containsExactly(
                entry("charged audio.upload", 1L),
                entry("charged export", 1L),
                entry("idempotency_conflict audio.upload", 1L),
                entry("insufficient audio.upload", 1L),
                entry("misconfigured audio.upload", 1L),
                entry("not_found audio.upload", 1L),
                entry("outcome_unknown audio.upload", 1L),
                entry("replayed audio.upload", 1L),
                entry("unavailable audio.upload", 1L));
        assertThat(counts(registry, CreditGateMetrics.GRANTS)).containsExactly(entry("granted", 1L));
        // 2 + 2 attempts made again before giving up, none on a misconfiguration, 2 before the export went through.
        assertThat(retries(registry)).containsExactly(entry("capture", 0.0), entry("charge", 6.0),
                entry("grant", 0.0), entry("refund", 0.0), entry("release", 0.0), entry("reserve", 0.0));
        assertThat(store.injected()).isEqualTo(9);
    }

    @Test
    void holdsCapturesReleasesAndRefundsAreCountedByOutcome() {
        CreditGateMetrics.builder(gate).build().bindTo(registry);
        gate.grant("user-1", 100, "signup");
        ReserveRequest render = ReserveRequest.of("user-1", 10, "render", Duration.ofMinutes(5)).idempotencyKey("r-1");
        String first = gate.reserve(render).reservedOrThrow().reservationId();
        gate.reserve(render);
        Charged captured = gate.capture(first, 7);
        gate.capture(first, 7);
        String second = gate.reserve("user-1", 10, "render", Duration.ofMinutes(5)).reservedOrThrow().reservationId();
        gate.release(second);
        gate.release(second);
        assertThatThrownBy(() -> gate.capture(second, 1)).isInstanceOf(ReservationStateException.class);
        gate.reserve("user-1", 1_000, "render", Duration.ofMinutes(5));
        gate.refund("user-1", captured.transactionId(), "render failed");
        gate.refund("user-1", captured.transactionId(), "render failed");
        assertThatThrownBy(() -> gate.refund("user-2", captured.transactionId(), "not theirs"))
                .isInstanceOf(TransactionNotFoundException.class);
        store.failNext(3, Fault.TRANSIENT);
        assertThatThrownBy(() -> gate.reserve("user-1", 1, "thumbnail", Duration.ofMinutes(5)))
                .isInstanceOf(CreditStoreUnavailableException.class);

        assertThat(counts(registry, CreditGateMetrics.RESERVATIONS)).containsExactly(
                entry("insufficient render", 1L),
                entry("replayed render", 1L),
                entry("reserved render", 2L),
                entry("unavailable thumbnail", 1L));
        // A capture that never reached its reservation's action is counted under "unknown".
        assertThat(counts(registry, CreditGateMetrics.CAPTURES)).containsExactly(
                entry("captured render", 1L),
                entry("rejected unknown", 1L),
                entry("replayed render", 1L));
        assertThat(counts(registry, CreditGateMetrics.RELEASES)).containsExactly(
                entry("released", 1L),
                entry("replayed", 1L));
        assertThat(counts(registry, CreditGateMetrics.REFUNDS)).containsExactly(
                entry("refunded", 1L),
                entry("rejected", 1L),
                entry("replayed", 1L));
        assertThat(counts(registry, CreditGateMetrics.CHARGES)).isEmpty();
        assertThat(retries(registry)).containsEntry("reserve", 2.0).containsEntry("capture", 0.0);
    }

    @Test
    void holdsOpenCountsHoldsThisGatePlacedUntilCapturedReleasedOrExpired() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
        InMemoryBalanceStore shared = new InMemoryBalanceStore(clock);
        CreditGate here = CreditGate.builder().store(shared).build();
        CreditGate otherInstance = CreditGate.builder().store(shared).build();
        CreditGateMetrics.builder(here).clock(clock).build().bindTo(registry);
        here.grant("user-1", 1_000, "signup");
        assertThat(holdsOpen(registry)).isEqualTo(0.0);

        ReserveRequest keyed = ReserveRequest.of("user-1", 10, "render", Duration.ofMinutes(1)).idempotencyKey("a");
        String a = here.reserve(keyed).reservedOrThrow().reservationId();
        String b = here.reserve("user-1", 10, "render", Duration.ofMinutes(1)).reservedOrThrow().reservationId();
        here.reserve("user-1", 10, "render", Duration.ofMinutes(10));
        here.reserve(keyed);
        assertThat(holdsOpen(registry)).isEqualTo(3.0);

        assertThatThrownBy(() -> here.capture(a, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThat(holdsOpen(registry)).as("a capture above the hold leaves it held").isEqualTo(3.0);
        here.capture(a, 10);
        here.release(b);
        here.release(b);
        assertThat(holdsOpen(registry)).isEqualTo(1.0);

        String elsewhere = otherInstance.reserve("user-1", 10, "render", Duration.ofMinutes(1))
                .reservedOrThrow().reservationId();
        assertThat(holdsOpen(registry)).as("placed through another gate").isEqualTo(1.0);
        here.capture(elsewhere, 10);
        assertThat(holdsOpen(registry)).as("settling another gate's hold").isEqualTo(1.0);

        clock.advance(Duration.ofMinutes(2));
        here.reserve("user-1", 10, "render", Duration.ofMinutes(1));
        assertThat(holdsOpen(registry)).isEqualTo(2.0);
        clock.advance(Duration.ofMinutes(9));
        assertThat(holdsOpen(registry)).as("all past their expiry").isEqualTo(0.0);
    }

    @Test
    void theActionTagHasAtMostMaxActionTagsValuesAndTheRestAreOther() {
        CreditGateMetrics.builder(gate).maxActionTags(3).build().bindTo(registry);
        gate.grant("user-1", 1_000, "signup");
        for (String action : List.of("a1", "a2", "a3", "a4", "a5", "a1", "a2", "a3", "a4", "a5")) {
            gate.charge("user-1", 1, action);
        }
        gate.reserve("user-1", 1, "a6", Duration.ofMinutes(1));
        gate.reserve("user-1", 1, "a2", Duration.ofMinutes(1));

        assertThat(counts(registry, CreditGateMetrics.CHARGES)).containsExactly(
                entry("charged a1", 2L), entry("charged a2", 2L), entry("charged a3", 2L), entry("charged other", 4L));
        assertThat(counts(registry, CreditGateMetrics.RESERVATIONS)).containsExactly(
                entry("reserved a2", 1L), entry("reserved other", 1L));
    }

    @Test
    void allowedActionsAreTheOnlyOnesThatKeepTheirNames() {
        CreditGateMetrics.builder(gate).allowedActions(Set.of("audio.upload", "export")).build().bindTo(registry);
        gate.grant("user-1", 100, "signup");
        gate.charge("user-1", 1, "video.render");
        gate.charge("user-1", 1, "audio.upload");
        gate.charge("user-1", 1, "user-42's upload");

        assertThat(counts(registry, CreditGateMetrics.CHARGES)).containsExactly(
                entry("charged audio.upload", 1L), entry("charged other", 2L));
    }

    @Test
    void allowingMoreActionsThanTheBoundIsRejectedWhenBuilt() {
        CreditGateMetrics.Builder builder = CreditGateMetrics.builder(gate).maxActionTags(1)
                .allowedActions(Set.of("a", "b"));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedActions names 2 actions but maxActionTags is 1: raise maxActionTags or allow fewer");
        assertThatThrownBy(() -> CreditGateMetrics.builder(gate).maxActionTags(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxActionTags must be at least 1, got 0; withoutActionTag() drops the tag");
    }

    @Test
    void withoutTheActionTagEachOutcomeHasOneTimer() {
        CreditGateMetrics.builder(gate).withoutActionTag().build().bindTo(registry);
        gate.grant("user-1", 3, "signup");
        gate.charge("user-1", 1, "a");
        gate.charge("user-1", 1, "b");
        gate.charge("user-1", 5, "c");
        gate.reserve("user-1", 1, "d", Duration.ofMinutes(1));

        assertThat(counts(registry, CreditGateMetrics.CHARGES)).containsExactly(
                entry("charged", 2L), entry("insufficient", 1L));
        assertThat(counts(registry, CreditGateMetrics.RESERVATIONS)).containsExactly(entry("reserved", 1L));
        assertThat(registry.getMeters()).allSatisfy(meter ->
                assertThat(meter.getId().getTag(CreditGateMetrics.ACTION_TAG)).isNull());
    }

    @Test
    void commonTagsAreOnEveryMeter() {
        CreditGateMetrics.builder(gate).tags("gate", "billing").tags(List.of(Tag.of("region", "eu"))).build()
                .bindTo(registry);
        gate.grant("user-1", 3, "signup");
        gate.charge("user-1", 1, "a");

        List<String> names = new ArrayList<>();
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("gate")).isEqualTo("billing");
            assertThat(meter.getId().getTag("region")).isEqualTo("eu");
            names.add(meter.getId().getName());
        }
        // Six retry counters and the gauge from the start; timers as calls end.
        assertThat(names).hasSize(9).containsOnly(CreditGateMetrics.RETRIES, CreditGateMetrics.HOLDS_OPEN,
                CreditGateMetrics.GRANTS, CreditGateMetrics.CHARGES);
    }

    @Test
    void oneBinderBoundToTwoRegistriesCountsEveryCallInBoth() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
        CreditGate clocked = CreditGate.builder().store(new InMemoryBalanceStore(clock)).build();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        CreditGateMetrics metrics = CreditGateMetrics.builder(clocked).maxActionTags(1).clock(clock).build();
        metrics.bindTo(registry);
        metrics.bindTo(second);
        metrics.bindTo(registry);
        clocked.grant("user-1", 10, "signup");
        clocked.charge("user-1", 2, "first");
        clocked.charge("user-1", 2, "second");
        clocked.reserve("user-1", 2, "first", Duration.ofMinutes(1));

        for (MeterRegistry bound : List.of(registry, second)) {
            assertThat(counts(bound, CreditGateMetrics.CHARGES))
                    .containsExactly(entry("charged first", 1L), entry("charged other", 1L));
            assertThat(counts(bound, CreditGateMetrics.GRANTS)).containsExactly(entry("granted", 1L));
            assertThat(holdsOpen(bound)).isEqualTo(1.0);
        }
    }

    @Test
    void concurrentCallsAreAllCountedUnderAtMostTheBoundOfActions() throws Exception {
        CreditGateMetrics.builder(gate).maxActionTags(5).build().bindTo(registry);
        int threads = 8;
        int chargesEach = 500;
        gate.grant("user-1", (long) threads * chargesEach, "signup");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < chargesEach; i++) {
                    gate.charge("user-1", 1, "action-" + ((thread * chargesEach + i) % 20));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();

        Map<String, Long> counts = counts(registry, CreditGateMetrics.CHARGES);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(threads * chargesEach);
        assertThat(counts).hasSize(6).containsKey("charged other");
        assertThat(gate.balance("user-1").getAsLong()).isZero();
    }
}
