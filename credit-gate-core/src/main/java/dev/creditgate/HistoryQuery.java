package dev.creditgate;

import java.util.Objects;
import java.util.Optional;

/**
 * An immutable request for one page of an account's ledger, newest entries first.
 *
 * <pre>{@code
 * HistoryPage page = gate.history(HistoryQuery.newest("user-1", 100));
 * while (page.nextCursor().isPresent()) {
 *     page = gate.history(HistoryQuery.newest("user-1", 100).after(page.nextCursor().get()));
 * }
 * }</pre>
 *
 * <p>Paging is by keyset: a cursor marks the last entry of a page, and the next page holds the entries older than
 * it. Entries written while a caller pages are newer than every cursor already handed out, so they never shift a
 * later page: nothing is skipped and nothing is read twice.
 */
public final class HistoryQuery {

    /** The most entries one page may hold. */
    public static final int MAX_LIMIT = Arguments.MAX_HISTORY_LIMIT;

    private final String accountId;
    private final int limit;
    private final String cursor;

    private HistoryQuery(String accountId, int limit, String cursor) {
        this.accountId = Arguments.requireText("accountId", accountId);
        this.limit = Arguments.requireHistoryLimit(limit);
        this.cursor = cursor;
    }

    /**
     * Asks for the newest entries of an account.
     *
     * @param accountId the account: non-blank, at most 128 characters
     * @param limit how many entries at most, 1 to {@value #MAX_LIMIT}
     * @return the query
     * @throws IllegalArgumentException if an argument breaks its rule
     */
    public static HistoryQuery newest(String accountId, int limit) {
        return new HistoryQuery(accountId, limit, null);
    }

    /**
     * Returns a copy of this query that asks for the entries older than a cursor.
     *
     * @param nextCursor a {@link HistoryPage#nextCursor()} of an earlier page of the same account, from the same store
     * @return a new query; this one is unchanged
     * @throws IllegalArgumentException if the cursor is blank or longer than 128 characters; a store also rejects a
     *     cursor it did not issue
     */
    public HistoryQuery after(String nextCursor) {
        return new HistoryQuery(accountId, limit, Arguments.requireText("cursor", nextCursor));
    }

    /**
     * Returns the account whose ledger is read.
     *
     * @return the account id
     */
    public String accountId() {
        return accountId;
    }

    /**
     * Returns how many entries a page holds at most.
     *
     * @return 1 to {@value #MAX_LIMIT}
     */
    public int limit() {
        return limit;
    }

    /**
     * Returns the cursor after which the page starts.
     *
     * @return the cursor, or empty for the newest entries
     */
    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HistoryQuery that
                && limit == that.limit
                && accountId.equals(that.accountId)
                && Objects.equals(cursor, that.cursor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, limit, cursor);
    }

    @Override
    public String toString() {
        return "HistoryQuery[accountId=" + accountId + ", limit=" + limit + ", after=" + cursor().orElse("(newest)")
                + "]";
    }
}
