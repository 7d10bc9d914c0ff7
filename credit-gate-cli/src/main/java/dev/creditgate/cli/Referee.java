package dev.creditgate.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the debits a gate really applied, per account and per upload, whatever its clients were told. */
final class Referee {

    private final Map<String, AtomicLong> byAccount = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byUpload = new ConcurrentHashMap<>();

    void debited(String accountId, String uploadId) {
        byAccount.computeIfAbsent(accountId, id -> new AtomicLong()).incrementAndGet();
        byUpload.computeIfAbsent(uploadId, id -> new AtomicInteger()).incrementAndGet();
    }

    long debits(String accountId) {
        AtomicLong count = byAccount.get(accountId);
        return count == null ? 0 : count.get();
    }

    long debits() {
        return byAccount.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Debits beyond the first of each upload. */
    long doubleCharges() {
        return byUpload.values().stream().mapToLong(count -> count.get() - 1L).sum();
    }
}
