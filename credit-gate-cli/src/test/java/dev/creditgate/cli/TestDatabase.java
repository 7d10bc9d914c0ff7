package dev.creditgate.cli;

import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.JdbiBalanceStore;
import dev.creditgate.test.PostgresTestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The command line's view of a test class's fresh schema: a JDBC URL with credentials, as a user would pass it. */
final class TestDatabase {

    private TestDatabase() {
    }

    static String url(PostgresTestDatabase db) {
        String url = db.jdbcUrl() + "&user=" + encode(db.user());
        return db.password().isEmpty() ? url : url + "&password=" + encode(db.password());
    }

    /** The environment of a user who exported the URL instead of passing {@code --jdbc-url}. */
    static Map<String, String> environment(PostgresTestDatabase db) {
        return Map.of(CreditGateCli.JDBC_URL_VARIABLE, url(db));
    }

    /** A gate on the schema, to set up and check what the commands did, past the command line. */
    static CreditGate gate(PostgresTestDatabase db) {
        return CreditGate.builder().store(JdbiBalanceStore.create(Jdbi.create(db.dataSource()))).build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
