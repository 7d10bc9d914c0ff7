package dev.creditgate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The store saw, in the same atomic step that would have debited it, an available balance below the cost.
 * Nothing was debited. This is the only result that justifies an HTTP 402.
 *
 * @param accountId the account that was asked to pay
 * @param action what the credits would have been spent on
 * @param required the cost asked for
 * @param available the available balance the store observed, below {@code required}
 * @param debug how the decision was reached; for logs and support, not for clients
 */
public record InsufficientCredits(
        String accountId, String action, long required, long available, DebugContext debug)
        implements ChargeResult, ReserveResult {

    /**
     * Validates the fields.
     *
     * @param accountId the account that was asked to pay
     * @param action what the credits would have been spent on
     * @param required the cost asked for
     * @param available the available balance the store observed, below {@code required}
     * @param debug how the decision was reached; for logs and support, not for clients
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException unless {@code 0 <= available < required}
     */
    public InsufficientCredits {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(debug, "debug");
        if (available < 0 || available >= required) {
            throw new IllegalArgumentException(
                    "insufficient needs 0 <= available < required, got available=" + available + " required=" + required);
        }
    }

    /**
     * Returns how many more credits the charge would have needed.
     *
     * @return {@code required - available}, at least 1
     */
    public long shortfall() {
        return required - available;
    }

    private static String credits(long count) {
        return count == 1 ? "1 credit" : count + " credits";
    }

    /**
     * Returns a copy carrying another debug context.
     *
     * @param newDebug the debug context to carry
     * @return the same decision with {@code newDebug}
     */
    public InsufficientCredits withDebug(DebugContext newDebug) {
        return new InsufficientCredits(accountId, action, required, available, newDebug);
    }

    /**
     * Returns the client-safe RFC 9457 problem body (status 402), without internals.
     *
     * @return a problem detail with {@code required}, {@code available} and {@code shortfall}
     */
    public ProblemDetail problemDetail() {
        return problemDetail(false);
    }

    /**
     * Returns the RFC 9457 problem body (status 402).
     *
     * @param includeInternals whether to add the account id, action and debug context; only for trusted callers
     * @return a problem detail with {@code required}, {@code available} and {@code shortfall}
     */
    public ProblemDetail problemDetail(boolean includeInternals) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("required", required);
        properties.put("available", available);
        properties.put("shortfall", shortfall());
        if (includeInternals) {
            properties.put("accountId", accountId);
            properties.put("action", action);
            properties.put("debug", debug.toString());
        }
        return new ProblemDetail(
                ProblemDetail.TYPE_INSUFFICIENT_CREDITS,
                "Insufficient credits",
                402,
                "This action requires " + credits(required) + "; " + (available == 1 ? "1 is" : available + " are")
                        + " available.",
                properties);
    }
}
