package dev.creditgate.spring.boot;

import dev.creditgate.CreditGate;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;

/**
 * Answers credit-gate's outcomes over HTTP with RFC 9457 problem bodies ({@link CreditGateProblemHandler}), in
 * Spring MVC and Spring WebFlux applications alike. Define a {@link CreditGateProblemHandler} bean to replace it.
 */
@AutoConfiguration(after = CreditGateAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass({CreditGate.class, ProblemDetail.class})
public class CreditGateProblemAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CreditGateProblemAutoConfiguration() {
    }

    /**
     * The advice that maps outcomes to problem responses.
     *
     * @param properties the {@code creditgate.*} properties
     * @return the advice
     */
    @Bean
    @ConditionalOnMissingBean
    public CreditGateProblemHandler creditGateProblemHandler(CreditGateProperties properties) {
        return new CreditGateProblemHandler(properties.http());
    }
}
