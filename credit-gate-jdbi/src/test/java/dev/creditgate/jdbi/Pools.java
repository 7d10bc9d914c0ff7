package dev.creditgate.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.test.PostgresTestDatabase;

/** Pooled DataSources on the test database, as production would use. */
final class Pools {

    private Pools() {
    }

    static HikariDataSource hikari(PostgresTestDatabase db, String applicationName, int size) {
        HikariConfig config = new HikariConfig();
        // The application name tags the pool's sessions, so a test can find (and kill) exactly them.
        config.setJdbcUrl(db.jdbcUrl().replaceAll("ApplicationName=[^&]*", "ApplicationName=" + applicationName));
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(size);
        config.setPoolName(applicationName);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }
}
