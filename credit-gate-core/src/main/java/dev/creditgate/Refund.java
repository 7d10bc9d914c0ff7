package dev.creditgate;

import java.util.Objects;

/**
 * A charge was reversed: its cost was credited back to its account and recorded in the ledger.
 *
 * @param transactionId the ledger entry of the refund
 * @param chargeTransactionId the charge it reverses
 * @param accountId the account credited
 * @param amount the credits given back, equal to the charge's cost
 * @param balanceAfter the posted balance right after the refund
 * @param replayed {@code true} when this call credited nothing because the charge had already been refunded;
 *     the other fields are the first refund's
 */
public record Refund(
        String transactionId,
        String chargeTransactionId,
        String accountId,
        long amount,
        long balanceAfter,
        boolean replayed) {

    /**
     * Validates the fields.
     *
     * @param transactionId the ledger entry of the refund
     * @param chargeTransactionId the charge it reverses
     * @param accountId the account credited
     * @param amount the credits given back, equal to the charge's cost
     * @param balanceAfter the posted balance right after the refund
     * @param replayed {@code true} when this call credited nothing because the charge had already been refunded;
     *     the other fields are the first refund's
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if amount is below 1 or balanceAfter below 0
     */
    public Refund {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(chargeTransactionId, "chargeTransactionId");
        Objects.requireNonNull(accountId, "accountId");
        if (amount < 1 || balanceAfter < 0) {
            throw new IllegalArgumentException("amount must be >= 1 and balanceAfter >= 0");
        }
    }

    /**
     * Returns the same refund marked as a replay.
     *
     * @return a copy with {@code replayed == true}
     */
    public Refund asReplay() {
        return new Refund(transactionId, chargeTransactionId, accountId, amount, balanceAfter, true);
    }
}
