package dev.creditgate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one call of a {@link CreditGate} operation came to, published to the gate's listeners after the call
 * (see {@link CreditGate#onEvent(java.util.function.Consumer)}): for metrics, audits and tracing.
 *
 * <p>Calls rejected for bad input before any I/O publish nothing. Reads (balance, account, history) publish nothing.
 *
 * @param operation the operation called
 * @param outcome how it ended
 * @param action the action of a charge, reservation or capture; empty for the other operations, and for a capture
 *     that did not reach its reservation
 * @param attempts how many attempts the gate made, at least 1
 * @param elapsed the time from the first attempt to the end of the call
 * @param reservationId the reservation a capture or release was called on, or that a reservation placed or replayed;
 *     empty for the other operations and for a reservation that held nothing
 * @param heldUntil when the call leaves credits held (a reservation placed, or replayed while still held): when that
 *     hold expires, by the store's clock ({@link Reserved#expiresAt()}); empty otherwise
 */
public record CreditGateEvent(
        Operation operation, Outcome outcome, Optional<String> action, int attempts, Duration elapsed,
        Optional<String> reservationId, Optional<Instant> heldUntil) {

    /**
     * Validates the fields.
     *
     * @param operation the operation called
     * @param outcome how it ended
     * @param action the action of a charge, reservation or capture; empty otherwise
     * @param attempts how many attempts the gate made, at least 1
     * @param elapsed the time from the first attempt to the end of the call
     * @param reservationId the reservation a capture or release was called on, or that a reservation placed or
     *     replayed; empty otherwise
     * @param heldUntil when the call leaves credits held, when that hold expires; empty otherwise
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if attempts is below 1, elapsed is negative, or heldUntil is present without a
     *     reservationId
     */
    public CreditGateEvent {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(heldUntil, "heldUntil");
        if (attempts < 1 || elapsed.isNegative()) {
            throw new IllegalArgumentException("attempts must be >= 1 and elapsed >= 0, got attempts=" + attempts
                    + " elapsed=" + elapsed);
        }
        if (heldUntil.isPresent() && reservationId.isEmpty()) {
            throw new IllegalArgumentException("heldUntil " + heldUntil.get() + " needs the reservationId held");
        }
    }

    /**
     * An event that names no reservation: for grants, charges and refunds.
     *
     * @param operation the operation called
     * @param outcome how it ended
     * @param action the action of a charge, reservation or capture; empty otherwise
     * @param attempts how many attempts the gate made, at least 1
     * @param elapsed the time from the first attempt to the end of the call
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if attempts is below 1 or elapsed is negative
     */
    public CreditGateEvent(Operation operation, Outcome outcome, Optional<String> action, int attempts,
            Duration elapsed) {
        this(operation, outcome, action, attempts, elapsed, Optional.empty(), Optional.empty());
    }

    /** The operations that publish events. */
    public enum Operation {
        /** {@link CreditGate#grant(String, long, String, String)}. */
        GRANT,
        /** {@link CreditGate#charge(ChargeRequest)}. */
        CHARGE,
        /** {@link CreditGate#reserve(ReserveRequest)}. */
        RESERVE,
        /** {@link CreditGate#capture(String, long)}. */
        CAPTURE,
        /** {@link CreditGate#release(String)}. */
        RELEASE,
        /** {@link CreditGate#refund(String, String)} and its account-checked form. */
        REFUND
    }

    /** How a call ended. */
    public enum Outcome {
        /**
         * The operation was applied by this call: credits charged, granted, held, captured, released or refunded. (A
         * grant re-submitted with its key is reported as applied too: the store does not tell a grant's replay apart.)
         */
        APPLIED,
        /** An earlier call with the same key (or on the same reservation or charge) had applied it; nothing changed. */
        REPLAYED,
        /** The store observed too few available credits ({@link InsufficientCredits}). */
        INSUFFICIENT,
        /** The account does not exist or is hidden from the store ({@link AccountNotFound}). */
        NOT_FOUND,
        /** The key was used for something else ({@link IdempotencyConflictException}). */
        IDEMPOTENCY_CONFLICT,
        /**
         * Another business rejection: {@link ReservationStateException}, {@link ReservationNotFoundException},
         * {@link TransactionNotFoundException}, or an amount the store found out of bounds.
         */
        REJECTED,
        /** Transient failures outlasted the retries; nothing was applied ({@link CreditStoreUnavailableException}). */
        UNAVAILABLE,
        /** The store may have applied it ({@link ChargeOutcomeUnknownException}). */
        OUTCOME_UNKNOWN,
        /** The store cannot work as configured ({@link CreditStoreMisconfiguredException}). */
        MISCONFIGURED,
        /** Any other failure, such as a bug in a store. */
        FAILED
    }
}
