package dev.creditgate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link View} as a table for people or as JSON for programs. Both walk the same view, so a value shown
 * in one is in the other under the same key.
 */
final class Printer {

    private static final String INDENT = "  ";
    private static final String GAP = "  ";

    private Printer() {
    }

    /** The view as JSON, ending with a line break. */
    static String json(View view) {
        return Json.write(data(view)) + "\n";
    }

    /** The view as a table, ending with a line break. */
    static String table(View view) {
        StringBuilder out = new StringBuilder();
        table(out, view);
        return out.toString();
    }

    /** The plain data of a view, as maps and lists. */
    static Object data(View view) {
        if (view instanceof View.Fields fields) {
            return new LinkedHashMap<>(fields.values);
        }
        if (view instanceof View.Rows rows) {
            List<Object> list = new ArrayList<>();
            for (List<Object> row : rows.rows) {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int i = 0; i < rows.columns.size(); i++) {
                    object.put(rows.columns.get(i), row.get(i));
                }
                list.add(object);
            }
            return list;
        }
        if (view instanceof View.Columns columns) {
            Map<String, Object> object = new LinkedHashMap<>();
            columns.columns.forEach((key, column) -> object.put(key, data(column)));
            return object;
        }
        Map<String, Object> object = new LinkedHashMap<>();
        ((View.Group) view).members.forEach((key, member) -> object.put(key, data(member)));
        return object;
    }

    private static void table(StringBuilder out, View view) {
        if (view instanceof View.Fields fields) {
            title(out, fields.title);
            List<List<Object>> lines = new ArrayList<>();
            fields.values.forEach((key, value) -> lines.add(List.of(label(key), cell(value))));
            grid(out, lines, false);
        } else if (view instanceof View.Rows rows) {
            title(out, rows.title);
            List<List<Object>> lines = new ArrayList<>();
            lines.add(new ArrayList<>(rows.columns.stream().map(Printer::label).toList()));
            rows.rows.forEach(lines::add);
            grid(out, lines, true);
            if (rows.rows.isEmpty()) {
                out.append(INDENT).append("(none)\n");
            }
        } else if (view instanceof View.Columns columns) {
            title(out, columns.title);
            List<List<Object>> lines = new ArrayList<>();
            List<Object> header = new ArrayList<>();
            header.add("");
            columns.columns.keySet().forEach(key -> header.add(label(key)));
            lines.add(header);
            List<String> keys = columns.columns.isEmpty() ? List.of()
                    : List.copyOf(columns.columns.values().iterator().next().values.keySet());
            for (String key : keys) {
                List<Object> line = new ArrayList<>();
                line.add(label(key));
                columns.columns.values().forEach(column -> line.add(column.values.get(key)));
                lines.add(line);
            }
            grid(out, lines, true);
            columns.notes.forEach(note -> out.append(INDENT).append(note).append('\n'));
        } else {
            View.Group group = (View.Group) view;
            if (group.title != null && !group.title.isEmpty()) {
                out.append("== ").append(group.title).append(" ==\n\n");
            }
            for (View member : group.members.values()) {
                table(out, member);
                out.append('\n');
            }
        }
    }

    private static void title(StringBuilder out, String title) {
        if (title != null && !title.isEmpty()) {
            out.append(title).append('\n');
        }
    }

    /** Lines of cells in aligned columns; numbers right-aligned, the rest left-aligned. */
    private static void grid(StringBuilder out, List<List<Object>> lines, boolean alignNumbers) {
        int width = lines.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[width];
        for (List<Object> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], cell(line.get(i)).length());
            }
        }
        for (List<Object> line : lines) {
            StringBuilder text = new StringBuilder(INDENT);
            for (int i = 0; i < line.size(); i++) {
                Object value = line.get(i);
                String cell = cell(value);
                boolean right = alignNumbers && i > 0 && (value instanceof Number || value instanceof Boolean);
                String pad = " ".repeat(widths[i] - cell.length());
                text.append(right ? pad + cell : cell + (i < line.size() - 1 ? pad : ""));
                if (i < line.size() - 1) {
                    text.append(GAP);
                }
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
    }

    /** How a value reads in a table. */
    static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Boolean flag) {
            return flag ? "yes" : "no";
        }
        if (value instanceof View.RawJson raw) {
            return raw.json();
        }
        return value.toString();
    }

    /** A camelCase key as lower-case words: {@code balanceAfter} reads "balance after", {@code false402s} "false 402s". */
    static String label(String key) {
        StringBuilder words = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            char previous = i > 0 ? key.charAt(i - 1) : ' ';
            boolean wordStarts = Character.isUpperCase(c) && (Character.isLowerCase(previous)
                    || Character.isDigit(previous))
                    || Character.isDigit(c) && Character.isLetter(previous);
            if (wordStarts) {
                words.append(' ');
            }
            words.append(Character.toLowerCase(c));
        }
        return words.toString();
    }
}
