package dev.creditgate.jdbi;

import dev.creditgate.AccountNotFound;
import dev.creditgate.Charged;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.DebugContext;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Released;
import dev.creditgate.ReservationNotFoundException;
import dev.creditgate.ReservationState;
import dev.creditgate.ReservationStateException;
import dev.creditgate.ReserveResult;
import dev.creditgate.Reserved;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/**
 * Reserve, capture and release on PostgreSQL. Each runs in one READ COMMITTED transaction that locks first (the
 * account row for a reservation, the hold row and then the account row for a capture or release) and reads the held
 * credits in a later statement, whose fresh snapshot sees every hold placed before the lock was granted.
 */
final class HoldOperations {

    private final PostgresSql sql;
    private final String description;

    HoldOperations(PostgresSql sql, String description) {
        this.sql = sql;
        this.description = description;
    }

    /** What a locked look at an account saw: its locked balance, and whether a plain read saw it at all. */
    record Locked(OptionalLong visible, OptionalLong locked, Instant observedAt) {
    }

    Locked lockAccount(Handle tx, String accountId) {
        return tx.createQuery(sql.lockAccount())
                .bind("account", accountId)
                .map((rs, ctx) -> {
                    long visible = rs.getLong("visible_balance");
                    boolean visibleNull = rs.wasNull();
                    long locked = rs.getLong("locked_balance");
                    boolean lockedNull = rs.wasNull();
                    return new Locked(visibleNull ? OptionalLong.empty() : OptionalLong.of(visible),
                            lockedNull ? OptionalLong.empty() : OptionalLong.of(locked),
                            rs.getObject("observed_at", OffsetDateTime.class).toInstant());
                })
                .one();
    }

    long held(Handle tx, String accountId) {
        return tx.createQuery(sql.held()).bind("account", accountId).mapTo(Long.class).one();
    }

    static CreditStoreMisconfiguredException hiddenFromUpdate(String operation, String accountId) {
        return new CreditStoreMisconfiguredException(operation + ": account '" + accountId + "' is visible to "
                + "SELECT but cannot be locked for UPDATE by this database role; a row-level security policy allows "
                + "reading the row but not updating it", null);
    }

    ReserveResult reserve(Handle tx, String accountId, long amount, String action, Duration ttl, String key) {
        Locked seen = lockAccount(tx, accountId);
        if (seen.locked().isEmpty()) {
            if (seen.visible().isPresent()) {
                throw hiddenFromUpdate("reserve", accountId);
            }
            return new AccountNotFound(accountId, action, DebugContext.observed(key, description, Optional.empty()));
        }
        Optional<Hold> earlier = holdByKey(tx, accountId, key);
        if (earlier.isPresent()) {
            return replayReservation(earlier.get(), amount, action);
        }
        long available = seen.locked().getAsLong() - held(tx, accountId);
        if (available < amount) {
            return new InsufficientCredits(accountId, action, amount, available,
                    DebugContext.observed(key, description, Optional.of(seen.observedAt())));
        }
        Reserved reserved = tx.createQuery(sql.insertHold())
                .bind("account", accountId)
                .bind("action", action)
                .bind("amount", amount)
                .bind("availableAfter", available - amount)
                .bind("key", key)
                .bind("ttlMillis", ttl.toMillis())
                .map((rs, ctx) -> new Reserved(Long.toString(rs.getLong("id")), accountId, action, amount,
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(), available - amount, key,
                        ReservationState.HELD, false))
                .one();
        tx.createUpdate(sql.refreshHoldsUntil()).bind("account", accountId).execute();
        return reserved;
    }

    Reserved replayReservation(Hold earlier, long amount, String action) {
        if (earlier.amount() != amount || !earlier.action().equals(action)) {
            throw new IdempotencyConflictException(earlier.accountId(), earlier.key(),
                    "a reservation of " + earlier.amount() + " for '" + earlier.action() + "'",
                    "a reservation of " + amount + " for '" + action + "'");
        }
        ReservationState now = earlier.state() == ReservationState.HELD && earlier.expired()
                ? ReservationState.EXPIRED : earlier.state();
        return new Reserved(Long.toString(earlier.id()), earlier.accountId(), earlier.action(), earlier.amount(),
                earlier.expiresAt(), earlier.availableAfter(), earlier.key(), now, true);
    }

    Optional<Hold> holdByKey(Handle handle, String accountId, String key) {
        return handle.createQuery(sql.holdByKey())
                .bind("account", accountId)
                .bind("key", key)
                .map(HoldOperations::hold)
                .findOne();
    }

    Charged capture(Handle tx, String reservationId, long amount, LedgerReader ledger) {
        Hold hold = lockHold(tx, reservationId);
        if (hold.state() == ReservationState.CAPTURED) {
            LedgerEntry entry = ledger.entry(tx, hold.captureEntry());
            if (-entry.amount() != amount) {
                throw new ReservationStateException(reservationId, hold.state(),
                        "capture " + amount + " after capturing " + -entry.amount());
            }
            return new Charged(entry.transactionId(), entry.accountId(), entry.reference(), amount,
                    entry.balanceAfter(), entry.idempotencyKey(), true);
        }
        requireHeld(hold, reservationId, "capture " + amount);
        hold = lockAccountOf(tx, hold);
        requireHeld(hold, reservationId, "capture " + amount);
        if (amount > hold.amount()) {
            throw new IllegalArgumentException("amount must be at most the " + hold.amount()
                    + " credits held by reservation '" + reservationId + "', got " + amount);
        }
        Optional<LedgerEntry> sameKey = ledger.entryByKey(tx, hold.accountId(), hold.key());
        if (sameKey.isPresent()) {
            throw new IdempotencyConflictException(hold.accountId(), hold.key(),
                    "a " + sameKey.get().kind().name().toLowerCase(java.util.Locale.ROOT) + " of "
                            + Math.abs(sameKey.get().amount()),
                    "the capture of reservation '" + reservationId + "'");
        }
        Charged charged = JdbiBalanceStore.debit(tx, sql.chargeLocked(), hold.accountId(), amount, hold.action(),
                        hold.key())
                .orElseThrow(() -> new CreditStoreMisconfiguredException("capture: the account of reservation '"
                        + reservationId + "' could not be debited by this database role (row-level security?)",
                        null));
        tx.createUpdate(sql.settleHold())
                .bind("state", "CAPTURED")
                .bind("entry", Long.parseLong(charged.transactionId()))
                .bind("id", hold.id())
                .execute();
        tx.createUpdate(sql.refreshHoldsUntil()).bind("account", hold.accountId()).execute();
        return charged;
    }

    Released release(Handle tx, String reservationId) {
        Hold hold = lockHold(tx, reservationId);
        Released released = new Released(reservationId, hold.accountId(), hold.amount(), false);
        switch (hold.state()) {
            case RELEASED:
                return released.asReplay();
            case CAPTURED:
                throw new ReservationStateException(reservationId, hold.state(), "release");
            default:
                lockAccountOf(tx, hold);
                tx.createUpdate(sql.settleHold())
                        .bind("state", "RELEASED")
                        .bindNull("entry", java.sql.Types.BIGINT)
                        .bind("id", hold.id())
                        .execute();
                tx.createUpdate(sql.refreshHoldsUntil()).bind("account", hold.accountId()).execute();
                return released;
        }
    }

    /**
     * Locks the hold's account row, after the hold row (the one lock order every path keeps), and reads the hold
     * again: the fresh snapshot sees every hold placed before the lock, so the holds_until refresh that follows is
     * truthful, and the expiry is judged at the moment the debit becomes possible.
     */
    private Hold lockAccountOf(Handle tx, Hold hold) {
        Locked seen = lockAccount(tx, hold.accountId());
        if (seen.locked().isEmpty()) {
            throw new CreditStoreMisconfiguredException("reservation " + hold.id() + ": its account cannot be locked "
                    + "for UPDATE by this database role (row-level security?)", null);
        }
        return tx.createQuery(sql.holdById()).bind("id", hold.id()).map(HoldOperations::hold).one();
    }

    private Hold lockHold(Handle tx, String reservationId) {
        long id = JdbiBalanceStore.parseId(reservationId).orElseThrow(
                () -> new ReservationNotFoundException(reservationId));
        return tx.createQuery(sql.lockHold())
                .bind("id", id)
                .map(HoldOperations::hold)
                .findOne()
                .orElseThrow(() -> new ReservationNotFoundException(reservationId));
    }

    private static void requireHeld(Hold hold, String reservationId, String attempted) {
        if (hold.state() != ReservationState.HELD) {
            throw new ReservationStateException(reservationId, hold.state(), attempted);
        }
        if (hold.expired()) {
            throw new ReservationStateException(reservationId, ReservationState.EXPIRED, attempted);
        }
    }

    private static Hold hold(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        long entry = rs.getLong("capture_entry");
        boolean notCaptured = rs.wasNull();
        return new Hold(
                rs.getLong("id"),
                rs.getString("account_id"),
                rs.getString("action"),
                rs.getLong("amount"),
                rs.getLong("available_after"),
                rs.getString("idempotency_key"),
                ReservationState.valueOf(rs.getString("state")),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                notCaptured ? 0 : entry,
                rs.getBoolean("expired"));
    }

    /** One row of the holds table. */
    record Hold(long id, String accountId, String action, long amount, long availableAfter, String key,
            ReservationState state, Instant expiresAt, long captureEntry, boolean expired) {
    }

    /** The store's ledger reads, shared with charges. */
    interface LedgerReader {
        LedgerEntry entry(Handle handle, long id);

        Optional<LedgerEntry> entryByKey(Handle handle, String accountId, String key);
    }
}
