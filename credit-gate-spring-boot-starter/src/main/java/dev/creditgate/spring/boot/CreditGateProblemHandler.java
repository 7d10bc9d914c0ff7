package dev.creditgate.spring.boot;

import dev.creditgate.AccountNotFoundException;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.InsufficientCreditsException;
import dev.creditgate.ReservationNotFoundException;
import dev.creditgate.ReservationStateException;
import dev.creditgate.TransactionNotFoundException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every credit-gate outcome that reaches a controller as an exception with an RFC 9457
 * {@code application/problem+json} body, in Spring's own {@link ProblemDetail}:
 *
 * <table>
 *   <caption>Outcomes and their answers</caption>
 *   <tr><th>exception</th><th>status</th><th>body</th></tr>
 *   <tr><td>{@link InsufficientCreditsException}</td><td>402</td><td>{@code required}, {@code available},
 *       {@code shortfall}</td></tr>
 *   <tr><td>{@link AccountNotFoundException}, {@link TransactionNotFoundException},
 *       {@link ReservationNotFoundException}</td><td>404</td><td></td></tr>
 *   <tr><td>{@link IdempotencyConflictException}, {@link ReservationStateException}</td><td>409</td><td></td></tr>
 *   <tr><td>{@link CreditStoreUnavailableException}</td><td>503 with {@code Retry-After}</td><td>nothing was
 *       charged</td></tr>
 *   <tr><td>{@link ChargeOutcomeUnknownException}</td><td>503 with {@code Retry-After}</td><td>re-send with the
 *       same {@code Idempotency-Key}</td></tr>
 *   <tr><td>{@link CreditStoreMisconfiguredException}</td><td>500</td><td>nothing internal; logged at ERROR</td></tr>
 *   <tr><td>{@link CreditAccountUnresolvedException}</td><td>401</td><td></td></tr>
 * </table>
 *
 * <p>No body ever carries SQL, host names, stack traces, account ids or idempotency keys (unless
 * {@code creditgate.http.include-internals} asks for the account and debug context of a 402 or 404). Store trouble
 * is logged at WARN, a misconfiguration at ERROR, both with the exception. Ordered before the application's own
 * advice; define a bean of this type to replace it.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
public class CreditGateProblemHandler {

    /** The problem type of an idempotency key re-used for another operation. */
    public static final URI TYPE_IDEMPOTENCY_CONFLICT = URI.create("https://creditgate.dev/problems/idempotency-conflict");

    /** The problem type of a hold that is no longer in the state the request needs. */
    public static final URI TYPE_RESERVATION_STATE = URI.create("https://creditgate.dev/problems/reservation-state");

    /** The problem type of an unknown transaction or hold. */
    public static final URI TYPE_NOT_FOUND = URI.create("https://creditgate.dev/problems/not-found");

    /** The problem type of a store that stayed unavailable: nothing was charged. */
    public static final URI TYPE_UNAVAILABLE = URI.create("https://creditgate.dev/problems/unavailable");

    /** The problem type of a charge whose outcome is unknown: re-send the same key. */
    public static final URI TYPE_OUTCOME_UNKNOWN = URI.create("https://creditgate.dev/problems/outcome-unknown");

    /** The problem type of a request with no account to charge. */
    public static final URI TYPE_UNAUTHENTICATED = URI.create("https://creditgate.dev/problems/unauthenticated");

    private static final Logger LOG = LoggerFactory.getLogger(CreditGateProblemHandler.class);

    private final boolean includeInternals;
    private final String retryAfterSeconds;

    /**
     * Creates the handler.
     *
     * @param http the {@code creditgate.http.*} properties
     */
    public CreditGateProblemHandler(CreditGateProperties.Http http) {
        this.includeInternals = http.includeInternals();
        Duration retryAfter = http.retryAfter();
        long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        this.retryAfterSeconds = Long.toString(Math.max(1, seconds));
    }

    /**
     * 402: the store saw too few credits in the step that would have debited them.
     *
     * @param e the rejection
     * @return the answer, with {@code required}, {@code available} and {@code shortfall}
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> insufficientCredits(InsufficientCreditsException e) {
        return answer(springProblem(e.result().problemDetail(includeInternals)));
    }

    /**
     * 404: the account does not exist, or the application may not see it.
     *
     * @param e the rejection
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> accountNotFound(AccountNotFoundException e) {
        return answer(springProblem(e.result().problemDetail(includeInternals)));
    }

    /**
     * 404: the transaction to refund, or the hold to capture or release, is unknown.
     *
     * @param e the rejection
     * @return the answer
     */
    @ExceptionHandler({TransactionNotFoundException.class, ReservationNotFoundException.class})
    public ResponseEntity<ProblemDetail> notFound(RuntimeException e) {
        return answer(problem(HttpStatus.NOT_FOUND, TYPE_NOT_FOUND, "Not found",
                "No such credit transaction or hold exists for this request."));
    }

    /**
     * 409: the idempotency key was used before for another operation.
     *
     * @param e the conflict
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> idempotencyConflict(IdempotencyConflictException e) {
        return answer(problem(HttpStatus.CONFLICT, TYPE_IDEMPOTENCY_CONFLICT, "Idempotency key already used",
                "This Idempotency-Key was already used for a different request; use a new key for a new request."));
    }

    /**
     * 409: the hold was already captured, released or expired; for {@link ChargeCredits}, a request whose key
     * already paid for completed work.
     *
     * @param e the rejection
     * @return the answer, with the hold's {@code state}
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> reservationState(ReservationStateException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, TYPE_RESERVATION_STATE, "Already settled",
                "The credits for this request were already " + e.state().name().toLowerCase(java.util.Locale.ROOT)
                        + "; nothing more was charged.");
        problem.setProperty("state", e.state().name());
        return answer(problem);
    }

    /**
     * 503 with {@code Retry-After}: the store stayed unavailable and nothing was charged.
     *
     * @param e the failure
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> unavailable(CreditStoreUnavailableException e) {
        LOG.warn("credit store unavailable after {} attempts; answered 503", e.attempts(), e);
        return answer(problem(HttpStatus.SERVICE_UNAVAILABLE, TYPE_UNAVAILABLE, "Credits temporarily unavailable",
                "Credits could not be checked right now and nothing was charged. Try again shortly."));
    }

    /**
     * 503 with {@code Retry-After}: the store's answer was lost; the charge may have been made. Re-sending the
     * request with the same idempotency key settles it without charging twice.
     *
     * @param e the failure
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> outcomeUnknown(ChargeOutcomeUnknownException e) {
        LOG.warn("charge outcome unknown after {} attempts; answered 503", e.attempts(), e);
        return answer(problem(HttpStatus.SERVICE_UNAVAILABLE, TYPE_OUTCOME_UNKNOWN, "Charge outcome unknown",
                "The answer about this charge was lost. Re-send the same request with the same Idempotency-Key to "
                        + "complete it: it is never charged twice."));
    }

    /**
     * 500 with nothing internal in the body: the store is misconfigured (a missing table or privilege, a row-level
     * security policy that blocks updates). Logged at ERROR for an operator.
     *
     * @param e the failure
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> misconfigured(CreditStoreMisconfiguredException e) {
        LOG.error("credit store misconfigured; answered 500", e);
        return answer(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The request could not be completed and nothing was charged."));
    }

    /**
     * 401: no account could be resolved for the request.
     *
     * @param e the failure
     * @return the answer
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> unresolvedAccount(CreditAccountUnresolvedException e) {
        return answer(problem(HttpStatus.UNAUTHORIZED, TYPE_UNAUTHENTICATED, "Not signed in",
                "Sign in to spend credits."));
    }

    /**
     * Converts the core's client-safe problem body to Spring's, keeping its members in order.
     *
     * @param problem the core's problem body
     * @return Spring's problem body with the same type, title, status, detail and extension members
     */
    public static ProblemDetail springProblem(dev.creditgate.ProblemDetail problem) {
        ProblemDetail spring = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(problem.status()),
                problem.detail());
        spring.setType(problem.type());
        spring.setTitle(problem.title());
        problem.properties().forEach(spring::setProperty);
        return spring;
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    private ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return response.body(problem);
    }
}
