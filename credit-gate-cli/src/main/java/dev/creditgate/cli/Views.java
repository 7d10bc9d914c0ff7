package dev.creditgate.cli;

import dev.creditgate.AccountNotFound;
import dev.creditgate.AccountSnapshot;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Refund;
import dev.creditgate.Released;
import dev.creditgate.ReserveResult;
import dev.creditgate.Reserved;
import java.util.List;

/** The one place a result of the library becomes a {@link View}, for the commands and the demo's tour alike. */
final class Views {

    private Views() {
    }

    static View.Fields account(String title, AccountSnapshot account) {
        return new View.Fields(title)
                .with("accountId", account.accountId())
                .with("posted", account.posted())
                .with("held", account.held())
                .with("available", account.available());
    }

    static View.Fields charge(String title, ChargeResult result) {
        if (result instanceof Charged charged) {
            return charged(title, charged);
        }
        if (result instanceof InsufficientCredits insufficient) {
            return insufficient(title, insufficient);
        }
        return notFound(title, (AccountNotFound) result);
    }

    static View.Fields reservation(String title, ReserveResult result) {
        if (result instanceof Reserved reserved) {
            return new View.Fields(title)
                    .with("outcome", reserved.replayed() ? "replayed" : "reserved")
                    .with("reservationId", reserved.reservationId())
                    .with("accountId", reserved.accountId())
                    .with("action", reserved.action())
                    .with("amount", reserved.amount())
                    .with("state", reserved.state().name().toLowerCase(java.util.Locale.ROOT))
                    .with("expiresAt", reserved.expiresAt().toString())
                    .with("availableAfter", reserved.availableAfter())
                    .with("idempotencyKey", reserved.idempotencyKey());
        }
        if (result instanceof InsufficientCredits insufficient) {
            return insufficient(title, insufficient);
        }
        return notFound(title, (AccountNotFound) result);
    }

    static View.Fields charged(String title, Charged charged) {
        return new View.Fields(title)
                .with("outcome", charged.replayed() ? "replayed" : "charged")
                .with("transactionId", charged.transactionId())
                .with("accountId", charged.accountId())
                .with("action", charged.action())
                .with("cost", charged.cost())
                .with("balanceAfter", charged.balanceAfter())
                .with("idempotencyKey", charged.idempotencyKey());
    }

    /** A 402: what was asked and seen, how it was decided, and the client-safe RFC 9457 body. */
    static View.Fields insufficient(String title, InsufficientCredits insufficient) {
        return new View.Fields(title)
                .with("outcome", "insufficient")
                .with("accountId", insufficient.accountId())
                .with("action", insufficient.action())
                .with("required", insufficient.required())
                .with("available", insufficient.available())
                .with("shortfall", insufficient.shortfall())
                .with("debug", insufficient.debug().toString())
                .with("problem", new View.RawJson(insufficient.problemDetail().toJson()));
    }

    static View.Fields notFound(String title, AccountNotFound notFound) {
        return new View.Fields(title)
                .with("outcome", "not found")
                .with("accountId", notFound.accountId())
                .with("action", notFound.action())
                .with("debug", notFound.debug().toString())
                .with("problem", new View.RawJson(notFound.problemDetail().toJson()));
    }

    static View.Fields refund(String title, Refund refund) {
        return new View.Fields(title)
                .with("outcome", refund.replayed() ? "replayed" : "refunded")
                .with("transactionId", refund.transactionId())
                .with("chargeTransactionId", refund.chargeTransactionId())
                .with("accountId", refund.accountId())
                .with("amount", refund.amount())
                .with("balanceAfter", refund.balanceAfter());
    }

    static View.Fields released(String title, Released released) {
        return new View.Fields(title)
                .with("outcome", released.replayed() ? "replayed" : "released")
                .with("reservationId", released.reservationId())
                .with("accountId", released.accountId())
                .with("amount", released.amount())
                .with("freed", released.freed());
    }

    static View.Rows ledger(String title, List<LedgerEntry> entries) {
        View.Rows rows = new View.Rows(title, "transactionId", "createdAt", "kind", "amount", "balanceAfter",
                "reference", "idempotencyKey", "reverses");
        for (LedgerEntry entry : entries) {
            rows.add(entry.transactionId(), entry.createdAt().toString(),
                    entry.kind().name().toLowerCase(java.util.Locale.ROOT), entry.amount(), entry.balanceAfter(),
                    entry.reference(), entry.idempotencyKey(), entry.reverses().orElse(null));
        }
        return rows;
    }
}
