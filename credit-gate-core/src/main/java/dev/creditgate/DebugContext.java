package dev.creditgate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a rejection was decided: enough to answer "why did this user get a 402?" from a log line.
 *
 * <p>{@link #toString()} is safe for logs: it holds no account id, no credentials and no connection URL, as long as
 * the store keeps its failure messages free of them (the stores in this project do: they name the operation and the
 * SQLSTATE), and every control character (a line break that could forge a log line, an escape sequence for the
 * terminal) is escaped as a backslash, u and four hex digits.
 *
 * @param idempotencyKey the key of the charge that was decided
 * @param store a description of the store that decided (kind, schema, table; never credentials)
 * @param observedAt when the store observed the balance, by the store's clock (the database's, for a database
 *     store); empty when the store observed no balance (an account that was not found)
 * @param attempts how many attempts the gate made, at least 1
 * @param elapsed the time from the gate's first attempt to the decision
 * @param retriedFailures short descriptions of the failures that were retried on the way, oldest first
 */
public record DebugContext(
        String idempotencyKey,
        String store,
        Optional<Instant> observedAt,
        int attempts,
        Duration elapsed,
        List<String> retriedFailures) {

    /**
     * Validates the fields and copies the list.
     *
     * @param idempotencyKey the key of the charge that was decided
     * @param store a description of the store that decided (kind, schema, table; never credentials)
     * @param observedAt when the store observed the balance, by the store's clock (the database's, for a database
     *     store); empty when the store observed no balance (an account that was not found)
     * @param attempts how many attempts the gate made, at least 1
     * @param elapsed the time from the gate's first attempt to the decision
     * @param retriedFailures short descriptions of the failures that were retried on the way, oldest first
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if attempts is below 1 or elapsed is negative
     */
    public DebugContext {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        retriedFailures = List.copyOf(retriedFailures);
        if (attempts < 1 || elapsed.isNegative()) {
            throw new IllegalArgumentException("attempts must be >= 1 and elapsed >= 0");
        }
    }

    /**
     * The context a store gives a decision it made in a single attempt; the gate adds its attempts and timing.
     *
     * @param idempotencyKey the key of the charge
     * @param store the store's description
     * @param observedAt when the store observed the balance, or empty when it saw no account
     * @return a context with one attempt, zero elapsed and no retried failures
     */
    public static DebugContext observed(String idempotencyKey, String store, Optional<Instant> observedAt) {
        return new DebugContext(idempotencyKey, store, observedAt, 1, Duration.ZERO, List.of());
    }

    /**
     * Returns this context with the gate's view of the call added.
     *
     * @param attemptsMade how many attempts the gate made
     * @param elapsedTime the time from the first attempt to the decision
     * @param failures descriptions of the failures retried on the way
     * @return a new context
     */
    public DebugContext withAttempts(int attemptsMade, Duration elapsedTime, List<String> failures) {
        return new DebugContext(idempotencyKey, store, observedAt, attemptsMade, elapsedTime, failures);
    }

    @Override
    public String toString() {
        return withoutControlCharacters("DebugContext[idempotencyKey=" + idempotencyKey
                + ", store=" + store
                + ", observedAt=" + observedAt.map(Instant::toString).orElse("none")
                + ", attempts=" + attempts
                + ", elapsed=" + elapsed.toMillis() + "ms"
                + ", retriedFailures=" + retriedFailures + "]");
    }

    private static String withoutControlCharacters(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (safe == null) {
                    safe = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                safe.append(String.format("\\u%04X", (int) c));
            } else if (safe != null) {
                safe.append(c);
            }
        }
        return safe == null ? text : safe.toString();
    }
}
