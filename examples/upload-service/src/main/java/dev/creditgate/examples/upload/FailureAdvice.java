package dev.creditgate.examples.upload;

import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The uploads table's own failures. The credits were released by {@code @ChargeCredits} before this runs, so the
 * truthful answer is 503: nothing was charged, and re-sending the same {@code Idempotency-Key} stores the upload once.
 */
@RestControllerAdvice
class FailureAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAdvice.class);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> databaseFailure(JdbiException e) {
        LOG.warn("uploads table unavailable; answered 503", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The upload could not be stored right now and nothing was charged. Re-send it with the same "
                        + "Idempotency-Key.");
        problem.setTitle("Uploads temporarily unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
