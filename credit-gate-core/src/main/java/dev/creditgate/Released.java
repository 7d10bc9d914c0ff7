package dev.creditgate;

import java.util.Objects;

/**
 * A reservation was released: its credits no longer count against the account, and nothing was debited.
 *
 * @param reservationId the reservation
 * @param accountId its account
 * @param amount the credits the reservation was placed for
 * @param freed the credits this release stopped holding: {@code amount}, or 0 when the reservation had already
 *     expired and held nothing any more (the original release's, when replayed)
 * @param replayed {@code true} when an earlier call had already released it
 */
public record Released(String reservationId, String accountId, long amount, long freed, boolean replayed) {

    /**
     * Validates the fields.
     *
     * @param reservationId the reservation
     * @param accountId its account
     * @param amount the credits the reservation was placed for
     * @param freed the credits this release stopped holding: {@code amount}, or 0 when the reservation had already
     *     expired
     * @param replayed {@code true} when an earlier call had already released it
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if amount is below 1, or freed is neither 0 nor amount
     */
    public Released {
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(accountId, "accountId");
        if (amount < 1 || (freed != 0 && freed != amount)) {
            throw new IllegalArgumentException("amount must be >= 1 and freed 0 or amount, got amount=" + amount
                    + " freed=" + freed);
        }
    }

    /**
     * Tells whether the reservation had expired before it was released, so that the release freed nothing.
     *
     * @return {@code true} exactly when {@link #freed()} is 0
     */
    public boolean wasExpired() {
        return freed == 0;
    }

    /**
     * Returns the same release marked as a replay.
     *
     * @return a copy with {@code replayed == true}
     */
    public Released asReplay() {
        return new Released(reservationId, accountId, amount, freed, true);
    }
}
