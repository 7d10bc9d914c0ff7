package dev.creditgate.jdbi;

import java.util.Set;
import java.util.UUID;

/**
 * The SQL type of the account id column of an adopted balance table. credit-gate's own table uses {@link #TEXT}.
 *
 * <p>Account ids cross the API as strings. For {@link #UUID} and {@link #BIGINT} columns an id must be the type's
 * canonical text (lowercase hyphenated UUID; a decimal long without leading zeros or plus sign), so that one account
 * always has one spelling in the ledger. A charge of an id that is not in that form finds no account; a grant of one
 * is an {@link IllegalArgumentException}.
 */
public enum AccountIdType {

    /** {@code text}, {@code varchar} or {@code char varying}. */
    TEXT(Set.of("text", "character varying")),

    /** {@code uuid}. */
    UUID(Set.of("uuid")),

    /** {@code bigint}; {@code integer} columns are accepted too. */
    BIGINT(Set.of("bigint", "integer"));

    private final Set<String> sqlTypes;

    AccountIdType(Set<String> sqlTypes) {
        this.sqlTypes = sqlTypes;
    }

    /** The SQL expression that turns a text parameter into the column's type. */
    String cast(String parameter) {
        return switch (this) {
            case TEXT -> parameter;
            case UUID -> "CAST(" + parameter + " AS uuid)";
            case BIGINT -> "CAST(" + parameter + " AS bigint)";
        };
    }

    /** Whether the column type named by information_schema fits this id type. */
    boolean accepts(String informationSchemaType) {
        return sqlTypes.contains(informationSchemaType);
    }

    /** Whether {@code accountId} is the canonical text of a value of this type. */
    boolean isCanonical(String accountId) {
        try {
            return switch (this) {
                case TEXT -> true;
                case UUID -> java.util.UUID.fromString(accountId).toString().equals(accountId);
                case BIGINT -> Long.toString(Long.parseLong(accountId)).equals(accountId);
            };
        } catch (IllegalArgumentException notOfThisType) {
            return false;
        }
    }
}
