package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * What the Citus tests share. They run only in the {@code citus} profile ({@code ./mvnw verify -Pcitus} with
 * {@code CREDITGATE_TEST_CITUS_URL} naming a Citus coordinator), never in the default build.
 */
final class Citus {

    /** The JUnit tag of the tests that need a Citus cluster. */
    static final String TAG = "citus";

    private Citus() {
    }

    /**
     * A pool whose sessions turn every statement that touches more than one shard into an error, so that a test
     * passes only if each operation it drives is routed to one shard.
     */
    static HikariDataSource singleShardPool(PostgresTestDatabase db, String name, int size) {
        HikariDataSource pool = Pools.hikari(db, name, size, "SET citus.multi_task_query_log_level = error");
        boolean citus = Jdbi.create(pool).withHandle(CitusDistribution::present);
        assertThat(citus).as("the citus profile must run against a Citus coordinator (CREDITGATE_TEST_CITUS_URL)")
                .isTrue();
        return pool;
    }

    /** The distribution of the store's three tables: table, method, column, co-location group. */
    static List<String> distribution(Jdbi jdbi, String prefix) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT logicalrelid::text || ' ' || partmethod::text || ' ' || column_to_column_name(logicalrelid, partkey)
                       || ' ' || CASE WHEN colocationid = (SELECT colocationid FROM pg_dist_partition
                                                          WHERE logicalrelid = to_regclass(:accounts))
                                      THEN 'colocated' ELSE 'apart' END
                FROM pg_dist_partition
                WHERE logicalrelid IN (to_regclass(:accounts), to_regclass(:ledger), to_regclass(:holds))
                ORDER BY 1
                """)
                .bind("accounts", prefix + "_accounts")
                .bind("ledger", prefix + "_ledger")
                .bind("holds", prefix + "_holds")
                .mapTo(String.class).list());
    }
}
