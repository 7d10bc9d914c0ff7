package dev.creditgate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A {@link BalanceStore} for gate tests: every call is recorded, then either fails as scripted or is delegated to an
 * {@link InMemoryBalanceStore}, so the semantics of the successful attempts are the real ones.
 *
 * <p>Scripted failures are consumed one per call, in order, whatever the operation. A failure can be thrown before
 * the call reaches the delegate (nothing applied) or after it (applied, then the "commit acknowledgement" was lost).
 */
final class ScriptedStore implements BalanceStore {

    /** One call the gate made to the store. */
    record Call(String operation, String idempotencyKey) {
    }

    private record Step(RuntimeException failure, boolean afterApplying) {
    }

    private final InMemoryBalanceStore delegate;
    private final Deque<Step> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<RuntimeException> thrown = new ArrayList<>();
    private Supplier<? extends RuntimeException> failEveryCall;

    ScriptedStore() {
        this(new InMemoryBalanceStore());
    }

    ScriptedStore(InMemoryBalanceStore delegate) {
        this.delegate = delegate;
    }

    static TransientStoreException transientFailure(int n) {
        return new TransientStoreException("serialization failure #" + n + " (SQLSTATE 40001)", null);
    }

    static AmbiguousStoreException ambiguousFailure(int n) {
        return new AmbiguousStoreException("connection lost during commit #" + n + " (SQLSTATE 08006)", null);
    }

    /** The next calls throw these, in order, before reaching the delegate. */
    synchronized ScriptedStore failNext(RuntimeException... failures) {
        for (RuntimeException failure : failures) {
            script.add(new Step(failure, false));
        }
        return this;
    }

    /** The next call reaches the delegate (and is applied there), then throws {@code failure}. */
    synchronized ScriptedStore applyThenFail(RuntimeException failure) {
        script.add(new Step(failure, true));
        return this;
    }

    /** Every call from now on throws a fresh failure from {@code failures} before reaching the delegate. */
    synchronized ScriptedStore failEveryCall(Supplier<? extends RuntimeException> failures) {
        this.failEveryCall = failures;
        return this;
    }

    InMemoryBalanceStore delegate() {
        return delegate;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<RuntimeException> thrown() {
        return List.copyOf(thrown);
    }

    @Override
    public ChargeResult charge(String accountId, long cost, String action, String idempotencyKey) {
        return call("charge", idempotencyKey, () -> delegate.charge(accountId, cost, action, idempotencyKey));
    }

    @Override
    public long grant(String accountId, long amount, String reason, String idempotencyKey) {
        return call("grant", idempotencyKey, () -> delegate.grant(accountId, amount, reason, idempotencyKey));
    }

    @Override
    public Refund refund(String chargeTransactionId, String reason, String idempotencyKey) {
        return call("refund", idempotencyKey, () -> delegate.refund(chargeTransactionId, reason, idempotencyKey));
    }

    @Override
    public Refund refund(String accountId, String chargeTransactionId, String reason, String idempotencyKey) {
        return call("refund", idempotencyKey,
                () -> delegate.refund(accountId, chargeTransactionId, reason, idempotencyKey));
    }

    @Override
    public ReserveResult reserve(String accountId, long amount, String action, Duration ttl, String idempotencyKey) {
        return call("reserve", idempotencyKey, () -> delegate.reserve(accountId, amount, action, ttl, idempotencyKey));
    }

    @Override
    public Charged capture(String reservationId, long amount) {
        return call("capture", reservationId, () -> delegate.capture(reservationId, amount));
    }

    @Override
    public Released release(String reservationId) {
        return call("release", reservationId, () -> delegate.release(reservationId));
    }

    @Override
    public Optional<AccountSnapshot> account(String accountId) {
        return call("account", null, () -> delegate.account(accountId));
    }

    @Override
    public OptionalLong balance(String accountId) {
        return call("balance", null, () -> delegate.balance(accountId));
    }

    @Override
    public HistoryPage history(HistoryQuery query) {
        return call("history", null, () -> delegate.history(query));
    }

    @Override
    public String describe() {
        return "scripted " + delegate.describe();
    }

    private <T> T call(String operation, String idempotencyKey, Supplier<T> applied) {
        Step step;
        synchronized (this) {
            calls.add(new Call(operation, idempotencyKey));
            if (failEveryCall != null) {
                step = new Step(failEveryCall.get(), false);
            } else {
                step = script.poll();
            }
            if (step != null && !step.afterApplying()) {
                thrown.add(step.failure());
                throw step.failure();
            }
        }
        T value = applied.get();
        if (step != null) {
            synchronized (this) {
                thrown.add(step.failure());
            }
            throw step.failure();
        }
        return value;
    }
}
