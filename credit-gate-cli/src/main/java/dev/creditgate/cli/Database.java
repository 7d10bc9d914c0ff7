package dev.creditgate.cli;

import dev.creditgate.test.EmbeddedPostgres;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the database is: the one place a command gets its {@link DataSource}. Another way to reach a database
 * (an embedded server, say) is another option here and another branch in {@link #dataSource()}.
 */
final class Database {

    static final String JDBC_URL_OPTION = "--jdbc-url";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = JDBC_URL_OPTION, paramLabel = "URL",
            description = "the PostgreSQL database, e.g. jdbc:postgresql://localhost/app?user=app "
                    + "(default: $" + CreditGateCli.JDBC_URL_VARIABLE + ")")
    String jdbcUrl;

    static final String EMBEDDED_OPTION = "--postgres";

    @Option(names = EMBEDDED_OPTION,
            description = "start an embedded PostgreSQL for this run (from Maven artifacts: nothing to install); "
                    + "its data is gone when the command ends")
    boolean embedded;

    /** The embedded server of this JVM, started by the first command that asks; stopped when the JVM exits. */
    private static EmbeddedPostgres server;

    /** Tells whether a database was named, by option or environment, or an embedded one asked for. */
    boolean given() {
        return embedded || (jdbcUrl != null && !jdbcUrl.isBlank());
    }

    /**
     * An unpooled data source on the named database: each connection is opened when a store call needs it, so a
     * command that fails before its first call has touched nothing.
     */
    DataSource dataSource() {
        if (embedded) {
            if (jdbcUrl != null && !jdbcUrl.isBlank() && spec.commandLine().getParseResult().hasMatchedOption(
                    JDBC_URL_OPTION)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        JDBC_URL_OPTION + " and " + EMBEDDED_OPTION + " name two databases: pass one of them");
            }
            return embedded();
        }
        if (!given()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no database: pass " + JDBC_URL_OPTION + " URL or " + EMBEDDED_OPTION + ", or set "
                            + CreditGateCli.JDBC_URL_VARIABLE);
        }
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    JDBC_URL_OPTION + " must start with jdbc:postgresql:");
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        try {
            dataSource.setURL(jdbcUrl);
        } catch (IllegalArgumentException malformed) {
            // The driver's message repeats the URL, which may carry a password: name the option instead.
            throw new CommandLine.ParameterException(spec.commandLine(),
                    JDBC_URL_OPTION + " is not a valid PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        return dataSource;
    }

    private synchronized DataSource embedded() {
        if (server == null) {
            spec.commandLine().getErr().println("credit-gate: starting an embedded PostgreSQL (a few seconds)...");
            spec.commandLine().getErr().flush();
            server = EmbeddedPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
        }
        return server.dataSource();
    }
}
