package dev.creditgate.test;

import dev.creditgate.BalanceStore;
import dev.creditgate.InMemoryBalanceStore;
import java.time.Duration;
import java.time.Instant;

/** The in-memory store passes the whole store contract, on a manual clock. */
class InMemoryBalanceStoreContractTest extends BalanceStoreContract {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryBalanceStore store = new InMemoryBalanceStore(clock);

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected BalanceStore store() {
        return store;
    }
}
