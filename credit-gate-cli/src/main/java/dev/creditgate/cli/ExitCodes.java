package dev.creditgate.cli;

import dev.creditgate.AmbiguousStoreException;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.CreditGateException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.TransientStoreException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** The exit codes, and the one place that maps a failure to its code. */
final class ExitCodes {

    static final int OK = 0;
    static final int REJECTED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    static final int MISCONFIGURED = 4;
    static final int OUTCOME_UNKNOWN = 5;
    static final int INTERNAL = 70;

    private ExitCodes() {
    }

    /** Serves as the {@link CommandLine.IExitCodeExceptionMapper}. */
    static int of(Throwable failure) {
        if (failure instanceof CommandLine.ParameterException || failure instanceof IllegalArgumentException) {
            // The gate validates every argument before any I/O: nothing was written.
            return USAGE;
        }
        if (failure instanceof CreditStoreUnavailableException || failure instanceof TransientStoreException) {
            return UNAVAILABLE;
        }
        if (failure instanceof CreditStoreMisconfiguredException) {
            return MISCONFIGURED;
        }
        if (failure instanceof ChargeOutcomeUnknownException || failure instanceof AmbiguousStoreException) {
            return OUTCOME_UNKNOWN;
        }
        if (failure instanceof CreditGateException || failure instanceof Rejected
                || failure instanceof ArithmeticException) {
            return REJECTED;
        }
        return INTERNAL;
    }

    /** What each code means, for every command's help. */
    static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(OK + "", "done");
        codes.put(REJECTED + "", "rejected: insufficient credits, not found, or a conflict");
        codes.put(USAGE + "", "bad usage: nothing was written");
        codes.put(UNAVAILABLE + "", "store unavailable: nothing was applied; try again");
        codes.put(MISCONFIGURED + "", "store misconfigured: a missing table or privilege, row-level security");
        codes.put(OUTCOME_UNKNOWN + "", "outcome unknown: re-submit with the same --key (or id) to settle it");
        codes.put(INTERNAL + "", "internal error: a bug; --verbose shows the stack trace");
        return codes;
    }

    /** A business rejection the command found itself, such as an account that does not exist. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }
}
