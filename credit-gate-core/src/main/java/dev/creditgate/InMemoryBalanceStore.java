package dev.creditgate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe {@link BalanceStore} that keeps everything in memory: for unit tests, demos and single-process
 * tools. It has the full semantics of a database store (atomic conditional debits, ledger, idempotency, refunds,
 * holds with expiry by its clock) and passes the same contract tests.
 *
 * <p>Each account is guarded by its own lock, so charges on different accounts never wait for each other. Nothing
 * survives the JVM. Transaction and reservation ids name their account (its id in base64url, then the entry's
 * number), so that an id counted from another is never another account's.
 */
public final class InMemoryBalanceStore implements BalanceStore {

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final Clock clock;

    private static final String CURSOR_PREFIX = "mem:";
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder ID_DECODER = Base64.getUrlDecoder();

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
            Hold holding = account.holdsByKey.get(idempotencyKey);
            if (holding != null && holding.stateAt(clock.instant()) == ReservationState.HELD) {
                throw new IdempotencyConflictException(accountId, idempotencyKey,
                        "reservation '" + holding.reserved.reservationId() + "', which still holds credits",
                        "a charge of " + cost + " for '" + action + "'");
            }
            // The clock is read only when holds or a rejection need it: a charge's ledger entry reads it anyway.
            long available = account.activeHolds.isEmpty() ? account.balance : account.available(clock.instant());
            if (available < cost) {
                return new InsufficientCredits(accountId, action, cost, available,
                        DebugContext.observed(idempotencyKey, describe(), Optional.of(clock.instant())));
            }
            return charged(account.post(LedgerEntry.Kind.CHARGE, -cost, action, idempotencyKey, Optional.empty()));
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
        Account account = accountOf(chargeTransactionId)
                .orElseThrow(() -> new TransactionNotFoundException(chargeTransactionId));
        return refund(account, chargeTransactionId, reason, idempotencyKey);
    }

    @Override
    public Refund refund(String accountId, String chargeTransactionId, String reason, String idempotencyKey) {
        Account account = accountOf(chargeTransactionId).filter(owner -> owner.id.equals(accountId))
                .orElseThrow(() -> new TransactionNotFoundException(chargeTransactionId));
        return refund(account, chargeTransactionId, reason, idempotencyKey);
    }

    private Refund refund(Account account, String chargeTransactionId, String reason, String idempotencyKey) {
        synchronized (account) {
            LedgerEntry charge = account.entry(chargeTransactionId)
                    .filter(entry -> entry.kind() == LedgerEntry.Kind.CHARGE)
                    .orElseThrow(() -> new TransactionNotFoundException(chargeTransactionId));
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

    /**
     * {@inheritDoc}
     *
     * <p>A cursor is the position of a page's last entry in the account's ledger, which only ever grows at its end.
     */
    @Override
    public HistoryPage history(HistoryQuery query) {
        int before = query.cursor().map(InMemoryBalanceStore::position).orElse(Integer.MAX_VALUE);
        Account account = accounts.get(query.accountId());
        if (account == null) {
            return HistoryPage.empty();
        }
        synchronized (account) {
            int from = Math.min(before, account.ledger.size()) - 1;
            int to = Math.max(from - query.limit(), -1);
            List<LedgerEntry> newestFirst = new ArrayList<>(from - to);
            for (int i = from; i > to; i--) {
                newestFirst.add(account.ledger.get(i));
            }
            return new HistoryPage(newestFirst,
                    to >= 0 ? Optional.of(CURSOR_PREFIX + (to + 1)) : Optional.empty());
        }
    }

    private static int position(String cursor) {
        if (cursor.startsWith(CURSOR_PREFIX)) {
            try {
                int position = Integer.parseInt(cursor.substring(CURSOR_PREFIX.length()));
                if (position > 0) {
                    return position;
                }
            } catch (NumberFormatException notOurs) {
                // falls through to the rejection
            }
        }
        throw new IllegalArgumentException("cursor " + Arguments.escaped(cursor)
                + " was not issued by this in-memory store");
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
            ReservationState earlierState = earlier == null ? ReservationState.RELEASED : earlier.stateAt(now);
            if (earlierState == ReservationState.HELD || earlierState == ReservationState.CAPTURED) {
                if (earlier.amount != amount || !earlier.action.equals(action)) {
                    throw new IdempotencyConflictException(accountId, idempotencyKey,
                            "a reservation of " + earlier.amount + " for '" + earlier.action + "'",
                            "a reservation of " + amount + " for '" + action + "'");
                }
                return earlier.reserved.asReplay(earlierState);
            }
            LedgerEntry taken = account.byKey.get(idempotencyKey);
            if (taken != null) {
                throw conflict(taken, "a reservation of " + amount + " for '" + action + "'");
            }
            long available = account.available(now);
            if (available < amount) {
                return new InsufficientCredits(accountId, action, amount, available,
                        DebugContext.observed(idempotencyKey, describe(), Optional.of(now)));
            }
            if (earlierState == ReservationState.EXPIRED) {
                // The key holds again: the expired reservation must never be captured after the new one.
                earlier.settle(ReservationState.RELEASED, now);
            }
            Hold hold = new Hold(new Reserved(account.nextHoldId(), accountId, action, amount, now.plus(ttl),
                    available - amount, idempotencyKey, ReservationState.HELD, false));
            account.holdsByKey.put(idempotencyKey, hold);
            account.holdsById.put(hold.reserved.reservationId(), hold);
            account.activeHolds.add(hold);
            return hold.reserved;
        }
    }

    @Override
    public Charged capture(String reservationId, long amount) {
        Account account = accountOf(reservationId)
                .orElseThrow(() -> new ReservationNotFoundException(reservationId));
        synchronized (account) {
            Hold hold = account.hold(reservationId);
            if (hold.capture != null) {
                if (-hold.capture.amount() != amount) {
                    throw new ReservationStateException(reservationId, ReservationState.CAPTURED,
                            "capture " + amount + " after capturing " + -hold.capture.amount());
                }
                return charged(hold.capture).asReplay();
            }
            if (hold.state == ReservationState.RELEASED) {
                throw new ReservationStateException(reservationId, hold.state, "capture " + amount);
            }
            if (amount > hold.amount) {
                throw new IllegalArgumentException("amount must be at most the " + hold.amount
                        + " credits held by reservation '" + reservationId + "', got " + amount);
            }
            Instant now = clock.instant();
            if (hold.stateAt(now) == ReservationState.EXPIRED) {
                // A late capture holds nothing any more: it is a conditional debit, like a charge.
                long available = account.available(now);
                if (available < amount) {
                    throw new ReservationStateException(reservationId, ReservationState.EXPIRED,
                            "capture " + amount + ": it holds nothing any more and only " + available
                                    + " credits are available");
                }
            }
            LedgerEntry earlier = account.byKey.get(hold.key);
            if (earlier != null) {
                throw conflict(earlier, "the capture of reservation '" + reservationId + "'");
            }
            LedgerEntry entry = account.post(LedgerEntry.Kind.CHARGE, -amount, hold.action, hold.key,
                    Optional.empty());
            hold.capture = entry;
            hold.settle(ReservationState.CAPTURED, now);
            account.activeHolds.remove(hold);
            return charged(entry);
        }
    }

    @Override
    public Released release(String reservationId) {
        Account account = accountOf(reservationId)
                .orElseThrow(() -> new ReservationNotFoundException(reservationId));
        synchronized (account) {
            Hold hold = account.hold(reservationId);
            switch (hold.state) {
                case RELEASED:
                    return new Released(reservationId, hold.reserved.accountId(), hold.amount, hold.freed, true);
                case CAPTURED:
                    throw new ReservationStateException(reservationId, hold.state, "release");
                default:
                    Instant now = clock.instant();
                    hold.freed = hold.stateAt(now) == ReservationState.EXPIRED ? 0 : hold.amount;
                    hold.settle(ReservationState.RELEASED, now);
                    account.activeHolds.remove(hold);
                    return new Released(reservationId, hold.reserved.accountId(), hold.amount, hold.freed, false);
            }
        }
    }

    @Override
    public long purgeSettledHolds(Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        long deleted = 0;
        for (Account account : accounts.values()) {
            synchronized (account) {
                Instant cutoff = clock.instant().minus(retention);
                for (var holds = account.holdsById.values().iterator(); holds.hasNext(); ) {
                    Hold hold = holds.next();
                    Instant ended = hold.state == ReservationState.HELD ? hold.reserved.expiresAt() : hold.settledAt;
                    if (ended.isBefore(cutoff)) {
                        holds.remove();
                        account.holdsByKey.remove(hold.key, hold);
                        account.activeHolds.remove(hold);
                        deleted++;
                    }
                }
            }
        }
        return deleted;
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

    /** The account an id of this store names, if it exists. */
    private Optional<Account> accountOf(String id) {
        int dot = id.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        try {
            String accountId = new String(ID_DECODER.decode(id.substring(0, dot)), StandardCharsets.UTF_8);
            Account account = accounts.get(accountId);
            return account != null && id.startsWith(account.idPrefix) ? Optional.of(account) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
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
        /** Starts every id of the account's entries and holds: its id in unpadded base64url, and a dot. */
        private final String idPrefix;
        private long balance;
        private final List<LedgerEntry> ledger = new ArrayList<>();
        private final Map<String, LedgerEntry> byKey = new HashMap<>();
        private final Map<String, LedgerEntry> refunds = new HashMap<>();
        private final Map<String, Hold> holdsByKey = new HashMap<>();
        private final Map<String, Hold> holdsById = new HashMap<>();
        private long holdsPlaced;
        private final List<Hold> activeHolds = new ArrayList<>();

        private Account(String id) {
            this.id = id;
            this.idPrefix = ID_ENCODER.encodeToString(id.getBytes(StandardCharsets.UTF_8)) + ".";
        }

        /** A ledger entry's transaction id is its position in the ledger, so it needs no index of its own. */
        private Optional<LedgerEntry> entry(String transactionId) {
            try {
                int position = Integer.parseInt(transactionId, idPrefix.length(), transactionId.length(), 10);
                return position >= 0 && position < ledger.size() && transactionId.equals(idPrefix + position)
                        ? Optional.of(ledger.get(position)) : Optional.empty();
            } catch (NumberFormatException | IndexOutOfBoundsException notAnEntry) {
                return Optional.empty();
            }
        }

        private String nextHoldId() {
            return idPrefix + "h" + holdsPlaced++;
        }

        private Hold hold(String reservationId) {
            Hold hold = holdsById.get(reservationId);
            if (hold == null) {
                throw new ReservationNotFoundException(reservationId);
            }
            return hold;
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
            LedgerEntry entry = new LedgerEntry(idPrefix + ledger.size(), id, kind, amount, after, reference, key,
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
        private Instant settledAt;
        private long freed;

        private Hold(Reserved reserved) {
            this.reserved = reserved;
            this.amount = reserved.amount();
            this.action = reserved.action();
            this.key = reserved.idempotencyKey();
        }

        private void settle(ReservationState settled, Instant now) {
            state = settled;
            settledAt = now;
        }

        private ReservationState stateAt(Instant now) {
            return state == ReservationState.HELD && !reserved.expiresAt().isAfter(now) ? ReservationState.EXPIRED
                    : state;
        }
    }
}
