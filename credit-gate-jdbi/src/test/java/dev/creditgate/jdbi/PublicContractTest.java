package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Refund;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.List;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The public contract exactly as DESIGN.md writes it compiles, and does what it says, on both stores. */
class PublicContractTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    @Test
    void theDesignSnippetRunsOnTheInMemoryStore() {
        CreditGate gate = CreditGate.builder()
                .store(new InMemoryBalanceStore())          // or JdbiBalanceStore.create(jdbi)
                .build();                                   // sensible default retry policy

        runDesignSnippet(gate);
    }

    @Test
    void theDesignSnippetRunsOnPostgres() {
        Jdbi jdbi = Jdbi.create(db.dataSource());
        JdbiBalanceStore store = JdbiBalanceStore.create(jdbi);         // tables in the connection's current schema
        store.migrate();                                                // creates/updates its schema objects, idempotent

        runDesignSnippet(CreditGate.builder().store(store).build());
    }

    private static void runDesignSnippet(CreditGate gate) {
        long after   = gate.grant("user-1", 20_000, "signup bonus");   // creates the account if absent; returns balance after
        ChargeResult r = gate.charge("user-1", 2, "audio.upload");      // fresh idempotency key per call
        ChargeResult s = gate.charge(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-123"));
        OptionalLong b = gate.balance("user-1");                        // empty when the account does not exist
        Charged charged = r.orElseThrow();
        var refund     = gate.refund(charged.transactionId(), "file deleted");   // full reversal, at most once
        var entries    = gate.history("user-1", 10);                    // newest first

        assertThat(after).isEqualTo(20_000);
        assertThat(r.isCharged()).isTrue();
        assertThat(((Charged) s).balanceAfter()).isEqualTo(19_996);
        assertThat(b).isEqualTo(OptionalLong.of(19_996));
        assertThat(refund).isInstanceOf(Refund.class);
        assertThat(refund.balanceAfter()).isEqualTo(19_998);
        List<LedgerEntry> newestFirst = entries;
        assertThat(newestFirst).extracting(LedgerEntry::kind).containsExactly(LedgerEntry.Kind.REFUND,
                LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.GRANT);
        assertThat(gate.balance("nobody")).isEqualTo(OptionalLong.empty());
    }
}
