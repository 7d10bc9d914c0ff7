package dev.creditgate;

/**
 * A reservation cannot do what was asked in the state it is in: capturing one that was released, has expired, or
 * was already captured with another amount; releasing one that was captured. Nothing was applied. Maps to HTTP 409.
 */
public final class ReservationStateException extends CreditGateException {

    /** The states a reservation can be in. */
    public enum State {
        /** Holding credits until its expiry. */
        HELD,
        /** Captured: some or all of its credits were debited, the rest freed. */
        CAPTURED,
        /** Released: its credits were freed without a debit. */
        RELEASED,
        /** Past its expiry without being captured or released: its credits are free. */
        EXPIRED
    }

    private final String reservationId;
    private final State state;

    /**
     * Creates the exception.
     *
     * @param reservationId the reservation
     * @param state the state it is in
     * @param attempted what was asked of it, such as {@code capture 20}
     */
    public ReservationStateException(String reservationId, State state, String attempted) {
        super("reservation '" + reservationId + "' is " + state.name().toLowerCase(java.util.Locale.ROOT)
                + "; cannot " + attempted, null);
        this.reservationId = reservationId;
        this.state = state;
    }

    /**
     * Returns the reservation.
     *
     * @return the reservation id
     */
    public String reservationId() {
        return reservationId;
    }

    /**
     * Returns the state that made the request impossible.
     *
     * @return the reservation's state
     */
    public State state() {
        return state;
    }
}
