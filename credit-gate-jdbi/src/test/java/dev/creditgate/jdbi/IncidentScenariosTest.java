package dev.creditgate.jdbi;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.Charged;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.LedgerEntry;
import dev.creditgate.Refund;
import dev.creditgate.RetryPolicy;
import dev.creditgate.test.PostgresTestDatabase;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The incident's causes, each reproduced on a real server: what the application sees is the truth, never a false
 * 402. Every test works in its own tables, so policies and grants do not leak between tests.
 */
class IncidentScenariosTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static Jdbi admin;

    @BeforeAll
    static void connect() {
        admin = Jdbi.create(db.dataSource());
    }

    /** A store on fresh tables named after the test, migrated by the admin user. */
    private static JdbiBalanceStore migratedStore(Jdbi jdbi, String prefix) {
        JdbiBalanceStore store = store(jdbi, prefix);
        store(admin, prefix).migrate();
        return store;
    }

    private static JdbiBalanceStore store(Jdbi jdbi, String prefix) {
        return JdbiBalanceStore.builder(jdbi).accountsTable(prefix + "_accounts").ledgerTable(prefix + "_ledger")
                .holdsTable(prefix + "_holds").build();
    }

    private static CreditGate gate(JdbiBalanceStore store) {
        return CreditGate.builder().store(store).retryPolicy(RetryPolicy.none()).build();
    }

    private static Jdbi as(String role) {
        return Jdbi.create(db.dataSourceAs(role));
    }

    private static void grantLeastPrivilege(String prefix, String role) {
        admin.useHandle(h -> h.execute("GRANT SELECT, INSERT, UPDATE ON " + prefix + "_accounts, " + prefix
                + "_ledger, " + prefix + "_holds TO " + role));
    }

    @Test
    void aRowHiddenByRowLevelSecurityIsAccountNotFoundNeverInsufficient() {
        CreditGate asAdmin = gate(migratedStore(admin, "rls_hidden"));
        asAdmin.grant("hidden-user", 20_000, "credits");
        asAdmin.grant("visible-user", 20_000, "credits");
        String role = db.createRole("cg_app");
        grantLeastPrivilege("rls_hidden", role);
        admin.useHandle(h -> {
            h.execute("ALTER TABLE rls_hidden_accounts ENABLE ROW LEVEL SECURITY");
            h.execute("CREATE POLICY not_hidden ON rls_hidden_accounts USING (account_id <> 'hidden-user')");
        });
        CreditGate app = gate(store(as(role), "rls_hidden"));

        assertThat(app.charge("hidden-user", 2, "audio.upload")).isAccountNotFound();
        assertThat(app.balance("hidden-user")).isEqualTo(OptionalLong.empty());
        assertThat(app.charge("visible-user", 2, "audio.upload")).isCharged().hasBalanceAfter(19_998);
        assertThatAccount(asAdmin, "hidden-user").hasBalance(20_000).hasLedgerEntries(1);
    }

    @Test
    void aPolicyThatAllowsSelectButNotUpdateIsAMisconfigurationNeverInsufficient() {
        CreditGate asAdmin = gate(migratedStore(admin, "rls_readonly"));
        asAdmin.grant("user-1", 20_000, "credits");
        String role = db.createRole("cg_app");
        grantLeastPrivilege("rls_readonly", role);
        admin.useHandle(h -> {
            h.execute("ALTER TABLE rls_readonly_accounts ENABLE ROW LEVEL SECURITY");
            h.execute("CREATE POLICY read_all ON rls_readonly_accounts FOR SELECT USING (true)");
        });
        CreditGate app = gate(store(as(role), "rls_readonly"));

        assertThatThrownBy(() -> app.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("visible to SELECT but cannot be locked for UPDATE");
        assertThat(app.balance("user-1")).isEqualTo(OptionalLong.of(20_000));
        assertThatAccount(asAdmin, "user-1").hasBalance(20_000).hasLedgerEntries(1);
    }

    @Test
    void aDatabaseNeverMigratedIsAMisconfigurationNotRetried() {
        CreditGate gate = CreditGate.builder().store(store(admin, "never_migrated")).build();

        assertThatThrownBy(() -> gate.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("42883")
                .hasMessageContaining("never_migrated_ledger_charge")
                .hasMessageContaining("run JdbiBalanceStore.migrate()");
        assertThatThrownBy(() -> gate.balance("user-1"))
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("42P01")
                .hasMessageContaining("migrate()");
        assertThat(gate.retry().getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(2);
        assertThat(gate.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
    }

    @Test
    void aRoleWithoutUpdatePrivilegeIsAMisconfigurationNeverInsufficient() {
        CreditGate asAdmin = gate(migratedStore(admin, "no_update"));
        asAdmin.grant("user-1", 20_000, "credits");
        String role = db.createRole("cg_reader");
        admin.useHandle(h -> h.execute("GRANT SELECT ON no_update_accounts, no_update_ledger, no_update_holds TO "
                + role));
        CreditGate app = gate(store(as(role), "no_update"));

        assertThatThrownBy(() -> app.charge("user-1", 2, "audio.upload"))
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("42501");
        assertThat(app.balance("user-1")).isEqualTo(OptionalLong.of(20_000));
    }

    @Test
    void aLeastPrivilegeRoleCanChargeGrantAndRefund() {
        migratedStore(admin, "least");
        String role = db.createRole("cg_app");
        grantLeastPrivilege("least", role);
        CreditGate app = gate(store(as(role), "least"));

        assertThat(app.grant("user-1", 100, "signup")).isEqualTo(100);
        String held = app.reserve("user-1", 10, "upload", java.time.Duration.ofMinutes(5)).reservedOrThrow()
                .reservationId();
        app.release(held);
        String captured = app.reserve("user-1", 10, "upload", java.time.Duration.ofMinutes(5)).reservedOrThrow()
                .reservationId();
        app.refund(app.capture(captured, 10).transactionId(), "capture undone");
        Charged charged = app.charge("user-1", 30, "render").orElseThrow();
        Refund refund = app.refund(charged.transactionId(), "failed");
        assertThat(app.charge("user-1", 101, "render")).isInsufficient().hasAvailable(100);

        assertThat(refund.balanceAfter()).isEqualTo(100);
        assertThat(app.history("user-1", 10)).extracting(LedgerEntry::kind).containsExactly(
                LedgerEntry.Kind.REFUND, LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.CHARGE,
                LedgerEntry.Kind.GRANT);
        assertThatAccount(app, "user-1").hasBalance(100).hasLedgerSummingToBalance();
    }

    @Test
    void anExistingUserCreditsTableIsAdoptedAsItIs() {
        String existing = "6f1c9a52-7a4e-4c1b-9d7e-1f2a3b4c5d6e";
        admin.useHandle(h -> {
            h.execute("CREATE TABLE user_credits (user_id uuid PRIMARY KEY, credits bigint NOT NULL, "
                    + "storage_used_mb integer NOT NULL DEFAULT 0)");
            h.execute("INSERT INTO user_credits (user_id, credits) VALUES (CAST(? AS uuid), 20000)", existing);
        });
        JdbiBalanceStore store = JdbiBalanceStore.builder(admin)
                .adoptAccountTable("user_credits", "user_id", "credits", AccountIdType.UUID)
                .ledgerTable("user_credit_ledger")
                .build();
        store.migrate();
        store.migrate();
        CreditGate gate = gate(store);

        assertThat(gate.charge(existing, 2, "audio.upload")).isCharged().hasBalanceAfter(19_998);
        long credits = admin.withHandle(h -> h.createQuery("SELECT credits FROM user_credits WHERE user_id = "
                + "CAST(:id AS uuid)").bind("id", existing).mapTo(Long.class).one());
        assertThat(credits).isEqualTo(19_998);
        assertThatAccount(gate, existing).hasBalance(19_998).hasLedgerEntries(2).hasLedgerSummingToBalance();

        String newcomer = UUID.randomUUID().toString();
        assertThat(gate.grant(newcomer, 50, "signup")).isEqualTo(50);
        assertThat(gate.charge(newcomer.toUpperCase(), 1, "x")).isAccountNotFound();
        assertThat(gate.charge("not-a-uuid", 1, "x")).isAccountNotFound();
        assertThatThrownBy(() -> gate.grant("not-a-uuid", 1, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTableWithoutAUniqueIdCannotBeAdopted() {
        admin.useHandle(h -> h.execute("CREATE TABLE loose_credits (user_id text NOT NULL, credits bigint)"));
        JdbiBalanceStore store = JdbiBalanceStore.builder(admin)
                .adoptAccountTable("loose_credits", "user_id", "credits", AccountIdType.TEXT)
                .ledgerTable("loose_ledger")
                .build();

        assertThatThrownBy(store::migrate)
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("no primary key or unique constraint");
    }

    @Test
    void duplicateBalanceRowsAreImpossible() {
        CreditGate gate = gate(migratedStore(admin, "dupes"));
        gate.grant("user-1", 10, "credits");

        assertThatThrownBy(() -> admin.useHandle(h -> h.execute(
                "INSERT INTO dupes_accounts (account_id, balance) VALUES ('user-1', 20000)")))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> admin.useHandle(h -> h.execute(
                "UPDATE dupes_accounts SET balance = -1 WHERE account_id = 'user-1'")))
                .hasMessageContaining("check constraint");
    }

    @Test
    void aRefundCanHappenOnlyOnceEvenForSqlThatBypassesTheLibrary() {
        CreditGate gate = gate(migratedStore(admin, "refund_once"));
        gate.grant("user-1", 100, "credits");
        Charged charged = gate.charge("user-1", 10, "x").orElseThrow();
        gate.refund(charged.transactionId(), "first");

        assertThatThrownBy(() -> admin.useHandle(h -> h.execute("INSERT INTO refund_once_ledger (account_id, kind, "
                + "amount, balance_after, reference, idempotency_key, reverses) VALUES ('user-1', 'REFUND', 10, 110, "
                + "'again', 'manual', ?)", ledgerRow(charged.transactionId()))))
                .hasMessageContaining("duplicate key");
    }

    /** The ledger row number inside a transaction id ({@code <number>.<account>}). */
    private static long ledgerRow(String transactionId) {
        return Long.parseLong(transactionId.substring(0, transactionId.indexOf('.')));
    }

    @Test
    void aSequentialRowNumberAloneRefundsNothing() {
        CreditGate gate = gate(migratedStore(admin, "guessed_refund"));
        gate.grant("victim", 100, "credits");
        Charged charged = gate.charge("victim", 10, "x").orElseThrow();
        String rowNumber = Long.toString(ledgerRow(charged.transactionId()));

        // Before ids named their account, refund("<row number>") reversed whichever account's charge that row was.
        assertThatThrownBy(() -> gate.refund(rowNumber, "guessed"))
                .isInstanceOf(dev.creditgate.TransactionNotFoundException.class);
        assertThatThrownBy(() -> gate.refund("attacker", charged.transactionId(), "not mine"))
                .isInstanceOf(dev.creditgate.TransactionNotFoundException.class);
        assertThat(gate.balance("victim")).hasValue(90);
    }

    @Test
    void anAdoptedTableRejectsAnIdThatCannotFitItsColumnAsBadInputWithNothingWritten() {
        admin.useHandle(h -> h.execute("""
                CREATE TABLE narrow_credits (user_id varchar(8) PRIMARY KEY, credits bigint NOT NULL DEFAULT 0);
                CREATE TABLE small_credits (user_id integer PRIMARY KEY, credits integer NOT NULL DEFAULT 0)"""));
        JdbiBalanceStore narrowStore = JdbiBalanceStore.builder(admin)
                .adoptAccountTable("narrow_credits", "user_id", "credits", AccountIdType.TEXT)
                .ledgerTable("narrow_ledger").holdsTable("narrow_holds").build();
        narrowStore.migrate();
        JdbiBalanceStore smallStore = JdbiBalanceStore.builder(admin)
                .adoptAccountTable("small_credits", "user_id", "credits", AccountIdType.BIGINT)
                .ledgerTable("small_ledger").holdsTable("small_holds").build();
        smallStore.migrate();
        CreditGate narrow = gate(narrowStore);
        CreditGate small = gate(smallStore);

        assertThatThrownBy(() -> narrow.grant("user-123456789", 5, "too long"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accountId").hasMessageContaining("narrow_credits.user_id");
        assertThatThrownBy(() -> small.grant("3000000000", 5, "too large"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accountId").hasMessageContaining("small_credits.user_id");
        assertThat(small.charge("3000000000", 1, "x")).isInstanceOf(dev.creditgate.AccountNotFound.class);
        assertThatThrownBy(() -> small.grant("7", 3_000_000_000L, "too much for an integer balance"))
                .isExactlyInstanceOf(ArithmeticException.class);
        assertThat(narrow.grant("user-1", 5, "fits")).isEqualTo(5);
        assertThat(small.grant("2147483647", 5, "fits")).isEqualTo(5);
        long ledgerRows = admin.withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM narrow_ledger) + "
                + "(SELECT count(*) FROM small_ledger)").mapTo(Long.class).one());
        assertThat(ledgerRows).isEqualTo(2);
    }

    @Test
    void tablesCanLiveInANamedSchema() {
        String schema = db.schema() + "_named";
        try {
            JdbiBalanceStore store = JdbiBalanceStore.builder(admin).schema(schema).build();
            store.migrate();
            CreditGate gate = gate(store);
            gate.grant("user-1", 10, "credits");

            assertThat(gate.charge("user-1", 3, "x")).isCharged().hasBalanceAfter(7);
            long balance = admin.withHandle(h -> h.createQuery("SELECT balance FROM " + schema
                    + ".credit_accounts").mapTo(Long.class).one());
            assertThat(balance).isEqualTo(7);
            assertThat(store.describe()).isEqualTo("postgresql schema=" + schema
                    + " accounts=credit_accounts ledger=credit_ledger holds=credit_holds");
        } finally {
            admin.useHandle(h -> h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
        }
    }

    @Test
    void configuredNamesMustBePlainIdentifiers() {
        assertThatThrownBy(() -> JdbiBalanceStore.builder(admin).schema("app; drop table x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema must match");
        assertThatThrownBy(() -> JdbiBalanceStore.builder(admin).accountsTable("credit\"accounts"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbiBalanceStore.builder(admin).ledgerTable("a".repeat(60)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbiBalanceStore.builder(admin).accountsTable("same").ledgerTable("same").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreachableDatabaseIsUnavailableAndNothingIsCharged() {
        DataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
        ((org.postgresql.ds.PGSimpleDataSource) nowhere).setURL("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=1");
        CreditGate gate = CreditGate.builder().store(JdbiBalanceStore.create(Jdbi.create(nowhere))).build();

        assertThatThrownBy(() -> gate.charge("user-1", 2, "audio.upload"))
                .isInstanceOfSatisfying(dev.creditgate.CreditStoreUnavailableException.class,
                        e -> assertThat(e.attempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS));
    }
}
