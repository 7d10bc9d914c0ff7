package dev.creditgate.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a command prints, independent of how: {@link Printer} renders the same view as a table or as JSON, so the
 * two never drift. Keys are camelCase JSON names; a table shows them as words. Values are strings, numbers,
 * booleans, {@code null}, {@link RawJson} or anything else (shown by its {@code toString()}). Titles and notes are
 * prose for people and appear only in tables.
 */
sealed interface View {

    /** One record: named values. A JSON object; in a table, a line per value. */
    final class Fields implements View {
        final String title;
        final Map<String, Object> values = new LinkedHashMap<>();

        Fields(String title) {
            this.title = title;
        }

        Fields with(String key, Object value) {
            values.put(key, value);
            return this;
        }
    }

    /** A list of records with the same keys. A JSON array of objects; in a table, a row each. */
    final class Rows implements View {
        final String title;
        final List<String> columns;
        final List<List<Object>> rows = new ArrayList<>();

        Rows(String title, String... columns) {
            this.title = title;
            this.columns = List.of(columns);
        }

        Rows add(Object... values) {
            if (values.length != columns.size()) {
                throw new IllegalArgumentException("a row needs " + columns.size() + " values, got " + values.length);
            }
            rows.add(Arrays.asList(values));
            return this;
        }
    }

    /**
     * Records with the same keys, side by side: a JSON object of objects; in a table, a row per key and a column
     * per record, so that they can be compared.
     */
    final class Columns implements View {
        final String title;
        final Map<String, Fields> columns = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        Columns(String title) {
            this.title = title;
        }

        Columns with(String key, Fields column) {
            columns.put(key, column);
            return this;
        }

        Columns note(String line) {
            notes.add(line);
            return this;
        }
    }

    /** Named views: a JSON object of them; in a table, one after the other under a heading. */
    final class Group implements View {
        final String title;
        final Map<String, View> members = new LinkedHashMap<>();

        Group(String title) {
            this.title = title;
        }

        Group with(String key, View member) {
            members.put(key, member);
            return this;
        }
    }

    /** A value that is already JSON, such as an RFC 9457 problem body: embedded as it is. */
    record RawJson(String json) {
    }
}
