package dev.creditgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code credit-gate} command: {@code demo} reproduces the incident credit-gate exists for, and the other
 * commands work on a PostgreSQL store ({@code migrate}, {@code balance}, {@code grant}, {@code charge},
 * {@code refund}, {@code history}, {@code hold}, {@code holds}). Run {@code credit-gate --help} for the list and
 * {@code credit-gate COMMAND --help} for each command's options, an example and the exit codes.
 *
 * <p>Exit codes: 0 done; 1 a business rejection (insufficient credits, not found, conflict); 2 bad usage, nothing
 * written; 3 store unavailable, nothing applied; 4 store misconfigured; 5 outcome unknown (re-submit the same key);
 * 70 an internal error. Results go to standard output, as a table or with {@code --json} as JSON; progress and
 * errors go to standard error.
 */
public final class CreditGateCli {

    /** The environment variable that names the database when {@code --jdbc-url} is not given. */
    static final String JDBC_URL_VARIABLE = "CREDITGATE_JDBC_URL";

    /** Held here: java.util.logging keeps only weak references to its loggers, and would forget the level. */
    private static final Logger DRIVER_LOG = Logger.getLogger("org.postgresql");

    private CreditGateCli() {
    }

    /**
     * Runs one command and exits the JVM with its exit code.
     *
     * @param args the command and its arguments, such as {@code demo --seed 7}
     */
    public static void main(String... args) {
        Charset console = System.console() != null ? System.console().charset() : Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, console), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, console), true);
        int code = run(out, err, System.getenv(), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command on the given streams and environment, and returns its exit code. */
    static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, String... args) {
        return commandLine(out, err, environment).execute(args);
    }

    /** The one place the command tree is put together: adding a command is one line in {@link Root}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> environment) {
        return configure(new CommandLine(new Root()), out, err, environment);
    }

    /** Sets up a command tree's streams, defaults, exit codes and error reporting, down to its last subcommand. */
    static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        // The driver logs through java.util.logging straight to the console, and repeats a malformed URL (with its
        // password) when it warns about it: the command reports bad URLs itself, in one line, without the URL.
        DRIVER_LOG.setLevel(Level.SEVERE);
        cli.setOut(out);
        cli.setErr(err);
        cli.setDefaultValueProvider(option -> option instanceof CommandLine.Model.OptionSpec named
                && named.longestName().equals(Database.JDBC_URL_OPTION) ? environment.get(JDBC_URL_VARIABLE) : null);
        cli.setExitCodeExceptionMapper(ExitCodes::of);
        cli.setExecutionExceptionHandler(new Failures());
        cli.setParameterExceptionHandler(Failures::badUsage);
        cli.setUsageHelpAutoWidth(true);
        describeExitCodes(cli);
        return cli;
    }

    private static void describeExitCodes(CommandLine command) {
        command.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.descriptions());
        command.getSubcommands().values().forEach(CreditGateCli::describeExitCodes);
    }

    /** The top command: it only lists the others. */
    @Command(name = "credit-gate",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            description = {
                "Decides atomically and truthfully whether an account may spend credits, and records the spend.",
                "Start with: credit-gate demo"},
            subcommands = {
                DemoCommand.class,
                DoctorCommand.class,
                MigrateCommand.class,
                BalanceCommand.class,
                GrantCommand.class,
                ChargeCommand.class,
                RefundCommand.class,
                HistoryCommand.class,
                HoldCommand.class,
                HoldsCommand.class,
                CommandLine.HelpCommand.class},
            footerHeading = "%nExample:%n",
            footer = {
                "  credit-gate demo",
                "  export " + JDBC_URL_VARIABLE + "=jdbc:postgresql://localhost/app?user=app",
                "  credit-gate migrate",
                "  credit-gate grant user-1 100",
                "  credit-gate charge user-1 2 --action audio.upload"})
    static final class Root extends CommandGroup {
    }

    /** The version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = CreditGateCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"credit-gate " + properties.getProperty("version", "(unknown version)")};
        }
    }
}
