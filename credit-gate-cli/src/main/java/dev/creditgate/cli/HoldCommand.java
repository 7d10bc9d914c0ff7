package dev.creditgate.cli;

import dev.creditgate.ReserveRequest;
import dev.creditgate.ReserveResult;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "hold", mixinStandardHelpOptions = true,
        description = {"Holds credits for work that may fail.",
            "Reserve credits, then capture what the work used or release them."},
        subcommands = {HoldCommand.Reserve.class, HoldCommand.Capture.class, HoldCommand.Release.class},
        footerHeading = "%nExample:%n",
        footer = {"  credit-gate hold reserve user-1 50 --action video.render --ttl 30m",
            "  credit-gate hold capture <reservation id> --amount 35"})
final class HoldCommand extends CommandGroup {

    @Command(name = "reserve", mixinStandardHelpOptions = true,
            description = {"Holds COST credits, if the account has them available.",
                "Nothing is debited until a capture; the hold ends by itself after --ttl."},
            footerHeading = "%nExample:%n",
            footer = "  credit-gate hold reserve user-1 50 --action video.render --ttl 30m --key render-91")
    static final class Reserve extends StoreCommand {

        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "the account id")
        String account;

        @Parameters(index = "1", paramLabel = "COST", description = "the credits to hold, at least 1")
        long cost;

        @Option(names = "--action", paramLabel = "A", required = true, description = "what the credits are held for")
        String action;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
                description = "how long the hold lasts unless captured or released (default: ${DEFAULT-VALUE})")
        Duration ttl;

        @Option(names = "--key", paramLabel = "K",
                description = "idempotency key: the same key holds at most once (default: a fresh one)")
        String key;

        @Override
        public Integer call() {
            ReserveRequest request = ReserveRequest.of(account, cost, action, ttl);
            if (key != null) {
                request = request.idempotencyKey(key);
            }
            ReserveResult result = store.gate().reserve(request);
            output.print(Views.reservation("reservation", result));
            result.reservedOrThrow();
            return ExitCodes.OK;
        }
    }

    @Command(name = "capture", mixinStandardHelpOptions = true,
            description = {"Debits a reservation and frees the rest, at most once.",
                "Debits --amount, at most what is held."},
            footerHeading = "%nExample:%n",
            footer = "  credit-gate hold capture <reservation id> --amount 35")
    static final class Capture extends StoreCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "the reservation id")
        String reservationId;

        @Option(names = "--amount", paramLabel = "N", required = true,
                description = "the credits to debit, from 1 to the amount held")
        long amount;

        @Override
        public Integer call() {
            output.print(Views.charged("capture", store.gate().capture(reservationId, amount)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Releases a reservation: nothing is debited, its credits are available again.",
            footerHeading = "%nExample:%n",
            footer = "  credit-gate hold release <reservation id>")
    static final class Release extends StoreCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "the reservation id")
        String reservationId;

        @Override
        public Integer call() {
            output.print(Views.released("release", store.gate().release(reservationId)));
            return ExitCodes.OK;
        }
    }
}
