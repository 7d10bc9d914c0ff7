package dev.creditgate.micrometer;

import dev.creditgate.CreditGate;
import dev.creditgate.CreditGateEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Binds a {@link CreditGate} to a Micrometer {@link MeterRegistry}: what every grant, charge, reservation, capture,
 * release and refund came to, how long it took, how often the store had to be tried again, and how many holds are
 * open.
 *
 * <pre>{@code
 * CreditGateMetrics.builder(gate)
 *         .tags("gate", "billing")
 *         .build()
 *         .bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #CHARGES}</td><td>timer</td><td>outcome, action</td></tr>
 *   <tr><td>{@value #RESERVATIONS}</td><td>timer</td><td>outcome, action</td></tr>
 *   <tr><td>{@value #CAPTURES}</td><td>timer</td><td>outcome, action</td></tr>
 *   <tr><td>{@value #RELEASES}</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>{@value #REFUNDS}</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>{@value #GRANTS}</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>{@value #RETRIES}</td><td>counter</td><td>operation</td></tr>
 *   <tr><td>{@value #HOLDS_OPEN}</td><td>gauge</td><td></td></tr>
 * </table>
 *
 * <p>Each timer counts the calls that ended in an outcome and times them from the first attempt to the decision,
 * retries and backoff included. The {@value #OUTCOME_TAG} tag is {@code charged}, {@code reserved},
 * {@code captured}, {@code released}, {@code refunded} or {@code granted} when the call applied its operation, and
 * otherwise one of {@code replayed}, {@code insufficient}, {@code not_found}, {@code idempotency_conflict},
 * {@code rejected}, {@code unavailable}, {@code outcome_unknown}, {@code misconfigured}, {@code failed} (see
 * {@link CreditGateEvent.Outcome}). A timer appears on its first call. {@link CreditGate#chargeFor} shows as a
 * reservation, then a capture or a release. Calls rejected for bad input before any I/O, and reads, are not counted.
 *
 * <p>The {@value #ACTION_TAG} tag has at most {@link Builder#maxActionTags(int)} distinct values: the first actions
 * seen keep their names and the rest are {@code other}; {@link Builder#allowedActions(Set)} admits only the named
 * actions; {@link Builder#withoutActionTag()} drops the tag. A capture that did not reach its reservation has the
 * value {@code unknown}. An action really named {@code other} or {@code unknown} is counted with those.
 *
 * <p>{@value #RETRIES} counts attempts made again (a call's attempts minus one), by the {@value #OPERATION_TAG} tag
 * ({@code charge}, {@code reserve}, {@code capture}, {@code release}, {@code refund}, {@code grant}).
 *
 * <p>{@value #HOLDS_OPEN} counts the holds this gate placed (or found still held when a key was re-submitted) that, as
 * far as this gate has seen, still hold credits: not captured or released through this gate, and not past their
 * expiry by this binder's clock. It reads no store. With several instances of a service sharing one store, each
 * counts its own: a hold captured or released through another instance stays counted until it expires, so the sum
 * over instances can exceed the holds the store has, never for longer than a hold's time to live.
 *
 * <p>Percentiles and histograms are left to the registry's configuration: apply a
 * {@link io.micrometer.core.instrument.config.MeterFilter} to names starting with {@code creditgate.}.
 *
 * <p>Binding listens through {@link CreditGate#onEvent}: each event costs two hash lookups and the meter's own
 * recording, on the calling thread, with no lock once an action's meter exists. A binder may be bound to several
 * registries; binding it to the same registry again does nothing. Meters stay bound for the life of the gate.
 */
public final class CreditGateMetrics implements MeterBinder {

    /** The timer of charges. */
    public static final String CHARGES = "creditgate.charges";
    /** The timer of reservations (holds placed). */
    public static final String RESERVATIONS = "creditgate.reservations";
    /** The timer of captures. */
    public static final String CAPTURES = "creditgate.captures";
    /** The timer of releases. */
    public static final String RELEASES = "creditgate.releases";
    /** The timer of refunds. */
    public static final String REFUNDS = "creditgate.refunds";
    /** The timer of grants. */
    public static final String GRANTS = "creditgate.grants";
    /** The counter of attempts made again after a transient store failure. */
    public static final String RETRIES = "creditgate.retries";
    /** The gauge of holds placed through this gate and still open. */
    public static final String HOLDS_OPEN = "creditgate.holds.open";

    /** The tag that says how a call ended. */
    public static final String OUTCOME_TAG = "outcome";
    /** The tag that names the action of a charge, reservation or capture, bounded. */
    public static final String ACTION_TAG = "action";
    /** The tag of {@value #RETRIES} that names the operation retried. */
    public static final String OPERATION_TAG = "operation";

    /** The default bound on distinct values of the {@value #ACTION_TAG} tag. */
    public static final int DEFAULT_MAX_ACTION_TAGS = 50;

    private final CreditGate gate;
    private final Tags tags;
    private final ActionTags actions;
    private final OpenHolds openHolds;
    private final Set<MeterRegistry> bound = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));
    private final AtomicBoolean listening = new AtomicBoolean();

    private CreditGateMetrics(Builder builder) {
        this.gate = builder.gate;
        this.tags = builder.tags;
        this.actions = builder.actionTag ? new ActionTags(builder.maxActionTags, builder.allowedActions) : null;
        this.openHolds = new OpenHolds(builder.clock);
    }

    /**
     * Starts configuring the metrics of a gate.
     *
     * @param gate the gate to measure
     * @return a builder with no extra tags, an action tag of at most {@value #DEFAULT_MAX_ACTION_TAGS} values, and
     *     the system clock
     * @throws NullPointerException if gate is null
     */
    public static Builder builder(CreditGate gate) {
        return new Builder(gate);
    }

    /**
     * Registers the meters on {@code registry} and records the gate's calls there from now on. Calls made before the
     * first binding are not counted. Binding the same registry again does nothing.
     *
     * @param registry the registry
     * @throws NullPointerException if registry is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (!bound.add(registry)) {
            return;
        }
        Gauge.builder(HOLDS_OPEN, openHolds, OpenHolds::count)
                .description("Holds placed through this gate that, as far as it has seen, are neither captured, "
                        + "released nor expired")
                .tags(tags)
                .register(registry);
        GateMeters meters = new GateMeters(registry, tags, actions);
        if (listening.compareAndSet(false, true)) {
            gate.onEvent(openHolds);
        }
        gate.onEvent(meters);
    }

    @Override
    public String toString() {
        return "CreditGateMetrics[tags=" + tags + ", " + (actions == null ? "no action tag" : "action tag") + "]";
    }

    /**
     * Configures {@link CreditGateMetrics}. Not thread-safe; build once.
     */
    public static final class Builder {

        private final CreditGate gate;
        private Tags tags = Tags.empty();
        private int maxActionTags = DEFAULT_MAX_ACTION_TAGS;
        private Set<String> allowedActions = Set.of();
        private boolean actionTag = true;
        private Clock clock = Clock.systemUTC();

        private Builder(CreditGate gate) {
            this.gate = Objects.requireNonNull(gate, "gate");
        }

        /**
         * Adds tags to every meter, such as the name of the gate when an application has several.
         *
         * @param extraTags the tags
         * @return this builder
         * @throws NullPointerException if extraTags is null
         */
        public Builder tags(Iterable<Tag> extraTags) {
            this.tags = tags.and(Objects.requireNonNull(extraTags, "tags"));
            return this;
        }

        /**
         * Adds tags to every meter, given as keys and values in turn.
         *
         * @param keyValues key, value, key, value...
         * @return this builder
         * @throws IllegalArgumentException if there is an odd number of strings
         */
        public Builder tags(String... keyValues) {
            this.tags = tags.and(keyValues);
            return this;
        }

        /**
         * Bounds the distinct values of the {@value #ACTION_TAG} tag: the first {@code max} actions seen keep their
         * names, every later one is counted as {@code other}. Defaults to {@value #DEFAULT_MAX_ACTION_TAGS}.
         *
         * @param max at least 1
         * @return this builder
         * @throws IllegalArgumentException if max is below 1 (to have no action tag, call {@link #withoutActionTag()})
         */
        public Builder maxActionTags(int max) {
            if (max < 1) {
                throw new IllegalArgumentException(
                        "maxActionTags must be at least 1, got " + max + "; withoutActionTag() drops the tag");
            }
            this.maxActionTags = max;
            return this;
        }

        /**
         * Names the only actions that keep their names in the {@value #ACTION_TAG} tag; every other action is
         * counted as {@code other}. By default any action may, up to {@link #maxActionTags(int)}.
         *
         * @param actions the actions, at most {@link #maxActionTags(int)} of them
         * @return this builder
         * @throws NullPointerException if actions is or contains null
         * @throws IllegalArgumentException if actions is empty
         */
        public Builder allowedActions(Set<String> actions) {
            Set<String> copy = Set.copyOf(actions);
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("allowedActions must name at least one action");
            }
            this.allowedActions = copy;
            return this;
        }

        /**
         * Leaves the {@value #ACTION_TAG} tag off every meter: one timer per outcome.
         *
         * @return this builder
         */
        public Builder withoutActionTag() {
            this.actionTag = false;
            return this;
        }

        /**
         * Sets the clock that {@value #HOLDS_OPEN} compares holds' expiry with. Defaults to the system clock; give
         * the store's clock when it is not the system's (in tests, say).
         *
         * @param holdsClock the clock
         * @return this builder
         * @throws NullPointerException if holdsClock is null
         */
        public Builder clock(Clock holdsClock) {
            this.clock = Objects.requireNonNull(holdsClock, "clock");
            return this;
        }

        /**
         * Builds the binder; nothing is measured until {@link CreditGateMetrics#bindTo(MeterRegistry)}.
         *
         * @return the binder
         * @throws IllegalArgumentException if more actions are allowed than {@link #maxActionTags(int)}
         */
        public CreditGateMetrics build() {
            if (allowedActions.size() > maxActionTags) {
                throw new IllegalArgumentException("allowedActions names " + allowedActions.size()
                        + " actions but maxActionTags is " + maxActionTags + ": raise maxActionTags or allow fewer");
            }
            return new CreditGateMetrics(this);
        }
    }
}
