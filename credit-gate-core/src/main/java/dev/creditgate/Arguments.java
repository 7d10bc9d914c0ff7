package dev.creditgate;

/** Validates input at the edge, once, before any I/O; every message names the value and the rule. */
final class Arguments {

    static final int MAX_TEXT_LENGTH = 128;
    static final int MAX_HISTORY_LIMIT = 1_000;

    private Arguments() {
    }

    static String requireText(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, got '" + value + "'");
        }
        int length = value.codePointCount(0, value.length());
        if (length > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(
                    name + " must be at most " + MAX_TEXT_LENGTH + " characters, got " + length);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // PostgreSQL text cannot hold NUL, and a lone surrogate is not Unicode: both would be changed on the way
            // to a store, and an id must be stored exactly as given.
            if (c == '\0') {
                throw new IllegalArgumentException(name + " must not contain the NUL character");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(name + " must be valid Unicode, found a lone surrogate at index " + i);
            }
        }
        return value;
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
