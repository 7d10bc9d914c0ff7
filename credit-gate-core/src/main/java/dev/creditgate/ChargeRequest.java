package dev.creditgate;

import java.util.Objects;
import java.util.Optional;

/**
 * An immutable request to charge an account, optionally with the caller's idempotency key.
 *
 * <pre>{@code
 * ChargeResult r = gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-123"));
 * }</pre>
 *
 * <p>Without a key the gate makes a fresh one per call and re-uses it across its own retries. With a key the
 * caller can re-submit after a crash or a {@link ChargeOutcomeUnknownException} and be charged at most once.
 */
public final class ChargeRequest {

    private final String accountId;
    private final long cost;
    private final String action;
    private final String idempotencyKey;

    private ChargeRequest(String accountId, long cost, String action, String idempotencyKey) {
        this.accountId = Arguments.requireText("accountId", accountId);
        this.cost = Arguments.requirePositive("cost", cost);
        this.action = Arguments.requireText("action", action);
        this.idempotencyKey = idempotencyKey == null ? null : Arguments.requireText("idempotencyKey", idempotencyKey);
    }

    /**
     * Creates a request without an idempotency key.
     *
     * @param accountId the account to charge: non-blank, at most 128 characters
     * @param cost the credits to debit, at least 1
     * @param action what the credits are spent on: non-blank, at most 128 characters
     * @return the request
     * @throws IllegalArgumentException if an argument breaks its rule (the message names it)
     */
    public static ChargeRequest of(String accountId, long cost, String action) {
        return new ChargeRequest(accountId, cost, action, null);
    }

    /**
     * Returns a copy of this request that carries an idempotency key.
     *
     * @param key identifies this charge on its account: non-blank, at most 128 characters
     * @return a new request; this one is unchanged
     * @throws IllegalArgumentException if the key breaks its rule
     */
    public ChargeRequest idempotencyKey(String key) {
        return new ChargeRequest(accountId, cost, action, Arguments.requireText("idempotencyKey", key));
    }

    /**
     * Returns the account to charge.
     *
     * @return the account id
     */
    public String accountId() {
        return accountId;
    }

    /**
     * Returns the credits to debit.
     *
     * @return at least 1
     */
    public long cost() {
        return cost;
    }

    /**
     * Returns what the credits are spent on.
     *
     * @return the action
     */
    public String action() {
        return action;
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
        return other instanceof ChargeRequest that
                && cost == that.cost
                && accountId.equals(that.accountId)
                && action.equals(that.action)
                && Objects.equals(idempotencyKey, that.idempotencyKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, cost, action, idempotencyKey);
    }

    @Override
    public String toString() {
        return "ChargeRequest[accountId=" + accountId + ", cost=" + cost + ", action=" + action
                + ", idempotencyKey=" + idempotencyKey().orElse("(fresh)") + "]";
    }
}
