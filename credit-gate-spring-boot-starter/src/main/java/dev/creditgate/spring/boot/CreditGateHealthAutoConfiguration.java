package dev.creditgate.spring.boot;

import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.AccountIdType;
import dev.creditgate.jdbi.JdbiBalanceStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code creditgate} health indicator. For the PostgreSQL store, the doctor's checks ({@code CreditGateDoctor},
 * drift on a sample of 100 accounts): DOWN when a finding is an error, each finding that is not OK a detail. For
 * any other store, a read of its balance and history: DOWN with {@code problem=unavailable} or
 * {@code problem=misconfigured} when it fails. Turned off by {@code management.health.creditgate.enabled=false}; replaced by a bean named
 * {@code creditgateHealthIndicator}.
 */
@AutoConfiguration(after = CreditGateAutoConfiguration.class)
@ConditionalOnClass({CreditGate.class, HealthIndicator.class})
@ConditionalOnBean(CreditGate.class)
@ConditionalOnEnabledHealthIndicator("creditgate")
public class CreditGateHealthAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CreditGateHealthAutoConfiguration() {
    }

    /**
     * The health indicator over the gate's store.
     *
     * @param gate the gate
     * @param properties the {@code creditgate.*} properties, for an id that an adopted table's id column accepts
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "creditgateHealthIndicator")
    public HealthIndicator creditgateHealthIndicator(CreditGate gate, CreditGateProperties properties) {
        if (gate.store() instanceof JdbiBalanceStore postgres) {
            return new CreditGateHealthIndicator(new DoctorProbe(postgres));
        }
        boolean numericIds = properties.adopt().enabled() && properties.adopt().idType() == AccountIdType.BIGINT;
        return new CreditGateHealthIndicator(new BalanceStoreProbe(gate.store(),
                numericIds ? BalanceStoreProbe.PROBE_NUMERIC_ACCOUNT : BalanceStoreProbe.PROBE_ACCOUNT));
    }
}
