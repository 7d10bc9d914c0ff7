package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.test.PostgresTestDatabase;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo on a real PostgreSQL server, sessions ended under it: the same invariants, and nothing left behind. */
class DemoOnPostgresTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static final long SEED = 11;
    private static final int UPLOADS = 800;

    @Test
    void creditGateStaysExactOnPostgresAndTheDemoDropsItsSchema() {
        Cli.Run demo = Cli.run("demo", "--json", "--seed", String.valueOf(SEED), "--uploads",
                String.valueOf(UPLOADS), "--threads", "16", "--jdbc-url", TestDatabase.url(db));

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        Map<String, Object> incident = DemoResults.incident(demo.json());
        Map<String, Object> creditGate = DemoResults.gate(incident, "creditGate");
        Map<String, Object> naive = DemoResults.gate(incident, "naiveGate");
        long expectedCharges = DemoResults.chargesAnHonestGateMakes(SEED, UPLOADS);
        long typedFailures = (Long) creditGate.get("typedFailures");
        assertThat(creditGate).containsEntry("false402s", 0L)
                .containsEntry("doubleCharges", 0L)
                .containsEntry("lostUpdates", 0L)
                .containsEntry("overdrafts", 0L)
                .containsEntry("untypedErrors", 0L)
                .containsEntry("ledgerMatchesBalance", true)
                .containsEntry("charged", expectedCharges - typedFailures)
                .containsEntry("answered402", UPLOADS - expectedCharges);
        assertThat((Long) naive.get("false402s")).isPositive();
        assertThat((Long) naive.get("lostUpdates") + (Long) naive.get("doubleCharges")).isPositive();
        assertThat(naive).containsEntry("ledgerMatchesBalance", false);

        String store = (String) DemoResults.settings(incident).get("store");
        Matcher schema = Pattern.compile("^postgresql schema=(credit_gate_demo_[0-9a-f]{8}) \\(dropped afterwards\\)$")
                .matcher(store);
        assertThat(schema.matches()).as(store).isTrue();
        long left = Jdbi.create(db.adminDataSource()).withHandle(handle -> handle.createQuery(
                        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")
                .bind(0, schema.group(1)).mapTo(Long.class).one());
        assertThat(left).isZero();
    }
}
