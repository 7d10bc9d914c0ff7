package dev.creditgate.cli;

import dev.creditgate.AccountSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "balance", mixinStandardHelpOptions = true,
        description = {"Shows an account's credits: posted, held and available.",
            "Posted credits are what the ledger sums to; held ones are reserved by holds; the rest is available."},
        footerHeading = "%nExample:%n",
        footer = "  credit-gate balance user-1 --json")
final class BalanceCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @Override
    public Integer call() {
        AccountSnapshot snapshot = store.gate().account(account)
                .orElseThrow(() -> new ExitCodes.Rejected("no account '" + account + "'"));
        output.print(Views.account("balance", snapshot));
        return ExitCodes.OK;
    }
}
