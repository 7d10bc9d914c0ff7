package dev.creditgate.cli;

import dev.creditgate.CreditGate;
import dev.creditgate.Refund;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "refund", mixinStandardHelpOptions = true,
        description = {"Reverses a charge in full, at most once.",
            "Refunding it again credits nothing and shows the first refund. With --account, only a charge of that "
                    + "account is refunded: use it whenever the id came from a client."},
        footerHeading = "%nExample:%n",
        footer = "  credit-gate refund 4f1c0a7e-... --account user-1 --reason 'file deleted'")
final class RefundCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "TRANSACTION_ID", description = "the transaction id of the charge")
    String transactionId;

    @Option(names = "--account", paramLabel = "A", description = "the account the charge must belong to")
    String account;

    @Option(names = "--reason", paramLabel = "R", defaultValue = "refunded from the command line",
            description = "why, recorded in the ledger (default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    public Integer call() {
        CreditGate gate = store.gate();
        Refund refund = account == null
                ? gate.refund(transactionId, reason)
                : gate.refund(account, transactionId, reason);
        output.print(Views.refund("refund", refund));
        return ExitCodes.OK;
    }
}
