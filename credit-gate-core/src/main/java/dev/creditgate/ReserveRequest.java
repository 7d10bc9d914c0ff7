package dev.creditgate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable request to hold credits for an action, optionally with the caller's idempotency key.
 *
 * <pre>{@code
 * Reserved held = gate.reserve(ReserveRequest.of("user-1", 20, "video.render", Duration.ofMinutes(10))
 *         .idempotencyKey("render-42")).reservedOrThrow();
 * }</pre>
 */
public final class ReserveRequest {

    /** The longest a hold may last. */
    public static final Duration MAX_TTL = Duration.ofDays(30);

    private final String accountId;
    private final long amount;
    private final String action;
    private final Duration ttl;
    private final String idempotencyKey;

    private ReserveRequest(String accountId, long amount, String action, Duration ttl, String idempotencyKey) {
        this.accountId = Arguments.requireText("accountId", accountId);
        this.amount = Arguments.requirePositive("amount", amount);
        this.action = Arguments.requireText("action", action);
        this.ttl = requireTtl(ttl);
        this.idempotencyKey = idempotencyKey == null ? null : Arguments.requireText("idempotencyKey", idempotencyKey);
    }

    /**
     * Creates a request without an idempotency key.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param amount the credits to hold, at least 1
     * @param action what they are held for: non-blank, at most 128 characters
     * @param ttl how long the hold lasts unless captured or released: at least 1 ms, at most {@link #MAX_TTL}
     * @return the request
     * @throws IllegalArgumentException if an argument breaks its rule (the message names it)
     */
    public static ReserveRequest of(String accountId, long amount, String action, Duration ttl) {
        return new ReserveRequest(accountId, amount, action, ttl, null);
    }

    /**
     * Returns a copy of this request that carries an idempotency key.
     *
     * @param key identifies this reservation on its account: non-blank, at most 128 characters
     * @return a new request; this one is unchanged
     * @throws IllegalArgumentException if the key breaks its rule
     */
    public ReserveRequest idempotencyKey(String key) {
        return new ReserveRequest(accountId, amount, action, ttl, Arguments.requireText("idempotencyKey", key));
    }

    /**
     * Returns the account.
     *
     * @return the account id
     */
    public String accountId() {
        return accountId;
    }

    /**
     * Returns the credits to hold.
     *
     * @return at least 1
     */
    public long amount() {
        return amount;
    }

    /**
     * Returns what the credits are held for.
     *
     * @return the action
     */
    public String action() {
        return action;
    }

    /**
     * Returns how long the hold lasts.
     *
     * @return a positive duration of at most {@link #MAX_TTL}
     */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Returns the caller's idempotency key.
     *
     * @return the key, or empty when the gate is to make a fresh one
     */
    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReserveRequest that
                && amount == that.amount
                && accountId.equals(that.accountId)
                && action.equals(that.action)
                && ttl.equals(that.ttl)
                && Objects.equals(idempotencyKey, that.idempotencyKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, amount, action, ttl, idempotencyKey);
    }

    @Override
    public String toString() {
        return "ReserveRequest[accountId=" + accountId + ", amount=" + amount + ", action=" + action + ", ttl=" + ttl
                + ", idempotencyKey=" + idempotencyKey().orElse("(fresh)") + "]";
    }

    private static Duration requireTtl(Duration ttl) {
        if (ttl == null || ttl.toMillis() < 1 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between 1 ms and " + MAX_TTL + ", got " + ttl);
        }
        return ttl;
    }
}
