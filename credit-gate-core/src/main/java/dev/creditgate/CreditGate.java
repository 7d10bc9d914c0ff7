package dev.creditgate;

import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, atomically and truthfully, whether an account may spend credits on an action, and records the spend.
 *
 * <pre>{@code
 * CreditGate gate = CreditGate.builder().store(new InMemoryBalanceStore()).build();
 * gate.grant("user-1", 20_000, "signup bonus");
 * ChargeResult result = gate.charge("user-1", 2, "audio.upload");
 * }</pre>
 *
 * <p>A charge is one atomic conditional debit in the store; there is no read-then-compare-then-write anywhere.
 * {@link InsufficientCredits} is returned only when the store observed too small a balance in the same step that
 * would have debited it. A store failure is never a business result: it is retried per the {@link RetryPolicy} and
 * then thrown as {@link CreditStoreUnavailableException} (nothing applied) or {@link ChargeOutcomeUnknownException}
 * (re-submit the same idempotency key to settle it).
 *
 * <p>Every argument is validated before any I/O; a bad one throws {@link IllegalArgumentException} naming it and
 * nothing is written. A gate is thread-safe and immutable but for its event listeners
 * ({@link #onEvent(Consumer)}); share one per store.
 */
public final class CreditGate {

    private static final Logger LOG = LoggerFactory.getLogger(CreditGate.class);

    private final BalanceStore store;
    private final Attempts attempts;
    private final RetryPolicy retryPolicy;
    private final List<Consumer<CreditGateEvent>> listeners = new CopyOnWriteArrayList<>();

    private CreditGate(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "a store is required: CreditGate.builder().store(...)");
        this.retryPolicy = builder.retryPolicy;
        this.attempts = new Attempts(retryPolicy);
    }

    /**
     * Starts building a gate.
     *
     * @return a builder with the default retry policy and no store
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds credits to an account, creating it if absent. The gate uses one fresh idempotency key across its retries,
     * so a retried grant is applied once.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param amount the credits to add, at least 1
     * @param reason why: non-blank, at most 128 characters
     * @return the posted balance after the grant
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws ArithmeticException if the balance would pass {@link Long#MAX_VALUE}; nothing is written
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was granted
     * @throws ChargeOutcomeUnknownException if the grant may have been applied
     */
    public long grant(String accountId, long amount, String reason) {
        return grant(accountId, amount, reason, newKey());
    }

    /**
     * Adds credits to an account at most once per key, creating the account if absent: re-submitting a key returns
     * the original balance-after and adds nothing. Use it for payment webhooks and other at-least-once deliveries.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param amount the credits to add, at least 1
     * @param reason why: non-blank, at most 128 characters
     * @param idempotencyKey identifies this grant on the account: non-blank, at most 128 characters
     * @return the posted balance right after the grant (the original's, when re-submitted)
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws IdempotencyConflictException if the key was used on this account for something else
     * @throws ArithmeticException if the balance would pass {@link Long#MAX_VALUE}; nothing is written
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was granted
     * @throws ChargeOutcomeUnknownException if the grant may have been applied; re-submit the key
     */
    public long grant(String accountId, long amount, String reason, String idempotencyKey) {
        Arguments.requireText("accountId", accountId);
        Arguments.requirePositive("amount", amount);
        Arguments.requireText("reason", reason);
        Arguments.requireText("idempotencyKey", idempotencyKey);
        long after = call(CreditGateEvent.Operation.GRANT, null, null,
                () -> "grant of " + amount + " to '" + accountId + "'", idempotencyKey,
                () -> store.grant(accountId, amount, reason, idempotencyKey)).value();
        if (LOG.isDebugEnabled()) {
            LOG.debug("granted {} to '{}' for '{}': balance {}", amount, accountId, reason, after);
        }
        return after;
    }

    /**
     * Charges an account with a fresh idempotency key (re-used across the gate's own retries).
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param cost the credits to debit, at least 1
     * @param action what they are spent on: non-blank, at most 128 characters
     * @return the decision; see {@link #charge(ChargeRequest)}
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was charged
     * @throws ChargeOutcomeUnknownException if the charge may have been applied
     * @throws CreditStoreMisconfiguredException if the store cannot work as configured
     */
    public ChargeResult charge(String accountId, long cost, String action) {
        return charge(ChargeRequest.of(accountId, cost, action));
    }

    /**
     * Charges an account: debits the cost iff the account exists and its balance covers the cost at the moment of
     * the debit, recording the debit in the ledger in the same atomic step.
     *
     * <p>{@link Charged#replayed()} tells that this call debited nothing because the key had already been charged.
     * It can be {@code true} on a caller's first call: when an attempt's answer was lost (a connection dropped while
     * it committed), the gate's retry finds that attempt's charge and returns it as a replay. Either way the account
     * was charged exactly once for the key.
     *
     * @param request the charge; without a key the gate makes a fresh one and re-uses it across its retries
     * @return {@link Charged} (with {@code replayed} set when the key had already been charged),
     *     {@link InsufficientCredits} with the balance the store observed, or {@link AccountNotFound}
     * @throws IdempotencyConflictException if the key was used on this account for another cost or action
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was charged
     * @throws ChargeOutcomeUnknownException if the charge may have been applied; re-submit the same key
     * @throws CreditStoreMisconfiguredException if the store cannot work as configured
     */
    public ChargeResult charge(ChargeRequest request) {
        Objects.requireNonNull(request, "request");
        String key = request.idempotencyKey().orElseGet(CreditGate::newKey);
        Attempts.Outcome<ChargeResult> outcome = call(CreditGateEvent.Operation.CHARGE, request.action(), null,
                () -> "charge of " + request.cost() + " to '" + request.accountId() + "' for '" + request.action() + "'",
                key,
                () -> store.charge(request.accountId(), request.cost(), request.action(), key));
        ChargeResult result = withGateDebug(outcome);
        if (LOG.isDebugEnabled()) {
            LOG.debug("charge of {} to '{}' for '{}' with key '{}': {}",
                    request.cost(), request.accountId(), request.action(), key, result);
        }
        return result;
    }

    /**
     * Reads what an account can spend now, from the store, never from a cache: its posted balance minus the credits
     * held by active reservations. For display only: to spend, call {@link #charge(ChargeRequest)}, which decides on
     * the balance at the moment of the debit.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @return the available credits, or empty when the account does not exist
     * @throws IllegalArgumentException if the id breaks its rule
     * @throws CreditStoreUnavailableException if the store stayed unavailable
     */
    public OptionalLong balance(String accountId) {
        return snapshot(() -> "balance of '" + accountId + "'", accountId)
                .map(snapshot -> OptionalLong.of(snapshot.available()))
                .orElse(OptionalLong.empty());
    }

    /**
     * Reads an account's posted, held and available credits in one consistent step.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @return the snapshot, or empty when the account does not exist
     * @throws IllegalArgumentException if the id breaks its rule
     * @throws CreditStoreUnavailableException if the store stayed unavailable
     */
    public Optional<AccountSnapshot> account(String accountId) {
        return snapshot(() -> "account '" + accountId + "'", accountId);
    }

    private Optional<AccountSnapshot> snapshot(Supplier<String> description, String accountId) {
        Arguments.requireText("accountId", accountId);
        return read(description, () -> store.account(accountId));
    }

    /**
     * Holds credits for an action with a fresh idempotency key (re-used across the gate's own retries).
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param amount the credits to hold, at least 1
     * @param action what they are held for: non-blank, at most 128 characters
     * @param ttl how long the hold lasts unless captured or released, up to {@link ReserveRequest#MAX_TTL}
     * @return the decision; see {@link #reserve(ReserveRequest)}
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was held
     * @throws ChargeOutcomeUnknownException if the hold may have been placed; it expires by itself
     */
    public ReserveResult reserve(String accountId, long amount, String action, Duration ttl) {
        return reserve(ReserveRequest.of(accountId, amount, action, ttl));
    }

    /**
     * Holds credits for an action: iff the account exists and its available credits cover the amount at that moment,
     * the amount is held (counted against what charges and other holds may take) until captured, released or
     * expired. Nothing is debited until {@link #capture(String, long)}.
     *
     * <p>Re-submitting a key whose reservation is held, or was captured, replays it (in state
     * {@link ReservationState#HELD} or {@link ReservationState#CAPTURED}). A key whose reservation was released, or
     * expired without a capture, holds again: a new reservation with a new id.
     *
     * @param request the reservation; without a key the gate makes a fresh one and re-uses it across its retries
     * @return {@link Reserved} (replayed when the key already holds credits or was captured),
     *     {@link InsufficientCredits} with the available credits the store observed, or {@link AccountNotFound}
     * @throws IdempotencyConflictException if the key holds or captured a reservation of another amount or action,
     *     or was used on this account by a charge or a grant; nothing is held
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was held
     * @throws ChargeOutcomeUnknownException if the hold may have been placed; re-submit the same key
     * @throws UnsupportedOperationException if the store does not support holds
     */
    public ReserveResult reserve(ReserveRequest request) {
        Objects.requireNonNull(request, "request");
        String key = request.idempotencyKey().orElseGet(CreditGate::newKey);
        Attempts.Outcome<ReserveResult> outcome = call(CreditGateEvent.Operation.RESERVE, request.action(), null,
                () -> "reservation of " + request.amount() + " on '" + request.accountId() + "' for '" + request.action()
                        + "'",
                key,
                () -> store.reserve(request.accountId(), request.amount(), request.action(), request.ttl(), key));
        ReserveResult result = withGateDebug(outcome);
        if (LOG.isDebugEnabled()) {
            LOG.debug("reservation of {} on '{}' for '{}' with key '{}': {}",
                    request.amount(), request.accountId(), request.action(), key, result);
        }
        return result;
    }

    /**
     * Captures a reservation: debits {@code amount} (at most what is held) with a ledger entry and frees the rest,
     * atomically and at most once. Capturing again with the same amount returns the same {@link Charged}, replayed.
     * The charge carries the reservation's action and idempotency key, and can be refunded like any charge.
     *
     * <p>A reservation that expired holds nothing any more, but may still be captured late: the capture is then a
     * conditional debit, like a charge, that succeeds iff the account's available credits cover {@code amount}.
     *
     * @param reservationId the {@link Reserved#reservationId()}
     * @param amount the credits to debit, from 1 to the amount held
     * @return the charge
     * @throws IllegalArgumentException if an argument breaks its rule, or the amount exceeds what is held
     * @throws ReservationNotFoundException if there is no such reservation
     * @throws ReservationStateException if it was released, was captured with another amount, or expired and the
     *     account can no longer cover the amount (state {@link ReservationState#EXPIRED}); nothing was debited
     * @throws IdempotencyConflictException if it expired and its key was then used by a charge
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was captured
     * @throws ChargeOutcomeUnknownException if the capture may have been applied; capturing again settles it
     */
    public Charged capture(String reservationId, long amount) {
        Arguments.requireText("reservationId", reservationId);
        Arguments.requirePositive("amount", amount);
        Charged charged = call(CreditGateEvent.Operation.CAPTURE, null, reservationId,
                () -> "capture of reservation '" + reservationId + "' (capturing it again settles it)",
                reservationId, () -> store.capture(reservationId, amount)).value();
        LOG.debug("capture of reservation '{}': {}", reservationId, charged);
        return charged;
    }

    /**
     * Releases a reservation: its credits stop counting against the account and nothing is debited. At most once;
     * releasing again returns the same release, replayed. An expired reservation may be released: the result then
     * says it freed nothing ({@link Released#wasExpired()}).
     *
     * @param reservationId the {@link Reserved#reservationId()}
     * @return the release
     * @throws IllegalArgumentException if the id breaks its rule
     * @throws ReservationNotFoundException if there is no such reservation
     * @throws ReservationStateException if it was captured
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was released
     * @throws ChargeOutcomeUnknownException if the release may have been applied; releasing again settles it
     */
    public Released release(String reservationId) {
        Arguments.requireText("reservationId", reservationId);
        Released released = call(CreditGateEvent.Operation.RELEASE, null, reservationId,
                () -> "release of reservation '" + reservationId + "' (releasing it again settles it)",
                reservationId, () -> store.release(reservationId)).value();
        LOG.debug("release of reservation '{}': {}", reservationId, released);
        return released;
    }

    /**
     * Pays for a unit of work with held credits: reserves the request's cost, runs {@code work}, captures the cost
     * if the work returns, and releases the hold if it throws (then rethrows what it threw). Credits are never
     * debited for work that failed, and a crash in between leaves only a hold that expires by itself.
     *
     * <p>With the request's idempotency key (a request id, say) it is safe to call again: a key that already paid
     * does not run the work again; a key whose work failed (its hold released) or whose process died (its hold
     * expired) runs it again and pays once. Work that outlasts {@code ttl} is still captured if the account can pay at
     * that moment (a late capture is a conditional debit, like a charge); if it cannot, this method throws
     * {@link ReservationStateException} in state {@link ReservationState#EXPIRED} after the work ran, with nothing
     * debited: the caller decides whether to keep what the work did.
     *
     * <pre>{@code
     * String url = gate.chargeFor(ChargeRequest.of(userId, 2, "audio.upload"), Duration.ofMinutes(5),
     *         () -> storage.upload(file));
     * }</pre>
     *
     * @param request the charge to make for the work; its key, if any, is the reservation's key
     * @param ttl how long the credits stay held if this process dies before capturing or releasing
     * @param work the work; runs only when the credits are held
     * @param <T> what the work returns
     * @param <E> what the work may throw
     * @return what the work returned
     * @throws E what the work threw, after the hold was released (a failed release is added as suppressed)
     * @throws InsufficientCreditsException if the account cannot cover the cost; the work did not run
     * @throws AccountNotFoundException if the account does not exist; the work did not run
     * @throws ReservationStateException if the request's key already paid for work (its reservation was captured):
     *     the work did not run; or, after the work ran, if it outlasted {@code ttl} and the account could no longer
     *     cover the cost (state {@link ReservationState#EXPIRED}): nothing was debited
     * @throws IdempotencyConflictException if the request's key was used by a charge or a grant, or by another
     *     reservation; the work did not run
     * @throws CreditStoreUnavailableException if the store stayed unavailable before the work ran (the work did not
     *     run) or while capturing (the work ran; the hold expires uncaptured unless captured again)
     * @throws ChargeOutcomeUnknownException if the store's answer was lost, as above
     */
    public <T, E extends Exception> T chargeFor(ChargeRequest request, Duration ttl, Work<T, E> work) throws E {
        Objects.requireNonNull(work, "work");
        ReserveRequest reservation = ReserveRequest.of(request.accountId(), request.cost(), request.action(), ttl);
        Reserved held = reserve(request.idempotencyKey().map(reservation::idempotencyKey).orElse(reservation))
                .reservedOrThrow();
        if (held.state() != ReservationState.HELD) {
            // The key already paid for a unit of work: running it again would be work not paid for.
            throw new ReservationStateException(held.reservationId(), held.state(),
                    "pay for work again with idempotency key '" + held.idempotencyKey() + "'");
        }
        T result;
        try {
            result = work.run();
        } catch (Exception | Error failure) {
            try {
                release(held.reservationId());
            } catch (RuntimeException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
            throw failure;
        }
        capture(held.reservationId(), held.amount());
        return result;
    }

    /**
     * Work paid for by {@link #chargeFor}.
     *
     * @param <T> what the work returns
     * @param <E> what the work may throw
     */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        /**
         * Does the work.
         *
         * @return its result
         * @throws E when the work fails; the credits are then released
         */
        T run() throws E;
    }

    /**
     * Reverses a charge in full, at most once: a second refund of the same charge credits nothing and returns the
     * first refund with {@code replayed} set.
     *
     * <p>It trusts the transaction id: it refunds whichever account's charge that is. When the id comes from a client,
     * use {@link #refund(String, String, String)}, which refunds only the caller's own charges.
     *
     * @param transactionId the {@link Charged#transactionId()} of the charge
     * @param reason why: non-blank, at most 128 characters
     * @return the refund
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws TransactionNotFoundException if no charge has that transaction id
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was refunded
     * @throws ChargeOutcomeUnknownException if the refund may have been applied; refunding again settles it
     */
    public Refund refund(String transactionId, String reason) {
        Arguments.requireText("transactionId", transactionId);
        Arguments.requireText("reason", reason);
        String key = newKey();
        Refund refund = call(CreditGateEvent.Operation.REFUND, null, null,
                () -> "refund of '" + transactionId + "' (refunding it again settles it)", key,
                () -> store.refund(transactionId, reason, key)).value();
        LOG.debug("refund of '{}' for '{}': {}", transactionId, reason, refund);
        return refund;
    }

    /**
     * Reverses a charge of one account in full, at most once, as {@link #refund(String, String)} does, but only if
     * the charge belongs to {@code accountId}: a transaction id of another account's charge is not found, and
     * nothing is written. Use this form wherever the transaction id comes from a client.
     *
     * <pre>{@code
     * // DELETE /api/uploads/{id}: the caller may only refund their own charge.
     * gate.refund(currentUser.id(), upload.transactionId(), "file deleted");
     * }</pre>
     *
     * @param accountId the account the charge must belong to: non-blank, at most 128 characters
     * @param transactionId the {@link Charged#transactionId()} of the charge
     * @param reason why: non-blank, at most 128 characters
     * @return the refund
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws TransactionNotFoundException if the account has no charge with that transaction id
     * @throws CreditStoreUnavailableException if the store stayed unavailable; nothing was refunded
     * @throws ChargeOutcomeUnknownException if the refund may have been applied; refunding again settles it
     * @throws UnsupportedOperationException if the store cannot check the account of a charge
     */
    public Refund refund(String accountId, String transactionId, String reason) {
        Arguments.requireText("accountId", accountId);
        Arguments.requireText("transactionId", transactionId);
        Arguments.requireText("reason", reason);
        String key = newKey();
        Refund refund = call(CreditGateEvent.Operation.REFUND, null, null,
                () -> "refund of '" + transactionId + "' (refunding it again settles it)", key,
                () -> store.refund(accountId, transactionId, reason, key)).value();
        if (LOG.isDebugEnabled()) {
            LOG.debug("refund of '{}' of '{}' for '{}': {}", transactionId, accountId, reason, refund);
        }
        return refund;
    }

    /**
     * Reads an account's newest ledger entries.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param limit how many entries at most, 1 to 1,000
     * @return the entries, newest first; empty when the account does not exist
     * @throws IllegalArgumentException if an argument breaks its rule
     * @throws CreditStoreUnavailableException if the store stayed unavailable
     */
    public List<LedgerEntry> history(String accountId, int limit) {
        return history(HistoryQuery.newest(accountId, limit)).entries();
    }

    /**
     * Reads one page of an account's ledger, newest first. Follow {@link HistoryPage#nextCursor()} for older pages:
     * paging is stable while the account is in use (new entries never shift a later page).
     *
     * <pre>{@code
     * HistoryQuery query = HistoryQuery.newest("user-1", 100);
     * HistoryPage page = gate.history(query);
     * while (page.hasNext()) {
     *     page = gate.history(query.after(page.nextCursor().orElseThrow()));
     * }
     * }</pre>
     *
     * @param query the account, the page size and where to start
     * @return the page; empty when the account does not exist
     * @throws IllegalArgumentException if the query's cursor was not issued by this gate's store
     * @throws CreditStoreUnavailableException if the store stayed unavailable
     */
    public HistoryPage history(HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        return read(() -> "history of '" + query.accountId() + "'", () -> store.history(query));
    }

    /**
     * Adds a listener that is told, after every grant, charge, reservation, capture, release and refund, how it
     * ended ({@link CreditGateEvent}): for metrics (see the credit-gate-micrometer module), audits and tracing.
     * Listeners run on the calling thread, in the order they were added, after the call's outcome is decided; a
     * listener that throws is logged at WARN and never changes the outcome. Keep them fast. Thread-safe: listeners
     * may be added at any time.
     *
     * @param listener the listener
     * @return this gate
     */
    public CreditGate onEvent(Consumer<CreditGateEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Returns the store this gate runs on.
     *
     * @return the store
     */
    public BalanceStore store() {
        return store;
    }

    /**
     * Returns the retry policy this gate runs.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * Returns the Resilience4j {@link Retry} the gate runs, for subscribing to its events or binding metrics.
     *
     * @return the gate's retry instance, named {@code credit-gate}
     */
    public Retry retry() {
        return attempts.retry();
    }

    @Override
    public String toString() {
        return "CreditGate[store=" + store.describe() + ", " + retryPolicy + "]";
    }

    /**
     * Runs a mutating store call under the retry policy and tells the listeners how it ended.
     *
     * @param action the request's action, or {@code null} when only the result knows it
     * @param reservationId the reservation called on (capture, release), or {@code null}
     */
    private <T> Attempts.Outcome<T> call(CreditGateEvent.Operation operation, String action, String reservationId,
            Supplier<String> description, String key, Supplier<T> body) {
        Attempts.Outcome<T> outcome;
        try {
            outcome = attempts.run(description, key, body);
        } catch (Attempts.Failed failed) {
            if (!listeners.isEmpty()) {
                publish(new CreditGateEvent(operation, outcomeOf(failed.failure()), Optional.ofNullable(action),
                        failed.attempts(), failed.elapsed(), Optional.ofNullable(reservationId), Optional.empty()));
            }
            throw failed.failure();
        }
        if (!listeners.isEmpty()) {
            T value = outcome.value();
            String actionOf = action != null ? action : value instanceof Charged charged ? charged.action() : null;
            Optional<String> reservation = Optional.ofNullable(reservationId);
            Optional<Instant> heldUntil = Optional.empty();
            if (value instanceof Reserved reserved) {
                reservation = Optional.of(reserved.reservationId());
                if (reserved.state() == ReservationState.HELD) {
                    heldUntil = Optional.of(reserved.expiresAt());
                }
            }
            publish(new CreditGateEvent(operation, outcomeOf(value), Optional.ofNullable(actionOf),
                    outcome.attempts(), outcome.elapsed(), reservation, heldUntil));
        }
        return outcome;
    }

    /** Runs a read under the retry policy. */
    private <T> T read(Supplier<String> description, Supplier<T> body) {
        try {
            return attempts.run(description, null, body).value();
        } catch (Attempts.Failed failed) {
            throw failed.failure();
        }
    }

    private void publish(CreditGateEvent event) {
        for (Consumer<CreditGateEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException failure) {
                LOG.warn("credit-gate event listener {} failed on {}", listener, event, failure);
            }
        }
    }

    private static CreditGateEvent.Outcome outcomeOf(Object value) {
        if (value instanceof Charged charged) {
            return charged.replayed() ? CreditGateEvent.Outcome.REPLAYED : CreditGateEvent.Outcome.APPLIED;
        }
        if (value instanceof Reserved reserved) {
            return reserved.replayed() ? CreditGateEvent.Outcome.REPLAYED : CreditGateEvent.Outcome.APPLIED;
        }
        if (value instanceof Released released) {
            return released.replayed() ? CreditGateEvent.Outcome.REPLAYED : CreditGateEvent.Outcome.APPLIED;
        }
        if (value instanceof Refund refund) {
            return refund.replayed() ? CreditGateEvent.Outcome.REPLAYED : CreditGateEvent.Outcome.APPLIED;
        }
        if (value instanceof InsufficientCredits) {
            return CreditGateEvent.Outcome.INSUFFICIENT;
        }
        if (value instanceof AccountNotFound) {
            return CreditGateEvent.Outcome.NOT_FOUND;
        }
        return CreditGateEvent.Outcome.APPLIED;
    }

    private static CreditGateEvent.Outcome outcomeOf(RuntimeException failure) {
        if (failure instanceof IdempotencyConflictException) {
            return CreditGateEvent.Outcome.IDEMPOTENCY_CONFLICT;
        }
        if (failure instanceof CreditStoreUnavailableException) {
            return CreditGateEvent.Outcome.UNAVAILABLE;
        }
        if (failure instanceof ChargeOutcomeUnknownException) {
            return CreditGateEvent.Outcome.OUTCOME_UNKNOWN;
        }
        if (failure instanceof CreditStoreMisconfiguredException) {
            return CreditGateEvent.Outcome.MISCONFIGURED;
        }
        if (failure instanceof ReservationStateException || failure instanceof ReservationNotFoundException
                || failure instanceof TransactionNotFoundException || failure instanceof IllegalArgumentException
                || failure instanceof ArithmeticException) {
            return CreditGateEvent.Outcome.REJECTED;
        }
        return CreditGateEvent.Outcome.FAILED;
    }

    /**
     * Adds the gate's attempts and timing to a rejection's debug context. The rejections are both charge and reserve
     * results, so the cast back to {@code R} always holds.
     */
    @SuppressWarnings("unchecked")
    private static <R> R withGateDebug(Attempts.Outcome<R> outcome) {
        R result = outcome.value();
        if (result instanceof InsufficientCredits insufficient) {
            return (R) insufficient.withDebug(insufficient.debug()
                    .withAttempts(outcome.attempts(), outcome.elapsed(), outcome.retriedFailures()));
        }
        if (result instanceof AccountNotFound notFound) {
            return (R) notFound.withDebug(notFound.debug()
                    .withAttempts(outcome.attempts(), outcome.elapsed(), outcome.retriedFailures()));
        }
        return result;
    }

    private static String newKey() {
        return FreshKeys.next();
    }

    /** Builds a {@link CreditGate}. Not thread-safe; build once and share the gate. */
    public static final class Builder {

        private BalanceStore store;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();

        private Builder() {
        }

        /**
         * Sets the store the gate runs on. Required.
         *
         * @param balanceStore the store, such as {@link InMemoryBalanceStore} or a database store
         * @return this builder
         */
        public Builder store(BalanceStore balanceStore) {
            this.store = Objects.requireNonNull(balanceStore, "store");
            return this;
        }

        /**
         * Sets how transient store failures are retried. Defaults to {@link RetryPolicy#defaults()}.
         *
         * @param policy the policy; {@link RetryPolicy#none()} turns retries off
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * Builds the gate.
         *
         * @return a new gate
         * @throws NullPointerException if no store was set
         */
        public CreditGate build() {
            return new CreditGate(this);
        }
    }
}
