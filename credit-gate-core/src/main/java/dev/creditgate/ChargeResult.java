package dev.creditgate;

/**
 * The outcome of a charge: exactly one of {@link Charged}, {@link InsufficientCredits} or {@link AccountNotFound}.
 *
 * <p>A result is a business outcome the store positively observed; it is never produced from a failed, hidden or
 * stale read. Failures of the store itself are exceptions ({@link CreditStoreUnavailableException},
 * {@link ChargeOutcomeUnknownException}, {@link CreditStoreMisconfiguredException}), never results.
 *
 * <pre>{@code
 * ChargeResult result = gate.charge("user-1", 2, "audio.upload");
 * if (result instanceof Charged charged) {
 *     upload(charged.transactionId());
 * } else if (result instanceof InsufficientCredits insufficient) {
 *     respond(402, insufficient.problemDetail());
 * } else if (result instanceof AccountNotFound notFound) {
 *     respond(404, notFound.problemDetail());
 * }
 * }</pre>
 */
public sealed interface ChargeResult permits Charged, InsufficientCredits, AccountNotFound {

    /**
     * Returns the account the charge was addressed to.
     *
     * @return the account id exactly as given
     */
    String accountId();

    /**
     * Tells whether the credits were debited (now or, for a replay, by an earlier call with the same key).
     *
     * @return {@code true} exactly when this is a {@link Charged}
     */
    default boolean isCharged() {
        return this instanceof Charged;
    }

    /**
     * Returns the {@link Charged} result, or throws the exception that carries the rejection.
     *
     * @return this result when it is a {@link Charged}
     * @throws InsufficientCreditsException when this is an {@link InsufficientCredits}
     * @throws AccountNotFoundException when this is an {@link AccountNotFound}
     */
    default Charged orElseThrow() {
        if (this instanceof Charged charged) {
            return charged;
        }
        if (this instanceof InsufficientCredits insufficient) {
            throw new InsufficientCreditsException(insufficient);
        }
        throw new AccountNotFoundException((AccountNotFound) this);
    }
}
