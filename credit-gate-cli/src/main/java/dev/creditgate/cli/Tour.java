package dev.creditgate.cli;

import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.Reserved;
import java.time.Duration;

/** Part 1 of the demo: what the library does, in a few short screens on a fresh store. */
final class Tour {

    private static final Duration HOLD_TTL = Duration.ofMinutes(5);

    private Tour() {
    }

    static View.Group run(CreditGate gate) {
        View.Group tour = new View.Group("Part 1: a tour of credit-gate on " + gate.store().describe());

        long granted = gate.grant("alice", 100, "signup bonus");
        tour.with("grant", new View.Fields("1. grant: alice signs up with 100 credits")
                .with("accountId", "alice")
                .with("amount", 100L)
                .with("balanceAfter", granted));

        ChargeRequest upload = ChargeRequest.of("alice", 2, Workload.ACTION).idempotencyKey("upload-1");
        ChargeResult first = gate.charge(upload);
        tour.with("charge", Views.charge("2. charge: an upload costs 2; the decision and the debit are one atomic step",
                first));

        gate.grant("bob", 1, "signup bonus");
        tour.with("insufficient", Views.charge(
                "3. insufficient: bob holds 1 credit and uploads. The store saw 1 in the very step that would have\n"
                        + "   debited him: the only kind of 402 credit-gate gives. The debug context is for your logs;\n"
                        + "   the problem body (RFC 9457) is for the client and names no account.",
                gate.charge("bob", 2, Workload.ACTION)));

        tour.with("replay", Views.charge(
                "4. idempotent replay: alice's answer got lost and her client sent upload-1 again: nothing is debited",
                gate.charge(upload)));

        Charged charged = first.orElseThrow();
        tour.with("refund", Views.refund("5. refund: alice deletes the file; the charge is reversed once, in the ledger",
                gate.refund("alice", charged.transactionId(), "file deleted")));

        Reserved render = gate.reserve("alice", 10, "video.render", HOLD_TTL).reservedOrThrow();
        Charged captured = gate.capture(render.reservationId(), 7);
        tour.with("holdCaptured", new View.Fields("6. a hold captured: 10 credits held for a render that used 7")
                .with("reservationId", render.reservationId())
                .with("held", render.amount())
                .with("captured", captured.cost())
                .with("balanceAfter", captured.balanceAfter()));

        Reserved failing = gate.reserve("alice", 5, "video.render", HOLD_TTL).reservedOrThrow();
        tour.with("holdReleased", Views.released("7. a hold released: that render failed, so nothing is debited",
                gate.release(failing.reservationId())));

        tour.with("account", Views.account("alice now", gate.account("alice").orElseThrow()));
        return tour;
    }
}
