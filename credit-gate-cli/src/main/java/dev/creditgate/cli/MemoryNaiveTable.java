package dev.creditgate.cli;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The incident's tables in memory: each statement is atomic on its own, and nothing more. */
final class MemoryNaiveTable implements NaiveTable {

    private final Map<String, Long> credits = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> transactions = new ConcurrentHashMap<>();

    @Override
    public void open(String userId, long amount) {
        credits.put(userId, amount);
        record(userId, amount, "signup");
    }

    @Override
    public OptionalLong read(String userId) {
        Long value = credits.get(userId);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Override
    public void write(String userId, long amount, String requestId) {
        credits.replace(userId, amount);
    }

    @Override
    public void record(String userId, long amount, String reference) {
        transactions.computeIfAbsent(userId, id -> new AtomicLong()).addAndGet(amount);
    }

    @Override
    public long transactionsSum(String userId) {
        AtomicLong sum = transactions.get(userId);
        return sum == null ? 0 : sum.get();
    }
}
