package dev.creditgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The baseline: pgbench doing a charge's work with the same server in the same run. One prepared statement per
 * transaction (autocommit): the conditional debit and the ledger row with its idempotency key in one data-modifying
 * CTE, on the store's own tables or on lean tables; or, to take the gap apart, the store's own charge function, which
 * also answers replays, holds and refusals; or, for the server's ceiling in batched mode, batches of as many charges
 * as the workload has callers, made on the server and sent to the store's batch function by one client per core,
 * so that next to nothing of the machine goes to the client. Its per-transaction log gives the latencies (of
 * a batch, for batches); the log's timestamps split the warm-up from the measured window, as the gate's are split.
 */
final class Pgbench {

    private final Path pgbench;
    private final BenchDatabase database;
    private final Path work;

    Pgbench(Path pgbench, BenchDatabase database, Path work) {
        this.pgbench = pgbench;
        this.database = database;
        this.work = work;
    }

    /**
     * The script of one transaction by {@code side}: one charge, or for {@code PGBENCH_BATCHES} a batch of
     * {@link #batchSize} charges; accounts are picked as the gate's callers pick them.
     */
    static String script(Measurement.Side side, Workload workload) {
        boolean hot = workload.hot();
        if (side == Measurement.Side.PGBENCH_BATCHES) {
            int size = batchSize(side, workload);
            String account = hot ? "'acct-" + Workload.HOT_ACCOUNT + "'"
                    : "'acct-' || (1 + floor(random() * " + Workload.SPREAD_ACCOUNTS + "))::int";
            return "\\set n :n + 1\n"
                    + "SELECT count(*) FROM " + BenchDatabase.STORE_SCHEMA + ".\"credit_ledger_charges\"("
                    + "ARRAY(SELECT " + account + " FROM generate_series(1, " + size + ")), "
                    + "array_fill(1::bigint, ARRAY[" + size + "]), array_fill('bench'::text, ARRAY[" + size + "]), "
                    + "ARRAY(SELECT :prefix || :client_id || '-' || :n || '-' || g FROM generate_series(1, " + size
                    + ") g));\n";
        }
        String pick = hot ? "\\set aid " + Workload.HOT_ACCOUNT + "\n"
                : "\\set aid random(1, " + Workload.SPREAD_ACCOUNTS + ")\n";
        // A key per charge like the gate's fresh keys: a run prefix, the client, and the client's own counter.
        String key = ":prefix || :client_id || '-' || :n";
        String sql = switch (side) {
            case PGBENCH_STORE -> "WITH debited AS (UPDATE " + BenchDatabase.STORE_SCHEMA + ".credit_accounts "
                        + "SET balance = balance - 1, updated_at = now() "
                        + "WHERE account_id = 'acct-' || :aid AND balance >= 1 "
                        + "AND (holds_until IS NULL OR holds_until <= now()) RETURNING balance) "
                        + "INSERT INTO " + BenchDatabase.STORE_SCHEMA + ".credit_ledger "
                        + "(account_id, kind, amount, balance_after, reference, idempotency_key) "
                        + "SELECT 'acct-' || :aid, 'CHARGE', -1, balance, 'bench', " + key + " FROM debited "
                        + "RETURNING id, balance_after;\n";
            case PGBENCH_LEAN -> "WITH debited AS (UPDATE " + BenchDatabase.LEAN_SCHEMA + ".accounts SET balance = balance - 1 "
                        + "WHERE account_id = 'acct-' || :aid AND balance >= 1 RETURNING balance) "
                        + "INSERT INTO " + BenchDatabase.LEAN_SCHEMA + ".ledger "
                        + "(account_id, amount, balance_after, reference, idempotency_key) "
                        + "SELECT 'acct-' || :aid, -1, balance, 'bench', " + key + " FROM debited "
                        + "RETURNING id, balance_after;\n";
            case PGBENCH_FUNCTION -> JdbcLoad.chargeCall().replace("?, ?, ?, ?",
                    "'acct-' || :aid, 1, 'bench', " + key) + ";\n";
            default -> throw new IllegalArgumentException("pgbench does not run " + side);
        };
        return pick + "\\set n :n + 1\n" + sql;
    }

    /** Charges per transaction: the workload's callers for ready-made batches, else one. */
    static int batchSize(Measurement.Side side, Workload workload) {
        return side == Measurement.Side.PGBENCH_BATCHES ? workload.callers() : 1;
    }

    /** pgbench's clients: ready-made batches need only one per core to keep the server busy. */
    private static int clients(Measurement.Side side, Workload workload) {
        return side == Measurement.Side.PGBENCH_BATCHES
                ? Math.min(workload.callers(), Runtime.getRuntime().availableProcessors()) : workload.callers();
    }

    Measurement run(Workload workload, Measurement.Side side, boolean synced, double warmupSeconds, double seconds)
            throws IOException, InterruptedException {
        String name = side.key() + "-" + workload.name() + (synced ? "-synced" : "-async");
        Path dir = Files.createDirectories(work.resolve("pgbench").resolve(name));
        try (Stream<Path> old = Files.list(dir)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        Path script = Files.writeString(dir.resolve("charge.sql"), script(side, workload));
        Path times = dir.resolve("time.txt");
        int total = (int) Math.ceil(warmupSeconds + seconds);
        int clients = clients(side, workload);
        int threads = Math.min(clients, 2);
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString(),
                pgbench.toString(), "-n", "-M", "prepared", "-h", database.host(), "-p",
                Integer.toString(database.port()), "-U", database.user(), "-c", Integer.toString(clients),
                "-j", Integer.toString(threads), "-T", Integer.toString(total), "-D",
                "prefix=pgb-" + Long.toHexString(System.nanoTime()) + "-", "-D", "n=0", "-f", script.toString(),
                "-l", "--log-prefix=" + dir.resolve("tx"), database.database()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile());
        if (!synced) {
            builder.environment().put("PGOPTIONS", "-c synchronous_commit=off");
        }
        Process process = builder.start();
        if (!process.waitFor(total + 120L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pgbench did not finish; see " + dir.resolve("output.txt"));
        }
        String output = Files.readString(dir.resolve("output.txt"));
        if (process.exitValue() != 0) {
            throw new IllegalStateException("pgbench failed with exit code " + process.exitValue() + ":\n" + output);
        }
        return measure(workload, side, synced, dir, warmupSeconds, seconds, failures(output), times);
    }

    /** pgbench's own count of failed transactions; a healthy run has none. */
    private static long failures(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("number of failed transactions:")) {
                return Long.parseLong(line.replaceAll("^number of failed transactions: (\\d+).*$", "$1"));
            }
        }
        return 0;
    }

    /**
     * Reads the per-transaction logs ({@code client tx latency_us script epoch_s epoch_us}) and splits them at the
     * warm-up's end, counted from the first transaction's start.
     */
    private static Measurement measure(Workload workload, Measurement.Side side, boolean synced, Path dir,
            double warmupSeconds, double seconds, long failed, Path times) throws IOException {
        List<long[]> rows = new ArrayList<>();
        long firstStart = Long.MAX_VALUE;
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("tx.")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.split(" ");
                    if (f.length < 6 || !f[2].chars().allMatch(Character::isDigit)) {
                        continue; // a failed or skipped transaction: counted by pgbench itself
                    }
                    long latency = Long.parseLong(f[2]);
                    long finished = Long.parseLong(f[4]) * 1_000_000L + Long.parseLong(f[5]);
                    rows.add(new long[] {finished, latency});
                    firstStart = Math.min(firstStart, finished - latency);
                }
            }
        }
        long warmEnd = firstStart + (long) (warmupSeconds * 1e6);
        long end = warmEnd + (long) (seconds * 1e6);
        Histogram warm = Phase.histogram();
        Histogram measured = Phase.histogram();
        for (long[] row : rows) {
            if (row[0] < warmEnd) {
                warm.recordValue(Math.max(1, row[1]));
            } else if (row[0] < end) {
                measured.recordValue(Math.max(1, row[1]));
            }
        }
        // pgbench's CPU over the whole run, per charge: its share of the 2 cores the server also needs.
        int size = batchSize(side, workload);
        String[] cpu = Files.readString(times).trim().split("\\s+");
        double cpuMicros = (Double.parseDouble(cpu[cpu.length - 2]) + Double.parseDouble(cpu[cpu.length - 1])) * 1e6
                / Math.max(1, (long) rows.size() * size);
        return new Measurement(side, workload, synced,
                new Phase(warm.getTotalCount() * size, 0, warmupSeconds, warm, cpuMicros, Double.NaN),
                new Phase(measured.getTotalCount() * size, failed * size, seconds, measured, cpuMicros, Double.NaN));
    }
}
