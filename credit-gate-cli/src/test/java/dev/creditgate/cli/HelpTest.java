package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class HelpTest {

    /** Every command in the tree, as the words that name it, but picocli's own help command. */
    static Stream<String> commands() {
        CommandLine root = CreditGateCli.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of());
        List<String> names = new ArrayList<>();
        collect(root, "", names);
        return names.stream();
    }

    private static void collect(CommandLine command, String prefix, List<String> names) {
        names.add(prefix.strip());
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                collect(sub, prefix + name + " ", names);
            }
        });
    }

    @Test
    void theTreeHasEveryCommand() {
        assertThat(commands()).containsExactly("", "demo", "doctor", "migrate", "balance", "grant", "charge", "refund",
                "history", "hold", "hold reserve", "hold capture", "hold release", "holds", "holds purge");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelpWithAnExampleAndTheExitCodes(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");

        Cli.Run help = Cli.run(args.toArray(String[]::new));

        assertThat(help.exitCode()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: credit-gate" + (command.isEmpty() ? "" : " " + command))
                .contains("\nExample:\n  credit-gate ")
                .contains("\nExit codes:\n");
    }

    @Test
    void versionComesFromTheBuild() {
        Cli.Run version = Cli.run("--version");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("credit-gate \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }
}
