package dev.creditgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.CreditGate;
import dev.creditgate.micrometer.CreditGateMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CreditGateMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CreditGateAutoConfiguration.class,
                    CreditGateMetricsAutoConfiguration.class))
            .withPropertyValues("creditgate.store=in-memory");

    @Test
    void theGateIsMeasuredInSpringBootsRegistryWithNoCode() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
                .run(context -> {
                    CreditGate gate = context.getBean(CreditGate.class);
                    gate.grant("user-1", 3, "signup");
                    gate.charge("user-1", 2, "audio.upload");
                    gate.charge("user-1", 2, "audio.upload");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(CreditGateMetrics.CHARGES).tag("outcome", "charged")
                            .tag("action", "audio.upload").timer().count()).isEqualTo(1);
                    assertThat(registry.get(CreditGateMetrics.CHARGES).tag("outcome", "insufficient")
                            .timer().count()).isEqualTo(1);
                });
    }

    @Test
    void theActionTagBoundComesFromProperties() {
        runner.withPropertyValues("creditgate.metrics.max-action-tags=1").withBean(
                io.micrometer.core.instrument.simple.SimpleMeterRegistry.class).run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean(CreditGateMetrics.class).bindTo(registry);
                    CreditGate gate = context.getBean(CreditGate.class);
                    gate.grant("user-1", 10, "signup");
                    gate.charge("user-1", 1, "first");
                    gate.charge("user-1", 1, "second");

                    assertThat(registry.get(CreditGateMetrics.CHARGES).tag("action", "first").timer().count())
                            .isEqualTo(1);
                    assertThat(registry.get(CreditGateMetrics.CHARGES).tag("action", "other").timer().count())
                            .isEqualTo(1);
                });
    }

    @Test
    void anApplicationsOwnBinderWins() {
        runner.withBean("ownMetrics", CreditGateMetrics.class,
                () -> CreditGateMetrics.builder(CreditGate.builder().store(new dev.creditgate.InMemoryBalanceStore())
                        .build()).build())
                .run(context -> assertThat(context).hasSingleBean(CreditGateMetrics.class).hasBean("ownMetrics"));
    }
}
