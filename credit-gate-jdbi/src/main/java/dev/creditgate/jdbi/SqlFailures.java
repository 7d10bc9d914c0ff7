package dev.creditgate.jdbi;

import dev.creditgate.AmbiguousStoreException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.TransientStoreException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Classifies database failures by SQLSTATE, found anywhere in the cause chain, into what the gate must do with
 * them. The driver's exception is always kept as the cause.
 */
final class SqlFailures {

    /** Certainly not applied, and worth another attempt. */
    private static final Set<String> TRANSIENT = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available
            "57014", // query_canceled (statement_timeout): the statement was rolled back
            "53000", "53100", "53200", "53300", "53400", // insufficient resources, too many connections
            "57P03", // cannot_connect_now (starting up, shutting down)
            "25006", // read_only_sql_transaction: connected to a standby during failover
            "25P03", // idle_in_transaction_session_timeout: the transaction was rolled back
            "57P05", // idle_session_timeout: the session ended between statements
            "58000", "58030", // system_error, io_error: the statement failed
            "XX000", // internal_error: the statement failed
            "08001", // unable to connect
            "08004"); // server rejected the connection

    /** The connection broke while a statement or its commit may have been in flight. */
    private static final Set<String> AMBIGUOUS = Set.of(
            "08000", // connection_exception
            "08003", // connection_does_not_exist
            "08006", // connection_failure
            "08007", // transaction_resolution_unknown
            "08P01", // protocol_violation
            "57P01", // admin_shutdown (pg_terminate_backend)
            "57P02", // crash_shutdown
            "40003"); // statement_completion_unknown

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    private static final String STRING_DATA_RIGHT_TRUNCATION = "22001";

    private SqlFailures() {
    }

    static Optional<String> sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    static boolean isUniqueViolation(Throwable failure) {
        return sqlState(failure).filter(UNIQUE_VIOLATION::equals).isPresent();
    }

    /** The store's functions raise CG001 when they are asked to decide under a lock outside READ COMMITTED. */
    static boolean needsReadCommitted(Throwable failure) {
        return sqlState(failure).filter("CG001"::equals).isPresent();
    }

    static boolean isTooLong(Throwable failure) {
        return sqlState(failure).filter(STRING_DATA_RIGHT_TRUNCATION::equals).isPresent();
    }

    static boolean isOutOfRange(Throwable failure) {
        return sqlState(failure).filter(NUMERIC_VALUE_OUT_OF_RANGE::equals).isPresent();
    }

    /**
     * Translates a failure of {@code operation} into the exception the gate acts on.
     *
     * @param connecting whether the failure happened while getting a connection, before anything was sent
     */
    static RuntimeException translate(String operation, RuntimeException failure, boolean connecting) {
        Optional<String> state = sqlState(failure);
        if (state.isEmpty()) {
            if (connecting) {
                return new TransientStoreException(operation + ": could not get a connection: " + failure, failure);
            }
            if (hasSqlException(failure)) {
                // A JDBC failure without a SQLSTATE (a pool's "Connection is closed", say) may have cut a statement or
                // a commit short: retrying with the same key is safe, declaring it not applied would not be.
                return new AmbiguousStoreException(operation + " failed: " + firstLine(failure), failure);
            }
            return failure;
        }
        String sqlState = state.get();
        String what = operation + " failed with SQLSTATE " + sqlState + ": " + firstLine(failure);
        if (sqlState.startsWith("28") || sqlState.equals("3D000")) {
            return new CreditStoreMisconfiguredException(what + " (check the database, user and password)", failure);
        }
        if (TRANSIENT.contains(sqlState) || (connecting && (sqlState.startsWith("08") || AMBIGUOUS.contains(sqlState)))) {
            return new TransientStoreException(what, failure);
        }
        if (AMBIGUOUS.contains(sqlState) || sqlState.startsWith("08")) {
            return new AmbiguousStoreException(what, failure);
        }
        if (sqlState.equals(NUMERIC_VALUE_OUT_OF_RANGE)) {
            ArithmeticException overflow = new ArithmeticException(operation + ": balance would pass its column's range");
            overflow.initCause(failure);
            return overflow;
        }
        return new CreditStoreMisconfiguredException(what + hint(sqlState), failure);
    }

    private static boolean hasSqlException(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static String hint(String sqlState) {
        return switch (sqlState) {
            case "42P01" -> " (a table is missing: run JdbiBalanceStore.migrate() or the migration scripts)";
            case "42703" -> " (a column is missing: check the adopted table's column names)";
            case "42883" -> " (a function is missing: run JdbiBalanceStore.migrate() or the migration scripts)";
            case "42501" -> " (the database role lacks a privilege, or a row-level security policy forbids the change)";
            case "3F000" -> " (the schema does not exist: run JdbiBalanceStore.migrate())";
            case "23502" -> " (a NOT NULL column without a default blocks creating an account in the adopted table)";
            default -> "";
        };
    }

    private static String firstLine(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String message = String.valueOf(sql.getMessage());
                int newline = message.indexOf('\n');
                return newline < 0 ? message : message.substring(0, newline);
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
