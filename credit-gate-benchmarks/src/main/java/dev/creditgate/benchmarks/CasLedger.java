package dev.creditgate.benchmarks;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory benchmark's baseline: the least code that keeps a balance, a ledger and idempotency keys correct
 * under concurrency, on a {@link ConcurrentHashMap} and a compare-and-set loop. No validation, no retry policy, no
 * result types: what the gate adds on top of this is what the benchmark measures.
 */
public final class CasLedger {

    private static final String KEY_PREFIX = "cas-" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()) + "-";
    private static final AtomicLong KEYS = new AtomicLong();

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();

    /**
     * One ledger entry.
     *
     * @param accountId the account
     * @param amount the change, negative for a charge
     * @param balanceAfter the balance after the change
     * @param reference what the change was for
     * @param key its idempotency key
     * @param at when it was recorded
     * @param replayed whether this answer repeats an earlier charge of the key
     */
    public record Entry(String accountId, long amount, long balanceAfter, String reference, String key, Instant at,
            boolean replayed) {
    }

    private static final class Account {
        final AtomicLong balance = new AtomicLong();
        final Queue<Entry> ledger = new ConcurrentLinkedQueue<>();
        final ConcurrentHashMap<String, Entry> byKey = new ConcurrentHashMap<>();
    }

    /**
     * A fresh idempotency key, made as the gate makes one: a random prefix and a counter.
     *
     * @return the key
     */
    public static String freshKey() {
        return KEY_PREFIX + Long.toString(KEYS.incrementAndGet(), Character.MAX_RADIX);
    }

    /**
     * Adds credits, creating the account if absent.
     *
     * @param accountId the account
     * @param amount the credits, at least 1
     * @param reason what for
     */
    public void grant(String accountId, long amount, String reason) {
        Account account = accounts.computeIfAbsent(accountId, id -> new Account());
        long after = account.balance.addAndGet(amount);
        account.ledger.add(new Entry(accountId, amount, after, reason, freshKey(), Instant.now(), false));
    }

    /**
     * Debits {@code cost} iff the account exists and its balance covers it, with a ledger entry and the key.
     *
     * @param accountId the account
     * @param cost the credits
     * @param action what for
     * @param key the idempotency key
     * @return the entry, or empty when the account is missing or short of credits
     */
    public Optional<Entry> charge(String accountId, long cost, String action, String key) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return Optional.empty();
        }
        Entry earlier = account.byKey.get(key);
        if (earlier != null) {
            return Optional.of(earlier);
        }
        long before;
        do {
            before = account.balance.get();
            if (before < cost) {
                return Optional.empty();
            }
        } while (!account.balance.compareAndSet(before, before - cost));
        Entry entry = new Entry(accountId, -cost, before - cost, action, key, Instant.now(), false);
        Entry raced = account.byKey.putIfAbsent(key, entry);
        if (raced != null) {
            // The same key won elsewhere meanwhile: give the debit back and answer with that charge.
            account.balance.addAndGet(cost);
            return Optional.of(raced);
        }
        account.ledger.add(entry);
        return Optional.of(entry);
    }
}
