package dev.creditgate.test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test class's schema and the roles created for it: made by {@link #create}, removed, with everything in and
 * around it, by {@link #drop}. The fixture's DDL and cleanup SQL are all here.
 */
final class TestSchema {

    static final String SCHEMA_PREFIX = "cg_test_";
    static final Pattern ROLE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private static final Logger LOG = LoggerFactory.getLogger(TestSchema.class);

    /** Role passwords must hold on a shared server with password authentication, so they are not guessable. */
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A drop blocked by a session we could not end fails after this instead of hanging the build. */
    private static final String CLEANUP_LOCK_TIMEOUT = "30s";

    /** pg_terminate_backend waits this long (PostgreSQL 14+) so that the drop does not race the dying session. */
    private static final long TERMINATE_WAIT_MILLIS = 5_000;

    private final PostgresServer server;
    private final String name;
    private final String applicationName;

    /** Guarded by itself. Insertion order, so that roles are dropped in the order they were made. */
    private final Map<String, String> roles = new LinkedHashMap<>();

    private TestSchema(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
        // Tags every session the fixture hands out, so that drop() can end the ones a test left open.
        this.applicationName = "credit-gate-test/" + name;
    }

    /**
     * Creates a schema with a fresh name on the server, owned by the server's user.
     *
     * @throws IllegalStateException if the schema cannot be created
     */
    static TestSchema create(PostgresServer server) {
        TestSchema schema = new TestSchema(server, SCHEMA_PREFIX + randomHex(8));
        try (Connection connection = schema.adminDataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + quote(schema.name));
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test schema " + schema.name + " at "
                    + server.displayUrl() + " as " + server.user(), e);
        }
        LOG.debug("Created test schema {}", schema.name);
        return schema;
    }

    String name() {
        return name;
    }

    PostgresServer server() {
        return server;
    }

    String url() {
        return server.url(name, applicationName);
    }

    DataSource dataSource() {
        return server.dataSource(name, server.user(), server.password(), applicationName);
    }

    DataSource adminDataSource() {
        return server.dataSource("", server.user(), server.password(), applicationName);
    }

    DataSource dataSourceAs(String role, String password) {
        return server.dataSource(name, role, password, applicationName);
    }

    Optional<String> passwordOf(String role) {
        synchronized (roles) {
            return Optional.ofNullable(roles.get(role));
        }
    }

    /**
     * Creates a login role that is deliberately weak (no superuser, no BYPASSRLS, no CREATEROLE/CREATEDB), so that
     * row-level security and missing grants apply to it, and gives it USAGE on the schema and nothing more.
     *
     * @throws IllegalStateException if the server refuses, e.g. because the fixture's user lacks CREATEROLE
     */
    String createRole(String prefix) {
        String role = prefix + "_" + randomHex(6);
        String password = randomHex(16);
        try (Connection connection = adminDataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("create role " + quote(role)
                        + " login nosuperuser nocreatedb nocreaterole noreplication nobypassrls");
                // The driver hashes the password on this side, so neither the wire nor a server log of DDL sees it.
                connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), null);
                statement.execute("grant usage on schema " + quote(name) + " to " + quote(role));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create role " + role + " as " + server.user(), e);
        }
        synchronized (roles) {
            roles.put(role, password);
        }
        LOG.debug("Created test role {} with usage on schema {}", role, name);
        return role;
    }

    /**
     * Ends the sessions still open on the schema, drops it with everything in it, then drops the roles and whatever
     * they own or were granted in this database. Goes on after a failed step, so that one failure leaves as little
     * behind as possible.
     *
     * @throws IllegalStateException if any step failed, naming what is left
     */
    void drop() {
        List<String> roleNames;
        synchronized (roles) {
            roleNames = List.copyOf(roles.keySet());
        }
        List<SQLException> failures = new ArrayList<>();
        try (Connection connection = adminDataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("set lock_timeout = '" + CLEANUP_LOCK_TIMEOUT + "'");
            terminateLeftoverSessions(connection, roleNames);
            run(statement, "drop schema if exists " + quote(name) + " cascade", failures);
            for (String role : roleNames) {
                if (roleExists(connection, role)) {
                    run(statement, "drop owned by " + quote(role) + " cascade", failures);
                    run(statement, "drop role " + quote(role), failures);
                }
            }
        } catch (SQLException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException problem = new IllegalStateException("could not clean up test schema " + name
                    + " and roles " + roleNames + " at " + server.displayUrl() + "; drop them by hand: "
                    + failures.stream().map(SQLException::getMessage).toList());
            failures.forEach(problem::addSuppressed);
            throw problem;
        }
        LOG.debug("Dropped test schema {} and roles {}", name, roleNames);
    }

    /**
     * A session left open, above all one inside a transaction, holds locks that would block the drop forever. Ends
     * the sessions this schema handed out and any session of its roles.
     */
    private void terminateLeftoverSessions(Connection connection, List<String> roleNames) {
        List<Integer> pids = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement(
                "select pid from pg_stat_activity where pid <> pg_backend_pid()"
                        + " and (application_name = ? or usename::text = any (?))")) {
            find.setString(1, applicationName);
            find.setArray(2, connection.createArrayOf("text", roleNames.toArray()));
            try (ResultSet rows = find.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
            if (pids.isEmpty()) {
                return;
            }
            LOG.warn("Ending {} session(s) still open on test schema {} after its tests (pids {}); a test did not"
                    + " close its connections", pids.size(), name, pids);
            try (PreparedStatement terminate =
                    connection.prepareStatement("select pg_terminate_backend(?, ?)")) {
                for (int pid : pids) {
                    terminate.setInt(1, pid);
                    terminate.setLong(2, TERMINATE_WAIT_MILLIS);
                    try (ResultSet ended = terminate.executeQuery()) {
                        ended.next();
                        if (!ended.getBoolean(1)) {
                            LOG.warn("Session {} on test schema {} did not end within {} ms", pid, name,
                                    TERMINATE_WAIT_MILLIS);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            // Not fatal by itself: the drop may still succeed, and if it is blocked the lock timeout says so.
            LOG.warn("Could not end the sessions still open on test schema {}", name, e);
        }
    }

    private static boolean roleExists(Connection connection, String role) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            find.setString(1, role);
            try (ResultSet rows = find.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void run(Statement statement, String sql, List<SQLException> failures) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            failures.add(e);
        }
    }

    /** Names here are made by the fixture from a checked prefix and hex, so quoting is a second line, not the first. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
