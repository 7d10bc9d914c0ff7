package dev.creditgate.spring.boot;

import dev.creditgate.ChargeRequest;
import dev.creditgate.CreditGate;
import dev.creditgate.ReservationState;
import dev.creditgate.ReservationStateException;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Optional;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.server.ResponseStatusException;

/** Runs a {@link ChargeCredits} method inside {@link CreditGate#chargeFor}. */
final class ChargeCreditsInterceptor implements MethodInterceptor {

    // Looked up per call: the advisor is created with the bean post-processors, before the gate should be.
    private final ObjectProvider<CreditGate> gate;
    private final ObjectProvider<CreditAccountResolver> accounts;
    private final ObjectProvider<CreditGateProperties> properties;

    ChargeCreditsInterceptor(ObjectProvider<CreditGate> gate, ObjectProvider<CreditAccountResolver> accounts,
             ObjectProvider<CreditGateProperties> properties) {
        this.gate = gate;
        this.accounts = accounts;
        this.properties = properties;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(),
                target == null ? null : AopUtils.getTargetClass(target));
        ChargeCredits charge = AnnotatedElementUtils.findMergedAnnotation(method, ChargeCredits.class);
        if (charge == null) {
            return invocation.proceed();
        }
        ChargeRequest request = ChargeRequest.of(accounts.getObject().resolveAccount(method, invocation.getArguments()),
                charge.cost(), charge.action());
        CreditGateProperties.Charge settings = properties.getObject().charge();
        String idempotencyHeader = settings.idempotencyHeader();
        Optional<String> key = idempotencyKey(idempotencyHeader);
        if (key.isPresent()) {
            try {
                request = request.idempotencyKey(key.get());
            } catch (IllegalArgumentException badKey) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        idempotencyHeader + " must be non-blank text of at most 128 characters", badKey);
            }
        }
        try {
            return gate.getObject().chargeFor(request, settings.holdTtl(), () -> proceed(invocation));
        } catch (ReservationStateException alreadyPaid) {
            // CAPTURED is thrown only before the work runs: the key paid for completed work earlier.
            if (charge.rerunWhenPaid() && alreadyPaid.state() == ReservationState.CAPTURED) {
                return invocation.proceed();
            }
            throw alreadyPaid;
        }
    }

    private static Optional<String> idempotencyKey(String idempotencyHeader) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return Optional.ofNullable(request.getHeader(idempotencyHeader));
        }
        return Optional.empty();
    }

    /** The work for {@link CreditGate#chargeFor}, which takes exceptions and errors but not other throwables. */
    private static Object proceed(MethodInvocation invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (Exception | Error failure) {
            throw failure;
        } catch (Throwable other) {
            throw new UndeclaredThrowableException(other);
        }
    }
}
