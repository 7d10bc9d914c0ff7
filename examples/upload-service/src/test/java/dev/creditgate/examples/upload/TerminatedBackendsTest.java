package dev.creditgate.examples.upload;

import dev.creditgate.test.PostgresTestDatabase;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scenarios while the service's database sessions are terminated ({@code pg_terminate_backend}) every second. */
class TerminatedBackendsTest extends UploadScenarios {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static final Killer KILLER = new Killer();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.asOwner(registry, db);
    }

    @Override
    PostgresTestDatabase db() {
        return db;
    }

    @Override
    Fault fault() {
        return KILLER;
    }

    /** Terminates every session of the service, again and again, from a thread of its own. */
    static final class Killer implements Fault {
        private final AtomicLong terminated = new AtomicLong();
        private volatile Thread thread;

        @Override
        public void start() {
            Thread killer = new Thread(this::kill, "backend-killer");
            killer.setDaemon(true);
            thread = killer;
            killer.start();
        }

        private void kill() {
            try (Handle admin = Jdbi.create(db.adminDataSource()).open()) {
                while (!Thread.currentThread().isInterrupted()) {
                    terminated.addAndGet(admin.createQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                                    + "FROM pg_stat_activity WHERE application_name = :app")
                            .bind("app", TestDatabases.applicationName(db)).mapTo(Long.class).one());
                    Thread.sleep(1_000);
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            Thread killer = thread;
            if (killer != null) {
                killer.interrupt();
                try {
                    killer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                thread = null;
            }
        }

        @Override
        public String describe() {
            return "service sessions terminated every second, " + terminated.get() + " so far";
        }
    }
}
