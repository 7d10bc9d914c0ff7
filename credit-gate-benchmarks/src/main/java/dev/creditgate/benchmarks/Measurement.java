package dev.creditgate.benchmarks;

/**
 * One side's run of one workload: its warm-up window, reported beside the measured window rather than hidden, and
 * the measured window that the ratios use.
 *
 * @param side who charged: the gate in single or batched mode, or pgbench on the store's or on lean tables
 * @param workload callers and accounts
 * @param synced whether each commit waited for its WAL flush ({@code synchronous_commit=on})
 * @param warmup the warm-up window
 * @param measured the measured window
 */
record Measurement(Side side, Workload workload, boolean synced, Phase warmup, Phase measured) {

    /** Who charges. */
    enum Side {
        SINGLE("gate single"),
        BATCHED("gate batched"),
        PGBENCH_STORE("pgbench, store's tables"),
        PGBENCH_LEAN("pgbench, lean tables");

        final String label;

        Side(String label) {
            this.label = label;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
