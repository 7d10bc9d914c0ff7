package dev.creditgate.micrometer;

import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditGateEvent;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.Refund;
import dev.creditgate.RetryPolicy;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What binding {@link CreditGateMetrics} adds to a charge: the same gate with and without the binder, on a store that
 * answers at once, so the gate's own work is all there is to compare against (baseline {@link #chargeUnbound()}); and
 * the binder's recording of one event against Micrometer's timer recording the same time (baseline
 * {@link #recordOnTimer()}). Run as README-section.md says; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GateMetricsBenchmark {

    private CreditGate unbound;
    private CreditGate bound;
    private GateMeters meters;
    private Timer timer;
    private CreditGateEvent[] events;
    private int next;

    /** Twelve actions, over the bound of 10: both the named and the "other" path are measured. */
    private static final String[] ACTIONS = {"audio.upload", "video.render", "export", "thumbnail", "transcribe",
        "translate", "summarize", "ocr", "resize", "convert", "share", "archive"};

    /** Builds the two gates; the bound one on a registry with the action tag bounded to 10 values. */
    @Setup
    public void setUp() {
        unbound = CreditGate.builder().store(new AnsweringStore()).retryPolicy(RetryPolicy.none()).build();
        bound = CreditGate.builder().store(new AnsweringStore()).retryPolicy(RetryPolicy.none()).build();
        CreditGateMetrics.builder(bound).maxActionTags(10).build().bindTo(new SimpleMeterRegistry());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters = new GateMeters(registry, Tags.empty(), new ActionTags(10, Set.of()));
        timer = Timer.builder("baseline").register(registry);
        events = new CreditGateEvent[ACTIONS.length];
        for (int i = 0; i < ACTIONS.length; i++) {
            events[i] = new CreditGateEvent(CreditGateEvent.Operation.CHARGE, CreditGateEvent.Outcome.APPLIED,
                    Optional.of(ACTIONS[i]), 1, Duration.ofNanos(250));
        }
    }

    /**
     * The baseline: a charge through a gate with no listener.
     *
     * @return the result, for JMH to consume
     */
    @Benchmark
    public ChargeResult chargeUnbound() {
        return unbound.charge("user-1", 2, ACTIONS[next++ % ACTIONS.length]);
    }

    /**
     * The same charge through a gate bound to a registry.
     *
     * @return the result, for JMH to consume
     */
    @Benchmark
    public ChargeResult chargeBound() {
        return bound.charge("user-1", 2, ACTIONS[next++ % ACTIONS.length]);
    }

    /**
     * The binder's own share of a charge: one event recorded on one registry.
     *
     * @return the event, for JMH to consume
     */
    @Benchmark
    public CreditGateEvent recordEvent() {
        CreditGateEvent event = events[next++ % events.length];
        meters.accept(event);
        return event;
    }

    /**
     * The baseline of {@link #recordEvent()}: what Micrometer's timer itself costs, recording the same event's time.
     *
     * @return the event, for JMH to consume
     */
    @Benchmark
    public CreditGateEvent recordOnTimer() {
        CreditGateEvent event = events[next++ % events.length];
        timer.record(event.elapsed());
        return event;
    }

    /** Charges succeed at once; nothing else is called. */
    static final class AnsweringStore implements BalanceStore {
        @Override
        public ChargeResult charge(String accountId, long cost, String action, String idempotencyKey) {
            return new Charged("tx-1", accountId, action, cost, 1_000, idempotencyKey, false);
        }

        @Override
        public long grant(String accountId, long amount, String reason, String idempotencyKey) {
            throw new UnsupportedOperationException("grant");
        }

        @Override
        public Refund refund(String chargeTransactionId, String reason, String idempotencyKey) {
            throw new UnsupportedOperationException("refund");
        }

        @Override
        public OptionalLong balance(String accountId) {
            throw new UnsupportedOperationException("balance");
        }

        @Override
        public HistoryPage history(HistoryQuery query) {
            throw new UnsupportedOperationException("history");
        }

        @Override
        public String describe() {
            return "answering store";
        }
    }
}
