package dev.creditgate.examples.upload;

import dev.creditgate.test.ChaosProxy;
import dev.creditgate.test.PostgresTestDatabase;
import java.net.URI;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the service at the test class's schema on the real server, directly or through a {@link ChaosProxy}. */
final class TestDatabases {

    private TestDatabases() {
    }

    /** The application name that tags the service's own sessions, so a test can terminate exactly those. */
    static String applicationName(PostgresTestDatabase db) {
        return "upload-service-" + db.schema();
    }

    /** The service's URL: the fixture's, with the service's own application name. */
    static String url(PostgresTestDatabase db) {
        return db.jdbcUrl().replaceAll("ApplicationName=[^&]*", "ApplicationName=" + applicationName(db));
    }

    /** The server's host and port, for a proxy in front of it. */
    static URI server(PostgresTestDatabase db) {
        return URI.create(db.jdbcUrl().substring("jdbc:".length()));
    }

    /** The service's URL through a proxy. */
    static String urlThrough(PostgresTestDatabase db, ChaosProxy proxy) {
        URI server = server(db);
        return url(db).replace("//" + server.getHost() + ":" + server.getPort() + "/",
                "//" + proxy.host() + ":" + proxy.port() + "/");
    }

    /** Registers the data source as the fixture's user, who owns the schema and migrates it. */
    static void asOwner(DynamicPropertyRegistry registry, PostgresTestDatabase db) {
        registry.add("spring.datasource.url", () -> url(db));
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }
}
