package dev.creditgate;

import static dev.creditgate.ScriptedStore.ambiguousFailure;
import static dev.creditgate.ScriptedStore.transientFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the gate (through {@link Attempts}) retries store failures, and what it throws when they outlast it. */
class GateRetryTest {

    private static final String ACCOUNT = "user-1";
    private static final String ACTION = "audio.upload";

    private final ScriptedStore store = new ScriptedStore();
    private final CreditGate gate = CreditGate.builder().store(store).retryPolicy(fastPolicy(4)).build();

    /** {@code maxAttempts} attempts, 1 ms apart, default time budget. */
    private static RetryPolicy fastPolicy(int maxAttempts) {
        return RetryPolicy.of(RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
                .build());
    }

    @BeforeEach
    void seed() {
        // Straight into the delegate: the seed is not part of what the tests count.
        store.delegate().grant(ACCOUNT, 10, "seed", "seed-grant");
    }

    @Test
    void transientFailuresThenSuccessChargeOnceWithTheSameKeyOnEveryAttempt() {
        store.failNext(transientFailure(1), transientFailure(2));

        Charged charged = gate.charge(ACCOUNT, 3, ACTION).orElseThrow();

        assertThat(charged.cost()).isEqualTo(3);
        assertThat(charged.balanceAfter()).isEqualTo(7);
        assertThat(charged.replayed()).isFalse();
        assertThat(store.calls()).hasSize(3)
                .allSatisfy(call -> assertThat(call).isEqualTo(new ScriptedStore.Call("charge", charged.idempotencyKey())));
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(7));
        assertThat(store.delegate().history(ACCOUNT, 10)).extracting(LedgerEntry::kind)
                .containsExactly(LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.GRANT);
    }

    @Test
    void callersKeyIsUsedOnEveryAttempt() {
        store.failNext(transientFailure(1), ambiguousFailure(2));

        Charged charged = gate.charge(ChargeRequest.of(ACCOUNT, 3, ACTION).idempotencyKey("req-123")).orElseThrow();

        assertThat(charged.idempotencyKey()).isEqualTo("req-123");
        assertThat(store.calls()).extracting(ScriptedStore.Call::idempotencyKey)
                .containsExactly("req-123", "req-123", "req-123");
    }

    @Test
    void chargeAppliedBeforeAnAmbiguousFailureIsReplayedNotChargedTwice() {
        store.applyThenFail(ambiguousFailure(1));

        Charged charged = gate.charge(ACCOUNT, 3, ACTION).orElseThrow();

        assertThat(charged.replayed()).isTrue();
        assertThat(charged.balanceAfter()).isEqualTo(7);
        assertThat(store.calls()).hasSize(2);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(7));
        assertThat(store.delegate().history(ACCOUNT, 10)).hasSize(2);
    }

    @Test
    void ambiguousFailuresOutlastingTheRetriesMakeTheOutcomeUnknown() {
        store.failNext(ambiguousFailure(1), ambiguousFailure(2), ambiguousFailure(3), ambiguousFailure(4));

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(ACCOUNT, 2, ACTION).idempotencyKey("req-1")))
                .isExactlyInstanceOf(ChargeOutcomeUnknownException.class)
                .hasMessage("charge of 2 to 'user-1' for 'audio.upload' has an unknown outcome after 4 attempt(s); "
                        + "re-submit with idempotency key 'req-1' to settle it")
                .satisfies(thrown -> assertThat(thrown.getCause()).isSameAs(store.thrown().get(3)))
                .satisfies(thrown -> assertThat(thrown.getSuppressed()).containsExactlyElementsOf(store.thrown().subList(0, 3)))
                .asInstanceOf(type(ChargeOutcomeUnknownException.class))
                .satisfies(unknown -> {
                    assertThat(unknown.idempotencyKey()).isEqualTo("req-1");
                    assertThat(unknown.attempts()).isEqualTo(4);
                });
        assertThat(store.calls()).hasSize(4);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void oneAmbiguousFailureAmongTransientOnesMakesTheOutcomeUnknown() {
        store.failNext(transientFailure(1), ambiguousFailure(2), transientFailure(3), transientFailure(4));

        assertThatThrownBy(() -> gate.charge(ACCOUNT, 2, ACTION))
                .asInstanceOf(type(ChargeOutcomeUnknownException.class))
                .satisfies(unknown -> {
                    assertThat(unknown.idempotencyKey()).isEqualTo(store.calls().get(0).idempotencyKey());
                    assertThat(unknown.attempts()).isEqualTo(4);
                });
    }

    @Test
    void ambiguousOutcomeIsSettledByResubmittingTheSameKey() {
        store.applyThenFail(ambiguousFailure(1))
                .failNext(ambiguousFailure(2), ambiguousFailure(3), ambiguousFailure(4));
        ChargeRequest request = ChargeRequest.of(ACCOUNT, 3, ACTION).idempotencyKey("req-9");
        assertThatThrownBy(() -> gate.charge(request)).isInstanceOf(ChargeOutcomeUnknownException.class);

        Charged settled = gate.charge(request).orElseThrow();

        assertThat(settled.replayed()).isTrue();
        assertThat(settled.balanceAfter()).isEqualTo(7);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void transientFailuresOutlastingTheRetriesMakeTheStoreUnavailable() {
        store.failNext(transientFailure(1), transientFailure(2), transientFailure(3), transientFailure(4));

        assertThatThrownBy(() -> gate.charge(ACCOUNT, 2, ACTION))
                .isExactlyInstanceOf(CreditStoreUnavailableException.class)
                .hasMessage("charge of 2 to 'user-1' for 'audio.upload' failed: credit store unavailable after "
                        + "4 attempt(s); nothing was applied")
                .satisfies(thrown -> assertThat(thrown.getCause()).isSameAs(store.thrown().get(3)))
                .satisfies(thrown -> assertThat(thrown.getSuppressed())
                        .containsExactlyElementsOf(store.thrown().subList(0, 3)))
                .asInstanceOf(type(CreditStoreUnavailableException.class))
                .extracting(CreditStoreUnavailableException::attempts)
                .isEqualTo(4);
        assertThat(store.calls()).hasSize(4);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void noRetryPolicyEndsOnTheFirstTransientFailure() {
        CreditGate once = CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
        store.failNext(transientFailure(1));

        assertThatThrownBy(() -> once.grant(ACCOUNT, 5, "bonus"))
                .isExactlyInstanceOf(CreditStoreUnavailableException.class)
                .satisfies(thrown -> assertThat(thrown.getSuppressed()).isEmpty())
                .asInstanceOf(type(CreditStoreUnavailableException.class))
                .extracting(CreditStoreUnavailableException::attempts)
                .isEqualTo(1);
        assertThat(store.calls()).hasSize(1);
    }

    @Test
    void misconfiguredStoreIsNeverRetried() {
        CreditStoreMisconfiguredException misconfigured =
                new CreditStoreMisconfiguredException("row-level security blocks UPDATE on credit_accounts", null);
        store.failNext(misconfigured);

        assertThatThrownBy(() -> gate.charge(ACCOUNT, 2, ACTION)).isSameAs(misconfigured);
        assertThat(store.calls()).hasSize(1);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void unclassifiedStoreFailureIsNeverRetried() {
        IllegalStateException bug = new IllegalStateException("store bug");
        store.failNext(bug);

        assertThatThrownBy(() -> gate.history(ACCOUNT, 10)).isSameAs(bug);
        assertThat(store.calls()).hasSize(1);
    }

    @Test
    void idempotencyConflictIsNeverRetried() {
        gate.charge(ChargeRequest.of(ACCOUNT, 2, ACTION).idempotencyKey("req-1")).orElseThrow();

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(ACCOUNT, 3, ACTION).idempotencyKey("req-1")))
                .isExactlyInstanceOf(IdempotencyConflictException.class);
        assertThat(store.calls()).hasSize(2);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(8));
    }

    @Test
    void insufficientCreditsIsNeverRetried() {
        ChargeResult result = gate.charge(ACCOUNT, 11, ACTION);

        assertThat(result).isInstanceOf(InsufficientCredits.class);
        assertThat(((InsufficientCredits) result).debug().attempts()).isEqualTo(1);
        assertThat(store.calls()).hasSize(1);
    }

    @Test
    void accountNotFoundAfterATransientFailureCarriesTheAttemptsItTook() {
        store.failNext(transientFailure(1));

        AccountNotFound notFound = (AccountNotFound) gate.charge("nobody", 1, ACTION);

        assertThat(store.calls()).hasSize(2);
        assertThat(notFound.debug().attempts()).isEqualTo(2);
        assertThat(notFound.debug().retriedFailures()).containsExactly(store.thrown().get(0).toString());
    }

    @Test
    void insufficientCreditsAfterRetriesCarriesTheAttemptsAndRetriedFailures() {
        store.failNext(transientFailure(1), ambiguousFailure(2));

        InsufficientCredits insufficient =
                (InsufficientCredits) gate.charge(ChargeRequest.of(ACCOUNT, 11, ACTION).idempotencyKey("req-5"));

        assertThat(insufficient.required()).isEqualTo(11);
        assertThat(insufficient.available()).isEqualTo(10);
        assertThat(insufficient.debug().idempotencyKey()).isEqualTo("req-5");
        assertThat(insufficient.debug().store()).isEqualTo("in-memory");
        assertThat(insufficient.debug().attempts()).isEqualTo(3);
        assertThat(insufficient.debug().retriedFailures()).containsExactly(
                "dev.creditgate.TransientStoreException: serialization failure #1 (SQLSTATE 40001)",
                "dev.creditgate.AmbiguousStoreException: connection lost during commit #2 (SQLSTATE 08006)");
        assertThat(store.calls()).hasSize(3);
    }

    @Test
    void readsWhoseFailuresWereAmbiguousAreUnavailableNotUnknown() {
        store.failNext(ambiguousFailure(1), ambiguousFailure(2), ambiguousFailure(3), ambiguousFailure(4));
        assertThatThrownBy(() -> gate.balance(ACCOUNT))
                .isExactlyInstanceOf(CreditStoreUnavailableException.class)
                .hasMessage("balance of 'user-1' failed: credit store unavailable after 4 attempt(s); "
                        + "nothing was applied")
                .asInstanceOf(type(CreditStoreUnavailableException.class))
                .extracting(CreditStoreUnavailableException::attempts)
                .isEqualTo(4);

        store.failNext(ambiguousFailure(5), ambiguousFailure(6), ambiguousFailure(7), ambiguousFailure(8));
        assertThatThrownBy(() -> gate.history(ACCOUNT, 10))
                .isExactlyInstanceOf(CreditStoreUnavailableException.class)
                .hasMessageStartingWith("history of 'user-1' failed");
        assertThat(store.calls()).hasSize(8);
    }

    @Test
    void grantRetriedAfterAmbiguousFailureIsAppliedOnce() {
        store.applyThenFail(ambiguousFailure(1)).failNext(transientFailure(2));

        long after = gate.grant(ACCOUNT, 5, "bonus", "pay-1");

        assertThat(after).isEqualTo(15);
        assertThat(store.calls()).extracting(ScriptedStore.Call::idempotencyKey)
                .containsExactly("pay-1", "pay-1", "pay-1");
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(15));
        assertThat(store.delegate().history(ACCOUNT, 10)).hasSize(2);
    }

    @Test
    void grantWithAmbiguousFailuresExhaustedIsUnknownWithTheCallersKey() {
        store.failEveryCall(() -> ambiguousFailure(0));

        assertThatThrownBy(() -> gate.grant(ACCOUNT, 5, "bonus", "pay-1"))
                .asInstanceOf(type(ChargeOutcomeUnknownException.class))
                .satisfies(unknown -> {
                    assertThat(unknown.idempotencyKey()).isEqualTo("pay-1");
                    assertThat(unknown.attempts()).isEqualTo(4);
                });
    }

    @Test
    void refundRetriedAfterAmbiguousFailureCreditsOnce() {
        Charged charged = gate.charge(ACCOUNT, 4, ACTION).orElseThrow();
        store.applyThenFail(ambiguousFailure(1));

        Refund refund = gate.refund(charged.transactionId(), "file deleted");

        List<ScriptedStore.Call> refundCalls =
                store.calls().stream().filter(call -> call.operation().equals("refund")).toList();
        assertThat(refundCalls).hasSize(2);
        assertThat(refundCalls.get(0).idempotencyKey()).isEqualTo(refundCalls.get(1).idempotencyKey());
        assertThat(refund.replayed()).isTrue();
        assertThat(refund.balanceAfter()).isEqualTo(10);
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void everyCallStartsWithAFreshSetOfAttempts() {
        store.failNext(transientFailure(1), transientFailure(2), transientFailure(3), transientFailure(4));
        assertThatThrownBy(() -> gate.balance(ACCOUNT)).isInstanceOf(CreditStoreUnavailableException.class);

        store.failNext(transientFailure(5), transientFailure(6), transientFailure(7));
        assertThat(gate.balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
        assertThat(store.calls()).hasSize(8);
    }

    @Test
    void timeBudgetEndsRetriesBeforeMaxAttempts() {
        // 49 waits of at least 20 ms cannot fit in 400 ms, so fewer than 50 attempts proves the budget stopped them;
        // the budget is generous enough that a loaded machine still gets past the first attempt.
        RetryPolicy patient = RetryPolicy.of(RetryConfig.custom()
                        .maxAttempts(50)
                        .intervalFunction(IntervalFunction.of(Duration.ofMillis(20)))
                        .build())
                .withTimeBudget(Duration.ofMillis(400));
        CreditGate budgeted = CreditGate.builder().store(store).retryPolicy(patient).build();
        AtomicInteger failureNumber = new AtomicInteger();
        store.failEveryCall(() -> transientFailure(failureNumber.incrementAndGet()));

        CreditStoreUnavailableException unavailable =
                org.junit.jupiter.api.Assertions.assertThrows(CreditStoreUnavailableException.class,
                        () -> budgeted.charge(ACCOUNT, 2, ACTION));

        assertThat(unavailable.attempts()).isGreaterThan(1).isLessThan(50);
        assertThat(store.calls()).hasSize(unavailable.attempts());
        assertThat(unavailable.getSuppressed()).hasSize(unavailable.attempts() - 1);
        assertThat(unavailable.getCause()).isSameAs(store.thrown().get(store.thrown().size() - 1));
        assertThat(store.delegate().balance(ACCOUNT)).isEqualTo(OptionalLong.of(10));
    }
}
