package dev.creditgate.spring.boot;

import dev.creditgate.CreditGateException;

/**
 * No account could be resolved for a {@link ChargeCredits} handler, for example because the request is not
 * authenticated. Nothing was charged and the handler did not run. {@link CreditGateProblemHandler} answers 401.
 */
public final class CreditAccountUnresolvedException extends CreditGateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why no account was resolved; not sent to the client
     */
    public CreditAccountUnresolvedException(String message) {
        super(message, null);
    }
}
