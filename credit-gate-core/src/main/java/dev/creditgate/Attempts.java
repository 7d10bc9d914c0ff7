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
     * The operation ended in an exception: the caller's exception (exhausted retries already turned into
     * {@link CreditStoreUnavailableException} or {@link ChargeOutcomeUnknownException}) with what it took. Never
     * escapes the gate: the gate rethrows {@link #getCause()}.
     */
    static final class Failed extends RuntimeException {
        private final int attempts;
        private final long elapsedNanos;

        Failed(RuntimeException failure, int attempts, long elapsedNanos) {
            super(null, failure, false, false);
            this.attempts = attempts;
            this.elapsedNanos = elapsedNanos;
        }

        RuntimeException failure() {
            return (RuntimeException) getCause();
        }

        int attempts() {
            return attempts;
        }

        Duration elapsed() {
            return Duration.ofNanos(elapsedNanos);
        }
    }

    /**
     * Runs {@code operation} until it returns, fails in a way that is not retryable, or runs out of attempts or
     * budget.
     *
     * @param description what is attempted, for exception messages; built only when the attempts run out
     * @param idempotencyKey the key re-used by every attempt, or {@code null} for a read
     * @throws Failed wrapping what the caller is to see, with the attempts made
     */
    <T> Outcome<T> run(Supplier<String> description, String idempotencyKey, Supplier<T> operation) {
        long start = System.nanoTime();
        List<CreditGateException> failures = new ArrayList<>(0);
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
                    failures.isEmpty() ? List.of() : failures.stream().map(Throwable::toString).toList());
        } catch (BudgetSpent | TransientStoreException | AmbiguousStoreException exhausted) {
            boolean mayHaveApplied = idempotencyKey != null
                    && failures.stream().anyMatch(AmbiguousStoreException.class::isInstance);
            RuntimeException failure = mayHaveApplied
                    ? new ChargeOutcomeUnknownException(description.get(), idempotencyKey, failures.size(), failures)
                    : new CreditStoreUnavailableException(description.get(), failures.size(), failures);
            throw new Failed(failure, failures.size(), System.nanoTime() - start);
        } catch (RuntimeException decided) {
            throw new Failed(decided, failures.size() + 1, System.nanoTime() - start);
        }
    }

    /** Ends the attempts when the time budget is spent; never retried, never escapes {@link #run}. */
    private static final class BudgetSpent extends RuntimeException {
        BudgetSpent() {
            super("time budget spent", null, false, false);
        }
    }
}
