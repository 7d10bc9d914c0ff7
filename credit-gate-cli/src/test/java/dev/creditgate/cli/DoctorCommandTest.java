package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.test.PostgresTestDatabase;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code credit-gate doctor} against real schemas: a healthy one, and an adopted table with the incident's problems
 * planted in it. The checks themselves are tested in credit-gate-jdbi; here, what the command prints and returns.
 */
class DoctorCommandTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static final List<String> CHECKS = List.of("tables", "primary-key", "duplicate-accounts",
            "check-constraint", "negative-balances", "drift", "expired-holds", "settled-holds", "row-level-security",
            "privileges", "settings", "latency");

    /** The healthy store's schema, beside the class's own (where the sick one lives); dropped afterwards. */
    private static String healthy() {
        return db.schema() + "_healthy";
    }

    @AfterAll
    static void dropHealthySchema() {
        Jdbi.create(db.dataSource()).useHandle(h -> h.execute("DROP SCHEMA IF EXISTS \"" + healthy() + "\" CASCADE"));
    }

    private static Cli.Run cli(String... args) {
        return Cli.run(TestDatabase.environment(db), args);
    }

    @Test
    void aHealthyStoreExitsZeroAndListsEveryCheck() {
        assertThat(cli("migrate", "--schema", healthy()).exitCode()).isZero();
        assertThat(cli("grant", "alice", "100", "--schema", healthy()).exitCode()).isZero();
        assertThat(cli("charge", "alice", "30", "--action", "upload", "--schema", healthy()).exitCode())
                .isZero();

        Cli.Run run = cli("doctor", "--schema", healthy(), "--json");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) run.json().get("findings");
        assertThat(findings).extracting(f -> f.get("check")).containsExactlyElementsOf(CHECKS);
        assertThat(findings).filteredOn(f -> f.get("check").equals("drift")).singleElement()
                .isEqualTo(Map.of("severity", "OK", "check", "drift",
                        "title", "the ledger sums to the balance on every account checked (1)"));
        assertThat(findings).extracting(f -> f.get("severity")).allMatch(s -> s.equals("OK") || s.equals("INFO"));
        // INFO is the settings check on a server without timeouts; whether it is depends on the server.
        assertThat(run.json().get("verdict")).isEqualTo(Map.of("healthy", true, "worst", worst(findings)));
    }

    @Test
    void theIncidentsTableExitsFourWithEachProblemItsFixAndWritesNothing() {
        Jdbi jdbi = Jdbi.create(db.dataSource());
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE user_credits (user_id text PRIMARY KEY, credits bigint NOT NULL)");
            h.execute("INSERT INTO user_credits VALUES ('alice', 20000), ('bob', 500)");
        });
        String adopt = "user_credits:user_id:credits";
        assertThat(cli("migrate", "--adopt", adopt).exitCode()).isZero();
        jdbi.useHandle(h -> {
            // What the incident's database had: no key, so a second row for one user, and a balance gone negative.
            h.execute("ALTER TABLE user_credits DROP CONSTRAINT user_credits_pkey");
            h.execute("INSERT INTO user_credits VALUES ('alice', 0)");
            h.execute("UPDATE user_credits SET credits = -40 WHERE user_id = 'bob'");
        });
        String before = snapshot(jdbi);

        Cli.Run run = cli("doctor", "--adopt", adopt);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MISCONFIGURED);
        assertThat(run.out()).contains("""
                  ERROR     primary-key         no primary key or unique constraint on "user_credits"(user_id)
                  ERROR     duplicate-accounts  accounts with more than one balance row
                  WARNING   check-constraint    no CHECK constraint on credits
                  ERROR     negative-balances   accounts with a negative balance
                  ERROR     drift               2 of 3 accounts checked have a balance their ledger does not explain
                """, """
                ERROR duplicate-accounts: accounts with more than one balance row
                """, """
                  details      alice: 2 rows

                WARNING check-constraint: no CHECK constraint on credits
                """, """
                  fix          ALTER TABLE "user_credits" ADD CHECK ("credits" >= 0);

                ERROR negative-balances: accounts with a negative balance
                """, """
                  details      bob: -40
                """, """
                  details      alice: balance 0, ledger sums to 20000 | bob: balance -40, ledger sums to 500

                verdict
                  healthy  no
                  worst    ERROR
                """);
        assertThat(run.out()).containsPattern("(?m)^  fix +\\S");
        assertThat(snapshot(jdbi)).isEqualTo(before);
    }

    @Test
    void aDriftSampleOutOfRangeIsBadUsage() {
        Cli.Run run = cli("doctor", "--drift-sample", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).isEqualTo("credit-gate doctor: --drift-sample must be between 1 and 1000000, "
                + "got 0 (see credit-gate doctor --help)");
    }

    private static String worst(List<Map<String, Object>> findings) {
        return findings.stream().anyMatch(f -> f.get("severity").equals("INFO")) ? "INFO" : "OK";
    }

    private static String snapshot(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT string_agg(user_id || '=' || credits, ',' ORDER BY "
                + "user_id, credits) FROM user_credits").mapTo(String.class).one());
    }
}
