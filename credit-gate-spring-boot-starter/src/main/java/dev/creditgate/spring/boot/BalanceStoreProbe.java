package dev.creditgate.spring.boot;

import dev.creditgate.BalanceStore;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.HistoryQuery;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;

/**
 * Reads a balance and a page of history of an account that does not exist: one query on the accounts table and one
 * on the ledger, which fail as a charge would if the database is unreachable, a table is missing or the role may not
 * read it.
 */
final class BalanceStoreProbe implements StoreProbe {

    /** Canonical for text and uuid id columns. */
    static final String PROBE_ACCOUNT = "00000000-0000-0000-0000-000000000000";

    /** Canonical for bigint id columns. */
    static final String PROBE_NUMERIC_ACCOUNT = "0";

    private final BalanceStore store;
    private final String probeAccount;

    BalanceStoreProbe(BalanceStore store, String probeAccount) {
        this.store = store;
        this.probeAccount = probeAccount;
    }

    @Override
    public Health check() {
        long started = System.nanoTime();
        try {
            store.balance(probeAccount);
            store.history(HistoryQuery.newest(probeAccount, 1));
        } catch (CreditStoreMisconfiguredException e) {
            return Health.down().withDetail("store", store.describe()).withDetail("problem", "misconfigured")
                    .build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("store", store.describe()).withDetail("problem", "unavailable")
                    .withDetail("failure", e.getClass().getSimpleName()).build();
        }
        return Health.up().withDetail("store", store.describe())
                .withDetail("latency", Duration.ofNanos(System.nanoTime() - started).toMillis() + "ms").build();
    }
}
