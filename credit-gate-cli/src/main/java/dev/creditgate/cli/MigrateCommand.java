package dev.creditgate.cli;

import dev.creditgate.jdbi.JdbiBalanceStore;
import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Creates or updates credit-gate's tables.",
            "Creates credit_accounts, credit_ledger and credit_holds where missing. Idempotent and safe to run from "
                    + "many instances at once; needs CREATE on the schema."},
        footerHeading = "%nExample:%n",
        footer = "  credit-gate migrate --jdbc-url jdbc:postgresql://localhost/app?user=owner --schema billing")
final class MigrateCommand extends StoreCommand {

    @Override
    public Integer call() {
        JdbiBalanceStore migrated = store.store();
        migrated.migrate();
        output.print(new View.Fields("migrated").with("store", migrated.describe()));
        return ExitCodes.OK;
    }
}
