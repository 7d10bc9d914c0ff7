package dev.creditgate.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * What one side did in one window of a run: charges completed, how long the window was, their latencies (in
 * microseconds, closed loop, as pgbench measures), and the client's cost per charge where it was measured.
 *
 * @param charges charges completed in the window
 * @param errors calls that failed in the window (any exception); a healthy run has none
 * @param seconds the window's length
 * @param latency latencies in microseconds
 * @param clientCpuMicros the client process's CPU time per charge, in microseconds, or NaN when not measured
 * @param clientBytes the client's heap allocation per charge, or NaN when not measured
 */
record Phase(long charges, long errors, double seconds, Histogram latency, double clientCpuMicros,
        double clientBytes) {

    /**
     * Windows of several rounds as one: charges, errors, seconds and latencies added up, the client's costs per
     * charge weighted by each window's charges.
     */
    static Phase merge(java.util.List<Phase> phases) {
        Histogram latency = histogram();
        long charges = 0;
        long errors = 0;
        double seconds = 0;
        double cpu = 0;
        double bytes = 0;
        for (Phase phase : phases) {
            latency.add(phase.latency);
            charges += phase.charges;
            errors += phase.errors;
            seconds += phase.seconds;
            cpu += phase.clientCpuMicros * phase.charges;
            bytes += phase.clientBytes * phase.charges;
        }
        return new Phase(charges, errors, seconds, latency, charges == 0 ? Double.NaN : cpu / charges,
                charges == 0 ? Double.NaN : bytes / charges);
    }

    static Histogram histogram() {
        return new Histogram(60_000_000L, 3);
    }

    double perSecond() {
        return charges / seconds;
    }

    /** A latency percentile in milliseconds. */
    double millis(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }
}
