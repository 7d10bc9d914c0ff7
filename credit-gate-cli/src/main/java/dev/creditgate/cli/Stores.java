package dev.creditgate.cli;

import dev.creditgate.jdbi.JdbiBalanceStore;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** The one place the command line builds a PostgreSQL store, for the store commands and the demo alike. */
final class Stores {

    private Stores() {
    }

    static JdbiBalanceStore.Builder postgres(DataSource dataSource, Optional<String> schema) {
        JdbiBalanceStore.Builder builder = JdbiBalanceStore.builder(Jdbi.create(dataSource));
        schema.ifPresent(builder::schema);
        return builder;
    }
}
