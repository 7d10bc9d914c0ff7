package dev.creditgate;

import java.util.List;

/**
 * The store failed transiently on every attempt the retry policy allowed, and every failure was one the store
 * reported as certainly not applied: <b>nothing was charged, granted or refunded</b>. Maps to HTTP 503 with
 * {@code Retry-After}; never to 402.
 *
 * <p>The last failure is the cause; the earlier ones are suppressed exceptions.
 */
public final class CreditStoreUnavailableException extends CreditGateException {

    /** How many attempts were made. */
    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param operation what was attempted, such as {@code charge of 2 for 'audio.upload'}
     * @param attempts how many attempts were made
     * @param failures every failure, oldest first; must not be empty
     */
    public CreditStoreUnavailableException(String operation, int attempts, List<? extends Throwable> failures) {
        super(operation + " failed: credit store unavailable after " + attempts + " attempt(s); nothing was applied",
                failures.get(failures.size() - 1));
        this.attempts = attempts;
        failures.subList(0, failures.size() - 1).forEach(this::addSuppressed);
    }

    /**
     * Returns how many attempts were made.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }
}
