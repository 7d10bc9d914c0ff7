package dev.creditgate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of an account's ledger, newest entries first.
 *
 * @param entries the entries of this page, newest first; empty when the account does not exist or has no older
 *     entries
 * @param nextCursor present exactly when older entries exist: pass it to {@link HistoryQuery#after(String)} for the
 *     next page
 */
public record HistoryPage(List<LedgerEntry> entries, Optional<String> nextCursor) {

    /**
     * Validates the fields and copies the list.
     *
     * @param entries the entries of this page, newest first
     * @param nextCursor present exactly when older entries exist
     * @throws NullPointerException if a field or an entry is null
     */
    public HistoryPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }

    /**
     * Returns a page without entries or a next page.
     *
     * @return an empty, last page
     */
    public static HistoryPage empty() {
        return new HistoryPage(List.of(), Optional.empty());
    }

    /**
     * Tells whether older entries follow this page.
     *
     * @return {@code true} exactly when {@link #nextCursor()} is present
     */
    public boolean hasNext() {
        return nextCursor.isPresent();
    }
}
