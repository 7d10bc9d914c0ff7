package dev.creditgate.cli;

import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Injects the {@link FaultPlan}'s faults into the naive gate's statements as {@code FaultInjectingBalanceStore}
 * injects them into credit-gate's store calls: the same seed, rules, order of draws and latency. A fault on a read
 * is a failed query; on a write, a dropped connection before or after the statement was applied. It also tells the
 * {@link Referee} of every balance write that was really applied.
 */
final class NaiveFaults implements NaiveTable {

    private final NaiveTable table;
    private final FaultPlan plan;
    private final Referee referee;
    private final Random random;
    private final AtomicLong injected = new AtomicLong();
    private volatile boolean armed;

    NaiveFaults(NaiveTable table, FaultPlan plan, Referee referee) {
        this.table = table;
        this.plan = plan;
        this.referee = referee;
        this.random = new Random(plan.seed());
    }

    /** Turns the faults on for the run, or off for setting up and counting. */
    void armed(boolean on) {
        armed = on;
    }

    long injected() {
        return injected.get();
    }

    @Override
    public void open(String userId, long credits) {
        table.open(userId, credits);
    }

    @Override
    public OptionalLong read(String userId) {
        return call(() -> table.read(userId));
    }

    @Override
    public void write(String userId, long credits, String requestId) {
        call(() -> {
            table.write(userId, credits, requestId);
            referee.debited(userId, requestId);
            return null;
        });
    }

    @Override
    public void record(String userId, long amount, String reference) {
        call(() -> {
            table.record(userId, amount, reference);
            return null;
        });
    }

    @Override
    public long transactionsSum(String userId) {
        return table.transactionsSum(userId);
    }

    private <T> T call(Supplier<T> statement) {
        if (!armed) {
            return statement.get();
        }
        Fault fault = draw();
        pause(plan.latency());
        if (fault == null) {
            return statement.get();
        }
        injected.incrementAndGet();
        if (fault == Fault.AMBIGUOUS_APPLIED) {
            statement.get();
        }
        throw new IllegalStateException("injected " + fault + ": the connection to the database was lost");
    }

    private synchronized Fault draw() {
        for (FaultPlan.Rule rule : plan.rules()) {
            if (random.nextDouble() < rule.probability()) {
                return rule.fault();
            }
        }
        return null;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        }
    }
}
