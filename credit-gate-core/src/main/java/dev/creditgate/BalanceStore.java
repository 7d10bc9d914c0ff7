package dev.creditgate;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The service-provider interface of a place where balances and their ledger live. {@link CreditGate} is the API;
 * a store is what it runs on. Implement this to put credit-gate on another database, then prove the store with
 * {@code dev.creditgate.test.BalanceStoreContract} from the credit-gate-test jar.
 *
 * <h2>What the gate guarantees to a store</h2>
 * Every argument has been validated: ids, actions, reasons and keys are non-blank valid Unicode of at most 128
 * characters; amounts are at least 1; limits are between 1 and 1,000. Every mutating call carries an idempotency
 * key, the same one on every retry of the same call.
 *
 * <h2>What a store guarantees to the gate</h2>
 * <ul>
 *   <li>Idempotency keys share one namespace per account: a key names one charge, one grant or one reservation
 *       (whose capture is a charge under the reservation's key). A key is taken by a ledger entry, or by a
 *       reservation that is held and not expired; a charge or reservation whose key is taken by something else
 *       throws {@link IdempotencyConflictException} before anything is held or debited. A reservation released or
 *       expired without a capture gives its key back: the key may hold credits again.</li>
 *   <li>Each mutating call is one atomic step: the balance change and its {@link LedgerEntry} are written together
 *       or not at all, and an account's ledger amounts always sum to its balance.</li>
 *   <li>Decisions are made on the current balance at the moment of the change, never on a cached or stale read;
 *       concurrent calls never drive a balance below 0 or past {@link Long#MAX_VALUE}.</li>
 *   <li>{@code (accountId, idempotencyKey)} identifies one change: a repeated call with the same parameters replays
 *       the original; with other parameters it throws {@link IdempotencyConflictException}.</li>
 *   <li>Failures are classified: {@link TransientStoreException} when certainly not applied and worth retrying,
 *       {@link AmbiguousStoreException} when it may have been applied, {@link CreditStoreMisconfiguredException}
 *       when only an operator can fix it. Anything else is treated as a bug and not retried.</li>
 * </ul>
 *
 * <p>Implementations must be thread-safe. New operations arrive as default methods, so existing stores keep
 * compiling.
 */
public interface BalanceStore {

    /**
     * Debits {@code cost} from the account iff it exists and its available balance is at least {@code cost} at the
     * moment of the debit, writing a {@link LedgerEntry.Kind#CHARGE} entry in the same atomic step.
     *
     * @param accountId the account to charge
     * @param cost the credits to debit
     * @param action what the credits are spent on
     * @param idempotencyKey identifies this charge on its account
     * @return {@link Charged} (with {@code replayed} set when the key was already charged with the same cost and
     *     action), {@link InsufficientCredits} with the balance observed in the same step, or
     *     {@link AccountNotFound}; rejections carry {@link DebugContext#observed}
     * @throws IdempotencyConflictException if the key was used on this account for something else, or belongs to a
     *     reservation that still holds credits
     */
    ChargeResult charge(String accountId, long cost, String action, String idempotencyKey);

    /**
     * Credits {@code amount} to the account, creating it with that balance if it does not exist, and writes a
     * {@link LedgerEntry.Kind#GRANT} entry in the same atomic step.
     *
     * @param accountId the account to credit
     * @param amount the credits to add
     * @param reason why they are added
     * @param idempotencyKey identifies this grant on its account
     * @return the posted balance right after this grant (the original's, when replayed)
     * @throws ArithmeticException if the balance would pass {@link Long#MAX_VALUE}; nothing is written
     * @throws IdempotencyConflictException if the key was used on this account for something else
     */
    long grant(String accountId, long amount, String reason, String idempotencyKey);

    /**
     * Gives back the full cost of a charge, at most once, writing a {@link LedgerEntry.Kind#REFUND} entry that
     * references the charge in the same atomic step.
     *
     * @param chargeTransactionId the charge to reverse
     * @param reason why it is reversed
     * @param idempotencyKey identifies this refund's ledger entry
     * @return the refund; when the charge was already refunded, the first refund with {@code replayed} set
     * @throws TransactionNotFoundException if no charge has that transaction id
     * @throws ArithmeticException if the balance would pass {@link Long#MAX_VALUE}; nothing is written
     */
    Refund refund(String chargeTransactionId, String reason, String idempotencyKey);

    /**
     * Like {@link #refund(String, String, String)}, but only when the charge belongs to {@code accountId}: a charge
     * of any other account is not found, so that an endpoint passing a client's transaction id can never refund
     * another account's charge, nor learn that it exists.
     *
     * @param accountId the account the charge must belong to
     * @param chargeTransactionId the charge to reverse
     * @param reason why it is reversed
     * @param idempotencyKey identifies this refund's ledger entry
     * @return the refund; when the charge was already refunded, the first refund with {@code replayed} set
     * @throws TransactionNotFoundException if the account has no charge with that transaction id
     * @throws ArithmeticException if the balance would pass {@link Long#MAX_VALUE}; nothing is written
     * @throws UnsupportedOperationException if this store cannot check the account (the default)
     */
    default Refund refund(String accountId, String chargeTransactionId, String reason, String idempotencyKey) {
        throw new UnsupportedOperationException(describe() + " cannot check the account of a refund");
    }

    /**
     * Reads the account's current posted balance (never a cached one): what its ledger sums to, holds not deducted.
     *
     * @param accountId the account
     * @return the posted balance, or empty when the account does not exist
     */
    OptionalLong balance(String accountId);

    /**
     * Reads the account's posted, held and available credits in one consistent step. Stores without holds need not
     * override this: the default reports the posted balance with nothing held.
     *
     * @param accountId the account
     * @return the snapshot, or empty when the account does not exist
     */
    default Optional<AccountSnapshot> account(String accountId) {
        OptionalLong posted = balance(accountId);
        return posted.isPresent()
                ? Optional.of(AccountSnapshot.withoutHolds(accountId, posted.getAsLong(), java.time.Instant.now()))
                : Optional.empty();
    }

    /**
     * Holds {@code amount} credits for an action iff the account exists and its available credits (posted minus
     * active holds) are at least {@code amount} at that moment. The hold counts against the available credits until
     * it is captured, released, or reaches {@code now + ttl} by the store's clock; no background job is needed.
     *
     * <p>A key whose earlier reservation was released, or expired without a capture, places a new reservation
     * (with a new id; the expired one is released so that it can no longer be captured). A key whose reservation
     * was captured, or that is held and not expired, replays it.
     *
     * @param accountId the account
     * @param amount the credits to hold
     * @param action what they are held for
     * @param ttl how long the hold lasts
     * @param idempotencyKey identifies this reservation on its account
     * @return {@link Reserved} (replayed, in the state {@link ReservationState#HELD} or
     *     {@link ReservationState#CAPTURED}, when the key's reservation of the same amount and action is held or was
     *     captured), {@link InsufficientCredits} with the available credits observed, or {@link AccountNotFound}
     * @throws IdempotencyConflictException if the key holds or captured a reservation of another amount or action,
     *     or was used by a charge or grant
     * @throws UnsupportedOperationException if this store does not support holds (the default)
     */
    default ReserveResult reserve(String accountId, long amount, String action, Duration ttl,
            String idempotencyKey) {
        throw new UnsupportedOperationException(describe() + " does not support holds");
    }

    /**
     * Captures a held reservation: debits {@code amount} (at most what is held) with a
     * {@link LedgerEntry.Kind#CHARGE} entry whose idempotency key and action are the reservation's, and frees the
     * rest, in one atomic step. At most once: capturing again with the same amount replays the charge.
     *
     * <p>A reservation that expired (and was not released) holds nothing any more, but can still be captured late:
     * the capture is then a conditional debit, like a charge, that succeeds iff the account's available credits
     * cover {@code amount} at that moment, and otherwise throws {@link ReservationStateException} in state
     * {@link ReservationState#EXPIRED} with nothing debited.
     *
     * @param reservationId the reservation
     * @param amount the credits to debit, from 1 to the amount held
     * @return the charge
     * @throws ReservationNotFoundException if there is no such reservation
     * @throws ReservationStateException if it was released, was captured with another amount, or expired and the
     *     account can no longer cover the amount
     * @throws IdempotencyConflictException if the reservation expired and its key was then used by a charge
     * @throws IllegalArgumentException if the amount exceeds what is held
     * @throws UnsupportedOperationException if this store does not support holds (the default)
     */
    default Charged capture(String reservationId, long amount) {
        throw new UnsupportedOperationException(describe() + " does not support holds");
    }

    /**
     * Releases a reservation without debiting anything, at most once: releasing again replays the release. Releasing
     * an expired reservation is allowed and changes nothing but its state: the result says it freed nothing.
     *
     * @param reservationId the reservation
     * @return the release
     * @throws ReservationNotFoundException if there is no such reservation
     * @throws ReservationStateException if it was captured
     * @throws UnsupportedOperationException if this store does not support holds (the default)
     */
    default Released release(String reservationId) {
        throw new UnsupportedOperationException(describe() + " does not support holds");
    }

    /**
     * Deletes reservations that were captured or released, or that expired, more than {@code retention} ago, by the
     * store's clock, and returns how many it deleted. Expiry never depends on it: an expired reservation stops
     * counting whether or not it was deleted. Safe to run while the store is in use; a reservation being captured or
     * released at the same moment is left for the next run.
     *
     * <p>After its reservation is deleted, a key that was captured no longer replays the reservation: reserving with
     * it again throws {@link IdempotencyConflictException} (its charge stays in the ledger and still replays as a
     * charge), and the reservation's id is not found.
     *
     * @param retention how long settled and expired reservations are kept; zero or more
     * @return the number of reservations deleted
     * @throws UnsupportedOperationException if this store does not support holds (the default)
     */
    default long purgeSettledHolds(Duration retention) {
        throw new UnsupportedOperationException(describe() + " does not support holds");
    }

    /**
     * Reads one page of the account's ledger, newest first, by keyset: {@link HistoryQuery#cursor()} (a
     * {@link HistoryPage#nextCursor()} this store issued) marks the last entry of the previous page.
     *
     * @param query the account, the page size and the cursor
     * @return the page; empty when the account does not exist
     * @throws IllegalArgumentException if the cursor was not issued by this store
     */
    HistoryPage history(HistoryQuery query);

    /**
     * Reads the account's newest ledger entries.
     *
     * @param accountId the account
     * @param limit how many entries at most
     * @return the entries, newest first; empty when the account does not exist
     */
    default List<LedgerEntry> history(String accountId, int limit) {
        return history(HistoryQuery.newest(accountId, limit)).entries();
    }

    /**
     * Describes this store for logs and {@link DebugContext}: its kind and where its data lives. Must never include
     * credentials or a connection URL.
     *
     * @return a short, log-safe description such as {@code in-memory} or {@code postgresql schema=app}
     */
    String describe();
}
