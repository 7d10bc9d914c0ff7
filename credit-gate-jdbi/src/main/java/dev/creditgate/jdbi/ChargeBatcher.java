package dev.creditgate.jdbi;

import dev.creditgate.ChargeResult;
import dev.creditgate.TransientStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces concurrent charges into one round trip and one transaction per batch: group commit.
 *
 * <p>Each account belongs to one lane (by the hash of its id), and each lane sends its batches one after another:
 * a caller's charge joins the lane's queue, and whoever sends next takes everything queued, up to the maximum, as
 * soon as the previous batch is answered. No one waits for a batch to fill. A caller that finds its lane idle sends
 * the batch itself, on its own thread, so that a lone charge costs no hand-off between threads; while a batch is in
 * flight, later charges queue, and the lane's own thread sends them when it is answered. A batch of one charge goes
 * as a single charge does. So one account's charges reach the database in the order they arrived, and two batches
 * of this store never contend for an account; the batch function locks accounts in one global order, so batches of
 * other instances cannot deadlock with them either.
 *
 * <p>On Citus, once the first batch has looked, an account's lane is chosen by the node that holds its shard
 * ({@link CitusShards}), so that each batch's transaction stays on one worker instead of committing across several
 * in two phases. (Charges queued before that look keep their lane; only the mapping of later ones changes.)
 *
 * <p>Every charge of a batch is decided exactly as a single charge is. A batch that fails as a whole (its connection
 * lost, a serialization failure) fails each of its charges with the same classified exception, so that the gate
 * retries each with its own key: a charge that did commit then replays.
 */
final class ChargeBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChargeBatcher.class);

    /** Runs one batch on a connection of the store and classifies its failures, as every store call is run. */
    interface Runner {
        <T> T run(String operation, HandleCallback<T, RuntimeException> body);
    }

    /** Decides one charge on a connection as single mode does: what a batch of one sends. */
    interface LoneCharge {
        JdbiBalanceStore.ChargeOutcome call(java.sql.Connection connection, String accountId, long cost,
                String action, String key);
    }

    private final Lane[] lanes;
    private final int maxBatchSize;
    private final PostgresSql sql;
    private final Runner runner;
    private final LoneCharge lone;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean shardsRead = new AtomicBoolean();
    /** Batches sent and the charges in them, for tests and diagnosis. */
    private final LongAdder batchesSent = new LongAdder();
    private final LongAdder chargesSent = new LongAdder();
    private final LongAdder sentByCallers = new LongAdder();
    /** Where Citus keeps each account; null until a batch has looked, and when the table is not distributed. */
    private volatile CitusShards shards;

    ChargeBatcher(int laneCount, int maxBatchSize, PostgresSql sql, Runner runner, LoneCharge lone,
            String description) {
        this.maxBatchSize = maxBatchSize;
        this.sql = sql;
        this.runner = runner;
        this.lone = lone;
        this.description = description;
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(i);
        }
    }

    ChargeResult charge(String accountId, long cost, String action, String key) {
        Pending pending = new Pending(accountId, cost, action, key);
        CitusShards known = shards;
        int lane = known != null ? known.lane(accountId) : Math.floorMod(accountId.hashCode(), lanes.length);
        lanes[lane].submit(pending);
        try {
            return pending.result.join();
        } catch (CompletionException failure) {
            throw (RuntimeException) failure.getCause();
        }
    }

    /** Batches sent so far, lone charges included. */
    long batchesSent() {
        return batchesSent.sum();
    }

    /** Charges sent so far in those batches. */
    long chargesSent() {
        return chargesSent.sum();
    }

    /** Of those batches, the ones a caller sent on its own thread, having found its lane idle. */
    long sentByCallers() {
        return sentByCallers.sum();
    }

    /** Charges waiting in the lanes' queues now. */
    int queued() {
        int queued = 0;
        for (Lane lane : lanes) {
            queued += lane.queue.size();
        }
        return queued;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Lane lane : lanes) {
                LockSupport.unpark(lane.thread);
            }
        }
    }

    /** One charge waiting for its batch. */
    private static final class Pending {
        final String accountId;
        final long cost;
        final String action;
        final String key;
        final CompletableFuture<ChargeResult> result = new CompletableFuture<>();

        Pending(String accountId, long cost, String action, String key) {
            this.accountId = accountId;
            this.cost = cost;
            this.action = action;
            this.key = key;
        }
    }

    private final class Lane implements Runnable {
        private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        /** Held by whoever sends the lane's batches now: the lane's thread, or a caller that found the lane idle. */
        private final AtomicBoolean sending = new AtomicBoolean();
        private final Thread thread;

        Lane(int index) {
            thread = new Thread(this, "credit-gate-batch-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Queues the charge; if no batch of the lane is in flight, sends it (with anything queued before it) on the
         * caller's thread. Otherwise whoever is sending hands the queue to the lane's thread when done.
         */
        void submit(Pending pending) {
            if (closed.get()) {
                pending.result.completeExceptionally(closedFailure());
                return;
            }
            queue.add(pending);
            if (!sending.compareAndSet(false, true)) {
                return;
            }
            try {
                List<Pending> batch = new ArrayList<>();
                while (!pending.result.isDone() && drain(batch)) {
                    sentByCallers.increment();
                    send(batch);
                    batch.clear();
                }
            } finally {
                release();
            }
        }

        /** Takes queued charges, oldest first, up to the maximum; false when none was queued. */
        private boolean drain(List<Pending> batch) {
            Pending next;
            while (batch.size() < maxBatchSize && (next = queue.poll()) != null) {
                batch.add(next);
            }
            return !batch.isEmpty();
        }

        /**
         * Lets the next sender in. Checked after letting go, so that a charge queued while this sender held the
         * lane (its caller found it taken) is never left waiting: the lane's thread sends it, or fails it if the
         * store was closed.
         */
        private void release() {
            sending.set(false);
            if (queue.isEmpty()) {
                return;
            }
            if (closed.get()) {
                failQueued();
            } else {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>(maxBatchSize);
            while (!closed.get()) {
                if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                    LockSupport.park(this);
                    continue;
                }
                try {
                    if (drain(batch)) {
                        send(batch);
                        batch.clear();
                    }
                } finally {
                    release();
                }
            }
            failQueued();
        }

        private void failQueued() {
            Pending left;
            while ((left = queue.poll()) != null) {
                left.result.completeExceptionally(closedFailure());
            }
        }

        private void send(List<Pending> batch) {
            batchesSent.increment();
            chargesSent.add(batch.size());
            try {
                Object[] outcomes = runner.run("charge batch", handle -> {
                    if (shardsRead.compareAndSet(false, true)) {
                        readShards(handle);
                    }
                    return decide(handle, batch);
                });
                for (int i = 0; i < batch.size(); i++) {
                    if (outcomes[i] instanceof ChargeResult result) {
                        batch.get(i).result.complete(result);
                    } else {
                        batch.get(i).result.completeExceptionally((RuntimeException) outcomes[i]);
                    }
                }
            } catch (RuntimeException failure) {
                // The batch failed as a whole: each charge gets the classified failure and is retried by its key.
                for (Pending pending : batch) {
                    pending.result.completeExceptionally(failure);
                }
            }
        }
    }

    /** Reads where Citus keeps the accounts, once per store; without Citus, one query that finds no extension. */
    private void readShards(Handle handle) {
        try {
            if (CitusDistribution.present(handle)) {
                shards = CitusShards.load(handle, sql.accounts(), lanes.length).orElse(null);
            }
        } catch (RuntimeException unreadable) {
            // Only speed depends on it: batches keep their lanes by hash, and stay as correct.
            LOG.debug("charge batches: could not read the Citus shards of {}; lanes stay by hash", sql.accounts(),
                    unreadable);
        }
    }

    /**
     * Sends one batch and returns, per charge in batch order, its {@link ChargeResult} or the exception that rejects
     * it alone (an idempotency conflict, say): one charge's rejection does not fail the others.
     */
    private Object[] decide(Handle handle, List<Pending> batch) {
        int size = batch.size();
        if (size == 1) {
            Pending only = batch.get(0);
            JdbiBalanceStore.ChargeOutcome outcome = JdbiBalanceStore.decided(handle,
                    tx -> lone.call(tx.getConnection(), only.accountId, only.cost, only.action, only.key));
            try {
                return new Object[] {outcome.toResult(only.accountId, only.cost, only.action, only.key, description)};
            } catch (RuntimeException rejected) {
                return new Object[] {rejected};
            }
        }
        String[] accounts = new String[size];
        long[] costs = new long[size];
        String[] actions = new String[size];
        String[] keys = new String[size];
        for (int i = 0; i < size; i++) {
            Pending pending = batch.get(i);
            accounts[i] = pending.accountId;
            costs[i] = pending.cost;
            actions[i] = pending.action;
            keys[i] = pending.key;
        }
        Object[] outcomes = new Object[size];
        JdbiBalanceStore.decided(handle, tx -> {
            callBatch(tx.getConnection(), accounts, costs, actions, keys, outcomes);
            return null;
        });
        for (int i = 0; i < size; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = new IllegalStateException("charge batch: the database answered no row for charge "
                        + (i + 1) + " of " + size);
            }
        }
        return outcomes;
    }

    /**
     * The batch call in plain JDBC on the handle's connection, as single mode's charge is: Jdbi's argument binding
     * (a factory look-up and a text rendering per array) was about a third of the CPU samples of the lane's thread,
     * which sends every batch of its lane. pgjdbc sends the arrays as typed parameters and caches the statement.
     */
    private void callBatch(Connection connection, String[] accounts, long[] costs, String[] actions, String[] keys,
            Object[] outcomes) {
        try (PreparedStatement call = connection.prepareStatement(sql.chargeBatchCall())) {
            call.setObject(1, accounts);
            call.setObject(2, costs);
            call.setObject(3, actions);
            call.setObject(4, keys);
            try (ResultSet rs = call.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1) - 1;
                    JdbiBalanceStore.ChargeOutcome outcome = JdbiBalanceStore.ChargeOutcome.read(rs, 2);
                    try {
                        outcomes[i] = outcome.toResult(accounts[i], costs[i], actions[i], keys[i], description);
                    } catch (RuntimeException rejected) {
                        outcomes[i] = rejected;
                    }
                }
            }
        } catch (SQLException failure) {
            // Jdbi's own wrapping, so that the failure is classified exactly as every other statement's.
            throw new UnableToExecuteStatementException(failure, null);
        }
    }

    private static TransientStoreException closedFailure() {
        return new TransientStoreException("charge: the store's batching was closed", null);
    }
}
