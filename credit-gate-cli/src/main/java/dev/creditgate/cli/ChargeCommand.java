package dev.creditgate.cli;

import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "charge", mixinStandardHelpOptions = true,
        description = {"Charges an account, if and only if it can pay.",
            "Debits COST if and only if the balance covers it, in one atomic step. A rejection is printed like a "
                    + "result, with its RFC 9457 problem body, and exits 1."},
        footerHeading = "%nExample:%n",
        footer = "  credit-gate charge user-1 2 --action audio.upload --key upload-7f3a")
final class ChargeCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @Parameters(index = "1", paramLabel = "COST", description = "the credits to debit, at least 1")
    long cost;

    @Option(names = "--action", paramLabel = "A", required = true, description = "what the credits are spent on")
    String action;

    @Option(names = "--key", paramLabel = "K",
            description = "idempotency key: the same key charges at most once (default: a fresh one)")
    String key;

    @Override
    public Integer call() {
        ChargeRequest request = ChargeRequest.of(account, cost, action);
        if (key != null) {
            request = request.idempotencyKey(key);
        }
        ChargeResult result = store.gate().charge(request);
        output.print(Views.charge("charge", result));
        result.orElseThrow();
        return ExitCodes.OK;
    }
}
