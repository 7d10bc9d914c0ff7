package dev.creditgate;

/**
 * For store implementers: a failure that certainly did not apply the operation and may pass if tried again
 * (serialization failure, deadlock, lock timeout, connection refused, pool exhausted). The gate retries it.
 */
public final class TransientStoreException extends CreditGateException {

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the operation (and, for a database, the SQLSTATE)
     * @param cause the store's own error, or {@code null}
     */
    public TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
