package dev.creditgate.test;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditGateException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.Refund;
import dev.creditgate.RetryPolicy;
import dev.creditgate.TransientStoreException;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import dev.creditgate.test.FaultInjectingBalanceStore.Operation;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gate's retries, proven with a fault-injecting store in front of the in-memory store. */
class GateFaultInjectionTest {

    private static final String ACCOUNT = "user-1";

    private final FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(new InMemoryBalanceStore());
    private final CreditGate gate = CreditGate.builder()
            .store(store)
            .retryPolicy(RetryPolicy.of(RetryConfig.custom()
                    .maxAttempts(4)
                    .intervalFunction(IntervalFunction.of(1))
                    .build()))
            .build();

    @BeforeEach
    void fund() {
        gate.grant(ACCOUNT, 100, "funds");
    }

    @Test
    void transientFailuresAreRetriedThenCharged() {
        store.failNext(2, Fault.TRANSIENT);

        assertThat(gate.charge(ACCOUNT, 10, "x")).isCharged().isNotReplayed().hasBalanceAfter(90);
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(3);
        assertThatAccount(gate, ACCOUNT).hasBalance(90).hasLedgerEntries(2);
    }

    @Test
    void anAmbiguousFailureAfterTheDebitIsRetriedWithTheSameKeyAndChargedOnce() {
        store.failNext(1, Fault.AMBIGUOUS_APPLIED);

        ChargeResult result = gate.charge(ChargeRequest.of(ACCOUNT, 10, "x").idempotencyKey("amb-1"));

        assertThat(result).isCharged().isReplayed().hasBalanceAfter(90);
        assertThat(((Charged) result).idempotencyKey()).isEqualTo("amb-1");
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(2);
        assertThatAccount(gate, ACCOUNT).hasBalance(90).hasLedgerEntries(2);
    }

    @Test
    void aGeneratedKeyIsReusedAcrossTheGatesOwnRetries() {
        store.failNext(3, Fault.AMBIGUOUS_APPLIED);

        assertThat(gate.charge(ACCOUNT, 10, "x")).isCharged().isReplayed().hasBalanceAfter(90);
        assertThatAccount(gate, ACCOUNT).hasBalance(90).hasLedgerEntries(2);
    }

    @Test
    void aMisconfiguredStoreIsNotRetried() {
        store.failNext(1, Fault.MISCONFIGURED);

        assertThatThrownBy(() -> gate.charge(ACCOUNT, 10, "x")).isInstanceOf(CreditStoreMisconfiguredException.class);
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(1);
        assertThatAccount(gate, ACCOUNT).hasBalance(100);
    }

    @Test
    void exhaustedTransientRetriesAreUnavailableAndNothingWasCharged() {
        store.failNext(4, Fault.TRANSIENT);

        assertThatThrownBy(() -> gate.charge(ACCOUNT, 10, "x"))
                .isInstanceOfSatisfying(CreditStoreUnavailableException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.getCause()).isInstanceOf(TransientStoreException.class);
                    assertThat(e.getSuppressed()).hasSize(3);
                });
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(4);
        assertThatAccount(gate, ACCOUNT).hasBalance(100).hasLedgerEntries(1);
    }

    @Test
    void exhaustedRetriesWithAnAmbiguousFailureAreOutcomeUnknownWithTheKey() {
        store.failNext(1, Fault.AMBIGUOUS_NOT_APPLIED).failNext(3, Fault.TRANSIENT);

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(ACCOUNT, 10, "x").idempotencyKey("unknown-1")))
                .isInstanceOfSatisfying(ChargeOutcomeUnknownException.class, e -> {
                    assertThat(e.idempotencyKey()).isEqualTo("unknown-1");
                    assertThat(e.attempts()).isEqualTo(4);
                });

        assertThat(gate.charge(ChargeRequest.of(ACCOUNT, 10, "x").idempotencyKey("unknown-1")))
                .isCharged().isNotReplayed().hasBalanceAfter(90);
    }

    @Test
    void anUnknownOutcomeThatWasAppliedIsSettledByResubmittingTheKey() {
        store.failNext(4, Fault.AMBIGUOUS_APPLIED);
        ChargeRequest request = ChargeRequest.of(ACCOUNT, 10, "x").idempotencyKey("unknown-2");

        assertThatThrownBy(() -> gate.charge(request)).isInstanceOf(ChargeOutcomeUnknownException.class);

        assertThat(gate.charge(request)).isCharged().isReplayed().hasBalanceAfter(90);
        assertThatAccount(gate, ACCOUNT).hasBalance(90).hasLedgerEntries(2);
    }

    @Test
    void insufficientCreditsIsNeverRetried() {
        assertThat(gate.charge(ACCOUNT, 101, "x")).isInsufficient().hasAvailable(100);
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(1);
    }

    @Test
    void accountNotFoundIsNeverRetried() {
        assertThat(gate.charge("nobody", 1, "x")).isAccountNotFound();
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(1);
    }

    @Test
    void aRejectionAfterRetriesCarriesTheAttemptsInItsDebugContext() {
        store.failNext(2, Fault.TRANSIENT);

        InsufficientCredits insufficient = (InsufficientCredits) gate.charge(ACCOUNT, 500, "x");

        assertThat(insufficient.debug().attempts()).isEqualTo(3);
        assertThat(insufficient.debug().retriedFailures()).hasSize(2)
                .allSatisfy(failure -> assertThat(failure).contains("TRANSIENT"));
        assertThat(insufficient.debug().store()).isEqualTo("in-memory");
    }

    @Test
    void anAmbiguousGrantIsAppliedOnce() {
        store.failNext(2, Fault.AMBIGUOUS_APPLIED);

        assertThat(gate.grant(ACCOUNT, 50, "top-up")).isEqualTo(150);
        assertThatAccount(gate, ACCOUNT).hasBalance(150).hasLedgerEntries(2);
    }

    @Test
    void anAmbiguousRefundIsAppliedOnce() {
        Charged charged = gate.charge(ACCOUNT, 30, "x").orElseThrow();
        store.failNext(1, Fault.AMBIGUOUS_APPLIED);

        Refund refund = gate.refund(charged.transactionId(), "failed");

        assertThat(refund.replayed()).isTrue();
        assertThat(refund.balanceAfter()).isEqualTo(100);
        assertThatAccount(gate, ACCOUNT).hasBalance(100).hasLedgerEntries(3);
    }

    @Test
    void anAmbiguousReadIsUnavailableNotUnknown() {
        store.failNext(4, Fault.AMBIGUOUS_NOT_APPLIED);

        assertThatThrownBy(() -> gate.balance(ACCOUNT)).isInstanceOf(CreditStoreUnavailableException.class);
    }

    @Test
    void retriesOffMeansOneAttempt() {
        CreditGate once = CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
        store.failNext(1, Fault.TRANSIENT);

        assertThatThrownBy(() -> once.charge(ACCOUNT, 1, "x"))
                .isInstanceOfSatisfying(CreditStoreUnavailableException.class, e -> assertThat(e.attempts()).isOne());
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(1);
    }

    @Test
    void randomFaultsNeverChargeAKeyTwiceOrLoseOne() throws Exception {
        long initial = 1_000_000;
        String account = "storm-account";
        gate.grant(account, initial, "funds");
        store.seed(42)
                .onlyFor(Operation.CHARGE)
                .failWithProbability(Fault.TRANSIENT, 0.2)
                .failWithProbability(Fault.AMBIGUOUS_APPLIED, 0.2)
                .failWithProbability(Fault.AMBIGUOUS_NOT_APPLIED, 0.1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<ChargeRequest>>> unsettled = new ArrayList<>();
        long costOfAllKeys = 0;
        try {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                unsettled.add(pool.submit(() -> {
                    List<ChargeRequest> unknown = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        ChargeRequest request = ChargeRequest.of(account, 1 + i % 7, "storm")
                                .idempotencyKey("k-" + thread + "-" + i);
                        try {
                            assertThat(gate.charge(request)).isCharged();
                        } catch (CreditGateException e) {
                            assertThat(e).isInstanceOfAny(
                                    ChargeOutcomeUnknownException.class, CreditStoreUnavailableException.class);
                            unknown.add(request);
                        }
                    }
                    return unknown;
                }));
                for (int i = 0; i < 50; i++) {
                    costOfAllKeys += 1 + i % 7;
                }
            }
            List<ChargeRequest> toResubmit = new ArrayList<>();
            for (Future<List<ChargeRequest>> future : unsettled) {
                toResubmit.addAll(future.get(1, TimeUnit.MINUTES));
            }
            assertThat(store.injected()).isGreaterThan(100);
            assertThat(toResubmit).isNotEmpty();
            store.heal();
            for (ChargeRequest request : toResubmit) {
                assertThat(gate.charge(request)).isCharged();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThatAccount(gate, account).hasBalance(initial - costOfAllKeys).hasLedgerEntries(8 * 50 + 1)
                .hasLedgerSummingToBalance();
    }
}
