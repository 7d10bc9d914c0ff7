package dev.creditgate.benchmarks;

/**
 * One side's run of one workload: its warm-up window, reported beside the measured window rather than hidden, and
 * the measured window that the ratios use.
 *
 * @param side who charged: the gate in single or batched mode, pgbench on the store's or on lean tables, or the
 *     store's charge function called by pgbench or by plain JDBC, or pgbench sending ready-made batches to the
 *     store's batch function
 * @param workload callers and accounts
 * @param synced whether each commit waited for its WAL flush ({@code synchronous_commit=on})
 * @param warmup the warm-up window
 * @param measured the measured window
 */
record Measurement(Side side, Workload workload, boolean synced, Phase warmup, Phase measured) {

    /** One side's rounds of one workload as one measurement: their windows together. */
    static Measurement merge(java.util.List<Measurement> rounds) {
        Measurement first = rounds.get(0);
        if (rounds.size() == 1) {
            return first;
        }
        return new Measurement(first.side, first.workload, first.synced,
                Phase.merge(rounds.stream().map(Measurement::warmup).toList()),
                Phase.merge(rounds.stream().map(Measurement::measured).toList()));
    }

    /** Who charges. */
    enum Side {
        SINGLE("gate single"),
        BATCHED("gate batched"),
        PGBENCH_STORE("pgbench, store's tables"),
        PGBENCH_LEAN("pgbench, lean tables"),
        PGBENCH_FUNCTION("pgbench, store's function"),
        JDBC("plain JDBC, store's function"),
        PGBENCH_BATCHES("pgbench, ready-made batches (server's ceiling)");

        final String label;

        Side(String label) {
            this.label = label;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
