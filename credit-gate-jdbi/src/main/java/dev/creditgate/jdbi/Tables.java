package dev.creditgate.jdbi;

import java.util.Optional;

/** Where the store's data lives: names already validated by {@link Identifiers}. */
record Tables(
        Optional<String> schema,
        String accountsTable,
        String idColumn,
        String balanceColumn,
        AccountIdType idType,
        boolean ownsAccountsTable,
        String ledgerTable,
        String holdsTable) {
}
