package dev.creditgate;

/**
 * The root of every exception credit-gate throws on purpose (bad input is the JDK's
 * {@link IllegalArgumentException}). The store's own exception, if any, is kept as the cause.
 */
public abstract class CreditGateException extends RuntimeException {

    /**
     * Creates an exception with a message and an optional cause.
     *
     * @param message what happened, naming the operation and the values involved
     * @param cause the underlying failure, or {@code null}
     */
    protected CreditGateException(String message, Throwable cause) {
        super(message, cause);
    }
}
