package dev.creditgate.benchmarks;

import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.InMemoryBalanceStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A charge through the in-memory gate against its baseline in the same run: {@link CasLedger}, a
 * {@code ConcurrentHashMap} and a compare-and-set loop doing the same bookkeeping (balance, ledger entry with its
 * time, idempotency key). Both start each iteration on fresh state, so the ledgers' growth stays bounded, and both
 * charge the same accounts in the same order. Run with {@code -t 1} and {@code -t 2}; {@link JmhMain} does both and
 * prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class InMemoryChargeBenchmark {

    /** Accounts charged in turn; a power of two, so a caller's next account is a mask away. */
    static final int ACCOUNTS = 1024;

    /** Credits each account starts with: far more than any iteration can spend. */
    static final long FUNDS = 1L << 50;

    private static final String ACTION = "audio.upload";

    String[] accountIds;
    CreditGate gate;
    CasLedger baseline;

    /** Fresh stores each iteration: the ledgers grow with every charge. */
    @Setup(Level.Iteration)
    public void freshStores() {
        accountIds = new String[ACCOUNTS];
        InMemoryBalanceStore store = new InMemoryBalanceStore();
        gate = CreditGate.builder().store(store).build();
        baseline = new CasLedger();
        for (int i = 0; i < ACCOUNTS; i++) {
            accountIds[i] = "user-" + i;
            gate.grant(accountIds[i], FUNDS, "funds");
            baseline.grant(accountIds[i], FUNDS, "funds");
        }
    }

    /** A caller's position in the accounts; each thread starts at another one. */
    @State(Scope.Thread)
    public static class Caller {
        private static final java.util.concurrent.atomic.AtomicInteger STARTS =
                new java.util.concurrent.atomic.AtomicInteger();
        int next = STARTS.getAndAdd(ACCOUNTS / 2);

        int nextAccount() {
            return next++ & (ACCOUNTS - 1);
        }
    }

    /** The in-memory gate: validation, retry wrapper, fresh idempotency key, store decision, ledger. */
    @Benchmark
    public ChargeResult gate(Caller caller) {
        return gate.charge(accountIds[caller.nextAccount()], 2, ACTION);
    }

    /** The baseline: the same bookkeeping on a ConcurrentHashMap and a compare-and-set loop. */
    @Benchmark
    public java.util.Optional<CasLedger.Entry> casBaseline(Caller caller) {
        return baseline.charge(accountIds[caller.nextAccount()], 2, ACTION, CasLedger.freshKey());
    }
}
