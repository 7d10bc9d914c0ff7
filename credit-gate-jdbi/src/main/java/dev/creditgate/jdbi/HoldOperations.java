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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

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

    /** The credits held by an account's active holds, and whether one of them has a given key. */
    record Held(long amount, boolean keyHeld) {
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

    Held held(Handle tx, String accountId, String key) {
        return tx.createQuery(sql.held())
                .bind("account", accountId)
                .bind("key", key)
                .map((rs, ctx) -> new Held(rs.getLong("held"), rs.getBoolean("key_held")))
                .one();
    }

    static CreditStoreMisconfiguredException hiddenFromUpdate(String operation, String accountId) {
        return new CreditStoreMisconfiguredException(operation + ": account '" + accountId + "' is visible to "
                + "SELECT but cannot be locked for UPDATE by this database role; a row-level security policy allows "
                + "reading the row but not updating it", null);
    }

    ReserveResult reserve(Handle tx, String accountId, long amount, String action, Duration ttl, String key,
            LedgerReader ledger) {
        Locked seen = lockAccount(tx, accountId);
        if (seen.locked().isEmpty()) {
            if (seen.visible().isPresent()) {
                throw hiddenFromUpdate("reserve", accountId);
            }
            return new AccountNotFound(accountId, action, DebugContext.observed(key, description, Optional.empty()));
        }
        Optional<Hold> earlier = holdByKey(tx, accountId, key);
        boolean superseding = earlier.isPresent() && earlier.get().state() == ReservationState.HELD
                && earlier.get().expired();
        if (earlier.isPresent() && !superseding) {
            return replayReservation(earlier.get(), amount, action);
        }
        Optional<LedgerEntry> taken = ledger.entryByKey(tx, accountId, key);
        if (taken.isPresent()) {
            throw JdbiBalanceStore.conflict(taken.get(), "a reservation of " + amount + " for '" + action + "'");
        }
        long available = seen.locked().getAsLong() - held(tx, accountId, key).amount();
        if (available < amount) {
            return new InsufficientCredits(accountId, action, amount, available,
                    DebugContext.observed(key, description, Optional.of(seen.observedAt())));
        }
        if (superseding) {
            // The key holds again: the expired reservation must never be captured after the new one.
            settle(tx, earlier.get(), ReservationState.RELEASED, null);
        }
        Reserved reserved = tx.createQuery(sql.insertHold())
                .bind("account", accountId)
                .bind("action", action)
                .bind("amount", amount)
                .bind("availableAfter", available - amount)
                .bind("key", key)
                .bind("ttlMillis", ttl.toMillis())
                .map((rs, ctx) -> new Reserved(ScopedId.of(rs.getLong("id"), accountId), accountId, action, amount,
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(), available - amount, key,
                        ReservationState.HELD, false))
                .one();
        tx.createUpdate(sql.refreshHoldsUntil()).bind("account", accountId).execute();
        return reserved;
    }

    /** Replays the key's reservation that is held and not expired, or was captured. */
    Reserved replayReservation(Hold earlier, long amount, String action) {
        if (earlier.amount() != amount || !earlier.action().equals(action)) {
            throw new IdempotencyConflictException(earlier.accountId(), earlier.key(),
                    "a reservation of " + earlier.amount() + " for '" + earlier.action() + "'",
                    "a reservation of " + amount + " for '" + action + "'");
        }
        return new Reserved(earlier.scopedId(), earlier.accountId(), earlier.action(), earlier.amount(),
                earlier.expiresAt(), earlier.availableAfter(), earlier.key(), earlier.state(), true);
    }

    Optional<Hold> holdByKey(Handle handle, String accountId, String key) {
        return handle.createQuery(sql.holdByKey())
                .bind("account", accountId)
                .bind("key", key)
                .map(HoldOperations::hold)
                .findOne();
    }

    Charged capture(Handle tx, ScopedId reservation, long amount, LedgerReader ledger) {
        Hold hold = lockHold(tx, reservation);
        String reservationId = reservation.text();
        if (hold.state() == ReservationState.CAPTURED) {
            LedgerEntry entry = ledger.entry(tx, hold.accountId(), hold.captureEntry());
            if (-entry.amount() != amount) {
                throw new ReservationStateException(reservationId, hold.state(),
                        "capture " + amount + " after capturing " + -entry.amount());
            }
            return new Charged(entry.transactionId(), entry.accountId(), entry.reference(), amount,
                    entry.balanceAfter(), entry.idempotencyKey(), true);
        }
        if (hold.state() == ReservationState.RELEASED) {
            throw new ReservationStateException(reservationId, hold.state(), "capture " + amount);
        }
        if (amount > hold.amount()) {
            throw new IllegalArgumentException("amount must be at most the " + hold.amount()
                    + " credits held by reservation '" + reservationId + "', got " + amount);
        }
        Locked seen = lockAccount(tx, hold.accountId());
        if (seen.locked().isEmpty()) {
            throw new CreditStoreMisconfiguredException("reservation " + reservationId + ": its account cannot be "
                    + "locked for UPDATE by this database role (row-level security?)", null);
        }
        // Read again under the account lock, so that the expiry is judged at the moment the debit becomes possible.
        hold = holdById(tx, reservation);
        if (hold.expired()) {
            // A late capture holds nothing any more: it is a conditional debit, like a charge.
            long available = seen.locked().getAsLong() - held(tx, hold.accountId(), hold.key()).amount();
            if (available < amount) {
                throw new ReservationStateException(reservationId, ReservationState.EXPIRED, "capture " + amount
                        + ": it holds nothing any more and only " + available + " credits are available");
            }
        }
        Optional<LedgerEntry> sameKey = ledger.entryByKey(tx, hold.accountId(), hold.key());
        if (sameKey.isPresent()) {
            throw JdbiBalanceStore.conflict(sameKey.get(), "the capture of reservation '" + reservationId + "'");
        }
        Charged charged = JdbiBalanceStore.debit(tx, sql.chargeLocked(), hold.accountId(), amount, hold.action(),
                        hold.key())
                .orElseThrow(() -> new CreditStoreMisconfiguredException("capture: the account of reservation '"
                        + reservationId + "' could not be debited by this database role (row-level security?)",
                        null));
        settle(tx, hold, ReservationState.CAPTURED, ScopedId.parse(charged.transactionId()).orElseThrow().number());
        return charged;
    }

    Released release(Handle tx, ScopedId reservation) {
        Hold hold = lockHold(tx, reservation);
        String reservationId = reservation.text();
        switch (hold.state()) {
            case RELEASED:
                return new Released(reservationId, hold.accountId(), hold.amount(),
                        hold.settledAfterExpiry() ? 0 : hold.amount(), true);
            case CAPTURED:
                throw new ReservationStateException(reservationId, hold.state(), "release");
            default:
                lockAccount(tx, hold.accountId());
                hold = holdById(tx, reservation);
                settle(tx, hold, ReservationState.RELEASED, null);
                return new Released(reservationId, hold.accountId(), hold.amount(),
                        hold.expired() ? 0 : hold.amount(), false);
        }
    }

    /** Settles a hold under its account's lock and keeps the account's holds_until truthful. */
    private void settle(Handle tx, Hold hold, ReservationState state, Long captureEntry) {
        var update = tx.createUpdate(sql.settleHold())
                .bind("state", state.name())
                .bind("account", hold.accountId())
                .bind("id", hold.id());
        if (captureEntry == null) {
            update.bindNull("entry", java.sql.Types.BIGINT);
        } else {
            update.bind("entry", captureEntry.longValue());
        }
        update.execute();
        tx.createUpdate(sql.refreshHoldsUntil()).bind("account", hold.accountId()).execute();
    }

    long purge(Handle handle, Duration retention, int batch) {
        return handle.createUpdate(sql.purgeHolds())
                .bind("retentionMillis", retention.toMillis())
                .bind("batch", batch)
                .execute();
    }

    private Hold holdById(Handle tx, ScopedId reservation) {
        return findHold(tx, sql.holdById(), reservation).orElseThrow();
    }

    private Hold lockHold(Handle tx, ScopedId reservation) {
        return findHold(tx, sql.lockHold(), reservation)
                .orElseThrow(() -> new ReservationNotFoundException(reservation.text()));
    }

    private static Optional<Hold> findHold(Handle tx, String statement, ScopedId reservation) {
        return tx.createQuery(statement)
                .bind("account", reservation.accountId())
                .bind("id", reservation.number())
                .map(HoldOperations::hold)
                .findOne();
    }

    private static Hold hold(ResultSet rs, StatementContext ctx) throws SQLException {
        long entry = rs.getLong("capture_entry");
        boolean notCaptured = rs.wasNull();
        return new Hold(
                rs.getLong("id"),
                rs.getString("account_id"),
                rs.getString("action"),
                rs.getLong("amount"),
                rs.getLong("available_after"),
                rs.getString("idempotency_key"),
                ReservationState.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                notCaptured ? 0 : entry,
                rs.getBoolean("expired"),
                rs.getBoolean("settled_after_expiry"));
    }

    /** One row of the holds table. */
    record Hold(long id, String accountId, String action, long amount, long availableAfter, String key,
            ReservationState state, Instant expiresAt, long captureEntry, boolean expired,
            boolean settledAfterExpiry) {

        String scopedId() {
            return ScopedId.of(id, accountId);
        }
    }

    /** The store's ledger reads, shared with charges. */
    interface LedgerReader {
        LedgerEntry entry(Handle handle, String accountId, long id);

        Optional<LedgerEntry> entryByKey(Handle handle, String accountId, String key);
    }
}
