package dev.creditgate;

/**
 * An idempotency key was re-used on the same account for a different operation (another cost, action or amount).
 * Nothing was applied. Maps to HTTP 409 (or 422).
 */
public final class IdempotencyConflictException extends CreditGateException {

    /** The account the key belongs to. */
    private final String accountId;
    /** The key that was re-used. */
    private final String idempotencyKey;

    /**
     * Creates the exception.
     *
     * @param accountId the account
     * @param idempotencyKey the key that was re-used
     * @param original a description of what the key was first used for
     * @param attempted a description of what it was re-used for
     */
    public IdempotencyConflictException(String accountId, String idempotencyKey, String original, String attempted) {
        super("idempotency key '" + idempotencyKey + "' on account '" + accountId + "' was used for " + original
                + "; it cannot be re-used for " + attempted, null);
        this.accountId = accountId;
        this.idempotencyKey = idempotencyKey;
    }

    /**
     * Returns the account the key belongs to.
     *
     * @return the account id
     */
    public String accountId() {
        return accountId;
    }

    /**
     * Returns the re-used key.
     *
     * @return the idempotency key
     */
    public String idempotencyKey() {
        return idempotencyKey;
    }
}
