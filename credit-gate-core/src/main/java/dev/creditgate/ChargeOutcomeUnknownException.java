package dev.creditgate;

import java.util.List;

/**
 * The store may have applied the operation: at least one attempt failed in a way that leaves its outcome unknown
 * (typically the connection was lost while the commit was in flight) and the retries could not settle it.
 *
 * <p>Resolve it by re-submitting the same request with the same {@link #idempotencyKey()} (for a refund, the same
 * charge): the store then either applies it or replays the original, never both. Do not answer 402.
 *
 * <p>The last failure is the cause; the earlier ones are suppressed exceptions.
 */
public final class ChargeOutcomeUnknownException extends CreditGateException {

    /** The idempotency key to re-submit with. */
    private final String idempotencyKey;
    /** How many attempts were made. */
    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param operation what was attempted
     * @param idempotencyKey the key to re-submit with
     * @param attempts how many attempts were made
     * @param failures every failure, oldest first; must not be empty
     */
    public ChargeOutcomeUnknownException(
            String operation, String idempotencyKey, int attempts, List<? extends Throwable> failures) {
        super(operation + " has an unknown outcome after " + attempts
                + " attempt(s); re-submit with idempotency key '" + idempotencyKey + "' to settle it",
                failures.get(failures.size() - 1));
        this.idempotencyKey = idempotencyKey;
        this.attempts = attempts;
        failures.subList(0, failures.size() - 1).forEach(this::addSuppressed);
    }

    /**
     * Returns the idempotency key to re-submit with.
     *
     * @return the key the gate used on every attempt
     */
    public String idempotencyKey() {
        return idempotencyKey;
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
