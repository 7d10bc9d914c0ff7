package dev.creditgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The PostgreSQL load harness: charges through the gate (single and batched mode) and through pgbench doing the same
 * work (on the store's tables and on lean tables) against the same server in the same run, for each workload and
 * commit mode, one side after another from the same starting state; prints and writes the figures and their ratios
 * ({@code load.md}, {@code load.json}).
 *
 * <p>Arguments (all optional): {@code --host H --port P --database D --user U} (default 127.0.0.1:5432, postgres,
 * postgres), {@code --quick}, {@code --warmup S --seconds S} (default 10 and 15; quick 3 and 5), {@code --callers
 * 1,8,64} (spread workloads), {@code --hot-callers 8,64}, {@code --commits synced,off}, {@code --sides
 * single,batched,pgbench-store,pgbench-lean,pgbench-batches}, the default (pgbench-batches is the server's ceiling for
 * batched charges: one pgbench client per core, each sending batches of as many charges as the workload has callers,
 * ready-made, to the store's batch function; and, to take the single-mode gap apart, {@code pgbench-function,jdbc}:
 * the store's charge function called by pgbench and by plain JDBC), {@code --lanes N --max-batch N} (batched
 * mode), {@code --rounds N} (every side runs N times, the sides taking turns, so that a machine whose speed drifts
 * slows each side alike; a side's figures are then its rounds' together), {@code --pgbench PATH}, {@code --out DIR},
 * {@code --command TEXT} (the command line to print in the report).
 */
public final class LoadHarness {

    private LoadHarness() {
    }

    /**
     * Runs the load harness.
     *
     * @param args see the class description
     * @throws Exception if the database or pgbench fails
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        BenchDatabase database = new BenchDatabase(options.host, options.port, options.database, options.user);
        Files.createDirectories(options.out);
        Map<String, String> machine = machine(database);
        database.create();
        GateLoad gate = new GateLoad(database, options.lanes, options.maxBatch);
        Pgbench pgbench = new Pgbench(options.pgbench, database, options.out);
        JdbcLoad jdbc = new JdbcLoad(database);
        List<Workload> workloads = new ArrayList<>();
        options.callers.forEach(c -> workloads.add(new Workload(c, false)));
        options.hotCallers.forEach(c -> workloads.add(new Workload(c, true)));
        List<Measurement> measurements = new ArrayList<>();
        for (boolean synced : options.commits) {
            for (Workload workload : workloads) {
                List<Measurement> rounds = new ArrayList<>();
                for (int round = 1; round <= options.rounds; round++) {
                    for (Measurement.Side side : options.sides) {
                        database.reset();
                        Measurement m = switch (side) {
                            case SINGLE -> gate.run(workload, false, synced, options.warmup, options.seconds);
                            case BATCHED -> gate.run(workload, true, synced, options.warmup, options.seconds);
                            case PGBENCH_STORE, PGBENCH_LEAN, PGBENCH_FUNCTION, PGBENCH_BATCHES ->
                                    pgbench.run(workload, side, synced, options.warmup, options.seconds);
                            case JDBC -> jdbc.run(workload, synced, options.warmup, options.seconds);
                        };
                        rounds.add(m);
                        System.err.printf(Locale.ROOT, "%-8s %-10s %-28s round %d  warm-up %,9.0f/s  measured "
                                        + "%,9.0f/s  p50 %.2f p99 %.2f p99.9 %.2f ms  errors %d%n",
                                synced ? "synced" : "sync-off", workload.name(), side.label, round,
                                m.warmup().perSecond(), m.measured().perSecond(), m.measured().millis(50),
                                m.measured().millis(99), m.measured().millis(99.9),
                                m.warmup().errors() + m.measured().errors());
                    }
                }
                for (Measurement.Side side : options.sides) {
                    measurements.add(Measurement.merge(rounds.stream().filter(m -> m.side() == side).toList()));
                }
            }
        }
        machine.put("load average at end (1/5/15 min)", loadAverage());
        LoadReport report = new LoadReport(measurements, machine, options.command);
        String markdown = report.markdown();
        Files.writeString(options.out.resolve("load.md"), markdown);
        Files.writeString(options.out.resolve("load.json"), report.json());
        System.out.println();
        System.out.print(markdown);
    }

    private static Map<String, String> machine(BenchDatabase database) throws IOException, SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores shared by the client, pgbench and the server");
        facts.put("memory", memory());
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        database.describe().forEach((k, v) -> facts.put(k.equals("server") ? "postgresql" : "postgresql " + k, v));
        facts.put("load average at start (1/5/15 min)", loadAverage());
        return facts;
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.exists(cpuinfo)) {
            return System.getProperty("os.arch");
        }
        return Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown cpu");
    }

    private static String memory() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.exists(meminfo)) {
            return "unknown";
        }
        return Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                .findFirst().orElse("unknown");
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException | RuntimeException unavailable) {
            return "unknown";
        }
    }

    /** The harness's arguments, with their defaults. */
    private static final class Options {
        String host = "127.0.0.1";
        int port = 5432;
        String database = "postgres";
        String user = "postgres";
        double warmup = 10;
        double seconds = 15;
        List<Integer> callers = List.of(1, 8, 64);
        List<Integer> hotCallers = List.of(8, 64);
        List<Boolean> commits = List.of(true, false);
        List<Measurement.Side> sides = List.of(Measurement.Side.PGBENCH_LEAN, Measurement.Side.PGBENCH_STORE,
                Measurement.Side.SINGLE, Measurement.Side.BATCHED, Measurement.Side.PGBENCH_BATCHES);
        int lanes = dev.creditgate.jdbi.JdbiBalanceStore.DEFAULT_BATCH_LANES;
        int maxBatch = dev.creditgate.jdbi.JdbiBalanceStore.DEFAULT_MAX_BATCH_SIZE;
        int rounds = 1;
        Path pgbench = Path.of("/usr/lib/postgresql/15/bin/pgbench");
        Path out = Path.of("target", "benchmarks");
        String command = "LoadHarness";

        static Options parse(String[] args) {
            Options o = new Options();
            boolean timesGiven = false;
            boolean quick = false;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--quick")) {
                    quick = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--host" -> o.host = value;
                    case "--port" -> o.port = Integer.parseInt(value);
                    case "--database" -> o.database = value;
                    case "--user" -> o.user = value;
                    case "--warmup" -> {
                        o.warmup = Double.parseDouble(value);
                        timesGiven = true;
                    }
                    case "--seconds" -> {
                        o.seconds = Double.parseDouble(value);
                        timesGiven = true;
                    }
                    case "--callers" -> o.callers = integers(value);
                    case "--hot-callers" -> o.hotCallers = integers(value);
                    case "--commits" -> o.commits = Arrays.stream(value.split(",")).map(String::trim)
                            .map(Options::commitMode).toList();
                    case "--sides" -> o.sides = sides(value);
                    case "--lanes" -> o.lanes = Integer.parseInt(value);
                    case "--max-batch" -> o.maxBatch = Integer.parseInt(value);
                    case "--rounds" -> {
                        o.rounds = Integer.parseInt(value);
                        if (o.rounds < 1) {
                            throw new IllegalArgumentException("--rounds takes 1 or more, got " + value);
                        }
                    }
                    case "--pgbench" -> o.pgbench = Path.of(value);
                    case "--out" -> o.out = Path.of(value);
                    case "--command" -> o.command = value;
                    default -> throw new IllegalArgumentException("unknown argument '" + name + "'");
                }
            }
            if (quick && !timesGiven) {
                o.warmup = 3;
                o.seconds = 5;
            }
            return o;
        }

        private static List<Integer> integers(String list) {
            if (list.isBlank() || list.equals("none")) {
                return List.of();
            }
            return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
        }

        private static boolean commitMode(String mode) {
            return switch (mode) {
                case "synced" -> true;
                case "off" -> false;
                default -> throw new IllegalArgumentException("--commits takes synced and/or off, got '" + mode + "'");
            };
        }

        private static List<Measurement.Side> sides(String list) {
            Set<String> wanted = Arrays.stream(list.split(",")).map(String::trim).collect(Collectors.toSet());
            List<Measurement.Side> sides = Arrays.stream(Measurement.Side.values())
                    .filter(s -> wanted.contains(s.key())).toList();
            if (sides.size() != wanted.size()) {
                throw new IllegalArgumentException("--sides takes single, batched, pgbench-store, pgbench-lean, "
                        + "pgbench-function, jdbc, pgbench-batches; got '" + list + "'");
            }
            // pgbench first, as in a full run: the gate's figures never depend on which side ran before.
            return sides.stream().sorted((a, b) -> Integer.compare(order(a), order(b))).toList();
        }

        private static int order(Measurement.Side side) {
            return switch (side) {
                case PGBENCH_LEAN -> 0;
                case PGBENCH_STORE -> 1;
                case PGBENCH_FUNCTION -> 2;
                case PGBENCH_BATCHES -> 3;
                case JDBC -> 4;
                case SINGLE -> 5;
                case BATCHED -> 6;
            };
        }
    }
}
