package dev.creditgate.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditGateException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.test.PostgresTestDatabase;

/** Pooled DataSources on the test database, as production would use, and what the fault tests share. */
final class Pools {

    private Pools() {
    }

    static HikariDataSource hikari(PostgresTestDatabase db, String applicationName, int size) {
        return hikari(db, applicationName, size, null);
    }

    /** A pool whose every new session first runs {@code initSql} (null for none). */
    static HikariDataSource hikari(PostgresTestDatabase db, String applicationName, int size, String initSql) {
        return new HikariDataSource(config(db, applicationName, size, initSql));
    }

    /** The configuration of {@link #hikari(PostgresTestDatabase, String, int, String)}, to change before use. */
    static HikariConfig config(PostgresTestDatabase db, String applicationName, int size, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setConnectionInitSql(initSql);
        // The application name tags the pool's sessions, so a test can find (and kill) exactly them.
        config.setJdbcUrl(db.jdbcUrl().replaceAll("ApplicationName=[^&]*", "ApplicationName=" + applicationName));
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(size);
        config.setPoolName(applicationName);
        config.setConnectionTimeout(5_000);
        return config;
    }

    /** Re-submits a charge until the store answers; the database is healthy again, so this ends quickly. */
    static ChargeResult settle(CreditGate gate, ChargeRequest request) {
        CreditGateException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return gate.charge(request);
            } catch (ChargeOutcomeUnknownException | CreditStoreUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }
}
