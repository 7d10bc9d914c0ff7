package dev.creditgate.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Ends database sessions under a running gate, from a connection of its own, with {@code pg_terminate_backend}: one
 * session of the named application, drawn by a seeded random source, at a steady pace. A session ended mid-statement
 * is the "dropped connection" of the incident, for real.
 */
final class BackendTerminator implements AutoCloseable {

    private final AtomicLong terminated = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    private BackendTerminator(DataSource dataSource, String applicationName, long seed, Duration every) {
        this.thread = new Thread(() -> loop(dataSource, applicationName, new Random(seed), every),
                "credit-gate-demo-terminator");
        thread.setDaemon(true);
    }

    static BackendTerminator start(DataSource dataSource, String applicationName, long seed, Duration every) {
        BackendTerminator terminator = new BackendTerminator(dataSource, applicationName, seed, every);
        terminator.thread.start();
        return terminator;
    }

    long terminated() {
        return terminated.get();
    }

    /** Why it stopped early (such as a role that may not end others' sessions), if it did. */
    java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop(DataSource dataSource, String applicationName, Random random, Duration every) {
        try (Connection side = dataSource.getConnection();
                PreparedStatement sessions = side.prepareStatement("SELECT pid FROM pg_stat_activity "
                        + "WHERE application_name = ? AND pid <> pg_backend_pid() ORDER BY pid");
                PreparedStatement terminate = side.prepareStatement("SELECT pg_terminate_backend(?)")) {
            sessions.setString(1, applicationName);
            while (running) {
                Thread.sleep(every.toMillis());
                List<Integer> pids = new ArrayList<>();
                try (ResultSet rows = sessions.executeQuery()) {
                    while (rows.next()) {
                        pids.add(rows.getInt(1));
                    }
                }
                if (pids.isEmpty()) {
                    continue;
                }
                terminate.setInt(1, pids.get(random.nextInt(pids.size())));
                try (ResultSet ended = terminate.executeQuery()) {
                    if (ended.next() && ended.getBoolean(1)) {
                        terminated.incrementAndGet();
                    }
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException failed) {
            failure.set(Failures.oneLine(failed));
        }
    }
}
