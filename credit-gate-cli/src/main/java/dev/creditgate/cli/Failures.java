package dev.creditgate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on standard error, and its stack trace only with {@code --verbose}; the exit
 * code comes from {@link ExitCodes#of}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (verbose(parsed)) {
            failure.printStackTrace(err);
        } else {
            err.println(qualifiedName(command) + ": " + oneLine(failure)
                    + (ExitCodes.of(failure) == ExitCodes.INTERNAL ? " (--verbose shows the stack trace)" : ""));
        }
        err.flush();
        return command.getExitCodeExceptionMapper().getExitCode(failure);
    }

    /** Bad arguments: one line naming the problem and where the help is, exit 2, nothing run. */
    static int badUsage(CommandLine.ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        String help = qualifiedName(command);
        command.getErr().println(help + ": " + oneLine(failure) + " (see " + help + " --help)");
        command.getErr().flush();
        return ExitCodes.USAGE;
    }

    private static boolean verbose(ParseResult parsed) {
        for (CommandLine command : parsed.asCommandLineList()) {
            if (command.getParseResult() != null && command.getParseResult().hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String qualifiedName(CommandLine command) {
        return command.getCommandSpec().qualifiedName();
    }

    /** The failure's message, and its root cause's first line when that says more. */
    static String oneLine(Throwable failure) {
        String message = firstLine(failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName());
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != failure && root.getMessage() != null) {
            String cause = firstLine(root.getMessage());
            if (!message.contains(cause)) {
                message += " (" + cause + ")";
            }
        }
        return message;
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        int end = trimmed.indexOf('\n');
        return (end < 0 ? trimmed : trimmed.substring(0, end)).strip();
    }
}
