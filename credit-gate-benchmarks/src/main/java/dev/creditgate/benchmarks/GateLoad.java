package dev.creditgate.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.RetryPolicy;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges through a {@link CreditGate} on the PostgreSQL store from many caller threads, each in a closed loop as a
 * pgbench client runs, for a warm-up window and then a measured window. Besides throughput and latency it measures
 * the client's cost per charge over each window: the JVM's CPU time and heap allocation (every thread's), divided by
 * the charges completed.
 */
final class GateLoad {

    private static final Logger LOG = LoggerFactory.getLogger(GateLoad.class);
    private static final String ACTION = "bench";

    private final BenchDatabase database;
    private final int lanes;
    private final int maxBatch;

    GateLoad(BenchDatabase database, int lanes, int maxBatch) {
        this.database = database;
        this.lanes = lanes;
        this.maxBatch = maxBatch;
    }

    Measurement run(Workload workload, boolean batched, boolean synced, double warmupSeconds, double seconds)
            throws InterruptedException {
        try (HikariDataSource pool = database.pool(workload.callers(), synced);
             JdbiBalanceStore store = BenchDatabase.store(Jdbi.create(pool), batched, lanes, maxBatch)) {
            // No retries: a failure is counted, not hidden behind a backoff that would flatter the latencies.
            CreditGate gate = CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
            Caller[] callers = new Caller[workload.callers()];
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long warmEnd = start + (long) (warmupSeconds * 1e9);
            long end = warmEnd + (long) (seconds * 1e9);
            CountDownLatch done = new CountDownLatch(callers.length);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers.length; i++) {
                callers[i] = new Caller(gate, workload, start, warmEnd, end, done);
                Thread thread = new Thread(callers[i], "bench-caller-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            Usage atStart = sleepUntil(start);
            Usage atWarmEnd = sleepUntil(warmEnd);
            Usage atEnd = sleepUntil(end);
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("callers still running 60 s after the end of the run");
            }
            Measurement.Side side = batched ? Measurement.Side.BATCHED : Measurement.Side.SINGLE;
            return new Measurement(side, workload, synced,
                    phase(callers, true, warmupSeconds, atStart, atWarmEnd),
                    phase(callers, false, seconds, atWarmEnd, atEnd));
        }
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
        private final CreditGate gate;
        private final Workload workload;
        private final long start;
        private final long warmEnd;
        private final long end;
        private final CountDownLatch done;
        final Histogram warmLatency = Phase.histogram();
        final Histogram latency = Phase.histogram();
        long warmErrors;
        long errors;

        Caller(CreditGate gate, Workload workload, long start, long warmEnd, long end, CountDownLatch done) {
            this.gate = gate;
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
                    java.util.concurrent.locks.LockSupport.parkNanos(start - now);
                }
                while (now < end) {
                    boolean warm = now < warmEnd;
                    try {
                        ChargeResult result = gate.charge(workload.nextAccount(), 1, ACTION);
                        if (!result.isCharged()) {
                            throw new IllegalStateException("not charged: " + result);
                        }
                        long finished = System.nanoTime();
                        (warm ? warmLatency : latency).recordValue(Math.max(1, (finished - now) / 1000));
                        now = finished;
                    } catch (RuntimeException failure) {
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
