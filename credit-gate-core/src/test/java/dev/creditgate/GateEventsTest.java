package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.CreditGateEvent.Operation;
import dev.creditgate.CreditGateEvent.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every mutating call tells the gate's listeners how it ended; listeners never change an outcome. */
class GateEventsTest {

    private final ScriptedStore store = new ScriptedStore();
    private final CreditGate gate = CreditGate.builder().store(store)
            .retryPolicy(RetryPolicy.defaults().withTimeBudget(Duration.ofSeconds(10))).build();
    private final List<CreditGateEvent> events = new CopyOnWriteArrayList<>();

    GateEventsTest() {
        gate.onEvent(events::add);
    }

    private record Seen(Operation operation, Outcome outcome, Optional<String> action, int attempts) {
    }

    private List<Seen> seen() {
        return events.stream().map(e -> new Seen(e.operation(), e.outcome(), e.action(), e.attempts())).toList();
    }

    @Test
    void eachOutcomeOfAChargeIsPublishedWithItsActionAndAttempts() {
        gate.grant("user-1", 5, "funds");
        ChargeRequest keyed = ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1");
        gate.charge(keyed);
        gate.charge(keyed);
        gate.charge("user-1", 9, "export");
        gate.charge("nobody", 1, "export");
        store.failNext(ScriptedStore.transientFailure(1), ScriptedStore.transientFailure(2));
        gate.charge("user-1", 1, "retried");
        assertThatThrownBy(() -> gate.charge(ChargeRequest.of("user-1", 3, "other").idempotencyKey("req-1")))
                .isInstanceOf(IdempotencyConflictException.class);

        assertThat(seen()).containsExactly(
                new Seen(Operation.GRANT, Outcome.APPLIED, Optional.empty(), 1),
                new Seen(Operation.CHARGE, Outcome.APPLIED, Optional.of("audio.upload"), 1),
                new Seen(Operation.CHARGE, Outcome.REPLAYED, Optional.of("audio.upload"), 1),
                new Seen(Operation.CHARGE, Outcome.INSUFFICIENT, Optional.of("export"), 1),
                new Seen(Operation.CHARGE, Outcome.NOT_FOUND, Optional.of("export"), 1),
                new Seen(Operation.CHARGE, Outcome.APPLIED, Optional.of("retried"), 3),
                new Seen(Operation.CHARGE, Outcome.IDEMPOTENCY_CONFLICT, Optional.of("other"), 1));
    }

    @Test
    void storeFailuresArePublishedAsTheExceptionTheCallerGets() {
        gate.grant("user-1", 5, "funds");
        events.clear();
        store.failEveryCall(() -> ScriptedStore.transientFailure(0));
        assertThatThrownBy(() -> gate.charge("user-1", 1, "a")).isInstanceOf(CreditStoreUnavailableException.class);
        store.failEveryCall(() -> ScriptedStore.ambiguousFailure(0));
        assertThatThrownBy(() -> gate.charge("user-1", 1, "b")).isInstanceOf(ChargeOutcomeUnknownException.class);
        store.failEveryCall(() -> new CreditStoreMisconfiguredException("no table", null));
        assertThatThrownBy(() -> gate.charge("user-1", 1, "c")).isInstanceOf(CreditStoreMisconfiguredException.class);
        store.failEveryCall(() -> new IllegalStateException("a bug"));
        assertThatThrownBy(() -> gate.charge("user-1", 1, "d")).isInstanceOf(IllegalStateException.class);

        assertThat(seen()).containsExactly(
                new Seen(Operation.CHARGE, Outcome.UNAVAILABLE, Optional.of("a"), 4),
                new Seen(Operation.CHARGE, Outcome.OUTCOME_UNKNOWN, Optional.of("b"), 4),
                new Seen(Operation.CHARGE, Outcome.MISCONFIGURED, Optional.of("c"), 1),
                new Seen(Operation.CHARGE, Outcome.FAILED, Optional.of("d"), 1));
    }

    @Test
    void holdsAndRefundsArePublishedWithTheActionOfTheirReservation() {
        gate.grant("user-1", 50, "funds");
        Reserved captured = gate.reserve("user-1", 10, "render", Duration.ofMinutes(1)).reservedOrThrow();
        Charged charge = gate.capture(captured.reservationId(), 7);
        gate.capture(captured.reservationId(), 7);
        Reserved released = gate.reserve("user-1", 10, "render", Duration.ofMinutes(1)).reservedOrThrow();
        gate.release(released.reservationId());
        gate.release(released.reservationId());
        assertThatThrownBy(() -> gate.capture(released.reservationId(), 1))
                .isInstanceOf(ReservationStateException.class);
        gate.refund("user-1", charge.transactionId(), "failed later");
        assertThatThrownBy(() -> gate.refund("user-2", charge.transactionId(), "not yours"))
                .isInstanceOf(TransactionNotFoundException.class);
        gate.reserve("user-1", 100, "render", Duration.ofMinutes(1));

        assertThat(seen()).containsExactly(
                new Seen(Operation.GRANT, Outcome.APPLIED, Optional.empty(), 1),
                new Seen(Operation.RESERVE, Outcome.APPLIED, Optional.of("render"), 1),
                new Seen(Operation.CAPTURE, Outcome.APPLIED, Optional.of("render"), 1),
                new Seen(Operation.CAPTURE, Outcome.REPLAYED, Optional.of("render"), 1),
                new Seen(Operation.RESERVE, Outcome.APPLIED, Optional.of("render"), 1),
                new Seen(Operation.RELEASE, Outcome.APPLIED, Optional.empty(), 1),
                new Seen(Operation.RELEASE, Outcome.REPLAYED, Optional.empty(), 1),
                new Seen(Operation.CAPTURE, Outcome.REJECTED, Optional.empty(), 1),
                new Seen(Operation.REFUND, Outcome.APPLIED, Optional.empty(), 1),
                new Seen(Operation.REFUND, Outcome.REJECTED, Optional.empty(), 1),
                new Seen(Operation.RESERVE, Outcome.INSUFFICIENT, Optional.of("render"), 1));
    }

    @Test
    void holdEventsNameTheirReservationAndUntilWhenItHoldsCredits() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        CreditGate clocked = CreditGate.builder()
                .store(new InMemoryBalanceStore(Clock.fixed(now, ZoneOffset.UTC))).build();
        List<CreditGateEvent> heard = new CopyOnWriteArrayList<>();
        clocked.onEvent(heard::add);
        clocked.grant("user-1", 50, "funds");
        ReserveRequest request = ReserveRequest.of("user-1", 10, "render", Duration.ofMinutes(5)).idempotencyKey("k-1");
        String held = clocked.reserve(request).reservedOrThrow().reservationId();
        clocked.reserve(request);
        clocked.capture(held, 4);
        clocked.reserve(request);
        assertThatThrownBy(() -> clocked.release("no-such-hold")).isInstanceOf(ReservationNotFoundException.class);
        clocked.reserve("user-1", 500, "render", Duration.ofMinutes(5));
        clocked.charge("user-1", 1, "export");

        record Hold(Operation operation, Outcome outcome, Optional<String> reservationId, Optional<Instant> until) {
        }
        Optional<Instant> until = Optional.of(Instant.parse("2026-03-01T12:05:00Z"));
        assertThat(heard.stream().map(e -> new Hold(e.operation(), e.outcome(), e.reservationId(), e.heldUntil())))
                .containsExactly(
                        new Hold(Operation.GRANT, Outcome.APPLIED, Optional.empty(), Optional.empty()),
                        new Hold(Operation.RESERVE, Outcome.APPLIED, Optional.of(held), until),
                        new Hold(Operation.RESERVE, Outcome.REPLAYED, Optional.of(held), until),
                        new Hold(Operation.CAPTURE, Outcome.APPLIED, Optional.of(held), Optional.empty()),
                        new Hold(Operation.RESERVE, Outcome.REPLAYED, Optional.of(held), Optional.empty()),
                        new Hold(Operation.RELEASE, Outcome.REJECTED, Optional.of("no-such-hold"), Optional.empty()),
                        new Hold(Operation.RESERVE, Outcome.INSUFFICIENT, Optional.empty(), Optional.empty()),
                        new Hold(Operation.CHARGE, Outcome.APPLIED, Optional.empty(), Optional.empty()));
    }

    @Test
    void anEventCannotSayCreditsAreHeldWithoutNamingTheReservation() {
        assertThatThrownBy(() -> new CreditGateEvent(Operation.RESERVE, Outcome.APPLIED, Optional.of("render"), 1,
                Duration.ZERO, Optional.empty(), Optional.of(Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heldUntil 1970-01-01T00:00:00Z needs the reservationId held");
    }

    @Test
    void aFailingListenerNeitherChangesTheOutcomeNorStopsTheOthers() {
        List<CreditGateEvent> after = new CopyOnWriteArrayList<>();
        gate.onEvent(event -> {
            throw new IllegalStateException("listener bug");
        });
        gate.onEvent(after::add);

        assertThat(gate.grant("user-1", 5, "funds")).isEqualTo(5);
        assertThat(gate.charge("user-1", 2, "a").isCharged()).isTrue();

        assertThat(events).hasSize(2);
        assertThat(after).hasSize(2);
    }

    @Test
    void readsAndRejectedInputPublishNothing() {
        gate.grant("user-1", 5, "funds");
        events.clear();

        gate.balance("user-1");
        gate.account("user-1");
        gate.history("user-1", 10);
        assertThatThrownBy(() -> gate.charge("user-1", 0, "a")).isInstanceOf(IllegalArgumentException.class);

        assertThat(events).isEmpty();
    }
}
