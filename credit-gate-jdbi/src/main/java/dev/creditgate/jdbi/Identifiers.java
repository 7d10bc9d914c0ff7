package dev.creditgate.jdbi;

import java.util.regex.Pattern;

/** Validates and quotes the SQL identifiers users configure; nothing else ever reaches SQL text. */
final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Identifiers() {
    }

    static String requireValid(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern()
                    + " (a letter or underscore, then letters, digits or underscores, at most 63), got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    /** Quotes a name that {@link #requireValid} accepted; the pattern admits no quote to escape. */
    static String quote(String name) {
        return '"' + name + '"';
    }
}
