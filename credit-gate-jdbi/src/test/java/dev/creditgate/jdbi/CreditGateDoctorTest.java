package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.DoctorFinding.Severity;
import dev.creditgate.test.PostgresTestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** The doctor finds each of the incident's problems planted in a real database, and nothing on a healthy one. */
class CreditGateDoctorTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    /** The schema's owner, in the class's schema. */
    private static Jdbi admin;

    @BeforeAll
    static void connect() {
        admin = Jdbi.create(db.dataSource());
    }

    private static JdbiBalanceStore store(Jdbi jdbi, String prefix) {
        return JdbiBalanceStore.builder(jdbi).accountsTable(prefix + "_accounts").ledgerTable(prefix + "_ledger")
                .holdsTable(prefix + "_holds").build();
    }

    /** A migrated store with traffic on every path. */
    private static JdbiBalanceStore busyStore(String prefix) {
        JdbiBalanceStore store = store(admin, prefix);
        store.migrate();
        CreditGate gate = CreditGate.builder().store(store).build();
        gate.grant("user-1", 100, "funds");
        String charge = gate.charge("user-1", 2, "upload").orElseThrow().transactionId();
        gate.refund("user-1", charge, "deleted");
        gate.capture(gate.reserve("user-1", 10, "render", Duration.ofMinutes(5)).reservedOrThrow().reservationId(),
                8);
        gate.release(gate.reserve("user-1", 5, "render", Duration.ofMinutes(5)).reservedOrThrow().reservationId());
        return store;
    }

    private static Map<String, Severity> severities(DoctorReport report) {
        return report.findings().stream().collect(Collectors.toMap(DoctorFinding::check, DoctorFinding::severity));
    }

    @Test
    void aHealthyDatabaseWithTrafficHasNothingWrong() {
        DoctorReport report = CreditGateDoctor.of(busyStore("healthy")).examine();

        assertThat(report.healthy()).as("%s", report).isTrue();
        assertThat(severities(report)).containsAllEntriesOf(Map.of(
                "tables", Severity.OK, "primary-key", Severity.OK, "duplicate-accounts", Severity.OK,
                "check-constraint", Severity.OK, "negative-balances", Severity.OK, "drift", Severity.OK,
                "expired-holds", Severity.OK, "settled-holds", Severity.OK, "row-level-security", Severity.OK,
                "latency", Severity.OK));
        assertThat(report.finding("privileges").orElseThrow().severity()).isEqualTo(Severity.OK);
        assertThat(report.finding("drift").orElseThrow().title())
                .isEqualTo("the ledger sums to the balance on every account checked (1)");
        assertThat(report.findings()).extracting(DoctorFinding::check).containsExactly("tables", "primary-key",
                "duplicate-accounts", "check-constraint", "negative-balances", "drift", "expired-holds",
                "settled-holds", "row-level-security", "privileges", "settings", "latency");
    }

    @Test
    void theIncidentsTableIsDiagnosed() {
        admin.useHandle(h -> {
            h.execute("CREATE TABLE user_credits (user_id text, credits bigint)");
            h.execute("INSERT INTO user_credits VALUES ('user-1', 20000), ('user-1', 0), ('user-2', -4), "
                    + "('user-3', 7)");
        });
        JdbiBalanceStore store = JdbiBalanceStore.builder(admin)
                .adoptAccountTable("user_credits", "user_id", "credits", AccountIdType.TEXT)
                .ledgerTable("legacy_ledger").holdsTable("legacy_holds").build();

        DoctorReport report = CreditGateDoctor.of(store).examine();

        assertThat(report.healthy()).isFalse();
        assertThat(report.worst()).isEqualTo(Severity.ERROR);
        assertThat(report.finding("tables").orElseThrow().details())
                .containsExactly("\"legacy_ledger\"", "\"legacy_holds\"");
        assertThat(report.finding("primary-key").orElseThrow().severity()).isEqualTo(Severity.ERROR);
        assertThat(report.finding("duplicate-accounts").orElseThrow().details()).containsExactly("user-1: 2 rows");
        assertThat(report.finding("check-constraint").orElseThrow().severity()).isEqualTo(Severity.WARNING);
        assertThat(report.finding("negative-balances").orElseThrow().details()).containsExactly("user-2: -4");
        assertThat(report.finding("drift")).isEmpty();
    }

    @Test
    void balancesChangedBehindTheLedgersBackAreDrift() {
        JdbiBalanceStore store = busyStore("drifted");
        admin.useHandle(h -> h.execute("UPDATE drifted_accounts SET balance = balance + 5 WHERE account_id = 'user-1'"));

        DoctorFinding drift = CreditGateDoctor.of(store).examine().finding("drift").orElseThrow();

        assertThat(drift.severity()).isEqualTo(Severity.ERROR);
        assertThat(drift.title()).isEqualTo("1 of 1 accounts checked have a balance their ledger does not explain");
        assertThat(drift.details()).containsExactly("user-1: balance 97, ledger sums to 92");
    }

    @Test
    void rowLevelSecurityHidingRowsFromTheApplicationRoleIsShownWithItsPolicy() {
        busyStore("hidden");
        String app = db.createRole("doctor_app");
        admin.useHandle(h -> {
            h.execute("GRANT SELECT, INSERT, UPDATE ON hidden_accounts, hidden_ledger, hidden_holds TO " + app);
            h.execute("ALTER TABLE hidden_accounts ENABLE ROW LEVEL SECURITY");
            h.execute("CREATE POLICY tenant_only ON hidden_accounts FOR SELECT TO " + app
                    + " USING (account_id = current_setting('app.tenant', true))");
        });

        DoctorReport report = CreditGateDoctor.of(store(Jdbi.create(db.dataSourceAs(app)), "hidden")).examine();

        DoctorFinding rls = report.finding("row-level-security").orElseThrow();
        assertThat(rls.severity()).as("%s", report).isEqualTo(Severity.WARNING);
        assertThat(rls.details()).containsExactly(
                "\"hidden_accounts\": enabled, " + app + " is subject to it",
                "\"hidden_accounts\" policy tenant_only (SELECT) USING (account_id = current_setting('app.tenant'::text, true))");
        assertThat(report.finding("privileges").orElseThrow().severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void theOwnerIsNotSubjectToRowLevelSecurityUnlessItIsForced() {
        busyStore("owned");
        admin.useHandle(h -> h.execute("ALTER TABLE owned_ledger ENABLE ROW LEVEL SECURITY"));

        DoctorFinding rls = CreditGateDoctor.of(store(admin, "owned")).examine().finding("row-level-security")
                .orElseThrow();

        assertThat(rls.severity()).isEqualTo(Severity.INFO);
        assertThat(rls.details()).hasSize(1).first().asString().startsWith("\"owned_ledger\": enabled, but ");
    }

    @Test
    void aMissingPrivilegeIsNamed() {
        busyStore("granted");
        String app = db.createRole("doctor_reader");
        admin.useHandle(h -> h.execute("GRANT SELECT, INSERT, UPDATE ON granted_accounts, granted_holds TO " + app
                + "; GRANT SELECT ON granted_ledger TO " + app));

        DoctorFinding privileges = CreditGateDoctor.of(store(Jdbi.create(db.dataSourceAs(app)), "granted")).examine()
                .finding("privileges").orElseThrow();

        assertThat(privileges.severity()).isEqualTo(Severity.ERROR);
        assertThat(privileges.details()).containsExactly("INSERT on \"granted_ledger\"", "UPDATE on \"granted_ledger\"");
    }

    @Test
    void holdsExpiredUnsettledAndSettledHoldsPastTheRetentionAreReported() {
        JdbiBalanceStore store = busyStore("stale");
        CreditGate gate = CreditGate.builder().store(store).build();
        gate.reserve("user-1", 3, "render", Duration.ofMinutes(5)).reservedOrThrow();
        admin.useHandle(h -> {
            h.execute("UPDATE stale_holds SET expires_at = '2026-01-01T00:00:00Z' WHERE state = 'HELD'");
            h.execute("UPDATE stale_holds SET settled_at = now() - interval '30 days' WHERE state <> 'HELD'");
        });

        DoctorReport report = CreditGateDoctor.of(store).holdRetention(Duration.ofDays(7)).examine();

        DoctorFinding expired = report.finding("expired-holds").orElseThrow();
        assertThat(expired.severity()).isEqualTo(Severity.WARNING);
        assertThat(expired.title()).isEqualTo("1 holds expired without a capture or a release");
        assertThat(expired.details()).hasSize(1).first().asString().startsWith("user-1: 3 credits held until 2026-01-01");
        DoctorFinding settled = report.finding("settled-holds").orElseThrow();
        assertThat(settled.severity()).isEqualTo(Severity.WARNING);
        assertThat(settled.title()).isEqualTo("3 settled or expired holds are older than the retention of 7 d");
        assertThat(settled.details()).containsExactly("3 rows due");

        store.purgeSettledHolds(Duration.ofDays(7));
        assertThat(CreditGateDoctor.of(store).examine().finding("settled-holds").orElseThrow().severity())
                .isEqualTo(Severity.OK);
    }

    @Test
    void settingsThatMatterAreShown() {
        busyStore("tuned");
        PGSimpleDataSource serializable = new PGSimpleDataSource();
        serializable.setURL(db.jdbcUrl());
        serializable.setUser(db.user());
        serializable.setPassword(db.password());
        serializable.setOptions("-c default_transaction_isolation=serializable -c statement_timeout=0");

        DoctorFinding settings = CreditGateDoctor.of(store(Jdbi.create(serializable), "tuned")).examine()
                .finding("settings").orElseThrow();

        assertThat(settings.severity()).isEqualTo(Severity.WARNING);
        assertThat(settings.title()).isEqualTo("default_transaction_isolation is serializable");
        assertThat(settings.details()).contains("default_transaction_isolation = serializable",
                "statement_timeout = 0");
    }

    @Test
    void anUnreachableDatabaseIsTheOnlyFinding() {
        PGSimpleDataSource closed = new PGSimpleDataSource();
        closed.setURL("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2");

        DoctorReport report = CreditGateDoctor.of(JdbiBalanceStore.create(Jdbi.create(closed))).examine();

        assertThat(report.findings()).extracting(DoctorFinding::check, DoctorFinding::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("latency", Severity.ERROR));
    }

    @Test
    void optionsAreValidated() {
        CreditGateDoctor doctor = CreditGateDoctor.of(JdbiBalanceStore.create(admin));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> doctor.driftSample(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("driftSample must be between 1 and 1000000, got 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> doctor.holdRetention(Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-24H");
        assertThat(List.of(Severity.values())).containsExactly(Severity.OK, Severity.INFO, Severity.WARNING,
                Severity.ERROR);
    }
}
