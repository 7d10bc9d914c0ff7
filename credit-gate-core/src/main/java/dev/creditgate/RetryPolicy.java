package dev.creditgate;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How the gate retries a store that fails transiently: an immutable Resilience4j {@link RetryConfig} plus an overall
 * time budget.
 *
 * <p>{@link #defaults()}: {@value #DEFAULT_MAX_ATTEMPTS} attempts in all, jittered exponential backoff starting at
 * 25 ms (factor 2, ±50 % jitter, each wait capped at 1 s), and a time budget of 3 s after which no new attempt
 * starts.
 *
 * <p>Whatever the config says, the gate retries only what the store reports as {@link TransientStoreException}
 * (certainly not applied) or {@link AmbiguousStoreException} (retried with the same idempotency key). Business
 * outcomes, bad input, conflicts and {@link CreditStoreMisconfiguredException} are never retried: the config's own
 * exception and result predicates are replaced, and its attempts and backoff are kept.
 *
 * <p>The budget bounds when a new attempt may start, not how long one attempt may run: bound those in the store
 * (for PostgreSQL, a {@code statement_timeout} and {@code lock_timeout} on the application's connections, whose
 * failures are retried as transient).
 */
public final class RetryPolicy {

    /** The default number of attempts, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;

    /** The default wait before the first retry, before jitter. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(25);

    /** The default cap on a single wait. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);

    /** The default time after the first attempt from which no new attempt starts. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(3);

    private static final double BACKOFF_MULTIPLIER = 2.0;
    private static final double JITTER = 0.5;

    /** The one place that decides what is worth another attempt. */
    static final Predicate<Throwable> RETRYABLE =
            failure -> failure instanceof TransientStoreException || failure instanceof AmbiguousStoreException;

    private final RetryConfig config;
    private final Duration timeBudget;

    private RetryPolicy(RetryConfig userConfig, Duration timeBudget) {
        this.config = RetryConfig.custom()
                .maxAttempts(userConfig.getMaxAttempts())
                .intervalBiFunction(userConfig.getIntervalBiFunction())
                .retryOnException(RETRYABLE)
                .failAfterMaxAttempts(false)
                .build();
        this.timeBudget = requirePositive(timeBudget);
    }

    /**
     * Returns the documented default policy.
     *
     * @return 4 attempts, jittered exponential backoff from 25 ms capped at 1 s, 3 s budget
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(
                RetryConfig.custom()
                        .maxAttempts(DEFAULT_MAX_ATTEMPTS)
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                                DEFAULT_INITIAL_BACKOFF, BACKOFF_MULTIPLIER, JITTER, DEFAULT_MAX_BACKOFF))
                        .build(),
                DEFAULT_TIME_BUDGET);
    }

    /**
     * Returns a policy that never retries: the first transient failure ends the call.
     *
     * @return one attempt
     */
    public static RetryPolicy none() {
        return new RetryPolicy(RetryConfig.custom().maxAttempts(1).build(), DEFAULT_TIME_BUDGET);
    }

    /**
     * Returns a policy with the attempts and backoff of the caller's Resilience4j config and the default budget.
     *
     * @param config the caller's config; its exception and result predicates are ignored (see the class comment)
     * @return the policy
     */
    public static RetryPolicy of(RetryConfig config) {
        return new RetryPolicy(Objects.requireNonNull(config, "config"), DEFAULT_TIME_BUDGET);
    }

    /**
     * Returns a copy of this policy with another time budget.
     *
     * @param budget the time after the first attempt from which no new attempt starts; positive
     * @return the new policy
     * @throws IllegalArgumentException if the budget is zero or negative
     */
    public RetryPolicy withTimeBudget(Duration budget) {
        return new RetryPolicy(config, budget);
    }

    /**
     * Returns the most attempts a call makes, the first included.
     *
     * @return at least 1
     */
    public int maxAttempts() {
        return config.getMaxAttempts();
    }

    /**
     * Returns the time after the first attempt from which no new attempt starts.
     *
     * @return a positive duration
     */
    public Duration timeBudget() {
        return timeBudget;
    }

    /**
     * Returns the effective Resilience4j config, with the gate's retry predicate.
     *
     * @return the config the gate runs
     */
    public RetryConfig retryConfig() {
        return config;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts() + ", timeBudget=" + timeBudget + "]";
    }

    private static Duration requirePositive(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("time budget must be positive, got " + budget);
        }
        return budget;
    }
}
