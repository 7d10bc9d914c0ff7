package dev.creditgate;

/**
 * Thrown by {@link ChargeResult#orElseThrow()} for an {@link AccountNotFound} result. Maps to HTTP 404 (or 403).
 */
public final class AccountNotFoundException extends CreditGateException {

    private final transient AccountNotFound result;

    /**
     * Creates the exception for a result.
     *
     * @param result the rejection
     */
    public AccountNotFoundException(AccountNotFound result) {
        super("no credit account '" + result.accountId() + "' for '" + result.action() + "'", null);
        this.result = result;
    }

    /**
     * Returns the rejection this exception carries.
     *
     * @return the result, with its debug context
     */
    public AccountNotFound result() {
        return result;
    }
}
