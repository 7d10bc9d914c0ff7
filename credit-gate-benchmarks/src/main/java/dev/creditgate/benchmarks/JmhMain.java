package dev.creditgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link InMemoryChargeBenchmark} at 1 and 2 threads with JMH's GC profiler and writes the gate's throughput as
 * a ratio of its baseline's, with the allocation per charge of each, to {@code jmh.json} and {@code jmh.md}.
 *
 * <p>Arguments: {@code [--quick] [--out DIR]}. {@code --quick} runs fewer, shorter iterations.
 */
public final class JmhMain {

    private JmhMain() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [--quick] [--out DIR]}
     * @throws RunnerException if JMH fails
     * @throws IOException if the report cannot be written
     */
    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = false;
        Path out = Path.of("target", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --quick or --out DIR");
            }
        }
        Files.createDirectories(out);
        List<Row> rows = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(InMemoryChargeBenchmark.class.getName())
                    .threads(threads)
                    .addProfiler(GCProfiler.class)
                    .result(out.resolve("jmh-raw-" + threads + "t.json").toString())
                    .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON);
            if (quick) {
                options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                        .measurementIterations(3).measurementTime(TimeValue.seconds(1));
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            rows.add(Row.of(threads, results));
        }
        String markdown = markdown(rows);
        Files.writeString(out.resolve("jmh.md"), markdown);
        Files.writeString(out.resolve("jmh.json"), json(rows));
        System.out.println();
        System.out.print(markdown);
    }

    /** One thread count's figures: throughput in charges per microsecond, allocation in bytes per charge. */
    record Row(int threads, double gate, double gateError, double baseline, double baselineError, double gateBytes,
            double baselineBytes) {

        static Row of(int threads, Collection<RunResult> results) {
            RunResult gate = find(results, "gate");
            RunResult baseline = find(results, "casBaseline");
            return new Row(threads, gate.getPrimaryResult().getScore(), gate.getPrimaryResult().getScoreError(),
                    baseline.getPrimaryResult().getScore(), baseline.getPrimaryResult().getScoreError(),
                    allocation(gate), allocation(baseline));
        }

        double ratio() {
            return gate / baseline;
        }

        private static RunResult find(Collection<RunResult> results, String method) {
            return results.stream()
                    .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no result for benchmark method " + method));
        }

        private static double allocation(RunResult result) {
            Result<?> norm = result.getSecondaryResults().get("gc.alloc.rate.norm");
            return norm == null ? Double.NaN : norm.getScore();
        }
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| threads | in-memory gate (charges/µs) | CAS baseline (charges/µs) | gate / baseline "
                + "| gate B/charge | baseline B/charge |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %d | %.3f ± %.3f | %.3f ± %.3f | **%.2f×** | %.0f | %.0f |%n",
                    row.threads(), row.gate(), row.gateError(), row.baseline(), row.baselineError(), row.ratio(),
                    row.gateBytes(), row.baselineBytes()));
        }
        return md.toString();
    }

    static String json(List<Row> rows) {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            json.append(String.format(Locale.ROOT, "  {\"threads\": %d, \"gatePerMicrosecond\": %.4f, "
                    + "\"baselinePerMicrosecond\": %.4f, \"ratio\": %.4f, \"gateBytesPerCharge\": %.1f, "
                    + "\"baselineBytesPerCharge\": %.1f}%s%n", row.threads(), row.gate(), row.baseline(),
                    row.ratio(), row.gateBytes(), row.baselineBytes(), i + 1 < rows.size() ? "," : ""));
        }
        return json.append("]\n").toString();
    }
}
