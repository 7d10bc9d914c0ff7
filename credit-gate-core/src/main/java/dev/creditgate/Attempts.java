package dev.creditgate;

import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one store operation under the retry policy and turns exhausted retries into the caller's exception. */
final class Attempts {

    private static final Logger LOG = LoggerFactory.getLogger(CreditGate.class);

    private final Retry retry;
    private final long budgetNanos;

    Attempts(RetryPolicy policy) {
        this.retry = Retry.of("credit-gate", policy.retryConfig());
        this.budgetNanos = policy.timeBudget().toNanos();
        retry.getEventPublisher().onRetry(event -> LOG.warn(
                "credit-gate store failure on attempt {}, retrying in {} ms: {}",
                event.getNumberOfRetryAttempts(), event.getWaitInterval().toMillis(),
                String.valueOf(event.getLastThrowable())));
    }

    Retry retry() {
        return retry;
    }

    /** What an operation returned and what it took to get there. */
    record Outcome<T>(T value, int attempts, Duration elapsed, List<String> retriedFailures) {
    }

    /**
     * Runs {@code operation} until it returns, fails in a way that is not retryable (rethrown as is), or runs out of
     * attempts or budget.
     *
     * @param description what is attempted, for exception messages; built only when the attempts run out
     * @param idempotencyKey the key re-used by every attempt, or {@code null} for a read
     */
    <T> Outcome<T> run(Supplier<String> description, String idempotencyKey, Supplier<T> operation) {
        long start = System.nanoTime();
        List<CreditGateException> failures = new ArrayList<>();
        try {
            T value = retry.executeSupplier(() -> {
                if (!failures.isEmpty() && System.nanoTime() - start > budgetNanos) {
                    throw new BudgetSpent();
                }
                try {
                    return operation.get();
                } catch (TransientStoreException | AmbiguousStoreException failure) {
                    failures.add(failure);
                    throw failure;
                }
            });
            return new Outcome<>(value, failures.size() + 1, Duration.ofNanos(System.nanoTime() - start),
                    failures.stream().map(Throwable::toString).toList());
        } catch (BudgetSpent | TransientStoreException | AmbiguousStoreException exhausted) {
            boolean mayHaveApplied = idempotencyKey != null
                    && failures.stream().anyMatch(AmbiguousStoreException.class::isInstance);
            if (mayHaveApplied) {
                throw new ChargeOutcomeUnknownException(description.get(), idempotencyKey, failures.size(), failures);
            }
            throw new CreditStoreUnavailableException(description.get(), failures.size(), failures);
        }
    }

    /** Ends the attempts when the time budget is spent; never retried, never escapes {@link #run}. */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super("time budget spent", null, false, false);
        }
    }
}
