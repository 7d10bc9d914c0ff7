package dev.creditgate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe {@link BalanceStore} that keeps everything in memory: for unit tests, demos and single-process
 * tools. It has the full semantics of a database store (atomic conditional debits, ledger, idempotency, refunds,
 * holds with expiry by its clock) and passes the same contract tests.
 *
 * <p>Each account is guarded by its own lock, so charges on different accounts never wait for each other. Nothing
 * survives the JVM.
 */
public final class InMemoryBalanceStore implements BalanceStore {

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LedgerEntry> charges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Hold> reservations = new ConcurrentHashMap<>();
    private final Clock clock;

    /** Creates an empty store on the system clock (UTC). */
    public InMemoryBalanceStore() {
        this(Clock.systemUTC());
    }

    /**
     * Creates an empty store whose ledger times and observations come from {@code clock}.
     *
     * @param clock the clock, such as a manual clock in tests
     */
    public InMemoryBalanceStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ChargeResult charge(String accountId, long cost, String action, String idempotencyKey) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return new AccountNotFound(accountId, action,
                    DebugContext.observed(idempotencyKey, describe(), Optional.empty()));
        }
        synchronized (account) {
            LedgerEntry earlier = account.byKey.get(idempotencyKey);
            if (earlier != null) {
                if (earlier.kind() != LedgerEntry.Kind.CHARGE || earlier.amount() != -cost
                        || !earlier.reference().equals(action)) {
                    throw conflict(earlier, "a charge of " + cost + " for '" + action + "'");
                }
                return charged(earlier).asReplay();
            }
            Instant now = clock.instant();
            long available = account.available(now);
            if (available < cost) {
                return new InsufficientCredits(accountId, action, cost, available,
                        DebugContext.observed(idempotencyKey, describe(), Optional.of(now)));
            }
            LedgerEntry entry = account.post(LedgerEntry.Kind.CHARGE, -cost, action, idempotencyKey, Optional.empty());
            charges.put(entry.transactionId(), entry);
            return charged(entry);
        }
    }

    @Override
    public long grant(String accountId, long amount, String reason, String idempotencyKey) {
        if (amount < 1) {
            // The gate validates this; checked again so a direct call cannot leave an empty account behind.
            throw new IllegalArgumentException("amount must be at least 1, got " + amount);
        }
        Account account = accounts.computeIfAbsent(accountId, Account::new);
        synchronized (account) {
            LedgerEntry earlier = account.byKey.get(idempotencyKey);
            if (earlier != null) {
                if (earlier.kind() != LedgerEntry.Kind.GRANT || earlier.amount() != amount
                        || !earlier.reference().equals(reason)) {
                    throw conflict(earlier, "a grant of " + amount + " for '" + reason + "'");
                }
                return earlier.balanceAfter();
            }
            return account.post(LedgerEntry.Kind.GRANT, amount, reason, idempotencyKey, Optional.empty())
                    .balanceAfter();
        }
    }

    @Override
    public Refund refund(String chargeTransactionId, String reason, String idempotencyKey) {
        LedgerEntry charge = charges.get(chargeTransactionId);
        if (charge == null) {
            throw new TransactionNotFoundException(chargeTransactionId);
        }
        Account account = accounts.get(charge.accountId());
        synchronized (account) {
            LedgerEntry earlier = account.refunds.get(chargeTransactionId);
            if (earlier != null) {
                return refund(earlier).asReplay();
            }
            return refund(account.post(LedgerEntry.Kind.REFUND, -charge.amount(), reason, idempotencyKey,
                    Optional.of(chargeTransactionId)));
        }
    }

    @Override
    public OptionalLong balance(String accountId) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return OptionalLong.empty();
        }
        synchronized (account) {
            return OptionalLong.of(account.balance);
        }
    }

    @Override
    public List<LedgerEntry> history(String accountId, int limit) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return List.of();
        }
        synchronized (account) {
            List<LedgerEntry> newestFirst = new ArrayList<>(Math.min(limit, account.ledger.size()));
            for (int i = account.ledger.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
                newestFirst.add(account.ledger.get(i));
            }
            return List.copyOf(newestFirst);
        }
    }

    @Override
    public Optional<AccountSnapshot> account(String accountId) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return Optional.empty();
        }
        synchronized (account) {
            Instant now = clock.instant();
            long held = account.held(now);
            return Optional.of(new AccountSnapshot(accountId, account.balance, held, account.balance - held, now));
        }
    }

    @Override
    public ReserveResult reserve(String accountId, long amount, String action, Duration ttl, String idempotencyKey) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return new AccountNotFound(accountId, action,
                    DebugContext.observed(idempotencyKey, describe(), Optional.empty()));
        }
        synchronized (account) {
            Instant now = clock.instant();
            Hold earlier = account.holdsByKey.get(idempotencyKey);
            if (earlier != null) {
                if (earlier.amount != amount || !earlier.action.equals(action)) {
                    throw new IdempotencyConflictException(accountId, idempotencyKey,
                            "a reservation of " + earlier.amount + " for '" + earlier.action + "'",
                            "a reservation of " + amount + " for '" + action + "'");
                }
                return earlier.reserved.asReplay(earlier.stateAt(now));
            }
            long available = account.available(now);
            if (available < amount) {
                return new InsufficientCredits(accountId, action, amount, available,
                        DebugContext.observed(idempotencyKey, describe(), Optional.of(now)));
            }
            Hold hold = new Hold(new Reserved(UUID.randomUUID().toString(), accountId, action, amount, now.plus(ttl),
                    available - amount, idempotencyKey, ReservationState.HELD, false));
            account.holdsByKey.put(idempotencyKey, hold);
            account.activeHolds.add(hold);
            reservations.put(hold.reserved.reservationId(), hold);
            return hold.reserved;
        }
    }

    @Override
    public Charged capture(String reservationId, long amount) {
        Hold hold = reservation(reservationId);
        Account account = accounts.get(hold.reserved.accountId());
        synchronized (account) {
            if (hold.capture != null) {
                if (-hold.capture.amount() != amount) {
                    throw new ReservationStateException(reservationId, ReservationState.CAPTURED,
                            "capture " + amount + " after capturing " + -hold.capture.amount());
                }
                return charged(hold.capture).asReplay();
            }
            requireHeld(hold, clock.instant(), "capture " + amount);
            if (amount > hold.amount) {
                throw new IllegalArgumentException("amount must be at most the " + hold.amount
                        + " credits held by reservation '" + reservationId + "', got " + amount);
            }
            LedgerEntry earlier = account.byKey.get(hold.key);
            if (earlier != null) {
                throw conflict(earlier, "the capture of reservation '" + reservationId + "'");
            }
            LedgerEntry entry = account.post(LedgerEntry.Kind.CHARGE, -amount, hold.action, hold.key,
                    Optional.empty());
            charges.put(entry.transactionId(), entry);
            hold.capture = entry;
            hold.state = ReservationState.CAPTURED;
            account.activeHolds.remove(hold);
            return charged(entry);
        }
    }

    @Override
    public Released release(String reservationId) {
        Hold hold = reservation(reservationId);
        Account account = accounts.get(hold.reserved.accountId());
        synchronized (account) {
            Released released = new Released(reservationId, hold.reserved.accountId(), hold.amount, false);
            switch (hold.state) {
                case RELEASED:
                    return released.asReplay();
                case CAPTURED:
                    throw new ReservationStateException(reservationId, hold.state, "release");
                default:
                    hold.state = ReservationState.RELEASED;
                    account.activeHolds.remove(hold);
                    return released;
            }
        }
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public String toString() {
        return "InMemoryBalanceStore[accounts=" + accounts.size() + "]";
    }

    private static Charged charged(LedgerEntry entry) {
        return new Charged(entry.transactionId(), entry.accountId(), entry.reference(), -entry.amount(),
                entry.balanceAfter(), entry.idempotencyKey(), false);
    }

    private static Refund refund(LedgerEntry entry) {
        return new Refund(entry.transactionId(), entry.reverses().orElseThrow(), entry.accountId(), entry.amount(),
                entry.balanceAfter(), false);
    }

    private Hold reservation(String reservationId) {
        Hold hold = reservations.get(reservationId);
        if (hold == null) {
            throw new ReservationNotFoundException(reservationId);
        }
        return hold;
    }

    private static void requireHeld(Hold hold, Instant now, String attempted) {
        if (hold.state != ReservationState.HELD) {
            throw new ReservationStateException(hold.reserved.reservationId(), hold.state, attempted);
        }
        if (!hold.reserved.expiresAt().isAfter(now)) {
            throw new ReservationStateException(hold.reserved.reservationId(), ReservationState.EXPIRED,
                    attempted);
        }
    }

    private static IdempotencyConflictException conflict(LedgerEntry earlier, String attempted) {
        return new IdempotencyConflictException(earlier.accountId(), earlier.idempotencyKey(),
                "a " + earlier.kind().name().toLowerCase() + " of " + Math.abs(earlier.amount()) + " for '"
                        + earlier.reference() + "'",
                attempted);
    }

    /** One account's state; every field is guarded by the account's monitor. */
    private final class Account {
        private final String id;
        private long balance;
        private final List<LedgerEntry> ledger = new ArrayList<>();
        private final Map<String, LedgerEntry> byKey = new HashMap<>();
        private final Map<String, LedgerEntry> refunds = new HashMap<>();
        private final Map<String, Hold> holdsByKey = new HashMap<>();
        private final List<Hold> activeHolds = new ArrayList<>();

        private Account(String id) {
            this.id = id;
        }

        /** Credits held by holds still in force at {@code now}; expired ones are dropped as they are met. */
        private long held(Instant now) {
            activeHolds.removeIf(hold -> !hold.reserved.expiresAt().isAfter(now));
            return activeHolds.stream().mapToLong(hold -> hold.amount).sum();
        }

        private long available(Instant now) {
            return balance - held(now);
        }

        /** Applies a change and its ledger entry together; throws before changing anything if it would overflow. */
        private LedgerEntry post(LedgerEntry.Kind kind, long amount, String reference, String key,
                Optional<String> reverses) {
            long after = Math.addExact(balance, amount);
            LedgerEntry entry = new LedgerEntry(UUID.randomUUID().toString(), id, kind, amount, after, reference, key,
                    reverses, clock.instant());
            balance = after;
            ledger.add(entry);
            byKey.put(key, entry);
            reverses.ifPresent(charge -> refunds.put(charge, entry));
            return entry;
        }
    }

    /** One reservation; its mutable fields are guarded by its account's monitor. */
    private static final class Hold {
        private final Reserved reserved;
        private final long amount;
        private final String action;
        private final String key;
        private ReservationState state = ReservationState.HELD;
        private LedgerEntry capture;

        private Hold(Reserved reserved) {
            this.reserved = reserved;
            this.amount = reserved.amount();
            this.action = reserved.action();
            this.key = reserved.idempotencyKey();
        }

        private ReservationState stateAt(Instant now) {
            return state == ReservationState.HELD && !reserved.expiresAt().isAfter(now) ? ReservationState.EXPIRED
                    : state;
        }
    }
}
