package dev.creditgate.cli;

import java.util.OptionalLong;

/**
 * The incident app's tables: {@code user_credits(user_id, credits)} and {@code credit_transactions}, reached one
 * statement at a time, each on its own, as the app did.
 */
interface NaiveTable {

    /** Creates a user with credits, and a transaction row for them. */
    void open(String userId, long credits);

    /** {@code SELECT credits FROM user_credits WHERE user_id = ?}: empty when no row is visible. */
    OptionalLong read(String userId);

    /**
     * {@code UPDATE user_credits SET credits = ? WHERE user_id = ?}.
     *
     * @param requestId the request being served: the table ignores it; the demo's referee counts debits by it
     */
    void write(String userId, long credits, String requestId);

    /** {@code INSERT INTO credit_transactions}: a separate statement after the balance was written. */
    void record(String userId, long amount, String reference);

    /** The sum of a user's transaction rows. */
    long transactionsSum(String userId);
}
