package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.IdempotencyConflictException;
import dev.creditgate.TransientStoreException;
import dev.creditgate.test.PostgresTestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Every class of failure ends in its documented exit code, with one line on stderr and nothing on stdout. */
class ExitCodesTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    /** Nothing listens on port 1; connecting fails at once. */
    private static final String CLOSED_PORT = "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=2";

    @Test
    void aStoreThatCannotBeReachedIsUnavailable() {
        Cli.Run run = Cli.run("charge", "user-1", "2", "--action", "audio.upload", "--jdbc-url", CLOSED_PORT);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate charge: charge of 2 to 'user-1' for 'audio.upload' "
                + "failed: credit store unavailable after 4 attempt(s); nothing was applied");
    }

    @Test
    void migrateOnAStoreThatCannotBeReachedIsUnavailable() {
        Cli.Run run = Cli.run("migrate", "--jdbc-url", CLOSED_PORT);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate migrate: ");
    }

    @Test
    void missingTablesAreAMisconfiguration() {
        Cli.Run run = Cli.run(TestDatabase.environment(db), "balance", "user-1", "--schema", "no_such_schema");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MISCONFIGURED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate balance: ").contains("42P01");
    }

    @Test
    void aChargeIntoMissingTablesIsAMisconfigurationAndNeverA402() {
        Cli.Run run = Cli.run(TestDatabase.environment(db), "charge", "user-1", "2", "--action", "audio.upload");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MISCONFIGURED);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate charge: charge failed with SQLSTATE 42883: ")
                .endsWith("(a function is missing: run JdbiBalanceStore.migrate() or the migration scripts)");
    }

    static Stream<Arguments> failures() {
        RuntimeException cause = new TransientStoreException("connection refused", null);
        return Stream.of(
                Arguments.of(new CreditStoreUnavailableException("charge of 2", 4, List.of(cause)),
                        ExitCodes.UNAVAILABLE),
                Arguments.of(new TransientStoreException("connection refused", null), ExitCodes.UNAVAILABLE),
                Arguments.of(new CreditStoreMisconfiguredException("permission denied", null),
                        ExitCodes.MISCONFIGURED),
                Arguments.of(new ChargeOutcomeUnknownException("charge of 2", "req-1", 4, List.of(cause)),
                        ExitCodes.OUTCOME_UNKNOWN),
                Arguments.of(new IdempotencyConflictException("user-1", "req-1", "a charge of 2", "a charge of 3"),
                        ExitCodes.REJECTED),
                Arguments.of(new ArithmeticException("long overflow"), ExitCodes.REJECTED),
                Arguments.of(new IllegalArgumentException("cost must be at least 1, got 0"), ExitCodes.USAGE),
                Arguments.of(new NullPointerException("a bug"), ExitCodes.INTERNAL));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachFailureHasItsExitCodeAndOneLine(RuntimeException failure, int exitCode) {
        Cli.Run run = runFailing(() -> failure);

        assertThat(run.exitCode()).isEqualTo(exitCode);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("credit-gate fail: " + failure.getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void anInternalErrorPointsToVerbose() {
        assertThat(runFailing(() -> new NullPointerException("a bug")).errorLine())
                .isEqualTo("credit-gate fail: a bug (--verbose shows the stack trace)");
    }

    @Test
    void verboseShowsTheStackTraceInstead() {
        Cli.Run run = runFailing(() -> new CreditStoreMisconfiguredException("permission denied", null), "--verbose");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.MISCONFIGURED);
        assertThat(run.err()).startsWith("dev.creditgate.CreditStoreMisconfiguredException: permission denied")
                .contains("\tat dev.creditgate.cli.ExitCodesTest$Fail.call(");
    }

    @Test
    void theRootCauseIsAddedWhenItSaysMore() {
        RuntimeException failure = new CreditStoreUnavailableException("balance of 'user-1'", 1,
                List.of(new TransientStoreException("connect failed", new java.net.ConnectException(
                        "Connection refused\nwith a second line"))));

        assertThat(runFailing(() -> failure).errorLine()).isEqualTo("credit-gate fail: balance of 'user-1' failed: credit "
                + "store unavailable after 1 attempt(s); nothing was applied (Connection refused)");
    }

    @Test
    void everyCommandsHelpListsTheExitCodes() {
        Cli.Run help = Cli.run("charge", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("""
                Exit codes:
                  0    done
                  1    rejected: insufficient credits, not found, or a conflict
                  2    bad usage: nothing was written
                  3    store unavailable: nothing was applied; try again
                  4    store misconfigured: a missing table or privilege, row-level security
                  5    outcome unknown: re-submit with the same --key (or id) to settle it
                  70   internal error: a bug; --verbose shows the stack trace
                """);
    }

    private static Cli.Run runFailing(Supplier<RuntimeException> failure, String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CreditGateCli.Root());
        cli.addSubcommand(new CommandLine(new Fail(failure)));
        CreditGateCli.configure(cli, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
        String[] args = Stream.concat(Stream.of("fail"), Stream.of(options)).toArray(String[]::new);
        int code = cli.execute(args);
        return new Cli.Run(code, out.toString(), err.toString());
    }

    /** A command that fails as told. */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        private final Supplier<RuntimeException> failure;

        @Mixin
        OutputOptions output;

        Fail(Supplier<RuntimeException> failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() {
            throw failure.get();
        }
    }
}
