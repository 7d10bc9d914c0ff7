package dev.creditgate.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "holds", mixinStandardHelpOptions = true,
        description = "Maintenance of reservations.",
        subcommands = HoldsCommand.Purge.class,
        footerHeading = "%nExample:%n",
        footer = "  credit-gate holds purge --older-than 7d")
final class HoldsCommand extends CommandGroup {

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Deletes settled reservations older than --older-than.",
                "Deletes reservations captured, released or expired longer ago than that. Safe while the store is "
                        + "in use; expiry never depends on it."},
            footerHeading = "%nExample:%n",
            footer = "  credit-gate holds purge --older-than 7d")
    static final class Purge extends StoreCommand {

        @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "7d",
                converter = DurationConverter.class,
                description = "how long settled reservations are kept (default: ${DEFAULT-VALUE})")
        Duration retention;

        @Override
        public Integer call() {
            long deleted = store.store().purgeSettledHolds(retention);
            output.print(new View.Fields("purged")
                    .with("deleted", deleted)
                    .with("olderThan", DurationConverter.format(retention)));
            return ExitCodes.OK;
        }
    }
}
