package dev.creditgate.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code creditgate} health indicator: UP when a quick probe of the store succeeds. */
final class CreditGateHealthIndicator implements HealthIndicator {

    private final StoreProbe probe;

    CreditGateHealthIndicator(StoreProbe probe) {
        this.probe = probe;
    }

    @Override
    public Health health() {
        return probe.check();
    }
}
