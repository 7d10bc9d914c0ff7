package dev.creditgate.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeRequest;
import dev.creditgate.CreditGate;
import dev.creditgate.RetryPolicy;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a single-mode operation's time goes, path by path, and where the client's CPU goes under load.
 *
 * <p>Part 1, per path (successful charge, insufficient, replay, account not found, charge beside a live hold,
 * reserve, capture, release, grant, refund): one caller on one connection, each path warmed up and then run
 * {@code n} times, with {@code pg_stat_statements} counting the top-level statements the server executed (BEGIN
 * and COMMIT included) and their server time, and the calling thread's CPU time and allocation per operation.
 * Part 2: a JFR recording of the gate in single mode at 8 callers, summarised as the share of CPU samples per
 * library (the first frame of the stack that belongs to credit-gate, Jdbi, pgjdbc, HikariCP or the JDK).
 *
 * <p>Arguments: {@code --port P [--host H --database D --user U] [--quick] [--out DIR]}. Needs a server where
 * {@code pg_stat_statements} is preloaded and the user may create the extension; {@code credit-gate-benchmarks/run
 * profile} starts such a private cluster. Writes {@code profile.md}.
 */
public final class ProfileMain {

    private static final String ACTION = "bench";
    private static final Duration HOLD = Duration.ofHours(1);

    private ProfileMain() {
    }

    /**
     * Profiles every path, then the load.
     *
     * @param args see the class description
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 5432;
        String name = "postgres";
        String user = "postgres";
        boolean quick = false;
        Path out = Path.of("target", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--database" -> name = args[++i];
                case "--user" -> user = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        Files.createDirectories(out);
        BenchDatabase database = new BenchDatabase(host, port, name, user);
        database.create();
        database.reset();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        int n = quick ? 500 : 3_000;
        StringBuilder md = new StringBuilder();
        md.append("### Statements and cost per operation, single mode\n\n")
                .append("One caller, one connection, ").append(n).append(" operations per path after as many to warm")
                .append(" up. Statements: top-level statements the server executed (pg_stat_statements, BEGIN and ")
                .append("COMMIT included) = round trips. Server: their execution time. Client: the calling ")
                .append("thread's CPU time and allocation.\n\n")
                .append("| path | statements | server µs | client CPU µs | client bytes | latency µs |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (PathCost cost : paths(database, n)) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.0f | %,.0f | %.0f |%n", cost.path,
                    cost.statements, cost.serverMicros, cost.cpuMicros, cost.bytes, cost.latencyMicros));
            System.err.printf(Locale.ROOT, "%-28s statements %.2f  server %.0f µs  client CPU %.0f µs  %,.0f B  "
                    + "latency %.0f µs%n", cost.path, cost.statements, cost.serverMicros, cost.cpuMicros, cost.bytes,
                    cost.latencyMicros);
        }
        md.append('\n').append(cpuByLibrary(database, out, quick ? 5 : 15));
        Files.writeString(out.resolve("profile.md"), md);
        System.out.println();
        System.out.print(md);
    }

    /** What one path costs, per operation. */
    private record PathCost(String path, double statements, double serverMicros, double cpuMicros, double bytes,
            double latencyMicros) {
    }

    private static List<PathCost> paths(BenchDatabase database, int n) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setMaximumPoolSize(1);
        config.setConnectionInitSql("SET pg_stat_statements.track = 'top'");
        List<PathCost> costs = new ArrayList<>();
        try (HikariDataSource pool = new HikariDataSource(config);
             JdbiBalanceStore store = BenchDatabase.store(Jdbi.create(pool), false, 1, 1)) {
            CreditGate gate = CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
            // Each path's operations take distinct accounts (or keys, or holds) so that none disturbs another.
            String[] replayed = new String[2 * n];
            String[] holds = new String[4 * n];
            String[] charges = new String[2 * n];
            for (int i = 0; i < 2 * n; i++) {
                replayed[i] = "replay-" + i;
                gate.charge(ChargeRequest.of(account(i), 1, ACTION).idempotencyKey(replayed[i]));
                charges[i] = gate.charge(account(i), 1, ACTION).orElseThrow().transactionId();
            }
            // Holds for capture and release, on accounts of their own: a live hold makes a charge count it.
            for (int i = 0; i < 4 * n; i++) {
                gate.grant("holder-" + i, 1_000, "funds");
                holds[i] = gate.reserve("holder-" + i, 1, ACTION, HOLD).reservedOrThrow().reservationId();
            }
            for (int i = 0; i < 2 * n; i++) {
                gate.grant("held-" + i, 1_000, "funds");
                gate.reserve("held-" + i, 1, ACTION, HOLD).reservedOrThrow();
            }
            // The run began by analysing empty tables; left so, the holds queries plan sequential scans over the
            // thousands of holds just made, which a server's autoanalyze would soon correct.
            analyze(database);
            costs.add(measure(database, "charge, charged", n, i -> gate.charge(account(i), 1, ACTION)));
            costs.add(measure(database, "charge, insufficient", n,
                    i -> gate.charge(account(i), BenchDatabase.FUNDS * 2, ACTION)));
            costs.add(measure(database, "charge, replayed", n,
                    i -> gate.charge(ChargeRequest.of(account(i), 1, ACTION).idempotencyKey(replayed[i]))));
            costs.add(measure(database, "charge, account not found", n, i -> gate.charge("missing-" + i, 1, ACTION)));
            costs.add(measure(database, "charge beside a live hold", n, i -> gate.charge("held-" + i, 1, ACTION)));
            costs.add(measure(database, "reserve", n, i -> gate.reserve("held-" + i, 1, ACTION, HOLD)));
            costs.add(measure(database, "capture", n, i -> gate.capture(holds[i], 1)));
            costs.add(measure(database, "release", n, i -> gate.release(holds[2 * n + i])));
            costs.add(measure(database, "grant", n, i -> gate.grant(account(i), 1, "top-up")));
            costs.add(measure(database, "refund", n, i -> gate.refund(charges[i], "bench")));
        }
        return costs;
    }

    private static String account(int i) {
        return Workload.accountId(1 + i % Workload.SPREAD_ACCOUNTS);
    }

    /** Runs operations 0..n-1 to warm up, then n..2n-1 counted. */
    private static PathCost measure(BenchDatabase database, String path, int n, IntFunction<?> operation)
            throws SQLException {
        for (int i = 0; i < n; i++) {
            operation.apply(i);
        }
        resetStatements(database);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long cpu = threads.getThreadCpuTime(thread);
        long bytes = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        for (int i = n; i < 2 * n; i++) {
            operation.apply(i);
        }
        long elapsed = System.nanoTime() - start;
        double cpuMicros = (threads.getThreadCpuTime(thread) - cpu) / 1000.0 / n;
        double allocated = (double) (threads.getThreadAllocatedBytes(thread) - bytes) / n;
        double[] statements = statements(database);
        return new PathCost(path, statements[0] / n, statements[1] * 1000 / n, cpuMicros, allocated,
                elapsed / 1000.0 / n);
    }

    private static void analyze(BenchDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }

    private static void resetStatements(BenchDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** Calls and total execution time (ms) of every statement counted since the reset. */
    private static double[] statements(BenchDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(sum(calls), 0), COALESCE(sum(total_exec_time), 0) "
                     + "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'")) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2)};
        }
    }

    /** Records the gate at 8 callers in single mode and shares out its CPU samples by library. */
    private static String cpuByLibrary(BenchDatabase database, Path out, double seconds) throws Exception {
        database.reset();
        Path file = out.resolve("profile-single-8.jfr");
        GateLoad load = new GateLoad(database, 1, 1);
        Measurement measured;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            measured = load.run(new Workload(8, false), false, true, 3, seconds);
            recording.stop();
            recording.dump(file);
        }
        Map<String, Integer> byLibrary = new HashMap<>();
        Map<String, Integer> byMethod = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            total++;
            String library = "other";
            for (RecordedFrame frame : frames) {
                library = library(frame.getMethod().getType().getName());
                if (!library.equals("JDK")) {
                    break;
                }
            }
            byLibrary.merge(library, 1, Integer::sum);
            RecordedFrame top = frames.get(0);
            byMethod.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "### Client CPU under load: gate single mode, 8 callers spread, synced%n%n"
                + "%,.0f charges/s, client CPU %.0f µs and %,.0f bytes per charge; %d JFR CPU samples (every 10 ms "
                + "per running thread, %s s after 3 s of warm-up), each given to the first library on its stack "
                + "that is not the JDK's (the JDK only when nothing else is).%n%n| library | share of samples |%n"
                + "|---|---:|%n", measured.measured().perSecond(), measured.measured().clientCpuMicros(),
                measured.measured().clientBytes(), total, seconds));
        appendShares(md, byLibrary, total, 10);
        md.append("\n| hottest methods (top frame) | share of samples |\n|---|---:|\n");
        appendShares(md, byMethod, total, 12);
        return md.toString();
    }

    private static void appendShares(StringBuilder md, Map<String, Integer> counts, int total, int limit) {
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(limit).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f %% |%n", k, 100.0 * v / total)));
    }

    private static String library(String type) {
        if (type.startsWith("dev.creditgate.benchmarks")) {
            return "benchmark harness";
        }
        if (type.startsWith("dev.creditgate")) {
            return "credit-gate";
        }
        if (type.startsWith("org.jdbi")) {
            return "Jdbi";
        }
        if (type.startsWith("org.postgresql")) {
            return "pgjdbc";
        }
        if (type.startsWith("com.zaxxer.hikari")) {
            return "HikariCP";
        }
        if (type.startsWith("io.github.resilience4j")) {
            return "Resilience4j";
        }
        if (type.startsWith("org.HdrHistogram")) {
            return "HdrHistogram";
        }
        if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("com.sun.")) {
            return "JDK";
        }
        return "other";
    }
}
