package dev.creditgate.jdbi;

import dev.creditgate.AccountNotFound;
import dev.creditgate.Charged;
import dev.creditgate.DebugContext;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCredits;
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
import org.jdbi.v3.core.Handle;

/**
 * Reserve, capture and release on PostgreSQL: each one call of its function (see
 * {@code V1_6__credit_gate_functions.sql}), which locks first (the account row for a reservation; the hold row and
 * then the account row for a capture or release) and reads after, and answers with an outcome code that is turned
 * into the result or exception here.
 */
final class HoldOperations {

    private final PostgresSql sql;
    private final String description;

    HoldOperations(PostgresSql sql, String description) {
        this.sql = sql;
        this.description = description;
    }

    ReserveResult reserve(Handle handle, String accountId, long amount, String action, Duration ttl, String key) {
        return handle.createQuery(sql.reserveCall())
                .bind("account", accountId)
                .bind("amount", amount)
                .bind("action", action)
                .bind("key", key)
                .bind("ttlMillis", ttl.toMillis())
                .map((rs, ctx) -> reserved(rs, accountId, amount, action, key))
                .one();
    }

    private ReserveResult reserved(ResultSet rs, String accountId, long amount, String action, String key)
            throws SQLException {
        String outcome = rs.getString("o_outcome");
        switch (outcome) {
            case "RESERVED":
                return new Reserved(ScopedId.of(rs.getLong("o_hold"), accountId), accountId, action, amount,
                        instant(rs, "o_expires_at"), rs.getLong("o_available"), key, ReservationState.HELD, false);
            case "HOLD_EXISTS":
                long heldAmount = rs.getLong("o_amount");
                String heldAction = rs.getString("o_action");
                if (heldAmount != amount || !heldAction.equals(action)) {
                    throw new IdempotencyConflictException(accountId, key,
                            "a reservation of " + heldAmount + " for '" + heldAction + "'",
                            "a reservation of " + amount + " for '" + action + "'");
                }
                return new Reserved(ScopedId.of(rs.getLong("o_hold"), accountId), accountId, action, amount,
                        instant(rs, "o_expires_at"), rs.getLong("o_available"), key,
                        ReservationState.valueOf(rs.getString("o_state").toUpperCase(Locale.ROOT)), true);
            case "KEY_USED":
                throw JdbiBalanceStore.conflict(accountId, key, rs.getString("o_kind"), rs.getLong("o_amount"),
                        rs.getString("o_reference"), "a reservation of " + amount + " for '" + action + "'");
            case "INSUFFICIENT":
                return new InsufficientCredits(accountId, action, amount, rs.getLong("o_available"),
                        DebugContext.observed(key, description, Optional.of(instant(rs, "o_observed_at"))));
            case "NOT_FOUND":
                return new AccountNotFound(accountId, action, DebugContext.observed(key, description, Optional.empty()));
            case "HIDDEN_FROM_UPDATE":
                throw JdbiBalanceStore.hiddenFromUpdate("reserve", accountId);
            default:
                throw JdbiBalanceStore.unexpected("reserve", accountId, outcome);
        }
    }

    Charged capture(Handle handle, ScopedId reservation, long amount) {
        String accountId = reservation.accountId();
        String reservationId = reservation.text();
        return handle.createQuery(sql.captureCall())
                .bind("account", accountId)
                .bind("hold", reservation.number())
                .bind("amount", amount)
                .map((rs, ctx) -> {
                    String outcome = rs.getString("o_outcome");
                    switch (outcome) {
                        case "CAPTURED":
                        case "REPLAYED":
                            long captured = rs.getLong("o_amount");
                            if (captured != amount) {
                                throw new ReservationStateException(reservationId, ReservationState.CAPTURED,
                                        "capture " + amount + " after capturing " + captured);
                            }
                            return new Charged(ScopedId.of(rs.getLong("o_entry"), accountId), accountId,
                                    rs.getString("o_action"), amount, rs.getLong("o_balance"), rs.getString("o_key"),
                                    outcome.equals("REPLAYED"));
                        case "RELEASED":
                            throw new ReservationStateException(reservationId, ReservationState.RELEASED,
                                    "capture " + amount);
                        case "TOO_MUCH":
                            throw new IllegalArgumentException("amount must be at most the " + rs.getLong("o_amount")
                                    + " credits held by reservation '" + reservationId + "', got " + amount);
                        case "EXPIRED":
                            throw new ReservationStateException(reservationId, ReservationState.EXPIRED, "capture "
                                    + amount + ": it holds nothing any more and only " + rs.getLong("o_available")
                                    + " credits are available");
                        case "KEY_USED":
                            throw JdbiBalanceStore.conflict(accountId, rs.getString("o_key"), rs.getString("o_kind"),
                                    rs.getLong("o_amount"), rs.getString("o_reference"),
                                    "the capture of reservation '" + reservationId + "'");
                        case "NOT_FOUND":
                            throw new ReservationNotFoundException(reservationId);
                        case "HIDDEN_FROM_UPDATE":
                            throw JdbiBalanceStore.hiddenFromUpdate("capture", accountId);
                        default:
                            throw JdbiBalanceStore.unexpected("capture", accountId, outcome);
                    }
                })
                .one();
    }

    Released release(Handle handle, ScopedId reservation) {
        String accountId = reservation.accountId();
        String reservationId = reservation.text();
        return handle.createQuery(sql.releaseCall())
                .bind("account", accountId)
                .bind("hold", reservation.number())
                .map((rs, ctx) -> {
                    String outcome = rs.getString("o_outcome");
                    switch (outcome) {
                        case "RELEASED":
                        case "REPLAYED":
                            return new Released(reservationId, accountId, rs.getLong("o_amount"),
                                    rs.getLong("o_freed"), outcome.equals("REPLAYED"));
                        case "CAPTURED":
                            throw new ReservationStateException(reservationId, ReservationState.CAPTURED, "release");
                        case "NOT_FOUND":
                            throw new ReservationNotFoundException(reservationId);
                        case "HIDDEN_FROM_UPDATE":
                            throw JdbiBalanceStore.hiddenFromUpdate("release", accountId);
                        default:
                            throw JdbiBalanceStore.unexpected("release", accountId, outcome);
                    }
                })
                .one();
    }

    long purge(Handle handle, Duration retention, int batch) {
        return handle.createUpdate(sql.purgeHolds())
                .bind("retentionMillis", retention.toMillis())
                .bind("batch", batch)
                .execute();
    }

    /**
     * Purges a table distributed by Citus in one transaction. A purge concerns every account, so it is the one
     * statement that fans out to every shard, allowed even where multi-shard statements are made errors.
     */
    long purgeDistributed(Handle handle, Duration retention) {
        return handle.inTransaction(tx -> {
            tx.execute("SET LOCAL citus.multi_task_query_log_level = 'off'");
            OffsetDateTime cutoff = tx.createQuery(
                            "SELECT clock_timestamp() - CAST(:retentionMillis AS bigint) * interval '1 millisecond'")
                    .bind("retentionMillis", retention.toMillis())
                    .mapTo(OffsetDateTime.class).one();
            return (long) tx.createUpdate(sql.purgeDistributedHolds()).bind("cutoff", cutoff).execute();
        });
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
