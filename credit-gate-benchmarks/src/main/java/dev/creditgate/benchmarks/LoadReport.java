package dev.creditgate.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a load run as Markdown (the tables that go into RESULTS.md and the README) and as JSON (every figure).
 * Ratios compare sides of the same workload measured in the same run.
 */
final class LoadReport {

    private final List<Measurement> measurements;
    private final Map<String, String> machine;
    private final String command;

    LoadReport(List<Measurement> measurements, Map<String, String> machine, String command) {
        this.measurements = measurements;
        this.machine = machine;
        this.command = command;
    }

    private Optional<Measurement> find(Measurement.Side side, Workload workload, boolean synced) {
        return measurements.stream()
                .filter(m -> m.side() == side && m.workload().equals(workload) && m.synced() == synced)
                .findFirst();
    }

    private List<Workload> workloads() {
        return measurements.stream().map(Measurement::workload).distinct().toList();
    }

    private List<Boolean> commitModes() {
        return measurements.stream().map(Measurement::synced).distinct().toList();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Machine:\n\n");
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\n### Throughput after warm-up (charges/s) and ratios to pgbench in the same run\n\n");
        rateTable(md, "gate single | gate batched | pgbench, store's tables | pgbench, lean tables "
                        + "| single ÷ pgbench store | single ÷ pgbench lean | batched ÷ pgbench store "
                        + "| batched ÷ pgbench lean",
                List.of(Measurement.Side.SINGLE, Measurement.Side.BATCHED, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.PGBENCH_LEAN),
                List.of(Measurement.Side.SINGLE, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.SINGLE, Measurement.Side.PGBENCH_LEAN,
                        Measurement.Side.BATCHED, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.BATCHED, Measurement.Side.PGBENCH_LEAN));
        List<Measurement.Side> sides = java.util.Arrays.stream(Measurement.Side.values())
                .filter(side -> measurements.stream().anyMatch(m -> m.side() == side)).toList();
        md.append("\n### Latency after warm-up, ms (p50 / p99 / p99.9), closed loop\n\n");
        md.append("| commits | callers | accounts |");
        sides.forEach(side -> md.append(' ').append(side.label).append(" |"));
        md.append("\n|---|---:|---:|").append("---:|".repeat(sides.size())).append('\n');
        for (boolean synced : commitModes()) {
            for (Workload w : workloads()) {
                md.append("| ").append(synced ? "synced" : "sync off").append(" | ").append(w.callers())
                        .append(" | ").append(w.accounts());
                for (Measurement.Side side : sides) {
                    md.append(" | ").append(find(side, w, synced).map(m -> latency(m.measured())).orElse("–"));
                }
                md.append(" |\n");
            }
        }
        if (sides.contains(Measurement.Side.PGBENCH_FUNCTION) || sides.contains(Measurement.Side.JDBC)) {
            gap(md);
        }
        if (sides.contains(Measurement.Side.PGBENCH_BATCHES)) {
            ceiling(md);
        }
        md.append("\n### Warm-up window (charges/s), client cost per charge, errors\n\n");
        md.append("| commits | callers | accounts | side | warm-up /s | measured /s | client CPU µs/charge "
                + "| client B/charge | errors |\n");
        md.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %,.0f | %,.0f | %s | %s | %d |%n",
                    m.synced() ? "synced" : "sync off", m.workload().callers(), m.workload().accounts(),
                    m.side().label, m.warmup().perSecond(), m.measured().perSecond(),
                    number(m.measured().clientCpuMicros(), "%.1f"), number(m.measured().clientBytes(), "%,.0f"),
                    m.warmup().errors() + m.measured().errors()));
        }
        return md.toString();
    }

    /**
     * Takes single mode's ratio to pgbench apart: what the store's function costs the server beyond the bare CTE
     * (pgbench on both), what the JVM and pgjdbc cost beyond libpq (plain JDBC against pgbench on the function), and
     * what the library adds to plain JDBC (the gate against plain JDBC). The three ratios multiply to the whole.
     */
    private void gap(StringBuilder md) {
        md.append("\n### Single mode's gap, taken apart (charges/s and ratios)\n\n");
        rateTable(md, "pgbench, CTE | pgbench, function | plain JDBC, function | gate single "
                        + "| function ÷ CTE (server) | JDBC ÷ pgbench (JVM + pgjdbc) | gate ÷ JDBC (library) "
                        + "| gate ÷ pgbench CTE",
                List.of(Measurement.Side.PGBENCH_STORE, Measurement.Side.PGBENCH_FUNCTION, Measurement.Side.JDBC,
                        Measurement.Side.SINGLE),
                List.of(Measurement.Side.PGBENCH_FUNCTION, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.JDBC, Measurement.Side.PGBENCH_FUNCTION,
                        Measurement.Side.SINGLE, Measurement.Side.JDBC,
                        Measurement.Side.SINGLE, Measurement.Side.PGBENCH_STORE));
    }

    /**
     * Sets batched mode's ratio against what the server alone does with batches: pgbench sending ready-made batches
     * (as many charges as the workload has callers) to the store's batch function leaves next to nothing of the
     * machine to the client, so its ratio to pgbench's one transaction per charge bounds what any client of this
     * server could reach by batching on this machine.
     */
    private void ceiling(StringBuilder md) {
        md.append("\n### Batched mode against the server's ceiling (charges/s and ratios)\n\n");
        md.append("The ceiling: one pgbench client per core sending batches of as many charges as there are callers, "
                + "made on the server, to the store's batch function; a batch's latency is in the latency table.\n\n");
        rateTable(md, "pgbench, one charge per transaction | server's ceiling, ready-made batches | gate batched "
                        + "| ceiling ÷ pgbench | batched ÷ pgbench | batched ÷ ceiling",
                List.of(Measurement.Side.PGBENCH_STORE, Measurement.Side.PGBENCH_BATCHES, Measurement.Side.BATCHED),
                List.of(Measurement.Side.PGBENCH_BATCHES, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.BATCHED, Measurement.Side.PGBENCH_STORE,
                        Measurement.Side.BATCHED, Measurement.Side.PGBENCH_BATCHES));
    }

    /**
     * A table with a row per commit mode and workload: each of {@code rated}'s throughput, then the ratio of each
     * pair in {@code ratios} (numerator, denominator, numerator, ...). {@code header} names those columns.
     */
    private void rateTable(StringBuilder md, String header, List<Measurement.Side> rated,
            List<Measurement.Side> ratios) {
        md.append("| commits | callers | accounts | ").append(header).append(" |\n");
        md.append("|---|---:|---:|").append("---:|".repeat(rated.size() + ratios.size() / 2)).append('\n');
        for (boolean synced : commitModes()) {
            for (Workload w : workloads()) {
                md.append("| ").append(synced ? "synced" : "sync off").append(" | ").append(w.callers())
                        .append(" | ").append(w.accounts());
                for (Measurement.Side side : rated) {
                    md.append(" | ").append(rate(find(side, w, synced)));
                }
                for (int i = 0; i < ratios.size(); i += 2) {
                    md.append(" | ").append(ratio(find(ratios.get(i), w, synced), find(ratios.get(i + 1), w, synced)));
                }
                md.append(" |\n");
            }
        }
    }

    String json() {
        StringBuilder json = new StringBuilder("{\n  \"command\": ").append(quote(command)).append(",\n");
        json.append("  \"machine\": {");
        String separator = "\n";
        for (Map.Entry<String, String> fact : machine.entrySet()) {
            json.append(separator).append("    ").append(quote(fact.getKey())).append(": ").append(quote(fact.getValue()));
            separator = ",\n";
        }
        json.append("\n  },\n  \"runs\": [");
        separator = "\n";
        for (Measurement m : measurements) {
            json.append(separator).append(String.format(Locale.ROOT,
                    "    {\"side\": \"%s\", \"callers\": %d, \"hot\": %b, \"synced\": %b, \"warmup\": %s, \"measured\": %s}",
                    m.side().key(), m.workload().callers(), m.workload().hot(), m.synced(), phase(m.warmup()),
                    phase(m.measured())));
            separator = ",\n";
        }
        return json.append("\n  ]\n}\n").toString();
    }

    private static String phase(Phase p) {
        return String.format(Locale.ROOT, "{\"charges\": %d, \"errors\": %d, \"seconds\": %.1f, \"perSecond\": %.1f, "
                + "\"p50Ms\": %s, \"p99Ms\": %s, \"p999Ms\": %s, \"maxMs\": %s, \"clientCpuMicrosPerCharge\": %s, "
                + "\"clientBytesPerCharge\": %s}", p.charges(), p.errors(), p.seconds(), p.perSecond(),
                jsonNumber(p.millis(50)), jsonNumber(p.millis(99)), jsonNumber(p.millis(99.9)),
                jsonNumber(p.latency().getTotalCount() == 0 ? Double.NaN : p.latency().getMaxValue() / 1000.0),
                jsonNumber(p.clientCpuMicros()), jsonNumber(p.clientBytes()));
    }

    private static String rate(Optional<Measurement> m) {
        return m.map(x -> String.format(Locale.ROOT, "%,.0f", x.measured().perSecond())).orElse("–");
    }

    private static String ratio(Optional<Measurement> a, Optional<Measurement> b) {
        if (a.isEmpty() || b.isEmpty() || b.get().measured().charges() == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f×", a.get().measured().perSecond() / b.get().measured().perSecond());
    }

    private static String latency(Phase p) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", p.millis(50), p.millis(99), p.millis(99.9));
    }

    private static String number(double value, String format) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, format, value);
    }

    private static String jsonNumber(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : String.format(Locale.ROOT, "%.3f", value);
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
