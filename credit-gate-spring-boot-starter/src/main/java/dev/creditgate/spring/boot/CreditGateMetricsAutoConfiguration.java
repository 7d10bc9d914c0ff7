package dev.creditgate.spring.boot;

import dev.creditgate.CreditGate;
import dev.creditgate.micrometer.CreditGateMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Measures the gate with {@link CreditGateMetrics}, a {@link MeterBinder} that Spring Boot binds to every
 * {@code MeterRegistry} it configures (with Spring Boot's Micrometer metrics on the classpath, as the actuator
 * starter brings). Meters {@code creditgate.charges}, {@code creditgate.reservations} and the others that
 * {@link CreditGateMetrics} documents. Define a {@link CreditGateMetrics} bean to replace it.
 */
@AutoConfiguration(after = CreditGateAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, CreditGateMetrics.class})
@ConditionalOnBean(CreditGate.class)
public class CreditGateMetricsAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CreditGateMetricsAutoConfiguration() {
    }

    /**
     * The gate's meter binder.
     *
     * @param gate the gate to measure
     * @param properties the {@code creditgate.*} properties, for the bound on distinct action tags
     * @return the binder
     */
    @Bean
    @ConditionalOnMissingBean
    public CreditGateMetrics creditGateMetrics(CreditGate gate, CreditGateProperties properties) {
        return CreditGateMetrics.builder(gate).maxActionTags(properties.metrics().maxActionTags()).build();
    }
}
