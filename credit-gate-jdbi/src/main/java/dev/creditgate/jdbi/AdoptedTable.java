package dev.creditgate.jdbi;

import dev.creditgate.CreditStoreMisconfiguredException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** Checks that an existing balance table can be adopted as it is; never alters it. */
final class AdoptedTable {

    private static final Set<String> BALANCE_TYPES = Set.of("bigint", "integer");

    private AdoptedTable() {
    }

    static void verify(Handle handle, Tables tables) {
        String table = tables.accountsTable();
        Map<String, String> types = handle.createQuery("""
                        SELECT column_name, data_type FROM information_schema.columns
                        WHERE table_schema = COALESCE(CAST(:schema AS text), current_schema())
                          AND table_name = :table AND column_name IN (:id, :balance)
                        """)
                .bind("schema", tables.schema().orElse(null))
                .bind("table", table)
                .bind("id", tables.idColumn())
                .bind("balance", tables.balanceColumn())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (types.isEmpty()) {
            throw misconfigured("table '" + table + "' does not exist or has neither column '" + tables.idColumn()
                    + "' nor '" + tables.balanceColumn() + "'");
        }
        String idType = types.get(tables.idColumn());
        if (idType == null || !tables.idType().accepts(idType)) {
            throw misconfigured("column '" + table + "." + tables.idColumn() + "' is "
                    + (idType == null ? "missing" : "of type " + idType) + ", expected " + tables.idType());
        }
        String balanceType = types.get(tables.balanceColumn());
        if (balanceType == null || !BALANCE_TYPES.contains(balanceType)) {
            throw misconfigured("column '" + table + "." + tables.balanceColumn() + "' is "
                    + (balanceType == null ? "missing" : "of type " + balanceType) + ", expected bigint or integer");
        }
        boolean unique = handle.createQuery("""
                        SELECT EXISTS (
                            SELECT 1 FROM pg_index i
                            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                            WHERE i.indrelid = to_regclass(:qualified) AND i.indisunique AND i.indnkeyatts = 1
                              AND i.indpred IS NULL AND a.attname = :id)
                        """)
                .bind("qualified", tables.schema().map(s -> Identifiers.quote(s) + ".").orElse("")
                        + Identifiers.quote(table))
                .bind("id", tables.idColumn())
                .mapTo(Boolean.class)
                .one();
        if (!unique) {
            throw misconfigured("column '" + table + "." + tables.idColumn() + "' has no primary key or unique "
                    + "constraint, so an account could have several balance rows; add one first");
        }
    }

    /**
     * Tells why an account id cannot be stored in the adopted table's id column (too long for a varchar, too large for
     * an integer), after an insert failed: that is the caller's bad input, not a broken store.
     */
    static Optional<String> idProblem(Handle handle, Tables tables, String accountId) {
        String column = tables.accountsTable() + "." + tables.idColumn();
        return handle.createQuery("""
                        SELECT data_type, character_maximum_length FROM information_schema.columns
                        WHERE table_schema = COALESCE(CAST(:schema AS text), current_schema())
                          AND table_name = :table AND column_name = :id
                        """)
                .bind("schema", tables.schema().orElse(null))
                .bind("table", tables.accountsTable())
                .bind("id", tables.idColumn())
                .map((rs, ctx) -> {
                    int maxLength = rs.getInt("character_maximum_length");
                    boolean unbounded = rs.wasNull();
                    int length = accountId.codePointCount(0, accountId.length());
                    if (!unbounded && length > maxLength) {
                        return Optional.of("accountId must fit column " + column + ", which holds at most " + maxLength
                                + " characters, got " + length);
                    }
                    if ("integer".equals(rs.getString("data_type")) && !fitsInteger(accountId)) {
                        return Optional.of("accountId must fit column " + column + " of type integer, got "
                                + accountId);
                    }
                    return Optional.<String>empty();
                })
                .findOne()
                .flatMap(problem -> problem);
    }

    private static boolean fitsInteger(String accountId) {
        try {
            Integer.parseInt(accountId);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    private static CreditStoreMisconfiguredException misconfigured(String problem) {
        return new CreditStoreMisconfiguredException("cannot adopt the balance table: " + problem, null);
    }
}
