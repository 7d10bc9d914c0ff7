package dev.creditgate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The store found no account with this id (or the account is hidden from the store's database role).
 * Nothing was debited. Never confuse this with a zero balance: it maps to HTTP 404 (or 403), not 402.
 *
 * @param accountId the account id that was not found
 * @param action what the credits would have been spent on
 * @param debug how the decision was reached; for logs and support, not for clients
 */
public record AccountNotFound(String accountId, String action, DebugContext debug)
        implements ChargeResult, ReserveResult {

    /**
     * Validates the fields.
     *
     * @param accountId the account id that was not found
     * @param action what the credits would have been spent on
     * @param debug how the decision was reached; for logs and support, not for clients
     * @throws NullPointerException if a field is null
     */
    public AccountNotFound {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(debug, "debug");
    }

    /**
     * Returns a copy carrying another debug context.
     *
     * @param newDebug the debug context to carry
     * @return the same decision with {@code newDebug}
     */
    public AccountNotFound withDebug(DebugContext newDebug) {
        return new AccountNotFound(accountId, action, newDebug);
    }

    /**
     * Returns the client-safe RFC 9457 problem body (status 404), without internals.
     *
     * @return a problem detail that names neither the account nor the store
     */
    public ProblemDetail problemDetail() {
        return problemDetail(false);
    }

    /**
     * Returns the RFC 9457 problem body (status 404).
     *
     * @param includeInternals whether to add the account id, action and debug context; only for trusted callers
     * @return a problem detail
     */
    public ProblemDetail problemDetail(boolean includeInternals) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (includeInternals) {
            properties.put("accountId", accountId);
            properties.put("action", action);
            properties.put("debug", debug.toString());
        }
        return new ProblemDetail(
                ProblemDetail.TYPE_ACCOUNT_NOT_FOUND,
                "Credit account not found",
                404,
                "No credit account exists for this request.",
                properties);
    }
}
