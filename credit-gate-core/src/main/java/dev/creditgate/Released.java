package dev.creditgate;

import java.util.Objects;

/**
 * A reservation was released: its credits no longer count against the account, and nothing was debited.
 *
 * @param reservationId the reservation
 * @param accountId its account
 * @param amount the credits that had been held
 * @param replayed {@code true} when an earlier call had already released it
 */
public record Released(String reservationId, String accountId, long amount, boolean replayed) {

    /**
     * Validates the fields.
     *
     * @param reservationId the reservation
     * @param accountId its account
     * @param amount the credits that had been held
     * @param replayed {@code true} when an earlier call had already released it
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if amount is below 1
     */
    public Released {
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(accountId, "accountId");
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be >= 1, got " + amount);
        }
    }

    /**
     * Returns the same release marked as a replay.
     *
     * @return a copy with {@code replayed == true}
     */
    public Released asReplay() {
        return new Released(reservationId, accountId, amount, true);
    }
}
