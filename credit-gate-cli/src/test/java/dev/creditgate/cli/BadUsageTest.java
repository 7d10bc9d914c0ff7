package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.CreditGate;
import dev.creditgate.LedgerEntry;
import dev.creditgate.test.PostgresTestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad arguments: one line on stderr naming the problem, exit 2, nothing on stdout, nothing written. */
class BadUsageTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static CreditGate gate;
    private static List<LedgerEntry> ledgerBefore;

    @BeforeAll
    static void anAccountThatMustNotChange() {
        assertThat(Cli.run("migrate", "--jdbc-url", TestDatabase.url(db)).exitCode()).isZero();
        gate = TestDatabase.gate(db);
        gate.grant("probe", 10, "funds");
        ledgerBefore = gate.history("probe", 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bogus",
        "hold",
        "holds",
        "grant",
        "grant probe",
        "grant probe ten",
        "grant probe 0",
        "grant probe -5",
        "grant probe 5 --bogus",
        "grant probe 5 extra",
        "charge probe 2",
        "charge probe 2 --action",
        "charge probe 0 --action audio.upload",
        "charge probe 2 --action %20",
        "charge %20 2 --action audio.upload",
        "charge probe 2 --action audio.upload --key %20",
        "refund",
        "refund %20",
        "history probe --limit 0",
        "history probe --limit 5 --all",
        "history probe --limit many",
        "hold reserve probe 2 --action render --ttl soon",
        "hold reserve probe 2 --action render --ttl 31d",
        "hold reserve probe 0 --action render",
        "hold capture",
        "hold capture some-id",
        "hold capture some-id --amount 0",
        "holds purge --older-than yesterday",
        "balance",
        "balance probe --jdbc-url mysql://localhost/app",
        "balance probe --jdbc-url jdbc:postgresql://[bad",
        "demo --threads 0",
        "demo --uploads 0",
        "demo --seed x"})
    void badArgumentsExitTwoWithOneLineAndWriteNothing(String line) {
        String[] args = line.isEmpty() ? new String[0]
                : java.util.Arrays.stream(line.split(" ")).map(arg -> arg.replace("%20", " ")).toArray(String[]::new);

        Cli.Run run = Cli.run(TestDatabase.environment(db), args);

        assertThat(run.exitCode()).as(line).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).as(line).isEmpty();
        assertThat(run.errorLine()).as(line).startsWith("credit-gate");
        assertThat(gate.history("probe", 100)).as(line).isEqualTo(ledgerBefore);
    }

    @Test
    void theLineNamesTheProblemAndWhereHelpIs() {
        assertThat(Cli.run("charge", "probe", "2").errorLine()).isEqualTo(
                "credit-gate charge: Missing required option: '--action=A' (see credit-gate charge --help)");
        assertThat(Cli.run().errorLine()).isEqualTo("credit-gate: a command is required: demo, doctor, migrate, balance, "
                + "grant, charge, refund, history, hold, holds, help (see credit-gate --help)");
    }

    @Test
    void aValueTheGateRejectsIsNamedWithItsRule() {
        assertThat(Cli.run(TestDatabase.environment(db), "grant", "probe", "0").errorLine())
                .isEqualTo("credit-gate grant: amount must be at least 1, got 0");
    }

    @Test
    void aGrantPastTheLargestBalanceIsRejectedAndWritesNothing() {
        Cli.Run run = Cli.run(TestDatabase.environment(db), "grant", "probe", String.valueOf(Long.MAX_VALUE));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate grant: ");
        assertThat(gate.history("probe", 100)).isEqualTo(ledgerBefore);
    }

    @Test
    void aStoreCommandWithoutADatabaseSaysHowToNameOne() {
        Cli.Run run = Cli.run(Map.of(), "balance", "probe");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errorLine()).isEqualTo("credit-gate balance: no database: pass --jdbc-url URL or --postgres, "
                + "or set CREDITGATE_JDBC_URL (see credit-gate balance --help)");
    }

    @Test
    void aMalformedUrlIsNeverEchoedBecauseItMayHoldAPassword() {
        PrintStream console = System.err;
        ByteArrayOutputStream driverLog = new ByteArrayOutputStream();
        Cli.Run run;
        System.setErr(new PrintStream(driverLog, true, StandardCharsets.UTF_8));
        try {
            run = Cli.run("balance", "probe", "--jdbc-url", "jdbc:postgresql://[bad?password=s3cret");
        } finally {
            System.setErr(console);
        }

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errorLine()).isEqualTo("credit-gate balance: --jdbc-url is not a valid PostgreSQL JDBC URL "
                + "(jdbc:postgresql://host:port/database) (see credit-gate balance --help)");
        assertThat(driverLog.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
