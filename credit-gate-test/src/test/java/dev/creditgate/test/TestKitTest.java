package dev.creditgate.test;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.AmbiguousStoreException;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.LedgerEntry;
import dev.creditgate.RetryPolicy;
import dev.creditgate.TransientStoreException;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import dev.creditgate.test.FaultInjectingBalanceStore.Operation;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The test kit's own tools do what they say, and its assertions can fail. */
class TestKitTest {

    private final InMemoryBalanceStore memory = new InMemoryBalanceStore();
    private final CreditGate gate = CreditGate.builder().store(memory).retryPolicy(RetryPolicy.none()).build();

    @Test
    void manualClockStandsStillUntilAdvanced() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(clock.advance(Duration.ofMinutes(5))).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant()).isEqualTo(clock.instant());
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manualClockDatesTheLedger() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        CreditGate clocked = CreditGate.builder().store(new InMemoryBalanceStore(clock)).build();
        clocked.grant("a", 10, "r");
        clock.advance(Duration.ofHours(1));
        clocked.charge("a", 1, "x");

        assertThat(clocked.history("a", 10)).extracting(LedgerEntry::createdAt).containsExactly(
                Instant.parse("2026-03-01T11:00:00Z"), Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void faultInjectorThrowsEachKindOfFault() {
        memory.grant("a", 10, "r", "k0");
        FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(memory)
                .failNext(1, Fault.TRANSIENT)
                .failNext(1, Fault.AMBIGUOUS_NOT_APPLIED)
                .failNext(1, Fault.AMBIGUOUS_APPLIED)
                .failNext(1, Fault.MISCONFIGURED);

        assertThatThrownBy(() -> store.charge("a", 1, "x", "k1")).isInstanceOf(TransientStoreException.class);
        assertThatThrownBy(() -> store.charge("a", 1, "x", "k2")).isInstanceOf(AmbiguousStoreException.class);
        assertThatThrownBy(() -> store.charge("a", 1, "x", "k3")).isInstanceOf(AmbiguousStoreException.class);
        assertThatThrownBy(() -> store.charge("a", 1, "x", "k4"))
                .isInstanceOf(CreditStoreMisconfiguredException.class);
        assertThat(store.charge("a", 1, "x", "k5")).isCharged().hasBalanceAfter(8);

        assertThat(memory.balance("a")).isEqualTo(OptionalLong.of(8));
        assertThat(store.calls(Operation.CHARGE)).isEqualTo(5);
        assertThat(store.injected()).isEqualTo(4);
        assertThat(store.injected(Fault.AMBIGUOUS_APPLIED)).isEqualTo(1);
    }

    @Test
    void faultInjectorAimsOnlyAtTheChosenOperations() {
        FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(memory)
                .onlyFor(Operation.CHARGE)
                .failWithProbability(Fault.TRANSIENT, 1.0);

        assertThat(store.grant("a", 5, "r", "k")).isEqualTo(5);
        assertThat(store.balance("a")).isEqualTo(OptionalLong.of(5));
        assertThatThrownBy(() -> store.charge("a", 1, "x", "c")).isInstanceOf(TransientStoreException.class);
        assertThat(store.heal().charge("a", 1, "x", "c")).isCharged().hasBalanceAfter(4);
    }

    @Test
    void faultInjectorRejectsBadSettings() {
        FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(memory);

        assertThatThrownBy(() -> store.failNext(0, Fault.TRANSIENT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.failWithProbability(Fault.TRANSIENT, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chargeResultAssertionsFailOnTheWrongKindOrValue() {
        gate.grant("a", 10, "r");

        assertThatThrownBy(() -> assertThat(gate.charge("a", 11, "x")).isCharged())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a Charged result");
        assertThatThrownBy(() -> assertThat(gate.charge("a", 1, "x")).hasBalanceAfter(8))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("balanceAfter to be <8> but was <9>");
        assertThatThrownBy(() -> assertThat(gate.charge("a", 100, "x")).hasShortfall(1))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shortfall to be <1> but was <91>");
        assertThatThrownBy(() -> assertThat(gate.charge("b", 1, "x")).isInsufficient())
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void accountAssertionsFailOnTheWrongBalanceOrCount() {
        gate.grant("a", 10, "r");

        assertThatThrownBy(() -> assertThatAccount(gate, "a").hasBalance(11))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("balance <11> but was <10>");
        assertThatThrownBy(() -> assertThatAccount(gate, "missing").hasBalance(0))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> assertThatAccount(gate, "a").doesNotExist()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThatAccount(gate, "a").hasLedgerEntries(2)).isInstanceOf(AssertionError.class);
        assertThatAccount(gate, "a").hasBalance(10).hasLedgerEntries(1).hasLedgerSummingToBalance();
    }
}
