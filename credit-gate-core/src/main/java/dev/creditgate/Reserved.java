package dev.creditgate;

import java.time.Instant;
import java.util.Objects;

/**
 * Credits are held for an action: they count against the account's available credits until the reservation is
 * captured, released, or expires. Nothing was debited yet.
 *
 * @param reservationId identifies the hold; pass it to {@link CreditGate#capture(String, long)} or
 *     {@link CreditGate#release(String)}
 * @param accountId the account whose credits are held
 * @param action what the credits are held for
 * @param amount the credits held, at least 1
 * @param expiresAt when the hold stops counting, by the store's clock (the database's, for a database store)
 * @param availableAfter the credits still available right after this hold was placed (the original's, when
 *     replayed)
 * @param idempotencyKey the key that identifies this reservation on its account
 * @param state {@link ReservationState#HELD} when placed; for a replay, the state the reservation is in now, so a
 *     caller re-submitting a key learns whether the credits are still held, were captured, released or expired
 * @param replayed {@code true} when an earlier call with the same key had already placed this hold
 */
public record Reserved(
        String reservationId,
        String accountId,
        String action,
        long amount,
        Instant expiresAt,
        long availableAfter,
        String idempotencyKey,
        ReservationState state,
        boolean replayed) implements ReserveResult {

    /**
     * Validates the fields.
     *
     * @param reservationId identifies the hold; pass it to {@link CreditGate#capture(String, long)} or
     *     {@link CreditGate#release(String)}
     * @param accountId the account whose credits are held
     * @param action what the credits are held for
     * @param amount the credits held, at least 1
     * @param expiresAt when the hold stops counting, by the store's clock (the database's, for a database store)
     * @param availableAfter the credits still available right after this hold was placed (the original's, when
     *     replayed)
     * @param idempotencyKey the key that identifies this reservation on its account
     * @param state {@link ReservationState#HELD} when placed; for a replay, the state the reservation is in now, so a
     *     caller re-submitting a key learns whether the credits are still held, were captured, released or expired
     * @param replayed {@code true} when an earlier call with the same key had already placed this hold
     * @throws NullPointerException if a reference field is null
     * @throws IllegalArgumentException if amount is below 1 or availableAfter below 0
     */
    public Reserved {
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(state, "state");
        if (amount < 1 || availableAfter < 0) {
            throw new IllegalArgumentException("amount must be >= 1 and availableAfter >= 0, got amount=" + amount
                    + " availableAfter=" + availableAfter);
        }
    }

    /**
     * Returns the same reservation marked as a replay, in the state it is in now.
     *
     * @param now its state now
     * @return a copy with {@code replayed == true}
     */
    public Reserved asReplay(ReservationState now) {
        return new Reserved(reservationId, accountId, action, amount, expiresAt, availableAfter, idempotencyKey, now,
                true);
    }
}
