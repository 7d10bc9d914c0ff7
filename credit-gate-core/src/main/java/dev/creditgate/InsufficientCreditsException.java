package dev.creditgate;

/**
 * Thrown by {@link ChargeResult#orElseThrow()} for an {@link InsufficientCredits} result. Maps to HTTP 402.
 */
public final class InsufficientCreditsException extends CreditGateException {

    private final transient InsufficientCredits result;

    /**
     * Creates the exception for a result.
     *
     * @param result the rejection
     */
    public InsufficientCreditsException(InsufficientCredits result) {
        super("insufficient credits for '" + result.action() + "': required " + result.required()
                + ", available " + result.available(), null);
        this.result = result;
    }

    /**
     * Returns the rejection this exception carries.
     *
     * @return the result, with its debug context
     */
    public InsufficientCredits result() {
        return result;
    }
}
