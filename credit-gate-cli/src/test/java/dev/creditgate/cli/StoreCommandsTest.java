package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.JdbiBalanceStore;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each store command against a real PostgreSQL schema: its table, its JSON, and what it did to the store. */
class StoreCommandsTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static CreditGate gate;

    @BeforeAll
    static void migrate() {
        Cli.Run migrated = Cli.run("migrate", "--jdbc-url", TestDatabase.url(db));
        assertThat(migrated.exitCode()).isZero();
        assertThat(migrated.out()).isEqualTo("""
                migrated
                  store  postgresql accounts=credit_accounts ledger=credit_ledger holds=credit_holds
                """);
        gate = TestDatabase.gate(db);
    }

    private static HikariConfig poolOn(PostgresTestDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database.dataSource());
        config.setMaximumPoolSize(2);
        return config;
    }

    private static Cli.Run cli(String... args) {
        return Cli.run(TestDatabase.environment(db), args);
    }

    @Test
    void migrateRunsAgainWithoutChangingAnything() {
        Cli.Run again = cli("migrate", "--json");

        assertThat(again.exitCode()).isZero();
        assertThat(again.json()).isEqualTo(
                Map.of("store", "postgresql accounts=credit_accounts ledger=credit_ledger holds=credit_holds"));
        assertThat(again.err()).isEmpty();
    }

    @Test
    void grantCreatesTheAccountAndBalanceShowsIt() {
        Cli.Run granted = cli("grant", "grant-1", "100", "--reason", "signup bonus");
        Cli.Run balance = cli("balance", "grant-1", "--json");

        assertThat(granted.exitCode()).isZero();
        assertThat(granted.out()).isEqualTo("""
                granted
                  account id     grant-1
                  amount         100
                  balance after  100
                """);
        assertThat(balance.exitCode()).isZero();
        assertThat(balance.json()).isEqualTo(
                Map.of("accountId", "grant-1", "posted", 100L, "held", 0L, "available", 100L));
        assertThat(gate.history("grant-1", 10)).singleElement()
                .satisfies(entry -> assertThat(entry.reference()).isEqualTo("signup bonus"));
    }

    @Test
    void grantJsonHasTheSameValuesAsItsTable() {
        Cli.Run granted = cli("grant", "grant-2", "7", "--json");

        assertThat(granted.exitCode()).isZero();
        assertThat(granted.json()).isEqualTo(Map.of("accountId", "grant-2", "amount", 7L, "balanceAfter", 7L));
        assertThat(gate.history("grant-2", 10).get(0).reference()).isEqualTo("granted from the command line");
    }

    @Test
    void balanceOfAnAccountThatDoesNotExistIsARejection() {
        Cli.Run balance = cli("balance", "nobody");

        assertThat(balance.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(balance.out()).isEmpty();
        assertThat(balance.errorLine()).isEqualTo("credit-gate balance: no account 'nobody'");
    }

    @Test
    void chargeDebitsOnceAndReplaysItsKey() {
        gate.grant("charge-1", 10, "funds");

        Cli.Run first = cli("charge", "charge-1", "2", "--action", "audio.upload", "--key", "req-1", "--json");
        Cli.Run again = cli("charge", "charge-1", "2", "--action", "audio.upload", "--key", "req-1", "--json");

        assertThat(first.exitCode()).isZero();
        Map<String, Object> charged = first.json();
        assertThat(charged).containsEntry("outcome", "charged").containsEntry("accountId", "charge-1")
                .containsEntry("action", "audio.upload").containsEntry("cost", 2L).containsEntry("balanceAfter", 8L)
                .containsEntry("idempotencyKey", "req-1");
        assertThat(again.exitCode()).isZero();
        assertThat(again.json()).containsEntry("outcome", "replayed").containsEntry("balanceAfter", 8L)
                .containsEntry("transactionId", charged.get("transactionId"));
        assertThat(gate.balance("charge-1")).hasValue(8);
    }

    @Test
    void chargeTableShowsTheCharge() {
        gate.grant("charge-2", 10, "funds");

        Cli.Run charged = cli("charge", "charge-2", "3", "--action", "video.render", "--key", "req-2");

        assertThat(charged.exitCode()).isZero();
        String transactionId = gate.history("charge-2", 1).get(0).transactionId();
        assertThat(charged.out()).isEqualTo("charge\n"
                + "  outcome          charged\n"
                + "  transaction id   " + transactionId + "\n"
                + "  account id       charge-2\n"
                + "  action           video.render\n"
                + "  cost             3\n"
                + "  balance after    7\n"
                + "  idempotency key  req-2\n");
    }

    @Test
    void chargeBeyondTheBalancePrintsTheRejectionAndItsProblemBodyAndExitsOne() {
        gate.grant("poor-1", 1, "funds");

        Cli.Run refused = cli("charge", "poor-1", "2", "--action", "audio.upload", "--json");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REJECTED);
        Map<String, Object> result = refused.json();
        assertThat(result).containsEntry("outcome", "insufficient").containsEntry("required", 2L)
                .containsEntry("available", 1L).containsEntry("shortfall", 1L);
        assertThat(result.get("debug").toString()).startsWith("DebugContext[idempotencyKey=")
                .contains("attempts=1");
        assertThat(result.get("problem")).isEqualTo(Map.of(
                "type", "https://creditgate.dev/problems/insufficient-credits",
                "title", "Insufficient credits",
                "status", 402L,
                "detail", "This action requires 2 credits; 1 is available.",
                "required", 2L, "available", 1L, "shortfall", 1L));
        assertThat(refused.errorLine()).isEqualTo(
                "credit-gate charge: insufficient credits for 'audio.upload': required 2, available 1");
        assertThat(gate.balance("poor-1")).hasValue(1);
    }

    @Test
    void chargeOfAnAccountThatDoesNotExistIsNotFoundAndExitsOne() {
        Cli.Run refused = cli("charge", "ghost", "2", "--action", "audio.upload", "--json");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(refused.json()).containsEntry("outcome", "not found").containsEntry("accountId", "ghost");
        assertThat(refused.json().get("problem")).isEqualTo(Map.of(
                "type", "https://creditgate.dev/problems/account-not-found",
                "title", "Credit account not found",
                "status", 404L,
                "detail", "No credit account exists for this request."));
        assertThat(refused.errorLine()).isEqualTo("credit-gate charge: no credit account 'ghost' for 'audio.upload'");
    }

    @Test
    void refundReversesAChargeOnceAndOnlyForItsOwnAccount() {
        gate.grant("refund-1", 10, "funds");
        gate.grant("refund-other", 10, "funds");
        String transactionId = gate.charge("refund-1", 2, "audio.upload").orElseThrow().transactionId();

        Cli.Run wrongAccount = cli("refund", transactionId, "--account", "refund-other");
        Cli.Run refunded = cli("refund", transactionId, "--account", "refund-1", "--reason", "file deleted", "--json");
        Cli.Run again = cli("refund", transactionId, "--json");

        assertThat(wrongAccount.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(wrongAccount.out()).isEmpty();
        assertThat(wrongAccount.errorLine()).startsWith("credit-gate refund: ").contains(transactionId);
        assertThat(refunded.exitCode()).isZero();
        assertThat(refunded.json()).containsEntry("outcome", "refunded").containsEntry("chargeTransactionId",
                transactionId).containsEntry("accountId", "refund-1").containsEntry("amount", 2L)
                .containsEntry("balanceAfter", 10L);
        assertThat(again.exitCode()).isZero();
        assertThat(again.json()).containsEntry("outcome", "replayed").containsEntry("balanceAfter", 10L);
        assertThat(gate.balance("refund-1")).hasValue(10);
        assertThat(gate.balance("refund-other")).hasValue(10);
        assertThat(gate.history("refund-1", 10).get(0).reference()).isEqualTo("file deleted");
    }

    @Test
    void historyShowsTheNewestEntriesFirst() {
        gate.grant("history-1", 5, "first");
        gate.charge("history-1", 2, "audio.upload");
        gate.charge("history-1", 1, "audio.trim");

        Cli.Run history = cli("history", "history-1", "--limit", "2", "--json");

        assertThat(history.exitCode()).isZero();
        List<Map<String, Object>> entries = JsonReader.array(history.out());
        assertThat(entries).hasSize(2);
        assertThat(entries).map(entry -> entry.get("reference")).containsExactly("audio.trim", "audio.upload");
        assertThat(entries).map(entry -> entry.get("balanceAfter")).containsExactly(2L, 3L);
        assertThat(entries).map(entry -> entry.get("kind")).containsExactly("charge", "charge");
    }

    @Test
    void historyReadsPastOnePageWithAllAndWithALargeLimit() {
        int count = 1_205;
        try (HikariDataSource pool = new HikariDataSource(poolOn(db))) {
            CreditGate pooled = CreditGate.builder().store(JdbiBalanceStore.create(Jdbi.create(pool))).build();
            IntStream.rangeClosed(1, count).forEach(i -> pooled.grant("history-long", 1, "grant " + i));
        }

        Cli.Run all = cli("history", "history-long", "--all", "--json");
        Cli.Run some = cli("history", "history-long", "--limit", "1001", "--json");

        assertThat(all.exitCode()).isZero();
        List<Map<String, Object>> entries = JsonReader.array(all.out());
        assertThat(entries).map(entry -> entry.get("balanceAfter"))
                .containsExactlyElementsOf(IntStream.iterate(count, n -> n - 1).limit(count)
                        .mapToObj(n -> (Object) (long) n).toList());
        assertThat(entries).map(entry -> entry.get("transactionId")).doesNotHaveDuplicates();
        assertThat(JsonReader.array(some.out())).hasSize(1001).isEqualTo(entries.subList(0, 1001));
    }

    @Test
    void historyOfAnAccountWithoutEntriesIsEmpty() {
        Cli.Run history = cli("history", "nobody-yet");

        assertThat(history.exitCode()).isZero();
        assertThat(history.out()).isEqualTo("""
                history of nobody-yet
                  transaction id  created at  kind  amount  balance after  reference  idempotency key  reverses
                  (none)
                """);
    }

    @Test
    void holdsAreReservedCapturedReleasedAndPurged() {
        gate.grant("hold-1", 10, "funds");

        Cli.Run reserved = cli("hold", "reserve", "hold-1", "5", "--action", "video.render", "--ttl", "1m",
                "--key", "render-1", "--json");
        Cli.Run balanceWhileHeld = cli("balance", "hold-1", "--json");
        String captureId = (String) reserved.json().get("reservationId");
        Cli.Run captured = cli("hold", "capture", captureId, "--amount", "3", "--json");
        String releaseId = (String) cli("hold", "reserve", "hold-1", "4", "--action", "video.render", "--json")
                .json().get("reservationId");
        Cli.Run released = cli("hold", "release", releaseId, "--json");
        Cli.Run captureReleased = cli("hold", "capture", releaseId, "--amount", "4");
        Cli.Run purged = cli("holds", "purge", "--older-than", "0s", "--json");

        assertThat(reserved.exitCode()).isZero();
        assertThat(reserved.json()).containsEntry("outcome", "reserved").containsEntry("state", "held")
                .containsEntry("amount", 5L).containsEntry("availableAfter", 5L)
                .containsEntry("idempotencyKey", "render-1");
        assertThat(balanceWhileHeld.json()).isEqualTo(
                Map.of("accountId", "hold-1", "posted", 10L, "held", 5L, "available", 5L));
        assertThat(captured.exitCode()).isZero();
        assertThat(captured.json()).containsEntry("outcome", "charged").containsEntry("cost", 3L)
                .containsEntry("balanceAfter", 7L).containsEntry("idempotencyKey", "render-1");
        assertThat(released.exitCode()).isZero();
        assertThat(released.json()).isEqualTo(Map.of("outcome", "released", "reservationId", releaseId,
                "accountId", "hold-1", "amount", 4L, "freed", 4L));
        assertThat(captureReleased.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(captureReleased.errorLine()).isEqualTo(
                "credit-gate hold capture: reservation '" + releaseId + "' is released; cannot capture 4");
        assertThat(purged.exitCode()).isZero();
        assertThat(purged.json()).isEqualTo(Map.of("deleted", 2L, "olderThan", "0ms"));
        assertThat(gate.account("hold-1").orElseThrow().available()).isEqualTo(7);
    }
}
