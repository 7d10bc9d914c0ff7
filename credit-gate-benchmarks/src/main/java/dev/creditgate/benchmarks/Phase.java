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
