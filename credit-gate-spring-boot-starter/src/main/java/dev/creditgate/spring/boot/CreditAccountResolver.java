package dev.creditgate.spring.boot;

import java.lang.reflect.Method;

/**
 * Names the account that a {@link ChargeCredits} handler charges. The starter's default takes the authenticated
 * principal's name from the current servlet request; define a bean of this type to take it from somewhere else (a
 * tenant header, a path variable, a method argument).
 */
@FunctionalInterface
public interface CreditAccountResolver {

    /**
     * Resolves the account for one invocation of a handler, before anything is charged.
     *
     * @param handler the annotated method being invoked
     * @param arguments its arguments
     * @return the account id to charge
     * @throws CreditAccountUnresolvedException if there is no account to charge (the handler does not run)
     */
    String resolveAccount(Method handler, Object[] arguments);
}
