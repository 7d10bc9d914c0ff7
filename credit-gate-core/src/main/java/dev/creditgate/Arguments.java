package dev.creditgate;

/** Validates input at the edge, once, before any I/O; every message names the value and the rule. */
final class Arguments {

    static final int MAX_TEXT_LENGTH = 128;
    static final int MAX_HISTORY_LIMIT = 1_000;

    private Arguments() {
    }

    /**
     * Accepts text of 1 to {@value #MAX_TEXT_LENGTH} code points with at least one visible character, and no control
     * character or lone surrogate. One pass, no allocation: this runs on every call.
     */
    static String requireText(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        boolean visible = false;
        int codePoints = 0;
        for (int i = 0; i < value.length(); i++, codePoints++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                // NUL cannot be stored in PostgreSQL text, and every control character changes what a log line or a
                // terminal shows; an id never needs one.
                throw new IllegalArgumentException(name + " must not contain control characters, found U+"
                        + String.format("%04X", (int) c) + " at index " + i + " of " + escaped(value));
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                // Not Unicode: it would be changed on the way to a store, and an id must be stored exactly as given.
                throw new IllegalArgumentException(name + " must be valid Unicode, found a lone surrogate at index " + i);
            }
            visible |= isVisible(codePoint);
        }
        if (!visible) {
            throw new IllegalArgumentException(name + " must not be blank: it needs a visible character, got "
                    + escaped(value));
        }
        if (codePoints > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(
                    name + " must be at most " + MAX_TEXT_LENGTH + " characters, got " + codePoints);
        }
        return value;
    }

    /**
     * Whether a character shows: not white space, not a space separator such as U+00A0, not a format character such
     * as U+200B or U+FEFF. An id made only of those looks empty in every log and every screen.
     */
    private static boolean isVisible(int codePoint) {
        return !Character.isWhitespace(codePoint) && !Character.isSpaceChar(codePoint)
                && Character.getType(codePoint) != Character.FORMAT;
    }

    /** The value, quoted, with every character outside printable ASCII escaped (backslash, u, four hex digits). */
    static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.append('\'').toString();
    }

    static long requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }

    static int requireHistoryLimit(int limit) {
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw new IllegalArgumentException(
                    "limit must be between 1 and " + MAX_HISTORY_LIMIT + ", got " + limit);
        }
        return limit;
    }
}
