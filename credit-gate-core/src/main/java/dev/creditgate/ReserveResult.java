package dev.creditgate;

/**
 * The outcome of a reservation: exactly one of {@link Reserved}, {@link InsufficientCredits} or
 * {@link AccountNotFound}. As with a charge, a rejection is only ever what the store positively observed.
 */
public sealed interface ReserveResult permits Reserved, InsufficientCredits, AccountNotFound {

    /**
     * Returns the account the reservation was addressed to.
     *
     * @return the account id exactly as given
     */
    String accountId();

    /**
     * Tells whether credits are now held (now or, for a replay, by an earlier call with the same key).
     *
     * @return {@code true} exactly when this is a {@link Reserved}
     */
    default boolean isReserved() {
        return this instanceof Reserved;
    }

    /**
     * Returns the {@link Reserved} result, or throws the exception that carries the rejection.
     *
     * @return this result when it is a {@link Reserved}
     * @throws InsufficientCreditsException when this is an {@link InsufficientCredits}
     * @throws AccountNotFoundException when this is an {@link AccountNotFound}
     */
    default Reserved reservedOrThrow() {
        if (this instanceof Reserved reserved) {
            return reserved;
        }
        if (this instanceof InsufficientCredits insufficient) {
            throw new InsufficientCreditsException(insufficient);
        }
        throw new AccountNotFoundException((AccountNotFound) this);
    }
}
