package dev.creditgate.spring.boot;

import java.lang.reflect.Method;
import java.security.Principal;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The default {@link CreditAccountResolver}: the name of the current servlet request's authenticated principal
 * ({@code HttpServletRequest.getUserPrincipal()}, which Spring Security fills in).
 */
final class PrincipalAccountResolver implements CreditAccountResolver {

    @Override
    public String resolveAccount(Method handler, Object[] arguments) {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            throw new CreditAccountUnresolvedException("@ChargeCredits on " + handler.getName()
                    + " was called outside a servlet request: define a CreditAccountResolver bean");
        }
        Principal principal = attributes.getRequest().getUserPrincipal();
        if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
            throw new CreditAccountUnresolvedException("@ChargeCredits on " + handler.getName()
                    + " was called by a request with no authenticated principal");
        }
        return principal.getName();
    }
}
