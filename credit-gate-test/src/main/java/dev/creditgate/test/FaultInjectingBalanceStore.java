package dev.creditgate.test;

import dev.creditgate.AccountSnapshot;
import dev.creditgate.AmbiguousStoreException;
import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.Refund;
import dev.creditgate.Released;
import dev.creditgate.ReserveResult;
import dev.creditgate.TransientStoreException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Wraps any {@link BalanceStore} and injects the failures a real store has: transient ones, ambiguous ones (before
 * or after the operation was really applied), permanent ones, and latency; scripted by count or drawn by
 * probability from a seeded random source.
 *
 * <pre>{@code
 * FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(new InMemoryBalanceStore())
 *         .failNext(2, Fault.TRANSIENT);
 * CreditGate gate = CreditGate.builder().store(store).build();
 * }</pre>
 *
 * <p>Thread-safe; the fault settings may be changed while other threads use the store. Scripted faults are used up
 * first, in order; then each probability rule is drawn.
 */
public final class FaultInjectingBalanceStore implements BalanceStore {

    /** The kinds of failure that can be injected. */
    public enum Fault {
        /** Fails before reaching the delegate with a {@link TransientStoreException}: nothing applied. */
        TRANSIENT,
        /** Fails before reaching the delegate with an {@link AmbiguousStoreException}: nothing applied. */
        AMBIGUOUS_NOT_APPLIED,
        /**
         * Lets the delegate apply the operation, then throws an {@link AmbiguousStoreException}, as when the reply to
         * a COMMIT is lost. On a read it behaves like {@link #AMBIGUOUS_NOT_APPLIED}.
         */
        AMBIGUOUS_APPLIED,
        /** Fails before reaching the delegate with a {@link CreditStoreMisconfiguredException}: nothing applied. */
        MISCONFIGURED
    }

    /** The store operations faults can be aimed at. */
    public enum Operation {
        /** {@link BalanceStore#charge}. */
        CHARGE,
        /** {@link BalanceStore#grant}. */
        GRANT,
        /** {@link BalanceStore#refund}. */
        REFUND,
        /** {@link BalanceStore#balance} and {@link BalanceStore#account}. */
        BALANCE,
        /** {@link BalanceStore#history}. */
        HISTORY,
        /** {@link BalanceStore#reserve}. */
        RESERVE,
        /** {@link BalanceStore#capture}. */
        CAPTURE,
        /** {@link BalanceStore#release}. */
        RELEASE
    }

    private record Rule(Fault fault, double probability) {
    }

    private final BalanceStore delegate;
    private final Queue<Fault> scripted = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Set<Operation> targets = EnumSet.allOf(Operation.class);
    private final Map<Operation, AtomicLong> calls = new EnumMap<>(Operation.class);
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private Random random = new Random(0);
    private Duration latency = Duration.ZERO;

    private FaultInjectingBalanceStore(BalanceStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        for (Operation operation : Operation.values()) {
            calls.put(operation, new AtomicLong());
        }
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicLong());
        }
    }

    /**
     * Wraps a store; until configured, every call passes straight through.
     *
     * @param delegate the store that really applies operations
     * @return the wrapper
     */
    public static FaultInjectingBalanceStore wrap(BalanceStore delegate) {
        return new FaultInjectingBalanceStore(delegate);
    }

    /**
     * Makes the next {@code count} targeted calls fail with {@code fault}, after any faults already scripted.
     *
     * @param count how many calls, at least 1
     * @param fault the failure to inject
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore failNext(int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        for (int i = 0; i < count; i++) {
            scripted.add(fault);
        }
        return this;
    }

    /**
     * Makes every targeted call fail with {@code fault} with the given probability, drawn independently per call.
     *
     * @param fault the failure to inject
     * @param probability from 0 (never) to 1 (always)
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore failWithProbability(Fault fault, double probability) {
        Objects.requireNonNull(fault, "fault");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, got " + probability);
        }
        rules.add(new Rule(fault, probability));
        return this;
    }

    /**
     * Seeds the random source of the probability rules, so a failing run can be repeated.
     *
     * @param seed the seed; the default is 0
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore seed(long seed) {
        this.random = new Random(seed);
        return this;
    }

    /**
     * Aims faults at some operations only; the others always pass through. By default all are targeted.
     *
     * @param first an operation to target
     * @param more further operations to target
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore onlyFor(Operation first, Operation... more) {
        targets.clear();
        targets.addAll(EnumSet.of(first, more));
        return this;
    }

    /**
     * Delays every call, faulty or not, before it reaches the delegate.
     *
     * @param delay how long; zero turns latency off
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + delay);
        }
        this.latency = delay;
        return this;
    }

    /**
     * Removes every scripted fault and probability rule, targets all operations and turns latency off. Counters are
     * kept.
     *
     * @return this store
     */
    public synchronized FaultInjectingBalanceStore heal() {
        scripted.clear();
        rules.clear();
        targets.addAll(EnumSet.allOf(Operation.class));
        latency = Duration.ZERO;
        return this;
    }

    /**
     * Counts the calls made of one operation, failed ones included.
     *
     * @param operation the operation
     * @return how many calls reached this wrapper
     */
    public long calls(Operation operation) {
        return calls.get(operation).get();
    }

    /**
     * Counts the faults injected of one kind.
     *
     * @param fault the kind
     * @return how many were injected
     */
    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /**
     * Counts all faults injected.
     *
     * @return the total over all kinds
     */
    public long injected() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public ChargeResult charge(String accountId, long cost, String action, String idempotencyKey) {
        return call(Operation.CHARGE, () -> delegate.charge(accountId, cost, action, idempotencyKey));
    }

    @Override
    public long grant(String accountId, long amount, String reason, String idempotencyKey) {
        return call(Operation.GRANT, () -> delegate.grant(accountId, amount, reason, idempotencyKey));
    }

    @Override
    public Refund refund(String chargeTransactionId, String reason, String idempotencyKey) {
        return call(Operation.REFUND, () -> delegate.refund(chargeTransactionId, reason, idempotencyKey));
    }

    @Override
    public Refund refund(String accountId, String chargeTransactionId, String reason, String idempotencyKey) {
        return call(Operation.REFUND, () -> delegate.refund(accountId, chargeTransactionId, reason, idempotencyKey));
    }

    @Override
    public OptionalLong balance(String accountId) {
        return call(Operation.BALANCE, () -> delegate.balance(accountId));
    }

    @Override
    public Optional<AccountSnapshot> account(String accountId) {
        return call(Operation.BALANCE, () -> delegate.account(accountId));
    }

    @Override
    public HistoryPage history(HistoryQuery query) {
        return call(Operation.HISTORY, () -> delegate.history(query));
    }

    @Override
    public ReserveResult reserve(String accountId, long amount, String action, Duration ttl, String idempotencyKey) {
        return call(Operation.RESERVE, () -> delegate.reserve(accountId, amount, action, ttl, idempotencyKey));
    }

    @Override
    public Charged capture(String reservationId, long amount) {
        return call(Operation.CAPTURE, () -> delegate.capture(reservationId, amount));
    }

    @Override
    public Released release(String reservationId) {
        return call(Operation.RELEASE, () -> delegate.release(reservationId));
    }

    /** Maintenance passes straight through: no fault is injected into it. */
    @Override
    public long purgeSettledHolds(Duration retention) {
        return delegate.purgeSettledHolds(retention);
    }

    @Override
    public String describe() {
        return "fault-injecting " + delegate.describe();
    }

    @Override
    public String toString() {
        return "FaultInjectingBalanceStore[" + delegate + "]";
    }

    private <T> T call(Operation operation, Supplier<T> applied) {
        calls.get(operation).incrementAndGet();
        Duration delay;
        Optional<Fault> fault;
        synchronized (this) {
            delay = latency;
            fault = targets.contains(operation) ? nextFault() : Optional.empty();
        }
        pause(delay);
        if (fault.isEmpty()) {
            return applied.get();
        }
        injected.get(fault.get()).incrementAndGet();
        String what = "injected " + fault.get() + " fault on " + operation;
        switch (fault.get()) {
            case TRANSIENT:
                throw new TransientStoreException(what, null);
            case AMBIGUOUS_NOT_APPLIED:
                throw new AmbiguousStoreException(what, null);
            case AMBIGUOUS_APPLIED:
                applied.get();
                throw new AmbiguousStoreException(what + " after it was applied", null);
            default:
                throw new CreditStoreMisconfiguredException(what, null);
        }
    }

    private Optional<Fault> nextFault() {
        Fault next = scripted.poll();
        if (next != null) {
            return Optional.of(next);
        }
        for (Rule rule : rules) {
            if (random.nextDouble() < rule.probability()) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStoreException("interrupted during injected latency", e);
        }
    }
}
