package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.CreditGate;
import dev.creditgate.LedgerEntry;
import dev.creditgate.ReserveRequest;
import dev.creditgate.Reserved;
import dev.creditgate.test.PostgresTestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** migrate() creates, upgrades and adopts, idempotently, from many instances at once. */
class MigrationTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static Jdbi jdbi;

    @BeforeAll
    static void connect() {
        jdbi = Jdbi.create(db.dataSource());
    }

    private static JdbiBalanceStore store(String prefix) {
        return JdbiBalanceStore.builder(jdbi).accountsTable(prefix + "_accounts").ledgerTable(prefix + "_ledger")
                .holdsTable(prefix + "_holds").build();
    }

    @Test
    void manyInstancesMayMigrateAtOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> migrations = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                migrations.add(threads.submit(() -> {
                    start.await();
                    store("together").migrate();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> migration : migrations) {
                migration.get(1, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }

        CreditGate gate = CreditGate.builder().store(store("together")).build();
        gate.grant("user-1", 10, "funds");
        assertThat(gate.charge("user-1", 4, "x")).isCharged().hasBalanceAfter(6);
    }

    @Test
    void aDatabaseMadeBeforeHoldsIsUpgraded() throws Exception {
        applyFirstScripts("older", 2);   // V1_1 and V1_2: accounts and ledger, as before holds
        jdbi.useHandle(h -> h.execute("INSERT INTO older_accounts (account_id, balance) VALUES ('user-1', 0)"));

        store("older").migrate();

        CreditGate gate = CreditGate.builder().store(store("older")).build();
        gate.grant("user-1", 100, "funds");
        gate.reserve("user-1", 60, "render", Duration.ofMinutes(5)).reservedOrThrow();
        assertThat(gate.charge("user-1", 50, "export")).isInsufficient().hasAvailable(40);
    }

    @Test
    void aDatabaseWhoseHoldKeysWereUniqueForEverIsUpgradedSoThatAReleasedKeyHoldsAgain() {
        store("keys").migrate();
        jdbi.useHandle(h -> {
            // The layout the first holds release made: one reservation per key for ever.
            h.execute("DROP INDEX keys_holds_key");
            h.execute("ALTER TABLE keys_holds ADD UNIQUE (account_id, idempotency_key)");
        });
        CreditGate gate = CreditGate.builder().store(store("keys")).build();
        gate.grant("user-1", 100, "funds");
        ReserveRequest request = ReserveRequest.of("user-1", 30, "render", Duration.ofMinutes(5)).idempotencyKey("k");
        gate.release(gate.reserve(request).reservedOrThrow().reservationId());

        store("keys").migrate();

        Reserved again = gate.reserve(request).reservedOrThrow();
        assertThat(again.replayed()).isFalse();
        assertThatAccount(gate, "user-1").hasHeld(30);
        long plainUniqueConstraints = jdbi.withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'keys_holds'::regclass AND contype = 'u' "
                        + "AND pg_get_constraintdef(oid) = 'UNIQUE (account_id, idempotency_key)'")
                .mapTo(Long.class).one());
        assertThat(plainUniqueConstraints).isZero();
        assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("INSERT INTO keys_holds (account_id, action, amount, "
                + "available_after, idempotency_key, expires_at) VALUES ('user-1', 'render', 1, 0, 'k', now())")))
                .hasMessageContaining("keys_holds_key");
    }

    @Test
    void aDatabaseMadeBeforeDistributionKeysIsUpgradedInPlaceWithItsIdsAndRefundsIntact() throws Exception {
        applyFirstScripts("keyed", 6);   // V1_1 to V1_6: keys on id alone
        assertThat(keyDefinitions()).contains("keyed_ledger PRIMARY KEY (id)", "keyed_holds PRIMARY KEY (id)");
        CreditGate gate = CreditGate.builder().store(store("keyed")).build();
        gate.grant("user-1", 100, "funds");
        String charge = gate.charge("user-1", 10, "export").orElseThrow().transactionId();
        String captured = gate.capture(gate.reserve("user-1", 20, "render", Duration.ofMinutes(5))
                .reservedOrThrow().reservationId(), 15).transactionId();

        store("keyed").migrate();
        store("keyed").migrate();

        assertThat(keyDefinitions()).containsExactlyInAnyOrder(
                "keyed_holds FOREIGN KEY (account_id, capture_entry) REFERENCES keyed_ledger(account_id, id)",
                "keyed_holds PRIMARY KEY (account_id, id)",
                "keyed_holds UNIQUE (account_id, capture_entry)",
                "keyed_ledger FOREIGN KEY (account_id, reverses) REFERENCES keyed_ledger(account_id, id)",
                "keyed_ledger PRIMARY KEY (account_id, id)",
                "keyed_ledger UNIQUE (account_id, idempotency_key)",
                "keyed_ledger UNIQUE (account_id, reverses)");
        assertThat(gate.refund("user-1", charge, "undo").replayed()).isFalse();
        assertThat(gate.refund("user-1", charge, "undo").replayed()).isTrue();
        assertThat(gate.refund("user-1", captured, "undo").amount()).isEqualTo(15);
        assertThat(gate.charge("user-1", 200, "big")).isInsufficient().hasAvailable(100);
        assertThatAccount(gate, "user-1").hasBalance(100).hasLedgerSummingToBalance();
    }

    /** Makes exactly the layout that the first {@code count} migration scripts made, for the tables of {@code prefix}. */
    private static void applyFirstScripts(String prefix, int count) throws Exception {
        List<String> scripts = new PostgresSql(new Tables(java.util.Optional.empty(), prefix + "_accounts",
                "account_id", "balance", AccountIdType.TEXT, true, prefix + "_ledger", prefix + "_holds"))
                .migration(true);
        try (java.sql.Connection connection = db.dataSource().getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            for (String script : scripts.subList(0, count)) {
                statement.execute(script);
            }
        }
    }

    /** The keys and foreign keys of the keyed_ tables, as pg_get_constraintdef writes them. */
    private static List<String> keyDefinitions() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid IN ('keyed_ledger'::regclass, 'keyed_holds'::regclass) AND contype IN ('p', 'u', 'f')
                """).mapTo(String.class).list());
    }

    @Test
    void aTextIdTableIsAdoptedWithOpeningBalances() {
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE wallets (owner varchar(64) PRIMARY KEY, credits integer NOT NULL)");
            h.execute("INSERT INTO wallets VALUES ('alice', 500), ('bob', 0)");
        });
        JdbiBalanceStore store = JdbiBalanceStore.builder(jdbi)
                .adoptAccountTable("wallets", "owner", "credits", AccountIdType.TEXT)
                .ledgerTable("wallet_ledger").holdsTable("wallet_holds").build();
        store.migrate();
        store.migrate();
        CreditGate gate = CreditGate.builder().store(store).build();

        assertThat(gate.history("alice", 10)).extracting(LedgerEntry::reference).containsExactly("opening balance");
        assertThat(gate.history("bob", 10)).isEmpty();
        assertThat(gate.charge("alice", 20, "x")).isCharged().hasBalanceAfter(480);
        assertThat(gate.charge("bob", 1, "x")).isInsufficient().hasAvailable(0);
        assertThatAccount(gate, "alice").hasBalance(480).hasLedgerSummingToBalance();
    }

    @Test
    void aBigintIdTableIsAdoptedAndNonCanonicalIdsFindNoAccount() {
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE numbered (user_id bigint PRIMARY KEY, credits bigint NOT NULL DEFAULT 0)");
            h.execute("INSERT INTO numbered VALUES (42, 1000)");
        });
        JdbiBalanceStore store = JdbiBalanceStore.builder(jdbi)
                .adoptAccountTable("numbered", "user_id", "credits", AccountIdType.BIGINT)
                .ledgerTable("numbered_ledger").holdsTable("numbered_holds").build();
        store.migrate();
        CreditGate gate = CreditGate.builder().store(store).build();

        assertThat(gate.charge("42", 10, "x")).isCharged().hasBalanceAfter(990);
        assertThat(gate.charge("042", 10, "x")).isAccountNotFound();
        assertThat(gate.charge("+42", 10, "x")).isAccountNotFound();
        assertThat(gate.grant("7", 5, "signup")).isEqualTo(5);
        assertThatAccount(gate, "42").hasBalance(990).hasLedgerEntries(2).hasLedgerSummingToBalance();
    }
}
