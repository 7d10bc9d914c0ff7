package dev.creditgate.test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a PostgreSQL server is and how to log in to it. Immutable.
 *
 * <p>This is the only class of the fixture that names pgjdbc types besides {@link TestSchema}, so that
 * {@link PostgresTestDatabase} can be loaded, and can explain what is missing, when the optional driver is absent.
 */
final class PostgresServer {

    /** URL parameters the fixture sets itself; a configured URL's own values for them are dropped. */
    private static final Set<String> FIXTURE_PARAMETERS =
            Set.of("user", "password", "currentschema", "applicationname");

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&]*");

    /** A test should learn quickly that a server is not there, instead of waiting for the driver's default. */
    private static final String CONNECT_TIMEOUT_SECONDS = "5";

    /**
     * Bounds a probe of a port that accepts connections but never speaks PostgreSQL. Only for the probe: pgjdbc opens
     * each connection on an extra thread when it is set, which the data sources handed to tests do not need.
     */
    private static final int PROBE_LOGIN_TIMEOUT_SECONDS = 10;

    private final String way;
    private final String base;
    private final List<String> parameters;
    private final String user;
    private final String password;
    private final String version;

    private PostgresServer(String way, String base, List<String> parameters, String user, String password,
            String version) {
        this.way = way;
        this.base = base;
        this.parameters = List.copyOf(parameters);
        this.user = user;
        this.password = password;
        this.version = version;
    }

    /**
     * Reads a pgjdbc URL. Credentials given as arguments win over those in the URL.
     *
     * @param way how the server was found, for logs and messages
     * @param url a {@code jdbc:postgresql:} URL, possibly carrying {@code user} and {@code password} parameters
     * @param user the user, or empty to take it from the URL (or the driver's default)
     * @param password the password, or empty to take it from the URL (or send none)
     * @throws IllegalArgumentException if pgjdbc does not accept the URL
     */
    static PostgresServer parse(String way, String url, String user, String password) {
        Properties parsed = Driver.parseURL(url, null);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + redact(url)
                    + "' is not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
        }
        int query = url.indexOf('?');
        List<String> parameters = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                if (!parameter.isEmpty() && !FIXTURE_PARAMETERS.contains(name(parameter))) {
                    parameters.add(parameter);
                }
            }
        }
        String chosenUser = user.isEmpty() ? parsed.getProperty("user", "") : user;
        String chosenPassword = password.isEmpty() ? parsed.getProperty("password", "") : password;
        return new PostgresServer(way, query >= 0 ? url.substring(0, query) : url, parameters, chosenUser,
                chosenPassword, "");
    }

    /** Hides the value of any {@code password} parameter, for messages about a URL that may not even parse. */
    static String redact(String url) {
        return PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    }

    /**
     * Logs in once and learns who the server says we are.
     *
     * @return this server with {@link #user()} set to the session user and {@link #version()} to the server's
     * @throws SQLException if the server does not answer or refuses the login
     */
    PostgresServer probe() throws SQLException {
        DataSource probe = dataSource("", user, password, "credit-gate-test/probe");
        probe.setLoginTimeout(PROBE_LOGIN_TIMEOUT_SECONDS);
        try (Connection connection = probe.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select current_user, current_setting('server_version')")) {
            row.next();
            return new PostgresServer(way, base, parameters, row.getString(1), password, row.getString(2));
        }
    }

    /**
     * A URL for this server without credentials.
     *
     * @param schema the schema to make current, or empty for the server's default search path
     * @param applicationName the {@code application_name} that tags the sessions, or empty for none
     */
    String url(String schema, String applicationName) {
        List<String> all = new ArrayList<>(parameters);
        if (parameters.stream().noneMatch(p -> name(p).equals("connecttimeout"))) {
            all.add("connectTimeout=" + CONNECT_TIMEOUT_SECONDS);
        }
        if (!schema.isEmpty()) {
            all.add("currentSchema=" + encode(schema));
        }
        if (!applicationName.isEmpty()) {
            all.add("ApplicationName=" + encode(applicationName));
        }
        return base + "?" + String.join("&", all);
    }

    /**
     * An unpooled data source; every {@code getConnection()} opens a new session that the caller must close.
     *
     * @param user empty for the driver's default
     * @param password empty to send none
     */
    DataSource dataSource(String schema, String user, String password, String applicationName) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url(schema, applicationName));
        if (!user.isEmpty()) {
            dataSource.setUser(user);
        }
        if (!password.isEmpty()) {
            dataSource.setPassword(password);
        }
        return dataSource;
    }

    String way() {
        return way;
    }

    /** The URL to show in logs: no credentials (an {@code sslpassword} is masked), no schema. */
    String displayUrl() {
        return redact(base + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters)));
    }

    /** The login user; after {@link #probe()} the one the server reported, so never empty. */
    String user() {
        return user;
    }

    /** The password sent at login, empty when none is sent. */
    String password() {
        return password;
    }

    /** The server version, empty before {@link #probe()}. */
    String version() {
        return version;
    }

    /** A URL parameter's name in lower case, so that a credential spelled in another case is never echoed into a URL. */
    private static String name(String parameter) {
        return parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
