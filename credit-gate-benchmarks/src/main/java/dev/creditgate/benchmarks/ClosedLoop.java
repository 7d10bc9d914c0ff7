package dev.creditgate.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Java callers in closed loops, as pgbench runs its clients, for a warm-up window and then a measured window.
 * Besides throughput and latency it measures the client's cost per charge over each window: the JVM's CPU time and
 * heap allocation (every thread's), divided by the charges completed.
 */
final class ClosedLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ClosedLoop.class);

    /** One caller's way of charging one credit; each caller thread has its own. */
    interface Charger {
        /**
         * Charges one credit to the account, or throws.
         *
         * @param account the account to charge
         * @throws Exception if the charge failed or was refused
         */
        void charge(String account) throws Exception;
    }

    private ClosedLoop() {
    }

    /** Runs one charger per caller of the workload; the chargers are made before the clock starts. */
    static Measurement run(Measurement.Side side, Workload workload, boolean synced, double warmupSeconds,
            double seconds, Charger[] chargers) throws InterruptedException {
        Caller[] callers = new Caller[chargers.length];
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long warmEnd = start + (long) (warmupSeconds * 1e9);
        long end = warmEnd + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(callers.length);
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Caller(chargers[i], workload, start, warmEnd, end, done);
            Thread thread = new Thread(callers[i], "bench-caller-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        Usage atStart = sleepUntil(start);
        Usage atWarmEnd = sleepUntil(warmEnd);
        Usage atEnd = sleepUntil(end);
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("callers still running 60 s after the end of the run");
        }
        return new Measurement(side, workload, synced, phase(callers, true, warmupSeconds, atStart, atWarmEnd),
                phase(callers, false, seconds, atWarmEnd, atEnd));
    }

    private static Phase phase(Caller[] callers, boolean warmup, double seconds, Usage from, Usage to) {
        Histogram latency = Phase.histogram();
        long errors = 0;
        for (Caller caller : callers) {
            latency.add(warmup ? caller.warmLatency : caller.latency);
            errors += warmup ? caller.warmErrors : caller.errors;
        }
        long charges = latency.getTotalCount();
        return new Phase(charges, errors, seconds, latency, (to.cpuNanos - from.cpuNanos) / 1000.0 / charges,
                (double) (to.allocatedBytes - from.allocatedBytes) / charges);
    }

    /** The JVM's CPU time and heap allocation so far. */
    private record Usage(long cpuNanos, long allocatedBytes) {
        static Usage now() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            return new Usage(os.getProcessCpuTime(), threads.getTotalThreadAllocatedBytes());
        }
    }

    private static Usage sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        return Usage.now();
    }

    /** One closed-loop caller; its figures are read after it is done. */
    private static final class Caller implements Runnable {
        private final Charger charger;
        private final Workload workload;
        private final long start;
        private final long warmEnd;
        private final long end;
        private final CountDownLatch done;
        final Histogram warmLatency = Phase.histogram();
        final Histogram latency = Phase.histogram();
        long warmErrors;
        long errors;

        Caller(Charger charger, Workload workload, long start, long warmEnd, long end, CountDownLatch done) {
            this.charger = charger;
            this.workload = workload;
            this.start = start;
            this.warmEnd = warmEnd;
            this.end = end;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                long now;
                while ((now = System.nanoTime()) < start) {
                    LockSupport.parkNanos(start - now);
                }
                while (now < end) {
                    boolean warm = now < warmEnd;
                    try {
                        charger.charge(workload.nextAccount());
                        long finished = System.nanoTime();
                        (warm ? warmLatency : latency).recordValue(Math.max(1, (finished - now) / 1000));
                        now = finished;
                    } catch (Exception failure) {
                        if (warm) {
                            warmErrors++;
                        } else {
                            errors++;
                        }
                        if (warmErrors + errors <= 3) {
                            LOG.warn("charge failed", failure);
                        }
                        now = System.nanoTime();
                    }
                }
            } finally {
                done.countDown();
            }
        }
    }
}
