package dev.creditgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.creditgate.AccountNotFoundException;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.InsufficientCreditsException;
import dev.creditgate.ReservationNotFoundException;
import dev.creditgate.ReservationStateException;
import dev.creditgate.RetryPolicy;
import dev.creditgate.TransactionNotFoundException;
import dev.creditgate.test.FaultInjectingBalanceStore;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Every outcome, produced by a real gate, answered as the table in {@link CreditGateProblemHandler} says. */
class CreditGateProblemHandlerTest {

    private final FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(new InMemoryBalanceStore());
    private final CreditGate gate = CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
    private final CreditGateProblemHandler handler =
            new CreditGateProblemHandler(new CreditGateProperties.Http(Duration.ofMillis(1_500), false));

    CreditGateProblemHandlerTest() {
        gate.grant("user-1", 5, "signup");
    }

    @Test
    void insufficientIs402WithRequiredAvailableAndShortfallAndNoAccount() {
        InsufficientCreditsException e = catchThrowableOfType(InsufficientCreditsException.class,
                () -> gate.charge("user-1", 7, "audio.upload").orElseThrow());

        ResponseEntity<ProblemDetail> response = handler.insufficientCredits(e);

        assertProblem(response, 402, "https://creditgate.dev/problems/insufficient-credits", "Insufficient credits",
                "This action requires 7 credits; 5 are available.");
        assertThat(response.getBody().getProperties())
                .containsExactly(Map.entry("required", 7L), Map.entry("available", 5L), Map.entry("shortfall", 2L));
        assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }

    @Test
    void internalsAppearOnlyWhenConfigured() {
        InsufficientCreditsException e = catchThrowableOfType(InsufficientCreditsException.class,
                () -> gate.charge("user-1", 7, "audio.upload").orElseThrow());
        CreditGateProblemHandler trusting =
                new CreditGateProblemHandler(new CreditGateProperties.Http(Duration.ofSeconds(1), true));

        assertThat(trusting.insufficientCredits(e).getBody().getProperties())
                .containsEntry("accountId", "user-1").containsEntry("action", "audio.upload").containsKey("debug");
    }

    @Test
    void accountNotFoundIs404NamingNoAccount() {
        AccountNotFoundException e = catchThrowableOfType(AccountNotFoundException.class,
                () -> gate.charge("nobody", 2, "audio.upload").orElseThrow());

        ResponseEntity<ProblemDetail> response = handler.accountNotFound(e);

        assertProblem(response, 404, "https://creditgate.dev/problems/account-not-found", "Credit account not found",
                "No credit account exists for this request.");
        assertThat(response.getBody().getProperties()).isNull();
    }

    @Test
    void unknownTransactionsAndHoldsAre404() {
        TransactionNotFoundException tx = catchThrowableOfType(TransactionNotFoundException.class,
                () -> gate.refund("no-such-transaction", "x"));
        ReservationNotFoundException hold = catchThrowableOfType(ReservationNotFoundException.class,
                () -> gate.release("no-such-hold"));

        for (RuntimeException e : new RuntimeException[] {tx, hold}) {
            assertProblem(handler.notFound(e), 404, "https://creditgate.dev/problems/not-found", "Not found",
                    "No such credit transaction or hold exists for this request.");
        }
    }

    @Test
    void aReusedKeyIs409WithoutTheKey() {
        gate.charge(ChargeRequest.of("user-1", 1, "audio.upload").idempotencyKey("req-1"));
        IdempotencyConflictException e = catchThrowableOfType(IdempotencyConflictException.class,
                () -> gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1")));

        ResponseEntity<ProblemDetail> response = handler.idempotencyConflict(e);

        assertProblem(response, 409, "https://creditgate.dev/problems/idempotency-conflict",
                "Idempotency key already used",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.");
        assertThat(response.getBody().toString()).doesNotContain("req-1").doesNotContain("user-1");
    }

    @Test
    void aSettledHoldIs409WithItsState() {
        String hold = gate.reserve("user-1", 1, "render", Duration.ofMinutes(1)).reservedOrThrow().reservationId();
        gate.release(hold);
        ReservationStateException e = catchThrowableOfType(ReservationStateException.class,
                () -> gate.capture(hold, 1));

        ResponseEntity<ProblemDetail> response = handler.reservationState(e);

        assertProblem(response, 409, "https://creditgate.dev/problems/reservation-state", "Already settled",
                "The credits for this request were already released; nothing more was charged.");
        assertThat(response.getBody().getProperties()).containsExactly(Map.entry("state", "RELEASED"));
    }

    @Test
    void anUnavailableStoreIs503WithRetryAfterInWholeSeconds() {
        store.failNext(1, Fault.TRANSIENT);
        CreditStoreUnavailableException e = catchThrowableOfType(CreditStoreUnavailableException.class,
                () -> gate.charge("user-1", 2, "audio.upload"));

        ResponseEntity<ProblemDetail> response = handler.unavailable(e);

        assertProblem(response, 503, "https://creditgate.dev/problems/unavailable", "Credits temporarily unavailable",
                "Credits could not be checked right now and nothing was charged. Try again shortly.");
        assertThat(response.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("2");
    }

    @Test
    void anUnknownOutcomeIs503AskingForTheSameKey() {
        store.failNext(1, Fault.AMBIGUOUS_APPLIED);
        ChargeOutcomeUnknownException e = catchThrowableOfType(ChargeOutcomeUnknownException.class,
                () -> gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-9")));

        ResponseEntity<ProblemDetail> response = handler.outcomeUnknown(e);

        assertProblem(response, 503, "https://creditgate.dev/problems/outcome-unknown", "Charge outcome unknown",
                "The answer about this charge was lost. Re-send the same request with the same Idempotency-Key to "
                        + "complete it: it is never charged twice.");
        assertThat(response.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("2");
    }

    @Test
    void aMisconfiguredStoreIs500WithNothingInternal() {
        store.failNext(1, Fault.MISCONFIGURED);
        CreditStoreMisconfiguredException e = catchThrowableOfType(CreditStoreMisconfiguredException.class,
                () -> gate.charge("user-1", 2, "audio.upload"));

        ResponseEntity<ProblemDetail> response = handler.misconfigured(e);

        assertProblem(response, 500, null, "Internal Server Error",
                "The request could not be completed and nothing was charged.");
        assertThat(response.getBody().getProperties()).isNull();
        assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    }

    @Test
    void noAccountToChargeIs401() {
        ResponseEntity<ProblemDetail> response =
                handler.unresolvedAccount(new CreditAccountUnresolvedException("no principal"));

        assertProblem(response, 401, "https://creditgate.dev/problems/unauthenticated", "Not signed in",
                "Sign in to spend credits.");
    }

    private static void assertProblem(ResponseEntity<ProblemDetail> response, int status, String type, String title,
            String detail) {
        assertThat(response.getStatusCode().value()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ProblemDetail body = response.getBody();
        assertThat(body.getStatus()).isEqualTo(status);
        assertThat(body.getType()).isEqualTo(type == null ? null : URI.create(type));
        assertThat(body.getTitle()).isEqualTo(title);
        assertThat(body.getDetail()).isEqualTo(detail);
        assertThat(body.getInstance()).isNull();
    }
}
