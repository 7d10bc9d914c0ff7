package dev.creditgate.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "grant", mixinStandardHelpOptions = true,
        description = "Adds credits to an account, creating it if it does not exist.",
        footerHeading = "%nExample:%n",
        footer = "  credit-gate grant user-1 20000 --reason 'signup bonus'")
final class GrantCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @Parameters(index = "1", paramLabel = "AMOUNT", description = "the credits to add, at least 1")
    long amount;

    @Option(names = "--reason", paramLabel = "R", defaultValue = "granted from the command line",
            description = "why, recorded in the ledger (default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    public Integer call() {
        long after = store.gate().grant(account, amount, reason);
        output.print(new View.Fields("granted")
                .with("accountId", account)
                .with("amount", amount)
                .with("balanceAfter", after));
        return ExitCodes.OK;
    }
}
