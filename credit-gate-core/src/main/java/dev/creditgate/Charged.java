package dev.creditgate;

import java.util.Objects;

/**
 * Credits were debited and the debit was recorded in the ledger.
 *
 * @param transactionId the ledger entry of this debit; pass it to {@link CreditGate#refund(String, String)}
 * @param accountId the account that was debited
 * @param action what the credits were spent on
 * @param cost the credits debited, at least 1
 * @param balanceAfter the posted balance right after this debit
 * @param idempotencyKey the key that identifies this charge on its account
 * @param replayed {@code true} when this call debited nothing because an earlier call with the same key already
 *     had (including a retry of this same call after an ambiguous failure); the other fields are the original's
 */
public record Charged(
        String transactionId,
        String accountId,
        String action,
        long cost,
        long balanceAfter,
        String idempotencyKey,
        boolean replayed) implements ChargeResult {

    /**
     * Validates the fields.
     *
     * @param transactionId the ledger entry of this debit; pass it to {@link CreditGate#refund(String, String)}
     * @param accountId the account that was debited
     * @param action what the credits were spent on
     * @param cost the credits debited, at least 1
     * @param balanceAfter the posted balance right after this debit
     * @param idempotencyKey the key that identifies this charge on its account
     * @param replayed {@code true} when this call debited nothing because an earlier call with the same key already
     *     had (including a retry of this same call after an ambiguous failure); the other fields are the original's
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if cost is below 1 or balanceAfter below 0
     */
    public Charged {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (cost < 1 || balanceAfter < 0) {
            throw new IllegalArgumentException("cost must be >= 1 and balanceAfter >= 0, got cost=" + cost
                    + " balanceAfter=" + balanceAfter);
        }
    }

    /**
     * Returns the same charge marked as a replay.
     *
     * @return a copy with {@code replayed == true}
     */
    public Charged asReplay() {
        return new Charged(transactionId, accountId, action, cost, balanceAfter, idempotencyKey, true);
    }
}
