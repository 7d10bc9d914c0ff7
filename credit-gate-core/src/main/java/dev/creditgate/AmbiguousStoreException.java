package dev.creditgate;

/**
 * For store implementers: a failure after which the operation may or may not have been applied (the connection was
 * lost while a statement or its commit was in flight). The gate retries it with the same idempotency key, which
 * makes the store either apply the operation or replay it; if retries run out the caller gets a
 * {@link ChargeOutcomeUnknownException}.
 */
public final class AmbiguousStoreException extends CreditGateException {

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the operation (and, for a database, the SQLSTATE)
     * @param cause the store's own error, or {@code null}
     */
    public AmbiguousStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
