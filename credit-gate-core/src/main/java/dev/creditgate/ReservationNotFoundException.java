package dev.creditgate;

/**
 * A capture or release named a reservation that does not exist in this store. Nothing was applied.
 */
public final class ReservationNotFoundException extends CreditGateException {

    /** The reservation concerned. */
    private final String reservationId;

    /**
     * Creates the exception.
     *
     * @param reservationId the id that matched no reservation
     */
    public ReservationNotFoundException(String reservationId) {
        super("no reservation with id '" + reservationId + "'", null);
        this.reservationId = reservationId;
    }

    /**
     * Returns the id that matched no reservation.
     *
     * @return the reservation id as given
     */
    public String reservationId() {
        return reservationId;
    }
}
