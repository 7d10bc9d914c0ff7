package dev.creditgate.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pays for a handler with credits, in the spirit of {@code @Transactional}: before the method runs, {@link #cost()}
 * credits are held on the account named by the {@link CreditAccountResolver} bean (default: the authenticated
 * principal's name); when the method returns they are captured, and when it throws they are released and the
 * exception propagates. This is {@code CreditGate.chargeFor} around the method.
 *
 * <pre>{@code
 * @PostMapping("/api/upload")
 * @ChargeCredits(cost = 2, action = "audio.upload")
 * Upload upload(@RequestParam MultipartFile file) { ... }
 * }</pre>
 *
 * <p>The request's {@code Idempotency-Key} header (see {@code creditgate.charge.idempotency-header}), when present,
 * is the charge's idempotency key: re-sending a request never charges twice. A re-sent key whose earlier request
 * failed (its hold released or expired) runs the method again and pays once. A re-sent key whose earlier request
 * already paid does not run the method and is answered 409, unless {@link #rerunWhenPaid()} is set.
 *
 * <p>If the account cannot pay, the method does not run: {@code InsufficientCreditsException} (402),
 * {@code AccountNotFoundException} (404), or a store failure (503), answered by {@link CreditGateProblemHandler}. A
 * blank or over-long key is answered 400 and nothing runs.
 *
 * <p>Applies to public methods of Spring beans called through their proxy (like {@code @Transactional}), on
 * blocking handlers: a method returning a reactive type would be paid for when it assembles, not when it runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChargeCredits {

    /**
     * The credits the handler costs.
     *
     * @return at least 1
     */
    long cost();

    /**
     * What the credits are spent on, as recorded in the ledger, such as {@code audio.upload}.
     *
     * @return non-blank, at most 128 characters
     */
    String action();

    /**
     * Whether a request whose idempotency key already paid runs the method again, without charging, so that a
     * handler that is itself idempotent by the key answers the re-sent request with its original result. Default
     * false: such a request is answered 409 and the method does not run.
     *
     * @return whether to run the method again for a key that already paid
     */
    boolean rerunWhenPaid() default false;
}
