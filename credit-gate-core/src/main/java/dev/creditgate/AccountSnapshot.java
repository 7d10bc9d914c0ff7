package dev.creditgate;

import java.time.Instant;
import java.util.Objects;

/**
 * An account's credits at one moment, read in one consistent step.
 *
 * @param accountId the account
 * @param posted the posted balance: what the ledger sums to
 * @param held the credits held by reservations that are neither captured, released nor expired
 * @param available what can be spent now: {@code posted - held}
 * @param observedAt when the store read it, by the store's clock
 */
public record AccountSnapshot(String accountId, long posted, long held, long available, Instant observedAt) {

    /**
     * Validates the fields.
     *
     * @param accountId the account
     * @param posted the posted balance: what the ledger sums to
     * @param held the credits held by reservations that are neither captured, released nor expired
     * @param available what can be spent now: {@code posted - held}
     * @param observedAt when the store read it, by the store's clock
     * @throws NullPointerException if a reference field is null
     * @throws IllegalArgumentException unless {@code 0 <= held <= posted} and {@code available == posted - held}
     */
    public AccountSnapshot {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(observedAt, "observedAt");
        if (held < 0 || held > posted || available != posted - held) {
            throw new IllegalArgumentException("inconsistent snapshot: posted=" + posted + " held=" + held
                    + " available=" + available);
        }
    }

    /**
     * Creates a snapshot of an account with nothing held.
     *
     * @param accountId the account
     * @param posted its posted balance
     * @param observedAt when it was read
     * @return a snapshot with {@code held == 0}
     */
    public static AccountSnapshot withoutHolds(String accountId, long posted, Instant observedAt) {
        return new AccountSnapshot(accountId, posted, 0, posted, observedAt);
    }
}
