package dev.creditgate.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.RetryPolicy;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.util.Arrays;
import org.jdbi.v3.core.Jdbi;

/** Charges through a {@link CreditGate} on the PostgreSQL store, one shared gate for every caller. */
final class GateLoad {

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
            ClosedLoop.Charger charger = account -> {
                ChargeResult result = gate.charge(account, 1, ACTION);
                if (!result.isCharged()) {
                    throw new IllegalStateException("not charged: " + result);
                }
            };
            ClosedLoop.Charger[] chargers = new ClosedLoop.Charger[workload.callers()];
            Arrays.fill(chargers, charger);
            return ClosedLoop.run(batched ? Measurement.Side.BATCHED : Measurement.Side.SINGLE, workload, synced,
                    warmupSeconds, seconds, chargers);
        }
    }
}
