package dev.creditgate.cli;

import dev.creditgate.CreditGate;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Shows what credit-gate is for: a tour, then the incident reproduced.",
            "Part 1 tours the library: grant, charge, a 402 with its debug context and problem body, an idempotent "
                    + "replay, a refund, and holds.",
            "Part 2 reproduces the incident (users holding 20,000 credits told 402 on a 2-credit upload). A naive "
                    + "gate written the way the incident's app was and credit-gate serve the same uploads from the "
                    + "same threads, with the same faults injected into their stores: failed queries, slow calls, "
                    + "connections dropped before and after commit, and on PostgreSQL sessions ended mid-run. Each "
                    + "is scored: false 402s, double charges, lost updates, overdrafts.",
            "Runs in memory; with --jdbc-url, on PostgreSQL in a schema of its own, dropped afterwards."},
        footerHeading = "%nExample:%n",
        footer = {"  credit-gate demo",
            "  credit-gate demo --seed 7 --threads 64 --uploads 10000 --json",
            "  credit-gate demo --jdbc-url jdbc:postgresql://localhost/app?user=app"})
final class DemoCommand implements Callable<Integer> {

    /** Connections per gate on PostgreSQL, at most: the server is shared. */
    private static final int MAX_POOL_SIZE = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    Database database;

    @Mixin
    OutputOptions output;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "32",
            description = "concurrent requests (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--uploads", paramLabel = "N", defaultValue = "3000",
            description = "uploads in all (default: ${DEFAULT-VALUE})")
    int uploads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "seeds the uploads and the faults, so a run can be repeated (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        requireBetween("--threads", threads, 1, 512);
        requireBetween("--uploads", uploads, 1, 1_000_000);
        if (!output.verbose) {
            quietExpectedFaults();
        }
        PrintWriter progress = output.progress();
        boolean live = System.console() != null;
        try (DemoBackend backend = database.given()
                ? DemoBackend.postgres(database.dataSource(), Math.min(threads, MAX_POOL_SIZE))
                : DemoBackend.inMemory()) {
            View.Group tour = Tour.run(CreditGate.builder().store(backend.store()).build());
            if (!output.json) {
                output.print(tour);
            }
            progress.println("Part 2: " + uploads + " uploads from " + threads + " threads, each gate in turn");
            progress.flush();
            View.Group incident = new Incident(Workload.generate(seed, uploads), FaultPlan.defaults(seed), threads,
                    progress, live).run(backend);
            output.print(output.json ? new View.Group("").with("tour", tour).with("incident", incident) : incident);
        }
        return ExitCodes.OK;
    }

    private void requireBetween(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    /**
     * The demo injects store faults on purpose and counts them in its tables; the library's retry warnings (and the
     * pool's, for ended sessions) would bury the tables. Set before the first logger of those packages is made.
     */
    private static void quietExpectedFaults() {
        System.setProperty("org.slf4j.simpleLogger.log.dev.creditgate", "error");
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
    }
}
