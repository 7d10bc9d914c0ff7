package dev.creditgate;

/**
 * A reservation cannot do what was asked in the state it is in: capturing one that was released, has expired, or
 * was already captured with another amount; releasing one that was captured. Nothing was applied. Maps to HTTP 409.
 */
public final class ReservationStateException extends CreditGateException {

    /** The reservation concerned. */
    private final String reservationId;
    /** The state that made the request impossible. */
    private final ReservationState state;

    /**
     * Creates the exception.
     *
     * @param reservationId the reservation
     * @param state the state it is in
     * @param attempted what was asked of it, such as {@code capture 20}
     */
    public ReservationStateException(String reservationId, ReservationState state, String attempted) {
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
    public ReservationState state() {
        return state;
    }
}
