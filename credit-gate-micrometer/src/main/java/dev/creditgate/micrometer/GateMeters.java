package dev.creditgate.micrometer;

import dev.creditgate.CreditGateEvent;
import dev.creditgate.CreditGateEvent.Operation;
import dev.creditgate.CreditGateEvent.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Records a gate's events on one registry. Every meter is looked up once and kept: an event costs two hash lookups
 * (the action's tag value, then its timer) and the timer's own recording.
 */
final class GateMeters implements Consumer<CreditGateEvent> {

    private static final int OUTCOMES = Outcome.values().length;

    private final TimerFamily[] families;
    private final Counter[] retries;
    private final ActionTags actions;

    /**
     * @param actions the action tag's values, or {@code null} when meters have no action tag
     */
    GateMeters(MeterRegistry registry, Tags tags, ActionTags actions) {
        this.actions = actions;
        Operation[] operations = Operation.values();
        this.families = new TimerFamily[operations.length * OUTCOMES];
        this.retries = new Counter[operations.length];
        for (Operation operation : operations) {
            boolean byAction = actions != null && hasAction(operation);
            for (Outcome outcome : Outcome.values()) {
                families[operation.ordinal() * OUTCOMES + outcome.ordinal()] = new TimerFamily(registry,
                        meterName(operation), description(operation),
                        tags.and(CreditGateMetrics.OUTCOME_TAG, outcomeTag(operation, outcome)), byAction);
            }
            retries[operation.ordinal()] = Counter.builder(CreditGateMetrics.RETRIES)
                    .description("Attempts the gate made again after a transient store failure, by operation")
                    .tags(tags).tag(CreditGateMetrics.OPERATION_TAG, lowerCase(operation))
                    .register(registry);
        }
    }

    @Override
    public void accept(CreditGateEvent event) {
        TimerFamily family = families[event.operation().ordinal() * OUTCOMES + event.outcome().ordinal()];
        family.timer(family.byAction ? actions.of(event.action()) : "").record(event.elapsed());
        if (event.attempts() > 1) {
            retries[event.operation().ordinal()].increment(event.attempts() - 1);
        }
    }

    static boolean hasAction(Operation operation) {
        return operation == Operation.CHARGE || operation == Operation.RESERVE || operation == Operation.CAPTURE;
    }

    static String meterName(Operation operation) {
        return switch (operation) {
            case CHARGE -> CreditGateMetrics.CHARGES;
            case RESERVE -> CreditGateMetrics.RESERVATIONS;
            case CAPTURE -> CreditGateMetrics.CAPTURES;
            case RELEASE -> CreditGateMetrics.RELEASES;
            case REFUND -> CreditGateMetrics.REFUNDS;
            case GRANT -> CreditGateMetrics.GRANTS;
        };
    }

    /** {@link Outcome#APPLIED} is named for what was applied; every other outcome by its own name. */
    static String outcomeTag(Operation operation, Outcome outcome) {
        if (outcome != Outcome.APPLIED) {
            return lowerCase(outcome);
        }
        return switch (operation) {
            case CHARGE -> "charged";
            case RESERVE -> "reserved";
            case CAPTURE -> "captured";
            case RELEASE -> "released";
            case REFUND -> "refunded";
            case GRANT -> "granted";
        };
    }

    private static String description(Operation operation) {
        String what = switch (operation) {
            case CHARGE -> "Charges";
            case RESERVE -> "Reservations (holds placed)";
            case CAPTURE -> "Captures of held credits";
            case RELEASE -> "Releases of held credits";
            case REFUND -> "Refunds";
            case GRANT -> "Grants";
        };
        return what + " decided by the gate, by outcome" + (hasAction(operation) ? " and action" : "")
                + "; time from the first attempt to the decision, retries included";
    }

    private static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The timers of one operation and outcome, one per action tag value, registered on first use. */
    private static final class TimerFamily {
        private final MeterRegistry registry;
        private final String name;
        private final String description;
        private final Tags tags;
        private final boolean byAction;
        private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

        TimerFamily(MeterRegistry registry, String name, String description, Tags tags, boolean byAction) {
            this.registry = registry;
            this.name = name;
            this.description = description;
            this.tags = tags;
            this.byAction = byAction;
        }

        Timer timer(String action) {
            Timer timer = timers.get(action);
            return timer != null ? timer : timers.computeIfAbsent(action, this::register);
        }

        private Timer register(String action) {
            // A Timer.Builder is mutable: each registration gets its own.
            Tags tagged = byAction ? tags.and(CreditGateMetrics.ACTION_TAG, action) : tags;
            return Timer.builder(name).description(description).tags(tagged).register(registry);
        }
    }
}
