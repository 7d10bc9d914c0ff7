package dev.creditgate;

/**
 * A refund named a transaction that is not a charge in this store. Nothing was applied.
 */
public final class TransactionNotFoundException extends CreditGateException {

    /** The id that matched no charge. */
    private final String transactionId;

    /**
     * Creates the exception.
     *
     * @param transactionId the id that matched no charge
     */
    public TransactionNotFoundException(String transactionId) {
        super("no charge with transaction id '" + transactionId + "'", null);
        this.transactionId = transactionId;
    }

    /**
     * Returns the id that matched no charge.
     *
     * @return the transaction id as given
     */
    public String transactionId() {
        return transactionId;
    }
}
