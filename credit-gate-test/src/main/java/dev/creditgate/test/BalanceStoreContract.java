package dev.creditgate.test;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.AccountSnapshot;
import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.AccountNotFound;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Refund;
import dev.creditgate.Released;
import dev.creditgate.ReservationNotFoundException;
import dev.creditgate.ReservationState;
import dev.creditgate.ReservationStateException;
import dev.creditgate.ReserveRequest;
import dev.creditgate.ReserveResult;
import dev.creditgate.Reserved;
import dev.creditgate.RetryPolicy;
import dev.creditgate.TransactionNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BalanceStore} must pass: the semantics of DESIGN, proven through a {@link CreditGate}.
 * Extend it and supply the store:
 *
 * <pre>{@code
 * class MyStoreTest extends BalanceStoreContract {
 *     @Override
 *     protected BalanceStore store() {
 *         return myStore;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #store()} is called before each test; it may return the same store every time, because every test
 * works on account ids of its own (from {@link #newAccountId()}).
 */
public abstract class BalanceStoreContract {

    /** Threads in every concurrency storm. */
    protected static final int STORM_THREADS = 16;

    /** The gate under test, built on {@link #store()} before each test. */
    protected CreditGate gate;

    private ExecutorService pool;

    /** For subclasses, which supply the store under test. */
    protected BalanceStoreContract() {
    }

    /**
     * Supplies the store under test.
     *
     * @return the store; may be shared between tests
     */
    protected abstract BalanceStore store();

    /**
     * The retry policy of the gate under test; the default one unless overridden.
     *
     * @return the policy
     */
    protected RetryPolicy retryPolicy() {
        return RetryPolicy.defaults();
    }

    /** Builds the gate and the storm thread pool. */
    @BeforeEach
    protected void setUpGate() {
        gate = CreditGate.builder().store(store()).retryPolicy(retryPolicy()).build();
        pool = Executors.newFixedThreadPool(STORM_THREADS);
    }

    /**
     * Stops the storm thread pool.
     *
     * @throws InterruptedException if interrupted while waiting for it
     */
    @AfterEach
    protected void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("storm threads stopped").isTrue();
    }

    /**
     * Returns an account id no other test uses.
     *
     * @return a fresh id
     */
    protected String newAccountId() {
        return "acct-" + UUID.randomUUID();
    }

    /**
     * Lets {@code duration} pass on the store's clock. By default it sleeps, which suits a store on the database's
     * clock; a store on a manual clock overrides it to advance the clock.
     *
     * @param duration how much time must pass
     * @throws InterruptedException if interrupted while sleeping
     */
    protected void elapse(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    private String fundedAccount(long balance) {
        String account = newAccountId();
        gate.grant(account, balance, "test funds");
        return account;
    }

    // ---- grants and balances -----------------------------------------------------------------------------------

    @Test
    void grantCreatesTheAccountAndReturnsTheBalance() {
        String account = newAccountId();

        assertThat(gate.grant(account, 20_000, "signup bonus")).isEqualTo(20_000);
        assertThatAccount(gate, account).hasBalance(20_000).hasLedgerEntries(1);
    }

    @Test
    void grantAddsToAnExistingBalance() {
        String account = fundedAccount(100);

        assertThat(gate.grant(account, 50, "top-up")).isEqualTo(150);
        assertThatAccount(gate, account).hasBalance(150).hasLedgerSummingToBalance();
    }

    @Test
    void balanceOfAnUnknownAccountIsEmptyNotZero() {
        assertThat(gate.balance(newAccountId())).isEqualTo(OptionalLong.empty());
    }

    @Test
    void grantWithTheSameKeyIsAppliedOnce() {
        String account = newAccountId();

        assertThat(gate.grant(account, 500, "payment evt_1", "evt_1")).isEqualTo(500);
        gate.grant(account, 20, "other");
        assertThat(gate.grant(account, 500, "payment evt_1", "evt_1")).isEqualTo(500);
        assertThatAccount(gate, account).hasBalance(520).hasLedgerEntries(2);
    }

    @Test
    void grantKeyReusedWithAnotherAmountConflicts() {
        String account = newAccountId();
        gate.grant(account, 500, "payment", "evt_2");

        assertThatThrownBy(() -> gate.grant(account, 501, "payment", "evt_2"))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining("evt_2");
        assertThatAccount(gate, account).hasBalance(500);
    }

    @Test
    void grantUpToLongMaxValueSucceeds() {
        String account = fundedAccount(Long.MAX_VALUE - 1);

        assertThat(gate.grant(account, 1, "to the top")).isEqualTo(Long.MAX_VALUE);
        assertThatAccount(gate, account).hasBalance(Long.MAX_VALUE).hasLedgerSummingToBalance();
    }

    @Test
    void grantPastLongMaxValueFailsAndWritesNothing() {
        String account = fundedAccount(Long.MAX_VALUE - 1);

        assertThatThrownBy(() -> gate.grant(account, 2, "overflow")).isInstanceOf(ArithmeticException.class);
        assertThatAccount(gate, account).hasBalance(Long.MAX_VALUE - 1).hasLedgerEntries(1);
    }

    // ---- charges -----------------------------------------------------------------------------------------------

    @Test
    void chargeDebitsExactlyTheCost() {
        String account = fundedAccount(20_000);

        ChargeResult result = gate.charge(account, 2, "audio.upload");

        assertThat(result).isCharged().hasCost(2).hasBalanceAfter(19_998).isNotReplayed().hasAccountId(account);
        Charged charged = (Charged) result;
        assertThat(charged.action()).isEqualTo("audio.upload");
        assertThatAccount(gate, account).hasBalance(19_998).hasLedgerSummingToBalance();
    }

    @Test
    void chargeOfTheWholeBalanceLeavesZero() {
        String account = fundedAccount(7);

        assertThat(gate.charge(account, 7, "export")).isCharged().hasBalanceAfter(0);
        assertThat(gate.charge(account, 1, "export")).isInsufficient().hasAvailable(0).hasShortfall(1);
    }

    @Test
    void chargeAboveTheBalanceIsInsufficientWithTheObservedBalance() {
        String account = fundedAccount(5);

        ChargeResult result = gate.charge(ChargeRequest.of(account, 8, "render").idempotencyKey("k-insufficient"));

        assertThat(result).isInsufficient().hasRequired(8).hasAvailable(5).hasShortfall(3).hasAccountId(account);
        InsufficientCredits insufficient = (InsufficientCredits) result;
        assertThat(insufficient.action()).isEqualTo("render");
        assertThat(insufficient.debug().idempotencyKey()).isEqualTo("k-insufficient");
        assertThat(insufficient.debug().store()).isEqualTo(gate.store().describe());
        assertThat(insufficient.debug().observedAt()).isPresent();
        assertThat(insufficient.debug().attempts()).isEqualTo(1);
    }

    @Test
    void insufficientChargeWritesNothing() {
        String account = fundedAccount(5);

        gate.charge(account, 6, "render");

        assertThatAccount(gate, account).hasBalance(5).hasLedgerEntries(1);
    }

    @Test
    void chargeOfAnUnknownAccountIsAccountNotFoundNotInsufficient() {
        String account = newAccountId();

        ChargeResult result = gate.charge(account, 2, "audio.upload");

        assertThat(result).isAccountNotFound().hasAccountId(account);
        assertThat(((AccountNotFound) result).debug().observedAt()).isEmpty();
        assertThatAccount(gate, account).doesNotExist();
    }

    @Test
    void accountIdsAreCaseSensitive() {
        String account = fundedAccount(10);

        assertThat(gate.charge(account.toUpperCase(), 1, "x")).isAccountNotFound();
        assertThatAccount(gate, account).hasBalance(10);
    }

    @Test
    void everyChargeGetsItsOwnTransactionId() {
        String account = fundedAccount(100);

        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10; i++) {
            ids.add(gate.charge(account, 1, "x").orElseThrow().transactionId());
        }

        assertThat(ids).hasSize(10);
    }

    // ---- idempotency -------------------------------------------------------------------------------------------

    @Test
    void chargeWithTheSameKeyReplaysTheOriginalAndDebitsNothing() {
        String account = fundedAccount(100);
        ChargeRequest request = ChargeRequest.of(account, 10, "ai.call").idempotencyKey("req-123");

        Charged first = gate.charge(request).orElseThrow();
        gate.charge(account, 1, "other");
        Charged second = gate.charge(request).orElseThrow();

        assertThat(first.replayed()).isFalse();
        assertThat(second).isEqualTo(first.asReplay());
        assertThat(second.balanceAfter()).isEqualTo(90);
        assertThatAccount(gate, account).hasBalance(89).hasLedgerEntries(3);
    }

    @Test
    void keyReusedWithAnotherCostConflicts() {
        String account = fundedAccount(100);
        gate.charge(ChargeRequest.of(account, 10, "ai.call").idempotencyKey("req-c"));

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 11, "ai.call").idempotencyKey("req-c")))
                .isInstanceOf(IdempotencyConflictException.class)
                .satisfies(e -> {
                    IdempotencyConflictException conflict = (IdempotencyConflictException) e;
                    assertThat(conflict.accountId()).isEqualTo(account);
                    assertThat(conflict.idempotencyKey()).isEqualTo("req-c");
                });
        assertThatAccount(gate, account).hasBalance(90);
    }

    @Test
    void keyReusedWithAnotherActionConflicts() {
        String account = fundedAccount(100);
        gate.charge(ChargeRequest.of(account, 10, "ai.call").idempotencyKey("req-a"));

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 10, "export").idempotencyKey("req-a")))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatAccount(gate, account).hasBalance(90);
    }

    @Test
    void keyOfAGrantCannotBeReusedForACharge() {
        String account = newAccountId();
        gate.grant(account, 100, "payment", "shared-key");

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 10, "x").idempotencyKey("shared-key")))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatAccount(gate, account).hasBalance(100);
    }

    @Test
    void theSameKeyOnAnotherAccountIsAnotherCharge() {
        String first = fundedAccount(100);
        String second = fundedAccount(100);

        Charged a = gate.charge(ChargeRequest.of(first, 10, "x").idempotencyKey("same")).orElseThrow();
        Charged b = gate.charge(ChargeRequest.of(second, 10, "x").idempotencyKey("same")).orElseThrow();

        assertThat(a.transactionId()).isNotEqualTo(b.transactionId());
        assertThat(b.replayed()).isFalse();
        assertThatAccount(gate, first).hasBalance(90);
        assertThatAccount(gate, second).hasBalance(90);
    }

    @Test
    void aKeyRejectedAsInsufficientMaySucceedLater() {
        String account = fundedAccount(5);
        ChargeRequest request = ChargeRequest.of(account, 8, "render").idempotencyKey("retry-later");

        assertThat(gate.charge(request)).isInsufficient();
        gate.grant(account, 10, "top-up");

        assertThat(gate.charge(request)).isCharged().isNotReplayed().hasBalanceAfter(7);
        assertThat(gate.charge(request)).isCharged().isReplayed().hasBalanceAfter(7);
    }

    @Test
    void aChargeThatTookTheLastCreditsStillReplaysItsKey() {
        String account = fundedAccount(10);
        ChargeRequest request = ChargeRequest.of(account, 10, "x").idempotencyKey("last-credits");
        Charged first = gate.charge(request).orElseThrow();

        assertThat(gate.charge(request)).isCharged().isReplayed().hasTransactionId(first.transactionId())
                .hasBalanceAfter(0);
        assertThatAccount(gate, account).hasBalance(0).hasLedgerEntries(2);
    }

    @Test
    void keyReusedWithAnotherCostConflictsEvenWhenTheBalanceIsShort() {
        String account = fundedAccount(10);
        gate.charge(ChargeRequest.of(account, 10, "x").idempotencyKey("short"));

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 5, "x").idempotencyKey("short")))
                .isInstanceOf(IdempotencyConflictException.class);
    }

    @Test
    void aRefundedChargeStillReplaysItsKey() {
        String account = fundedAccount(100);
        ChargeRequest request = ChargeRequest.of(account, 10, "x").idempotencyKey("refunded-key");
        Charged charged = gate.charge(request).orElseThrow();
        gate.refund(charged.transactionId(), "file deleted");

        assertThat(gate.charge(request)).isCharged().isReplayed().hasTransactionId(charged.transactionId());
        assertThatAccount(gate, account).hasBalance(100).hasLedgerSummingToBalance();
    }

    // ---- refunds -----------------------------------------------------------------------------------------------

    @Test
    void refundGivesBackTheCostAndRecordsIt() {
        String account = fundedAccount(100);
        Charged charged = gate.charge(account, 30, "render").orElseThrow();

        Refund refund = gate.refund(charged.transactionId(), "render failed");

        assertThat(refund.chargeTransactionId()).isEqualTo(charged.transactionId());
        assertThat(refund.accountId()).isEqualTo(account);
        assertThat(refund.amount()).isEqualTo(30);
        assertThat(refund.balanceAfter()).isEqualTo(100);
        assertThat(refund.replayed()).isFalse();
        LedgerEntry newest = gate.history(account, 1).get(0);
        assertThat(newest.kind()).isEqualTo(LedgerEntry.Kind.REFUND);
        assertThat(newest.transactionId()).isEqualTo(refund.transactionId());
        assertThat(newest.amount()).isEqualTo(30);
        assertThat(newest.reference()).isEqualTo("render failed");
        assertThat(newest.reverses()).isEqualTo(Optional.of(charged.transactionId()));
        assertThatAccount(gate, account).hasBalance(100).hasLedgerSummingToBalance();
    }

    @Test
    void aSecondRefundOfTheSameChargeCreditsNothing() {
        String account = fundedAccount(100);
        Charged charged = gate.charge(account, 30, "render").orElseThrow();
        Refund first = gate.refund(charged.transactionId(), "first");

        Refund second = gate.refund(charged.transactionId(), "second");

        assertThat(second).isEqualTo(first.asReplay());
        assertThatAccount(gate, account).hasBalance(100).hasLedgerEntries(3);
    }

    @Test
    void refundOfAnUnknownTransactionFails() {
        String unknown = UUID.randomUUID().toString();

        assertThatThrownBy(() -> gate.refund(unknown, "nope"))
                .isInstanceOf(TransactionNotFoundException.class)
                .hasMessageContaining(unknown);
    }

    @Test
    void refundOfAGrantIsNotARefundOfACharge() {
        String account = fundedAccount(100);
        String grantId = gate.history(account, 1).get(0).transactionId();

        assertThatThrownBy(() -> gate.refund(grantId, "not a charge"))
                .isInstanceOf(TransactionNotFoundException.class);
        assertThatAccount(gate, account).hasBalance(100).hasLedgerEntries(1);
    }

    @Test
    void refundPastLongMaxValueFailsAndWritesNothing() {
        String account = fundedAccount(Long.MAX_VALUE);
        Charged charged = gate.charge(account, 5, "x").orElseThrow();
        gate.grant(account, 5, "back to the top");

        assertThatThrownBy(() -> gate.refund(charged.transactionId(), "overflow"))
                .isInstanceOf(ArithmeticException.class);
        assertThatAccount(gate, account).hasBalance(Long.MAX_VALUE).hasLedgerEntries(3);
    }

    // ---- history -----------------------------------------------------------------------------------------------

    @Test
    void historyIsNewestFirstWithExactEntries() {
        String account = newAccountId();
        gate.grant(account, 100, "signup bonus");
        Charged charged = gate.charge(ChargeRequest.of(account, 30, "render").idempotencyKey("h-1")).orElseThrow();
        gate.refund(charged.transactionId(), "failed");

        List<LedgerEntry> history = gate.history(account, 10);

        assertThat(history).extracting(LedgerEntry::kind)
                .containsExactly(LedgerEntry.Kind.REFUND, LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.GRANT);
        assertThat(history).extracting(LedgerEntry::amount).containsExactly(30L, -30L, 100L);
        assertThat(history).extracting(LedgerEntry::balanceAfter).containsExactly(100L, 70L, 100L);
        assertThat(history).extracting(LedgerEntry::reference).containsExactly("failed", "render", "signup bonus");
        assertThat(history).extracting(LedgerEntry::accountId).containsOnly(account);
        LedgerEntry charge = history.get(1);
        assertThat(charge.transactionId()).isEqualTo(charged.transactionId());
        assertThat(charge.idempotencyKey()).isEqualTo("h-1");
        assertThat(charge.reverses()).isEmpty();
        assertThat(history.get(0).createdAt()).isAfterOrEqualTo(history.get(2).createdAt());
    }

    @Test
    void historyRespectsTheLimit() {
        String account = fundedAccount(100);
        for (int i = 1; i <= 5; i++) {
            gate.charge(account, i, "step " + i);
        }

        assertThat(gate.history(account, 2)).extracting(LedgerEntry::reference).containsExactly("step 5", "step 4");
        assertThat(gate.history(account, 1_000)).hasSize(6);
    }

    @Test
    void historyOfAnUnknownAccountIsEmpty() {
        assertThat(gate.history(newAccountId(), 10)).isEmpty();
    }

    // ---- input -------------------------------------------------------------------------------------------------

    @Test
    void historyPagesAreNewestFirstAndStableWhileTheAccountIsInUse() {
        String account = fundedAccount(1_000);
        for (int i = 1; i <= 9; i++) {
            gate.charge(account, i, "page-" + i).orElseThrow();
        }
        List<LedgerEntry> all = gate.history(account, 100);
        assertThat(all).hasSize(10);
        HistoryQuery query = HistoryQuery.newest(account, 3);

        List<LedgerEntry> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        HistoryPage page = gate.history(query);
        while (true) {
            paged.addAll(page.entries());
            sizes.add(page.entries().size());
            // Writes between pages are newer than every cursor: they must neither shift nor repeat a later page.
            gate.charge(account, 1, "meanwhile").orElseThrow();
            if (!page.hasNext()) {
                break;
            }
            page = gate.history(query.after(page.nextCursor().orElseThrow()));
        }

        assertThat(paged).isEqualTo(all);
        assertThat(sizes).containsExactly(3, 3, 3, 1);
        assertThatAccount(gate, account).hasLedgerEntries(14).hasLedgerSummingToBalance();
    }

    @Test
    void aFullLastPageHasNoNextPage() {
        String account = fundedAccount(100);
        gate.charge(account, 1, "a").orElseThrow();
        gate.charge(account, 1, "b").orElseThrow();

        HistoryPage first = gate.history(HistoryQuery.newest(account, 2));
        HistoryPage exact = gate.history(HistoryQuery.newest(account, 3));

        assertThat(first.entries()).extracting(LedgerEntry::reference).containsExactly("b", "a");
        assertThat(first.hasNext()).isTrue();
        HistoryPage last = gate.history(HistoryQuery.newest(account, 2).after(first.nextCursor().orElseThrow()));
        assertThat(last.entries()).extracting(LedgerEntry::reference).containsExactly("test funds");
        assertThat(last.nextCursor()).isEmpty();
        assertThat(exact.entries()).hasSize(3);
        assertThat(exact.nextCursor()).isEmpty();
        assertThat(gate.history(HistoryQuery.newest(newAccountId(), 5))).isEqualTo(HistoryPage.empty());
    }

    @Test
    void aCursorTheStoreDidNotIssueIsRejected() {
        String account = fundedAccount(100);

        for (String bad : List.of("not-a-cursor", "-1", "0", "999999999999999999999999", "mem:x", "'; drop table x")) {
            assertThatThrownBy(() -> gate.history(HistoryQuery.newest(account, 5).after(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        }
    }

    @Test
    void aLedgerLongerThanOnePageCanBeReadAndCheckedInFull() throws Exception {
        String account = fundedAccount(5_000);
        storm(4, thread -> {
            for (int i = 0; i < 300; i++) {
                gate.charge(account, 1, "long").orElseThrow();
            }
        });

        assertThatAccount(gate, account).hasPosted(3_800).hasLedgerEntries(1_201).hasLedgerSummingToBalance();
    }

    @Test
    void badInputIsRejectedAndNothingIsWritten() {
        String account = fundedAccount(100);
        List<Runnable> bad = List.of(
                () -> gate.charge(account, 0, "x"),
                () -> gate.charge(account, -5, "x"),
                () -> gate.charge(account, 1, " "),
                () -> gate.charge(account, 1, "a".repeat(129)),
                () -> gate.charge(" ", 1, "x"),
                () -> gate.charge(account, 1, "nul\0byte"),
                () -> gate.charge(ChargeRequest.of(account, 1, "x").idempotencyKey("")),
                () -> gate.grant(account, 0, "x"),
                () -> gate.grant(account, -1, "x"),
                () -> gate.grant(account, 1, ""),
                () -> gate.refund("", "x"),
                () -> gate.history(account, 0),
                () -> gate.history(account, 1_001));

        for (Runnable call : bad) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatAccount(gate, account).hasBalance(100).hasLedgerEntries(1);
    }

    @Test
    void idsThatLookLikeSqlAreStoredAsData() {
        String account = "'; drop table credit_accounts; --";
        String action = "x\"); delete from credit_ledger where (\"1\"='1 \\ $1 ?";
        String unique = account + UUID.randomUUID();

        gate.grant(unique, 10, "' or 1=1 --");
        Charged charged = gate.charge(ChargeRequest.of(unique, 3, action).idempotencyKey("k' or '1'='1"))
                .orElseThrow();

        assertThat(charged.accountId()).isEqualTo(unique);
        assertThat(charged.action()).isEqualTo(action);
        assertThat(gate.history(unique, 10)).extracting(LedgerEntry::reference).containsExactly(action, "' or 1=1 --");
        assertThatAccount(gate, unique).hasBalance(7).hasLedgerSummingToBalance();
    }

    @Test
    void unicodeIdsAreStoredExactly() {
        String account = "用户-😀-Ünïcödé-שלום-" + UUID.randomUUID();
        String action = "téléversement audio 🎵";

        gate.grant(account, 10, "bonus ✨");
        Charged charged = gate.charge(account, 2, action).orElseThrow();

        assertThat(charged.accountId()).isEqualTo(account);
        assertThat(gate.history(account, 10)).extracting(LedgerEntry::reference).containsExactly(action, "bonus ✨");
        assertThat(gate.balance(account)).hasValue(8);
        assertThat(gate.charge(account.replace("Ü", "U"), 1, action)).isAccountNotFound();
    }

    @Test
    void idsOfExactlyTheMaximumLengthAreAccepted() {
        String account = "😀".repeat(96) + UUID.randomUUID().toString().substring(0, 32);

        assertThat(gate.grant(account, 3, "r".repeat(128))).isEqualTo(3);
        assertThat(gate.charge(account, 1, "a".repeat(128))).isCharged().hasBalanceAfter(2);
    }

    // ---- holds -------------------------------------------------------------------------------------------------

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @Test
    void aReservationHoldsCreditsAgainstWhatIsAvailable() {
        String account = fundedAccount(100);

        ReserveResult result = gate.reserve(ReserveRequest.of(account, 30, "video.render", TEN_MINUTES)
                .idempotencyKey("hold-1"));

        Reserved reserved = result.reservedOrThrow();
        assertThat(reserved.accountId()).isEqualTo(account);
        assertThat(reserved.amount()).isEqualTo(30);
        assertThat(reserved.action()).isEqualTo("video.render");
        assertThat(reserved.availableAfter()).isEqualTo(70);
        assertThat(reserved.idempotencyKey()).isEqualTo("hold-1");
        assertThat(reserved.replayed()).isFalse();
        AccountSnapshot snapshot = gate.account(account).orElseThrow();
        assertThat(snapshot.posted()).isEqualTo(100);
        assertThat(snapshot.held()).isEqualTo(30);
        assertThat(snapshot.available()).isEqualTo(70);
        assertThat(reserved.expiresAt()).isAfter(snapshot.observedAt().plus(Duration.ofMinutes(9)));
        assertThat(gate.balance(account)).isEqualTo(OptionalLong.of(70));
        assertThatAccount(gate, account).hasLedgerEntries(1).hasLedgerSummingToBalance();
    }

    @Test
    void aChargeNeverTakesHeldCredits() {
        String account = fundedAccount(100);
        gate.reserve(account, 80, "render", TEN_MINUTES).reservedOrThrow();

        assertThat(gate.charge(account, 30, "export")).isInsufficient().hasAvailable(20).hasShortfall(10);
        assertThat(gate.charge(account, 20, "export")).isCharged().hasBalanceAfter(80);
        assertThatAccount(gate, account).hasPosted(80).hasHeld(80).hasBalance(0);
    }

    @Test
    void aReservationNeverTakesHeldCredits() {
        String account = fundedAccount(100);
        gate.reserve(account, 60, "render", TEN_MINUTES).reservedOrThrow();

        ReserveResult second = gate.reserve(account, 50, "render", TEN_MINUTES);

        assertThat(second.isReserved()).isFalse();
        assertThat(((InsufficientCredits) second).available()).isEqualTo(40);
        assertThatAccount(gate, account).hasPosted(100).hasHeld(60);
    }

    @Test
    void aReservationOnAnUnknownAccountIsAccountNotFound() {
        assertThat(gate.reserve(newAccountId(), 1, "render", TEN_MINUTES)).isInstanceOf(AccountNotFound.class);
    }

    @Test
    void aReservationWithTheSameKeyReplaysAndHoldsOnce() {
        String account = fundedAccount(100);
        ReserveRequest request = ReserveRequest.of(account, 30, "render", TEN_MINUTES).idempotencyKey("hold-r");

        Reserved first = gate.reserve(request).reservedOrThrow();
        Reserved second = gate.reserve(request).reservedOrThrow();

        assertThat(second).isEqualTo(first.asReplay(ReservationState.HELD));
        assertThat(first.state()).isEqualTo(ReservationState.HELD);
        assertThatAccount(gate, account).hasHeld(30);
        assertThatThrownBy(() -> gate.reserve(ReserveRequest.of(account, 31, "render", TEN_MINUTES)
                .idempotencyKey("hold-r"))).isInstanceOf(IdempotencyConflictException.class);
    }

    @Test
    void captureDebitsTheCapturedAmountAndFreesTheRest() {
        String account = fundedAccount(100);
        Reserved reserved = gate.reserve(ReserveRequest.of(account, 30, "render", TEN_MINUTES)
                .idempotencyKey("hold-c")).reservedOrThrow();

        Charged charged = gate.capture(reserved.reservationId(), 20);

        assertThat(charged.cost()).isEqualTo(20);
        assertThat(charged.balanceAfter()).isEqualTo(80);
        assertThat(charged.action()).isEqualTo("render");
        assertThat(charged.idempotencyKey()).isEqualTo("hold-c");
        assertThat(charged.replayed()).isFalse();
        LedgerEntry entry = gate.history(account, 1).get(0);
        assertThat(entry.kind()).isEqualTo(LedgerEntry.Kind.CHARGE);
        assertThat(entry.transactionId()).isEqualTo(charged.transactionId());
        assertThat(entry.amount()).isEqualTo(-20);
        assertThatAccount(gate, account).hasPosted(80).hasHeld(0).hasBalance(80).hasLedgerSummingToBalance();
    }

    @Test
    void captureHappensAtMostOnce() {
        String account = fundedAccount(100);
        Reserved reserved = gate.reserve(account, 30, "render", TEN_MINUTES).reservedOrThrow();
        Charged first = gate.capture(reserved.reservationId(), 30);

        assertThat(gate.capture(reserved.reservationId(), 30)).isEqualTo(first.asReplay());
        assertThatThrownBy(() -> gate.capture(reserved.reservationId(), 10))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.CAPTURED));
        assertThatThrownBy(() -> gate.release(reserved.reservationId()))
                .isInstanceOf(ReservationStateException.class);
        assertThatAccount(gate, account).hasPosted(70).hasHeld(0).hasLedgerEntries(2);
    }

    @Test
    void capturingMoreThanIsHeldIsRejectedAndWritesNothing() {
        String account = fundedAccount(100);
        Reserved reserved = gate.reserve(account, 30, "render", TEN_MINUTES).reservedOrThrow();

        assertThatThrownBy(() -> gate.capture(reserved.reservationId(), 31))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30");
        assertThatAccount(gate, account).hasPosted(100).hasHeld(30).hasLedgerEntries(1);
    }

    @Test
    void releaseFreesTheCreditsAtMostOnce() {
        String account = fundedAccount(100);
        Reserved reserved = gate.reserve(account, 30, "render", TEN_MINUTES).reservedOrThrow();

        Released released = gate.release(reserved.reservationId());

        assertThat(released).isEqualTo(new Released(reserved.reservationId(), account, 30, 30, false));
        assertThat(released.wasExpired()).isFalse();
        assertThat(gate.release(reserved.reservationId())).isEqualTo(released.asReplay());
        assertThatThrownBy(() -> gate.capture(reserved.reservationId(), 30))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.RELEASED));
        assertThatAccount(gate, account).hasPosted(100).hasHeld(0).hasBalance(100).hasLedgerEntries(1);
    }

    @Test
    void anUnknownReservationCannotBeCapturedOrReleased() {
        String unknown = String.valueOf(Math.abs(new Random().nextLong()) + 1);

        assertThatThrownBy(() -> gate.capture(unknown, 1)).isInstanceOf(ReservationNotFoundException.class);
        assertThatThrownBy(() -> gate.release(unknown)).isInstanceOf(ReservationNotFoundException.class);
        assertThatThrownBy(() -> gate.capture("not-a-reservation", 1))
                .isInstanceOf(ReservationNotFoundException.class);
    }

    @Test
    void aReplayedReservationReportsTheStateItIsInNow() {
        String account = fundedAccount(100);
        ReserveRequest held = ReserveRequest.of(account, 10, "render", TEN_MINUTES).idempotencyKey("st-h");
        ReserveRequest captured = ReserveRequest.of(account, 10, "render", TEN_MINUTES).idempotencyKey("st-c");
        gate.reserve(held).reservedOrThrow();
        gate.capture(gate.reserve(captured).reservedOrThrow().reservationId(), 10);

        assertThat(gate.reserve(held).reservedOrThrow().state()).isEqualTo(ReservationState.HELD);
        assertThat(gate.reserve(captured).reservedOrThrow().state()).isEqualTo(ReservationState.CAPTURED);
        assertThatAccount(gate, account).hasPosted(90).hasHeld(10);
    }

    // ---- one key, one operation, across charges and holds ------------------------------------------------------

    @Test
    void aKeyUsedByAChargeCannotHoldCreditsSoNoWorkRunsForIt() {
        String account = fundedAccount(10);
        gate.charge(ChargeRequest.of(account, 2, "audio.upload").idempotencyKey("req-1")).orElseThrow();
        AtomicLong runs = new AtomicLong();

        assertThatThrownBy(() -> gate.chargeFor(ChargeRequest.of(account, 2, "audio.upload").idempotencyKey("req-1"),
                TEN_MINUTES, runs::incrementAndGet)).isInstanceOf(IdempotencyConflictException.class);
        assertThatThrownBy(() -> gate.reserve(ReserveRequest.of(account, 5, "render", TEN_MINUTES)
                .idempotencyKey("req-1"))).isInstanceOf(IdempotencyConflictException.class);

        assertThat(runs.get()).isZero();
        assertThatAccount(gate, account).hasPosted(8).hasHeld(0).hasLedgerEntries(2);
    }

    @Test
    void aKeyHoldingCreditsCannotBeCharged() {
        String account = fundedAccount(10);
        Reserved reserved = gate.reserve(ReserveRequest.of(account, 2, "audio.upload", TEN_MINUTES)
                .idempotencyKey("req-2")).reservedOrThrow();

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 2, "audio.upload").idempotencyKey("req-2")))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatThrownBy(() -> gate.charge(ChargeRequest.of(account, 3, "export").idempotencyKey("req-2")))
                .isInstanceOf(IdempotencyConflictException.class);
        assertThatAccount(gate, account).hasPosted(10).hasHeld(2);

        assertThat(gate.capture(reserved.reservationId(), 2).balanceAfter()).isEqualTo(8);
        assertThatAccount(gate, account).hasPosted(8).hasHeld(0).hasLedgerSummingToBalance();
    }

    @Test
    void aKeyWhoseWorkFailedMayPayForItsWorkAgain() {
        String account = fundedAccount(10);
        ChargeRequest request = ChargeRequest.of(account, 2, "audio.upload").idempotencyKey("req-3");
        AtomicLong runs = new AtomicLong();

        assertThatThrownBy(() -> gate.chargeFor(request, TEN_MINUTES, () -> {
            runs.incrementAndGet();
            throw new java.io.IOException("storage down");
        })).isInstanceOf(java.io.IOException.class);
        String url = gate.chargeFor(request, TEN_MINUTES, () -> "s3://file-" + runs.incrementAndGet());

        assertThat(url).isEqualTo("s3://file-2");
        assertThatAccount(gate, account).hasPosted(8).hasHeld(0).hasLedgerEntries(2).hasLedgerSummingToBalance();
        assertThatThrownBy(() -> gate.chargeFor(request, TEN_MINUTES, runs::incrementAndGet))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.CAPTURED));
        assertThat(runs.get()).isEqualTo(2);
    }

    @Test
    void aKeyWhoseHoldExpiredHoldsAgainAndTheExpiredHoldCanNoLongerBeCaptured() throws Exception {
        String account = fundedAccount(100);
        ReserveRequest request = ReserveRequest.of(account, 30, "render", Duration.ofSeconds(1)).idempotencyKey("exp");
        Reserved expired = gate.reserve(request).reservedOrThrow();
        elapse(Duration.ofMillis(1_300));

        Reserved again = gate.reserve(request).reservedOrThrow();

        assertThat(again.replayed()).isFalse();
        assertThat(again.state()).isEqualTo(ReservationState.HELD);
        assertThat(again.reservationId()).isNotEqualTo(expired.reservationId());
        assertThat(again.availableAfter()).isEqualTo(70);
        assertThatThrownBy(() -> gate.capture(expired.reservationId(), 30))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.RELEASED));
        assertThat(gate.capture(again.reservationId(), 30).balanceAfter()).isEqualTo(70);
        assertThatAccount(gate, account).hasPosted(70).hasHeld(0).hasLedgerEntries(2).hasLedgerSummingToBalance();
    }

    @Test
    void aLateCaptureOfAnExpiredHoldIsAConditionalDebit() throws Exception {
        String account = fundedAccount(100);
        Reserved late = gate.reserve(account, 30, "render", Duration.ofSeconds(1)).reservedOrThrow();
        Reserved tooLate = gate.reserve(account, 60, "render", Duration.ofSeconds(1)).reservedOrThrow();
        elapse(Duration.ofMillis(1_300));

        Charged charged = gate.capture(late.reservationId(), 25);
        assertThat(charged.balanceAfter()).isEqualTo(75);
        assertThat(gate.capture(late.reservationId(), 25)).isEqualTo(charged.asReplay());
        assertThat(gate.charge(account, 20, "export")).isCharged().hasBalanceAfter(55);

        assertThatThrownBy(() -> gate.capture(tooLate.reservationId(), 60))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.EXPIRED));
        assertThatAccount(gate, account).hasPosted(55).hasHeld(0).hasLedgerEntries(3).hasLedgerSummingToBalance();
    }

    // ---- refunds name their account ----------------------------------------------------------------------------

    @Test
    void anAccountCheckedRefundNeverReversesAnotherAccountsCharge() {
        String mine = fundedAccount(100);
        String theirs = fundedAccount(100);
        Charged theirCharge = gate.charge(theirs, 40, "export").orElseThrow();

        assertThatThrownBy(() -> gate.refund(mine, theirCharge.transactionId(), "not mine"))
                .isInstanceOf(TransactionNotFoundException.class);
        assertThatAccount(gate, theirs).hasPosted(60).hasLedgerEntries(2);
        assertThatAccount(gate, mine).hasPosted(100).hasLedgerEntries(1);

        Refund refund = gate.refund(theirs, theirCharge.transactionId(), "file deleted");
        assertThat(refund.accountId()).isEqualTo(theirs);
        assertThat(gate.refund(theirs, theirCharge.transactionId(), "file deleted")).isEqualTo(refund.asReplay());
        assertThatAccount(gate, theirs).hasPosted(100).hasLedgerSummingToBalance();
    }

    @Test
    void anAccountCheckedRefundOfAGuessedIdNeverReachesAnotherAccount() {
        String victim = fundedAccount(100);
        String attacker = fundedAccount(100);
        Charged victimCharge = gate.charge(victim, 10, "export").orElseThrow();
        Charged attackerCharge = gate.charge(attacker, 1, "export").orElseThrow();

        // Whatever a store puts in its ids, counting from ids one has seen reaches no other account's charge.
        for (String known : List.of(victimCharge.transactionId(), attackerCharge.transactionId())) {
            for (String guess : neighboursOf(known)) {
                try {
                    assertThat(gate.refund(attacker, guess, "guessed").accountId()).isEqualTo(attacker);
                } catch (TransactionNotFoundException expected) {
                    // the usual answer
                }
            }
        }
        assertThatThrownBy(() -> gate.refund(attacker, victimCharge.transactionId(), "stolen"))
                .isInstanceOf(TransactionNotFoundException.class);
        assertThatAccount(gate, victim).hasPosted(90).hasLedgerEntries(2);
    }

    /** Ids a guesser would try next to a known one: every number in it one up and one down. */
    private static List<String> neighboursOf(String id) {
        List<String> neighbours = new ArrayList<>();
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\d+").matcher(id);
        while (number.find()) {
            java.math.BigInteger value = new java.math.BigInteger(number.group());
            for (java.math.BigInteger guess : List.of(value.add(java.math.BigInteger.ONE),
                    value.subtract(java.math.BigInteger.ONE), value.add(java.math.BigInteger.TWO))) {
                if (guess.signum() >= 0) {
                    neighbours.add(id.substring(0, number.start()) + guess + id.substring(number.end()));
                }
            }
        }
        return neighbours;
    }

    @Test
    void chargeForNeverRunsWorkAgainForAKeyThatAlreadyPaid() {
        String account = fundedAccount(100);
        ChargeRequest request = ChargeRequest.of(account, 2, "audio.upload").idempotencyKey("upload-1");
        AtomicLong runs = new AtomicLong();
        gate.chargeFor(request, TEN_MINUTES, runs::incrementAndGet);

        assertThatThrownBy(() -> gate.chargeFor(request, TEN_MINUTES, runs::incrementAndGet))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.CAPTURED));
        assertThat(runs.get()).isEqualTo(1);
        assertThatAccount(gate, account).hasPosted(98).hasHeld(0);
    }

    @Test
    void anExpiredHoldStopsCountingAndIsCapturedOnlyIfTheAccountCanStillPay() throws Exception {
        String account = fundedAccount(100);
        // Long enough that a slow machine still charges before the expiry, short enough to wait for on a real clock.
        ReserveRequest request = ReserveRequest.of(account, 70, "render", Duration.ofSeconds(3));
        Reserved reserved = gate.reserve(request).reservedOrThrow();
        assertThat(gate.charge(account, 40, "export")).isInsufficient().hasAvailable(30);

        elapse(Duration.ofMillis(3_300));

        assertThatAccount(gate, account).hasHeld(0).hasBalance(100);
        assertThat(gate.charge(account, 40, "export")).isCharged().hasBalanceAfter(60);
        assertThatThrownBy(() -> gate.capture(reserved.reservationId(), 70))
                .isInstanceOfSatisfying(ReservationStateException.class,
                        e -> assertThat(e.state()).isEqualTo(ReservationState.EXPIRED));
        // The key is free again, and holding it again is decided on what is available now.
        assertThat(gate.reserve(request.idempotencyKey(reserved.idempotencyKey())))
                .isInstanceOfSatisfying(InsufficientCredits.class, i -> assertThat(i.available()).isEqualTo(60));

        Released released = gate.release(reserved.reservationId());
        assertThat(released.replayed()).isFalse();
        assertThat(released.freed()).isZero();
        assertThat(released.wasExpired()).isTrue();
        assertThat(gate.release(reserved.reservationId())).isEqualTo(released.asReplay());
        assertThatAccount(gate, account).hasPosted(60).hasHeld(0).hasLedgerSummingToBalance();
    }

    @Test
    void aCapturedReservationCanBeRefunded() {
        String account = fundedAccount(100);
        Reserved reserved = gate.reserve(account, 30, "render", TEN_MINUTES).reservedOrThrow();
        Charged charged = gate.capture(reserved.reservationId(), 25);

        Refund refund = gate.refund(charged.transactionId(), "render failed later");

        assertThat(refund.amount()).isEqualTo(25);
        assertThatAccount(gate, account).hasPosted(100).hasHeld(0).hasLedgerSummingToBalance();
    }

    @Test
    void chargeForCapturesWhenTheWorkSucceedsAndReleasesWhenItFails() {
        String account = fundedAccount(100);

        String url = gate.chargeFor(ChargeRequest.of(account, 2, "audio.upload"), TEN_MINUTES, () -> "s3://file");
        assertThat(url).isEqualTo("s3://file");
        assertThatAccount(gate, account).hasPosted(98).hasHeld(0);

        assertThatThrownBy(() -> gate.chargeFor(ChargeRequest.of(account, 2, "audio.upload"), TEN_MINUTES, () -> {
            assertThatAccount(gate, account).hasHeld(2).hasBalance(96);
            throw new java.io.IOException("upload failed");
        })).isInstanceOf(java.io.IOException.class).hasMessage("upload failed");
        assertThatAccount(gate, account).hasPosted(98).hasHeld(0).hasLedgerEntries(2);

        assertThatThrownBy(() -> gate.chargeFor(ChargeRequest.of(account, 99, "audio.upload"), TEN_MINUTES,
                () -> "never")).isInstanceOf(dev.creditgate.InsufficientCreditsException.class);
    }

    @Test
    void aStormOfHoldsOnOneAccountHoldsExactlyWhatIsAvailable() throws Exception {
        long initial = 1_000;
        long amount = 7;
        String account = fundedAccount(initial);
        AtomicLong reserved = new AtomicLong();

        storm(STORM_THREADS, thread -> {
            for (int i = 0; i < 12; i++) {
                if (gate.reserve(account, amount, "storm", TEN_MINUTES).isReserved()) {
                    reserved.incrementAndGet();
                }
            }
        });

        assertThat(reserved.get()).isEqualTo(initial / amount);
        assertThatAccount(gate, account).hasPosted(initial).hasHeld(initial / amount * amount)
                .hasBalance(initial % amount);
    }

    @Test
    void mixedConcurrentChargesHoldsCapturesAndReleasesNeverOverdrawWhatIsAvailable() throws Exception {
        String account = fundedAccount(2_000);
        AtomicLong debited = new AtomicLong();

        storm(STORM_THREADS, thread -> {
            Random random = new Random(thread);
            for (int i = 0; i < 20; i++) {
                long amount = 1 + random.nextInt(40);
                if (random.nextBoolean()) {
                    if (gate.charge(account, amount, "mixed").isCharged()) {
                        debited.addAndGet(amount);
                    }
                } else {
                    ReserveResult result = gate.reserve(account, amount, "mixed", TEN_MINUTES);
                    if (result instanceof Reserved held) {
                        if (random.nextInt(3) == 0) {
                            gate.release(held.reservationId());
                        } else {
                            long captured = 1 + random.nextInt((int) amount);
                            debited.addAndGet(gate.capture(held.reservationId(), captured).cost());
                        }
                    }
                }
                // Reading must succeed: a snapshot with more held than posted is rejected by its constructor.
                gate.account(account).orElseThrow();
            }
        });

        assertThatAccount(gate, account).hasPosted(2_000 - debited.get()).hasHeld(0).hasLedgerSummingToBalance();
    }

    // ---- hold cleanup ------------------------------------------------------------------------------------------

    @Test
    void purgeDeletesOnlyHoldsSettledOrExpiredLongerAgoThanTheRetention() throws Exception {
        String account = fundedAccount(100);
        Reserved captured = gate.reserve(ReserveRequest.of(account, 10, "render", TEN_MINUTES)
                .idempotencyKey("p-captured")).reservedOrThrow();
        gate.capture(captured.reservationId(), 10);
        Reserved released = gate.reserve(account, 10, "render", TEN_MINUTES).reservedOrThrow();
        gate.release(released.reservationId());
        Reserved expired = gate.reserve(account, 10, "render", Duration.ofSeconds(1)).reservedOrThrow();
        Reserved live = gate.reserve(account, 10, "render", TEN_MINUTES).reservedOrThrow();
        elapse(Duration.ofMillis(1_300));

        assertThat(store().purgeSettledHolds(Duration.ofDays(1))).isZero();
        long purged = store().purgeSettledHolds(Duration.ZERO);

        assertThat(purged).isGreaterThanOrEqualTo(3);
        assertThat(store().purgeSettledHolds(Duration.ZERO)).as("nothing left to purge for this test").isZero();
        for (Reserved gone : List.of(captured, released, expired)) {
            assertThatThrownBy(() -> gate.release(gone.reservationId()))
                    .isInstanceOf(ReservationNotFoundException.class);
        }
        // A captured key's charge stays in the ledger; its reservation is gone, so the key cannot hold again.
        assertThatThrownBy(() -> gate.reserve(ReserveRequest.of(account, 10, "render", TEN_MINUTES)
                .idempotencyKey("p-captured"))).isInstanceOf(IdempotencyConflictException.class);
        assertThatAccount(gate, account).hasPosted(90).hasHeld(10).hasLedgerSummingToBalance();
        assertThat(gate.capture(live.reservationId(), 10).balanceAfter()).isEqualTo(80);
    }

    @Test
    void purgeRunsSafelyWhileHoldsAreTakenAndSettled() throws Exception {
        String account = fundedAccount(10_000);
        AtomicLong debited = new AtomicLong();
        AtomicLong purged = new AtomicLong();

        storm(4, thread -> {
            for (int i = 0; i < 40; i++) {
                if (thread == 0) {
                    purged.addAndGet(store().purgeSettledHolds(Duration.ZERO));
                    continue;
                }
                Reserved held = gate.reserve(account, 5, "purge-storm", TEN_MINUTES).reservedOrThrow();
                if (i % 2 == 0) {
                    debited.addAndGet(gate.capture(held.reservationId(), 5).cost());
                } else {
                    gate.release(held.reservationId());
                }
            }
        });
        elapse(Duration.ofMillis(20));
        purged.addAndGet(store().purgeSettledHolds(Duration.ZERO));

        assertThat(debited.get()).isEqualTo(3 * 20 * 5);
        assertThat(purged.get()).isGreaterThanOrEqualTo(120);
        assertThatAccount(gate, account).hasPosted(10_000 - debited.get()).hasHeld(0).hasLedgerSummingToBalance();
    }

    @Test
    void purgeRejectsANegativeRetention() {
        assertThatThrownBy(() -> store().purgeSettledHolds(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    }

    // ---- concurrency -------------------------------------------------------------------------------------------

    @Test
    void chargeNeverOverdrawsUnderConcurrency() throws Exception {
        long initial = 1_000;
        long cost = 7;
        String account = fundedAccount(initial);
        AtomicLong charged = new AtomicLong();
        AtomicLong insufficient = new AtomicLong();

        storm(STORM_THREADS, thread -> {
            for (int i = 0; i < 12; i++) {
                ChargeResult result = gate.charge(account, cost, "storm");
                (result.isCharged() ? charged : insufficient).incrementAndGet();
            }
        });

        assertThat(charged.get()).isEqualTo(initial / cost);
        assertThat(insufficient.get()).isEqualTo(STORM_THREADS * 12L - initial / cost);
        assertThatAccount(gate, account).hasBalance(initial % cost).hasLedgerSummingToBalance()
                .hasLedgerEntries((int) (initial / cost) + 1);
    }

    @Test
    void concurrentResubmissionsOfOneKeyChargeOnce() throws Exception {
        String account = fundedAccount(100);
        ChargeRequest request = ChargeRequest.of(account, 10, "storm").idempotencyKey("one-key");
        List<Charged> results = java.util.Collections.synchronizedList(new ArrayList<>());

        storm(STORM_THREADS, thread -> results.add(gate.charge(request).orElseThrow()));

        assertThat(results).hasSize(STORM_THREADS);
        assertThat(results).filteredOn(c -> !c.replayed()).hasSize(1);
        assertThat(results).extracting(Charged::transactionId).containsOnly(results.get(0).transactionId());
        assertThat(results).extracting(Charged::balanceAfter).containsOnly(90L);
        assertThatAccount(gate, account).hasBalance(90).hasLedgerEntries(2);
    }

    @Test
    void concurrentRefundsOfOneChargeRefundOnce() throws Exception {
        String account = fundedAccount(100);
        Charged charged = gate.charge(account, 40, "render").orElseThrow();
        List<Refund> refunds = java.util.Collections.synchronizedList(new ArrayList<>());

        storm(STORM_THREADS, thread -> refunds.add(gate.refund(charged.transactionId(), "failed " + thread)));

        assertThat(refunds).filteredOn(r -> !r.replayed()).hasSize(1);
        assertThat(refunds).extracting(Refund::transactionId).containsOnly(refunds.get(0).transactionId());
        assertThatAccount(gate, account).hasBalance(100).hasLedgerEntries(3).hasLedgerSummingToBalance();
    }

    @Test
    void concurrentGrantsToANewAccountAllCount() throws Exception {
        String account = newAccountId();

        storm(STORM_THREADS, thread -> gate.grant(account, 5, "grant " + thread));

        assertThatAccount(gate, account).hasBalance(5L * STORM_THREADS).hasLedgerEntries(STORM_THREADS)
                .hasLedgerSummingToBalance();
    }

    @Test
    void mixedConcurrentOperationsKeepEveryLedgerEqualToItsBalance() throws Exception {
        List<String> accounts = List.of(fundedAccount(300), fundedAccount(300), fundedAccount(300), fundedAccount(300));
        Map<String, AtomicLong> expected = new ConcurrentHashMap<>();
        accounts.forEach(a -> expected.put(a, new AtomicLong(300)));

        storm(STORM_THREADS, thread -> {
            Random random = new Random(thread);
            for (int i = 0; i < 30; i++) {
                String account = accounts.get(random.nextInt(accounts.size()));
                int dice = random.nextInt(10);
                if (dice < 6) {
                    ChargeResult result = gate.charge(account, 1 + random.nextInt(20), "mixed");
                    if (result instanceof Charged c) {
                        expected.get(account).addAndGet(-c.cost());
                        if (dice == 0) {
                            Refund refund = gate.refund(c.transactionId(), "mixed refund");
                            expected.get(account).addAndGet(refund.amount());
                        }
                    }
                } else {
                    long amount = 1 + random.nextInt(15);
                    gate.grant(account, amount, "mixed grant");
                    expected.get(account).addAndGet(amount);
                }
            }
        });

        for (String account : accounts) {
            assertThatAccount(gate, account).hasBalance(expected.get(account).get()).hasLedgerSummingToBalance();
        }
    }

    /** A storm task; {@code thread} is the thread's index from 0. */
    @FunctionalInterface
    protected interface StormTask {
        /**
         * Runs one thread's share of a storm.
         *
         * @param thread the thread's index, from 0
         * @throws Exception to fail the test
         */
        void run(int thread) throws Exception;
    }

    /**
     * Runs {@code task} on {@code threads} threads released at the same moment, and rethrows the first failure.
     *
     * @param threads how many threads, at most {@link #STORM_THREADS}
     * @param task each thread's work
     * @throws Exception the first failure of any thread
     */
    protected void storm(int threads, StormTask task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Callable<Void> body = () -> {
                start.await();
                task.run(thread);
                return null;
            };
            futures.add(pool.submit(body));
        }
        start.countDown();
        List<Throwable> failures = new ArrayList<>();
        for (Future<Void> future : futures) {
            try {
                future.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " storm thread(s) failed: "
                    + failures.stream().map(Throwable::toString).collect(Collectors.joining("; ")),
                    failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }
}
