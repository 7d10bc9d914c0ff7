package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-memory store's semantics, seen through the gate as users see them. */
class InMemoryBalanceStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final InMemoryBalanceStore store = new InMemoryBalanceStore(Clock.fixed(NOW, ZoneOffset.UTC));
    private final CreditGate gate = CreditGate.builder().store(store).build();

    @Test
    void grantCreatesTheAccountAndReturnsTheBalanceAfter() {
        assertThat(gate.balance("user-1")).isEmpty();

        assertThat(gate.grant("user-1", 20_000, "signup bonus")).isEqualTo(20_000);
        assertThat(gate.grant("user-1", 5, "referral")).isEqualTo(20_005);

        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(20_005));
        assertThat(gate.history("user-1", 10))
                .extracting(LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter, LedgerEntry::reference)
                .containsExactly(
                        tuple(LedgerEntry.Kind.GRANT, 5L, 20_005L, "referral"),
                        tuple(LedgerEntry.Kind.GRANT, 20_000L, 20_000L, "signup bonus"));
    }

    @Test
    void chargeDebitsExactlyTheCostAndRecordsIt() {
        gate.grant("user-1", 20_000, "signup bonus");

        Charged charged = gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1"))
                .orElseThrow();

        assertThat(charged).isEqualTo(new Charged(charged.transactionId(), "user-1", "audio.upload", 2, 19_998,
                "req-1", false));
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(19_998));
        assertThat(gate.history("user-1", 1)).containsExactly(new LedgerEntry(charged.transactionId(), "user-1",
                LedgerEntry.Kind.CHARGE, -2, 19_998, "audio.upload", "req-1", Optional.empty(), NOW));
    }

    @Test
    void chargeOfTheWholeBalanceLeavesZero() {
        gate.grant("user-1", 7, "seed");

        assertThat(gate.charge("user-1", 7, "all-in").orElseThrow().balanceAfter()).isZero();
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void chargeAboveTheBalanceIsInsufficientWithTheExactAvailableBalance() {
        gate.grant("user-1", 3, "seed");
        List<LedgerEntry> before = gate.history("user-1", 10);

        ChargeResult result = gate.charge(ChargeRequest.of("user-1", 5, "audio.upload").idempotencyKey("req-1"));

        assertThat(result).isInstanceOf(InsufficientCredits.class);
        InsufficientCredits insufficient = (InsufficientCredits) result;
        assertThat(insufficient.accountId()).isEqualTo("user-1");
        assertThat(insufficient.action()).isEqualTo("audio.upload");
        assertThat(insufficient.required()).isEqualTo(5);
        assertThat(insufficient.available()).isEqualTo(3);
        assertThat(insufficient.shortfall()).isEqualTo(2);
        assertThat(insufficient.debug().idempotencyKey()).isEqualTo("req-1");
        assertThat(insufficient.debug().store()).isEqualTo("in-memory");
        assertThat(insufficient.debug().observedAt()).contains(NOW);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(3));
        assertThat(gate.history("user-1", 10)).isEqualTo(before);
    }

    @Test
    void chargeOnAMissingAccountIsNotFoundAndCreatesNothing() {
        ChargeResult result = gate.charge(ChargeRequest.of("ghost", 2, "audio.upload").idempotencyKey("req-1"));

        assertThat(result).isEqualTo(new AccountNotFound("ghost", "audio.upload",
                DebugContext.observed("req-1", "in-memory", Optional.empty())
                        .withAttempts(1, ((AccountNotFound) result).debug().elapsed(), List.of())));
        assertThat(gate.balance("ghost")).isEmpty();
        assertThat(gate.history("ghost", 10)).isEmpty();
    }

    @Test
    void chargeWithSameKeyReplaysWithoutDebiting() {
        gate.grant("user-1", 100, "seed");
        ChargeRequest request = ChargeRequest.of("user-1", 30, "audio.upload").idempotencyKey("req-1");
        Charged first = gate.charge(request).orElseThrow();
        gate.charge("user-1", 10, "other");

        Charged replay = gate.charge(request).orElseThrow();

        assertThat(first.replayed()).isFalse();
        assertThat(replay).isEqualTo(first.asReplay());
        assertThat(replay.transactionId()).isEqualTo(first.transactionId());
        assertThat(replay.balanceAfter()).isEqualTo(70);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(60));
        assertThat(gate.history("user-1", 10)).hasSize(3);
    }

    @Test
    void replayIsReturnedEvenWhenTheBalanceNoLongerCoversTheCost() {
        gate.grant("user-1", 5, "seed");
        ChargeRequest request = ChargeRequest.of("user-1", 5, "audio.upload").idempotencyKey("req-1");
        Charged first = gate.charge(request).orElseThrow();

        assertThat(gate.charge(request)).isEqualTo(first.asReplay());
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void sameKeyWithAnotherCostOrActionIsAConflictAndDebitsNothing() {
        gate.grant("user-1", 100, "seed");
        gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1")).orElseThrow();

        assertThatThrownBy(() -> gate.charge(ChargeRequest.of("user-1", 3, "audio.upload").idempotencyKey("req-1")))
                .isExactlyInstanceOf(IdempotencyConflictException.class)
                .hasMessage("idempotency key 'req-1' on account 'user-1' was used for a charge of 2 for "
                        + "'audio.upload'; it cannot be re-used for a charge of 3 for 'audio.upload'")
                .satisfies(thrown -> {
                    IdempotencyConflictException conflict = (IdempotencyConflictException) thrown;
                    assertThat(conflict.accountId()).isEqualTo("user-1");
                    assertThat(conflict.idempotencyKey()).isEqualTo("req-1");
                });
        assertThatThrownBy(() -> gate.charge(ChargeRequest.of("user-1", 2, "video.upload").idempotencyKey("req-1")))
                .isExactlyInstanceOf(IdempotencyConflictException.class);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(98));
        assertThat(gate.history("user-1", 10)).hasSize(2);
    }

    @Test
    void sameKeyOnAnotherAccountIsAnotherCharge() {
        gate.grant("user-1", 10, "seed");
        gate.grant("user-2", 10, "seed");

        Charged first = gate.charge(ChargeRequest.of("user-1", 2, "a").idempotencyKey("req-1")).orElseThrow();
        Charged second = gate.charge(ChargeRequest.of("user-2", 2, "a").idempotencyKey("req-1")).orElseThrow();

        assertThat(second.replayed()).isFalse();
        assertThat(second.transactionId()).isNotEqualTo(first.transactionId());
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(8));
        assertThat(gate.balance("user-2")).isEqualTo(OptionalLong.of(8));
    }

    @Test
    void keyRejectedAsInsufficientMaySucceedLater() {
        gate.grant("user-1", 1, "seed");
        ChargeRequest request = ChargeRequest.of("user-1", 5, "audio.upload").idempotencyKey("req-1");
        assertThat(gate.charge(request)).isInstanceOf(InsufficientCredits.class);

        gate.grant("user-1", 10, "top-up");
        Charged charged = gate.charge(request).orElseThrow();

        assertThat(charged.replayed()).isFalse();
        assertThat(charged.balanceAfter()).isEqualTo(6);
    }

    @Test
    void refundCreditsTheChargeOnceAndASecondRefundIsReplayed() {
        gate.grant("user-1", 100, "seed");
        Charged charged = gate.charge("user-1", 30, "audio.upload").orElseThrow();

        Refund refund = gate.refund(charged.transactionId(), "file deleted");
        Refund again = gate.refund(charged.transactionId(), "file deleted again");

        assertThat(refund).isEqualTo(new Refund(refund.transactionId(), charged.transactionId(), "user-1", 30, 100,
                false));
        assertThat(again).isEqualTo(refund.asReplay());
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(100));
        assertThat(gate.history("user-1", 10))
                .extracting(LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::reverses)
                .containsExactly(
                        tuple(LedgerEntry.Kind.REFUND, 30L, Optional.of(charged.transactionId())),
                        tuple(LedgerEntry.Kind.CHARGE, -30L, Optional.empty()),
                        tuple(LedgerEntry.Kind.GRANT, 100L, Optional.empty()));
    }

    @Test
    void refundOfAnUnknownTransactionIsAnError() {
        gate.grant("user-1", 100, "seed");

        assertThatThrownBy(() -> gate.refund("no-such-transaction", "oops"))
                .isExactlyInstanceOf(TransactionNotFoundException.class)
                .hasMessage("no charge with transaction id 'no-such-transaction'")
                .satisfies(thrown -> assertThat(((TransactionNotFoundException) thrown).transactionId())
                        .isEqualTo("no-such-transaction"));
        String grantId = gate.history("user-1", 1).get(0).transactionId();
        assertThatThrownBy(() -> gate.refund(grantId, "not a charge"))
                .isExactlyInstanceOf(TransactionNotFoundException.class);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(100));
        assertThat(gate.history("user-1", 10)).hasSize(1);
    }

    @Test
    void grantPastLongMaxValueOverflowsAndWritesNothing() {
        assertThat(gate.grant("user-1", Long.MAX_VALUE - 1, "seed")).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(gate.grant("user-1", 1, "to the brim")).isEqualTo(Long.MAX_VALUE);

        assertThatThrownBy(() -> gate.grant("user-1", 1, "one too many"))
                .isExactlyInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> gate.grant("user-1", Long.MAX_VALUE, "far too many", "pay-1"))
                .isExactlyInstanceOf(ArithmeticException.class);

        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(Long.MAX_VALUE));
        assertThat(gate.history("user-1", 10)).hasSize(2);
        // The key of the failed grant was not consumed.
        gate.charge("user-1", 10, "spend");
        assertThat(gate.grant("user-1", 10, "far too many", "pay-1")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void refundPastLongMaxValueOverflowsAndWritesNothing() {
        gate.grant("user-1", 10, "seed");
        Charged charged = gate.charge("user-1", 10, "spend").orElseThrow();
        gate.grant("user-1", Long.MAX_VALUE, "refill");

        assertThatThrownBy(() -> gate.refund(charged.transactionId(), "file deleted"))
                .isExactlyInstanceOf(ArithmeticException.class);

        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(Long.MAX_VALUE));
        assertThat(gate.history("user-1", 10)).hasSize(3);
        gate.charge("user-1", 10, "spend again");
        assertThat(gate.refund(charged.transactionId(), "file deleted").replayed()).isFalse();
    }

    @Test
    void historyIsNewestFirstAndHonoursTheLimit() {
        gate.grant("user-1", 100, "seed");
        Charged first = gate.charge("user-1", 10, "x").orElseThrow();
        gate.charge("user-1", 20, "y");
        gate.refund(first.transactionId(), "undo x");

        assertThat(gate.history("user-1", 10))
                .extracting(LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter, LedgerEntry::reference)
                .containsExactly(
                        tuple(LedgerEntry.Kind.REFUND, 10L, 80L, "undo x"),
                        tuple(LedgerEntry.Kind.CHARGE, -20L, 70L, "y"),
                        tuple(LedgerEntry.Kind.CHARGE, -10L, 90L, "x"),
                        tuple(LedgerEntry.Kind.GRANT, 100L, 100L, "seed"));
        assertThat(gate.history("user-1", 2)).extracting(LedgerEntry::reference).containsExactly("undo x", "y");
        assertThat(gate.history("user-1", 1)).extracting(LedgerEntry::reference).containsExactly("undo x");
        assertThat(gate.history("ghost", 10)).isEmpty();
    }

    @Test
    void ledgerAmountsSumToTheBalance() {
        gate.grant("user-1", 1_000, "seed");
        Charged a = gate.charge("user-1", 123, "a").orElseThrow();
        gate.charge("user-1", 77, "b");
        gate.charge("user-1", 10_000, "too much");
        gate.refund(a.transactionId(), "undo a");
        gate.refund(a.transactionId(), "undo a twice");
        gate.grant("user-1", 5, "bonus", "pay-1");
        gate.grant("user-1", 5, "bonus", "pay-1");

        long sum = gate.history("user-1", 1_000).stream().mapToLong(LedgerEntry::amount).sum();

        assertThat(sum).isEqualTo(928);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(928));
    }

    @Test
    void grantWithIdempotencyKeyReplaysTheOriginalBalanceAfter() {
        assertThat(gate.grant("user-1", 50, "webhook", "pay-1")).isEqualTo(50);
        assertThat(gate.grant("user-1", 10, "other")).isEqualTo(60);

        assertThat(gate.grant("user-1", 50, "webhook", "pay-1")).isEqualTo(50);

        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(60));
        assertThat(gate.history("user-1", 10)).hasSize(2);
    }

    @Test
    void grantWithTheSameKeyForAnotherAmountIsAConflict() {
        gate.grant("user-1", 50, "webhook", "pay-1");

        assertThatThrownBy(() -> gate.grant("user-1", 51, "webhook", "pay-1"))
                .isExactlyInstanceOf(IdempotencyConflictException.class)
                .hasMessage("idempotency key 'pay-1' on account 'user-1' was used for a grant of 50 for 'webhook'; "
                        + "it cannot be re-used for a grant of 51 for 'webhook'");
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(50));
    }

    @Test
    void idsAreStoredExactlyAsGiven() {
        String id = "'; drop table credit_accounts; -- \u00fc\u4e2d\uD83D\uDE00 \"q\" \\";

        gate.grant(id, 5, id);
        Charged charged = gate.charge(id, 2, id).orElseThrow();

        assertThat(charged.accountId()).isEqualTo(id);
        assertThat(gate.balance(id)).isEqualTo(OptionalLong.of(3));
        assertThat(gate.history(id, 10)).extracting(LedgerEntry::accountId, LedgerEntry::reference)
                .containsExactly(tuple(id, id), tuple(id, id));
        assertThat(gate.balance(id.trim() + "x")).isEmpty();
    }

    @Test
    void chargeNeverOverdrawsUnderConcurrency() throws Exception {
        gate.grant("user-1", 100, "seed");
        int threads = 16;
        int chargesPerThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger charged = new AtomicInteger();
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < chargesPerThread; i++) {
                        if (gate.charge("user-1", 3, "storm").isCharged()) {
                            charged.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(charged.get()).isEqualTo(33);
        assertThat(gate.balance("user-1")).isEqualTo(OptionalLong.of(1));
        assertThat(gate.history("user-1", 1_000)).hasSize(34);
    }
}
