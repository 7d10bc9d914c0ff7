package dev.creditgate.spring.boot;

import dev.creditgate.BalanceStore;
import dev.creditgate.CreditGate;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.RetryPolicy;
import dev.creditgate.jdbi.JdbiBalanceStore;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures a {@link CreditGate} bean: over a {@link JdbiBalanceStore} on the application's
 * {@link DataSource} (default), or over an {@link InMemoryBalanceStore} with {@code creditgate.store=in-memory}.
 * Every bean backs off when the application defines its own of the same type: a {@link Jdbi}, a
 * {@link BalanceStore}, a {@link RetryPolicy} or the {@link CreditGate} itself. Configured by
 * {@link CreditGateProperties}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(CreditGateProperties.class)
public class CreditGateAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CreditGateAutoConfiguration() {
    }

    /**
     * The gate's retry policy from {@code creditgate.retry.*}.
     *
     * @param properties the bound properties
     * @return {@link RetryPolicy#none()} when retries are disabled, otherwise jittered exponential backoff as set
     */
    @Bean
    @ConditionalOnMissingBean
    public RetryPolicy creditGateRetryPolicy(CreditGateProperties properties) {
        CreditGateProperties.Retry retry = properties.retry();
        if (!retry.enabled()) {
            return RetryPolicy.none();
        }
        return RetryPolicy.of(RetryConfig.custom()
                        .maxAttempts(retry.maxAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(retry.initialBackoff(),
                                retry.multiplier(), retry.jitter(), retry.maxBackoff()))
                        .build())
                .withTimeBudget(retry.timeBudget());
    }

    /**
     * The gate, over whichever {@link BalanceStore} the context holds.
     *
     * @param store the store
     * @param retryPolicy the retry policy
     * @return the gate
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BalanceStore.class)
    public CreditGate creditGate(BalanceStore store, RetryPolicy retryPolicy) {
        return CreditGate.builder().store(store).retryPolicy(retryPolicy).build();
    }

    /** The in-memory store, with {@code creditgate.store=in-memory}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "creditgate.store", havingValue = "in-memory")
    static class InMemoryStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BalanceStore creditGateBalanceStore() {
            return new InMemoryBalanceStore();
        }
    }

    /** The PostgreSQL store over the application's {@link DataSource}, unless {@code creditgate.store} says otherwise. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "creditgate.store", havingValue = "jdbc", matchIfMissing = true)
    @ConditionalOnBean(DataSource.class)
    static class JdbcStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean
        Jdbi jdbi(DataSource dataSource) {
            return Jdbi.create(dataSource);
        }

        @Bean
        @ConditionalOnMissingBean(BalanceStore.class)
        JdbiBalanceStore creditGateBalanceStore(Jdbi jdbi, CreditGateProperties properties) {
            JdbiBalanceStore.Builder builder = JdbiBalanceStore.builder(jdbi);
            if (!properties.schema().isBlank()) {
                builder.schema(properties.schema());
            }
            CreditGateProperties.Adopt adopt = properties.adopt();
            if (adopt.enabled()) {
                builder.adoptAccountTable(adopt.table(), adopt.idColumn(), adopt.balanceColumn(), adopt.idType());
            } else {
                builder.accountsTable(properties.accountsTable());
            }
            CreditGateProperties.Batching batching = properties.batching();
            JdbiBalanceStore store = builder.ledgerTable(properties.ledgerTable())
                    .holdsTable(properties.holdsTable())
                    .batching(batching.enabled())
                    .batchLanes(batching.lanes())
                    .maxBatchSize(batching.maxBatchSize())
                    .build();
            if (properties.migrate()) {
                store.migrate();
            }
            return store;
        }
    }
}
