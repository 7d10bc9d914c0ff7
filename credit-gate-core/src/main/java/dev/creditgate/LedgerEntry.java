package dev.creditgate;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of an account's posted balance, written in the same atomic step as the change. The amounts of an
 * account's entries always sum to its posted balance.
 *
 * @param transactionId the entry's id, unique in the store
 * @param accountId the account whose balance changed
 * @param kind what kind of change it was
 * @param amount the signed change: positive for grants and refunds, negative for charges
 * @param balanceAfter the posted balance right after the change
 * @param reference the action of a charge, or the reason of a grant or refund
 * @param idempotencyKey the key that identifies the change on its account
 * @param reverses for a refund, the transaction id of the charge it reverses; otherwise empty
 * @param createdAt when the store applied the change, by the store's clock
 */
public record LedgerEntry(
        String transactionId,
        String accountId,
        Kind kind,
        long amount,
        long balanceAfter,
        String reference,
        String idempotencyKey,
        Optional<String> reverses,
        Instant createdAt) {

    /** The kinds of balance change. */
    public enum Kind {
        /** Credits added by {@link CreditGate#grant(String, long, String)}. */
        GRANT,
        /** Credits spent by {@link CreditGate#charge(ChargeRequest)}. */
        CHARGE,
        /** A charge given back by {@link CreditGate#refund(String, String)}. */
        REFUND
    }

    /**
     * Validates the fields.
     *
     * @param transactionId the entry's id, unique in the store
     * @param accountId the account whose balance changed
     * @param kind what kind of change it was
     * @param amount the signed change: positive for grants and refunds, negative for charges
     * @param balanceAfter the posted balance right after the change
     * @param reference the action of a charge, or the reason of a grant or refund
     * @param idempotencyKey the key that identifies the change on its account
     * @param reverses for a refund, the transaction id of the charge it reverses; otherwise empty
     * @param createdAt when the store applied the change, by the store's clock
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if the amount's sign does not fit the kind, or balanceAfter is negative
     */
    public LedgerEntry {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(reverses, "reverses");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((kind == Kind.CHARGE) != (amount < 0) || amount == 0 || balanceAfter < 0) {
            throw new IllegalArgumentException(
                    "a " + kind + " entry cannot have amount " + amount + " and balanceAfter " + balanceAfter);
        }
    }
}
