package dev.creditgate;

/**
 * The store cannot work as configured: a missing table, a missing privilege, a row-level security policy that lets
 * a row be seen but not updated. Never retried, never a 402: it needs an operator. Nothing was applied.
 */
public final class CreditStoreMisconfiguredException extends CreditGateException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong and, where known, how to fix it
     * @param cause the store's own error, or {@code null}
     */
    public CreditStoreMisconfiguredException(String message, Throwable cause) {
        super(message, cause);
    }
}
