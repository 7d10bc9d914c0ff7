package dev.creditgate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in this JVM, as {@code ./credit-gate} would, and keeps what it wrote. */
final class Cli {

    /** A finished command. */
    record Run(int exitCode, String out, String err) {

        Map<String, Object> json() {
            return JsonReader.object(out);
        }

        /** Standard error, which must be exactly one line. */
        String errorLine() {
            if (!err.endsWith("\n") || err.indexOf('\n') != err.length() - 1) {
                throw new AssertionError("expected exactly one line on stderr, got: " + err);
            }
            return err.strip();
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        return run(Map.of(), args);
    }

    static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CreditGateCli.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
        return new Run(code, out.toString(), err.toString());
    }
}
