package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebugContextTest {

    private static final Instant OBSERVED = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void toStringNamesKeyStoreObservationAttemptsAndElapsed() {
        DebugContext debug = new DebugContext("req-1", "in-memory", Optional.of(OBSERVED), 3,
                Duration.ofMillis(42), List.of("failure one", "failure two"));

        assertThat(debug).hasToString("DebugContext[idempotencyKey=req-1, store=in-memory, "
                + "observedAt=2026-01-02T03:04:05Z, attempts=3, elapsed=42ms, "
                + "retriedFailures=[failure one, failure two]]");
        assertThat(DebugContext.observed("req-2", "in-memory", Optional.empty()))
                .hasToString("DebugContext[idempotencyKey=req-2, store=in-memory, observedAt=none, attempts=1, "
                        + "elapsed=0ms, retriedFailures=[]]");
    }

    @Test
    void toStringEscapesEveryControlCharacterSoALogLineCannotBeForged() {
        // A store's failure message is not validated input: it may carry whatever the database said.
        DebugContext debug = new DebugContext("req-1", "in-memory", Optional.empty(), 2, Duration.ZERO,
                List.of("timeout\n2026-01-01 INFO granted 1000000 to attacker", "bell\u0007 and escape\u001B[2J"));

        assertThat(debug.toString())
                .doesNotContain("\n", "\u0007", "\u001B")
                .contains("timeout\\u000A2026-01-01 INFO granted 1000000 to attacker",
                        "bell\\u0007 and escape\\u001B[2J");
    }

    @Test
    void debugOfAGateDecisionNeverNamesTheAccount() {
        InMemoryBalanceStore store = new InMemoryBalanceStore(Clock.fixed(OBSERVED, ZoneOffset.UTC));
        CreditGate gate = CreditGate.builder().store(store).build();
        gate.grant("user-secret-42", 1, "seed");

        InsufficientCredits insufficient = (InsufficientCredits) gate.charge(
                ChargeRequest.of("user-secret-42", 5, "audio.upload").idempotencyKey("req-7"));
        AccountNotFound notFound = (AccountNotFound) gate.charge(
                ChargeRequest.of("user-secret-43", 5, "audio.upload").idempotencyKey("req-8"));

        assertThat(insufficient.debug().toString())
                .startsWith("DebugContext[idempotencyKey=req-7, store=in-memory, observedAt=2026-01-02T03:04:05Z, "
                        + "attempts=1, elapsed=")
                .matches(".*, elapsed=\\d+ms, retriedFailures=\\[]]")
                .doesNotContain("user-secret-42");
        assertThat(notFound.debug().toString())
                .startsWith("DebugContext[idempotencyKey=req-8, store=in-memory, observedAt=none, attempts=1, ")
                .doesNotContain("user-secret-43");
    }

    @Test
    void withAttemptsReplacesTheGateViewAndKeepsTheStoreView() {
        DebugContext observed = DebugContext.observed("req-1", "in-memory", Optional.of(OBSERVED));

        DebugContext withAttempts = observed.withAttempts(3, Duration.ofMillis(17), List.of("a", "b"));

        assertThat(withAttempts).isEqualTo(new DebugContext("req-1", "in-memory", Optional.of(OBSERVED), 3,
                Duration.ofMillis(17), List.of("a", "b")));
        assertThat(observed.attempts()).isEqualTo(1);
        assertThat(observed.elapsed()).isEqualTo(Duration.ZERO);
        assertThat(observed.retriedFailures()).isEmpty();
    }

    @Test
    void retriedFailuresAreAnUnmodifiableCopy() {
        List<String> failures = new ArrayList<>(List.of("a"));
        DebugContext debug = DebugContext.observed("k", "s", Optional.empty()).withAttempts(2, Duration.ZERO, failures);
        failures.add("b");

        assertThat(debug.retriedFailures()).containsExactly("a");
        assertThatThrownBy(() -> debug.retriedFailures().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsZeroAttemptsAndNegativeElapsed() {
        DebugContext debug = DebugContext.observed("k", "s", Optional.empty());

        assertThatThrownBy(() -> debug.withAttempts(0, Duration.ZERO, List.of()))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempts must be >= 1 and elapsed >= 0");
        assertThatThrownBy(() -> debug.withAttempts(1, Duration.ofMillis(-1), List.of()))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("attempts must be >= 1 and elapsed >= 0");
        assertThatThrownBy(() -> DebugContext.observed(null, "s", Optional.empty()))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("idempotencyKey");
    }
}
