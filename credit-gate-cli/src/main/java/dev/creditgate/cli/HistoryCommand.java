package dev.creditgate.cli;

import dev.creditgate.CreditGate;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.LedgerEntry;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Shows an account's ledger, newest first.",
            "Read page by page, stable while the account is in use."},
        footerHeading = "%nExample:%n",
        footer = {"  credit-gate history user-1 --limit 50", "  credit-gate history user-1 --all --json > ledger.json"})
final class HistoryCommand extends StoreCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
    String account;

    @ArgGroup(exclusive = true)
    Extent extent = new Extent();

    /** How much of the ledger: the newest N entries, or all of it. */
    static final class Extent {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "the newest N entries (default: ${DEFAULT-VALUE})")
        int limit = 20;

        @Option(names = "--all", description = "every entry, oldest last")
        boolean all;
    }

    @Override
    public Integer call() {
        if (extent.limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--limit must be at least 1, got " + extent.limit);
        }
        long wanted = extent.all ? Long.MAX_VALUE : extent.limit;
        CreditGate gate = store.gate();
        List<LedgerEntry> entries = new ArrayList<>();
        HistoryPage page = gate.history(HistoryQuery.newest(account, pageSize(wanted, 0)));
        entries.addAll(page.entries());
        while (page.hasNext() && entries.size() < wanted) {
            HistoryQuery next = HistoryQuery.newest(account, pageSize(wanted, entries.size()))
                    .after(page.nextCursor().orElseThrow());
            page = gate.history(next);
            entries.addAll(page.entries());
        }
        output.print(Views.ledger("history of " + account, entries));
        return ExitCodes.OK;
    }

    private static int pageSize(long wanted, int read) {
        return (int) Math.min(HistoryQuery.MAX_LIMIT, wanted - read);
    }
}
