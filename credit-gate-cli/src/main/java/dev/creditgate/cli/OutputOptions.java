package dev.creditgate.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How a command writes: results to standard output as a table or JSON, progress to standard error. */
final class OutputOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--json", description = "print the result as JSON instead of a table")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "show stack traces and library warnings")
    boolean verbose;

    /** Writes a result to standard output. */
    void print(View view) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Printer.json(view) : Printer.table(view));
        out.flush();
    }

    /** Where progress goes: standard error, so that standard output holds only results. */
    PrintWriter progress() {
        return spec.commandLine().getErr();
    }
}
