package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void defaultsMakeFourAttemptsWithinThreeSeconds() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.timeBudget()).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy).hasToString("RetryPolicy[maxAttempts=4, timeBudget=PT3S]");
        assertThat(CreditGate.builder().store(new InMemoryBalanceStore()).build().retryPolicy().maxAttempts())
                .isEqualTo(4);
    }

    @Test
    void defaultBackoffIsJitteredExponentialWithinItsDocumentedBounds() {
        var interval = RetryPolicy.defaults().retryConfig().getIntervalBiFunction();

        // 25 ms +/- 50 % before the first retry, 50 ms +/- 50 % before the second, never above the 1 s cap.
        for (int i = 0; i < 200; i++) {
            assertThat(interval.apply(1, null)).isBetween(12L, 38L);
            assertThat(interval.apply(2, null)).isBetween(25L, 75L);
            assertThat(interval.apply(12, null)).isLessThanOrEqualTo(1_000L);
        }
    }

    @Test
    void noneMakesOneAttempt() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.none().timeBudget()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void ofKeepsTheCallersAttemptsAndBackoff() {
        RetryPolicy policy = RetryPolicy.of(RetryConfig.custom()
                .maxAttempts(7)
                .intervalFunction(IntervalFunction.of(Duration.ofMillis(5)))
                .build());

        assertThat(policy.maxAttempts()).isEqualTo(7);
        assertThat(policy.timeBudget()).isEqualTo(RetryPolicy.DEFAULT_TIME_BUDGET);
        assertThat(policy.retryConfig().getIntervalBiFunction().apply(1, null)).isEqualTo(5L);
        assertThat(policy.retryConfig().getIntervalBiFunction().apply(3, null)).isEqualTo(5L);
    }

    @Test
    void ofReplacesTheCallersExceptionPredicateWithTheGatesOwn() {
        RetryPolicy policy = RetryPolicy.of(RetryConfig.custom()
                .maxAttempts(5)
                .retryOnException(failure -> failure instanceof IllegalStateException)
                .retryExceptions(IllegalStateException.class)
                .ignoreExceptions(TransientStoreException.class)
                .build());

        var retryable = policy.retryConfig().getExceptionPredicate();
        assertThat(retryable.test(new IllegalStateException("bug"))).isFalse();
        assertThat(retryable.test(new CreditStoreMisconfiguredException("no table", null))).isFalse();
        assertThat(retryable.test(new IdempotencyConflictException("u", "k", "x", "y"))).isFalse();
        assertThat(retryable.test(new TransientStoreException("40001", null))).isTrue();
        assertThat(retryable.test(new AmbiguousStoreException("08006", null))).isTrue();
    }

    @Test
    void callersRetryOnIllegalStateExceptionDoesNotMakeTheGateRetryIt() {
        IllegalStateException bug = new IllegalStateException("store bug");
        ScriptedStore store = new ScriptedStore().failNext(bug);
        CreditGate gate = CreditGate.builder()
                .store(store)
                .retryPolicy(RetryPolicy.of(RetryConfig.custom()
                        .maxAttempts(5)
                        .intervalFunction(IntervalFunction.of(Duration.ofMillis(1)))
                        .retryOnException(failure -> failure instanceof IllegalStateException)
                        .build()))
                .build();

        assertThatThrownBy(() -> gate.balance("user-1")).isSameAs(bug);
        assertThat(store.calls()).hasSize(1);
    }

    @Test
    void withTimeBudgetReturnsACopyWithTheNewBudget() {
        RetryPolicy defaults = RetryPolicy.defaults();

        RetryPolicy shorter = defaults.withTimeBudget(Duration.ofMillis(100));

        assertThat(shorter.timeBudget()).isEqualTo(Duration.ofMillis(100));
        assertThat(shorter.maxAttempts()).isEqualTo(4);
        assertThat(defaults.timeBudget()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void withTimeBudgetRejectsZeroAndNegativeBudgets() {
        assertThatThrownBy(() -> RetryPolicy.defaults().withTimeBudget(Duration.ZERO))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("time budget must be positive, got PT0S");
        assertThatThrownBy(() -> RetryPolicy.defaults().withTimeBudget(Duration.ofMillis(-1)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("time budget must be positive, got PT-0.001S");
        assertThatThrownBy(() -> RetryPolicy.defaults().withTimeBudget(null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("budget");
    }
}
