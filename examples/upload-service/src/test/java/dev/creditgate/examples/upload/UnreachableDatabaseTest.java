package dev.creditgate.examples.upload;

import dev.creditgate.test.ChaosProxy;
import dev.creditgate.test.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scenarios while the database is unreachable for 1.5 s from the start of each: the service reaches it through
 * the test kit's TCP proxy, which cuts every open connection and then every chunk of every new one until it is told
 * to stop.
 */
class UnreachableDatabaseTest extends UploadScenarios {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    /** How long each outage lasts. */
    static final long OUTAGE_MILLIS = 1_500;

    private static ChaosProxy proxy;
    private static final Outage OUTAGE = new Outage();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestDatabases.urlThrough(db, proxy()));
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        // A request waits for a connection at most this long, so an outage is answered 503, not by hanging.
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
    }

    private static synchronized ChaosProxy proxy() {
        if (proxy == null) {
            proxy = ChaosProxy.start(TestDatabases.server(db).getHost(), TestDatabases.server(db).getPort());
        }
        return proxy;
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    @Override
    PostgresTestDatabase db() {
        return db;
    }

    @Override
    Fault fault() {
        return OUTAGE;
    }

    /** Cuts everything from its start until {@link #OUTAGE_MILLIS} later. */
    static final class Outage implements Fault {
        private volatile Thread healer;
        private int outages;

        @Override
        public void start() {
            outages++;
            proxy().cutRandomly(1.0, outages);
            proxy().cutAllConnections();
            Thread heal = new Thread(() -> {
                try {
                    Thread.sleep(OUTAGE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    proxy().stopCutting();
                }
            }, "outage-healer");
            heal.setDaemon(true);
            healer = heal;
            heal.start();
        }

        @Override
        public void close() {
            Thread heal = healer;
            if (heal != null) {
                try {
                    heal.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                healer = null;
            }
        }

        @Override
        public String describe() {
            return "database unreachable for " + OUTAGE_MILLIS + " ms from each scenario's start, "
                    + proxy().connectionsCut() + " connections cut so far";
        }
    }
}
