package dev.creditgate.test;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The second way to find a server: one PostgreSQL container per JVM, started on first use and shared by every test
 * class (each still gets its own schema).
 *
 * <p>Testcontainers is an optional dependency, so this is the only class that names its types; loading it without
 * Testcontainers on the class path throws a {@link LinkageError}, which {@link ServerDiscovery} treats as "no Docker".
 */
final class TestcontainersPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestDatabase.class);

    /** Guarded by the class. Not stopped by us: Testcontainers' Ryuk removes it when the JVM exits. */
    private static PostgreSQLContainer container;

    /** Guarded by the class. A failed start is remembered so that every later test class does not pull again. */
    private static RuntimeException startFailure;

    private TestcontainersPostgres() {
    }

    /**
     * Starts the container if this JVM has not yet, and returns its (not yet probed) server.
     *
     * @throws IllegalStateException if no Docker engine answers, or the container did not start
     */
    static synchronized PostgresServer server() {
        if (container == null) {
            if (startFailure != null) {
                throw new IllegalStateException("the container failed to start earlier in this JVM", startFailure);
            }
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("no Docker engine answered");
            }
            PostgreSQLContainer starting = new PostgreSQLContainer(
                    DockerImageName.parse(ServerDiscovery.CONTAINER_IMAGE));
            try {
                starting.start();
            } catch (RuntimeException e) {
                startFailure = e;
                // Discovery goes on to the next way; without this the reason is lost if that way answers.
                LOG.warn("Docker answered but the {} container did not start; looking for another server",
                        ServerDiscovery.CONTAINER_IMAGE, e);
                throw new IllegalStateException("Docker answered but the container did not start", e);
            }
            container = starting;
        }
        return PostgresServer.parse("Testcontainers (" + ServerDiscovery.CONTAINER_IMAGE + ")",
                container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
}
