package dev.creditgate.spring.boot;

import org.springframework.boot.health.contributor.Health;

/**
 * A quick check of the store behind the {@code creditgate} health indicator: the doctor for the PostgreSQL store,
 * a read of its tables for any other.
 */
@FunctionalInterface
interface StoreProbe {

    /**
     * Checks the store once, quickly, without changing anything.
     *
     * @return UP or DOWN, with details that carry no SQL, host names or account data
     */
    Health check();
}
