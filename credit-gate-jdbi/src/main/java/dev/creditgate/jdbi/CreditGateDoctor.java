package dev.creditgate.jdbi;

import dev.creditgate.jdbi.DoctorFinding.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Examines a database the way an operator would at 2 a.m. after "users with credits get 402": are the tables,
 * keys and constraints there, do accounts have duplicate or negative balance rows, does each account's ledger sum
 * to its balance, does row-level security hide rows from the role the application connects as, does that role
 * have the privileges it needs, are holds expiring unsettled or piling up, which server settings matter, and how
 * long a round trip takes.
 *
 * <pre>{@code
 * DoctorReport report = CreditGateDoctor.of(store).examine();
 * report.findings().forEach(f -> System.out.println(f.severity() + " " + f.check() + ": " + f.title()));
 * }</pre>
 *
 * <p>It connects through the store's own {@link Jdbi}, so it sees exactly what the application's role sees. Every
 * query is read-only, runs in its own short transaction under a statement timeout, and reads a bounded amount
 * (drift is checked on a sample of accounts); a check that cannot run is reported as a finding of its own, never
 * thrown. Safe to run beside live traffic.
 */
public final class CreditGateDoctor {

    /** The most detail lines a finding carries. */
    public static final int MAX_DETAILS = 10;

    /** The default retention after which settled holds are due for {@link JdbiBalanceStore#purgeSettledHolds}. */
    public static final Duration DEFAULT_HOLD_RETENTION = Duration.ofDays(7);

    /** The default number of accounts whose ledger is summed by the drift check. */
    public static final int DEFAULT_DRIFT_SAMPLE = 1_000;

    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    private static final int LATENCY_PROBES = 5;
    private static final long SLOW_ROUND_TRIP_MICROS = 50_000;

    private final Jdbi jdbi;
    private final Tables tables;
    private final PostgresSql sql;
    private final Duration holdRetention;
    private final int driftSample;

    private CreditGateDoctor(Jdbi jdbi, Tables tables, Duration holdRetention, int driftSample) {
        this.jdbi = jdbi;
        this.tables = tables;
        this.sql = new PostgresSql(tables);
        this.holdRetention = holdRetention;
        this.driftSample = driftSample;
    }

    /**
     * A doctor for a store's tables (schema, table names, adopted table), connecting as the store does.
     *
     * @param store the store to examine
     * @return the doctor, with the default retention and drift sample
     */
    public static CreditGateDoctor of(JdbiBalanceStore store) {
        Objects.requireNonNull(store, "store");
        return new CreditGateDoctor(store.jdbi(), store.tables(), DEFAULT_HOLD_RETENTION, DEFAULT_DRIFT_SAMPLE);
    }

    /**
     * A doctor that reports settled holds as due for purging once they are older than {@code retention}.
     *
     * @param retention how long settled holds may stay, at least zero
     * @return a new doctor
     * @throws IllegalArgumentException if retention is negative
     */
    public CreditGateDoctor holdRetention(Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        return new CreditGateDoctor(jdbi, tables, retention, driftSample);
    }

    /**
     * A doctor whose drift check sums the ledgers of at most {@code accounts} accounts.
     *
     * @param accounts from 1 to 1,000,000
     * @return a new doctor
     * @throws IllegalArgumentException if out of range
     */
    public CreditGateDoctor driftSample(int accounts) {
        if (accounts < 1 || accounts > 1_000_000) {
            throw new IllegalArgumentException("driftSample must be between 1 and 1000000, got " + accounts);
        }
        return new CreditGateDoctor(jdbi, tables, holdRetention, accounts);
    }

    /**
     * Runs every check. Never throws for what it finds, nor for a check that fails to run (that is a finding too).
     *
     * @return the findings, one per check that applies, in a fixed order
     */
    public DoctorReport examine() {
        DoctorChecks checks = new DoctorChecks(tables, sql, holdRetention, driftSample);
        DoctorFinding reachable = latency();
        if (reachable.severity() == Severity.ERROR) {
            return new DoctorReport(List.of(reachable));
        }
        List<DoctorFinding> findings = new ArrayList<>();
        DoctorFinding present = run(DoctorChecks.TABLES, checks::tables);
        findings.add(present);
        boolean accountsTable = present.severity() == Severity.OK || !present.details().contains(sql.accounts());
        boolean storeTables = present.severity() == Severity.OK;
        if (accountsTable) {
            findings.add(run(DoctorChecks.PRIMARY_KEY, checks::primaryKey));
            findings.add(run(DoctorChecks.DUPLICATE_ACCOUNTS, checks::duplicateAccounts));
            findings.add(run(DoctorChecks.CHECK_CONSTRAINT, checks::checkConstraint));
            findings.add(run(DoctorChecks.NEGATIVE_BALANCES, checks::negativeBalances));
        }
        if (storeTables) {
            findings.add(run(DoctorChecks.DRIFT, checks::drift));
            findings.add(run(DoctorChecks.EXPIRED_HOLDS, checks::expiredHolds));
            findings.add(run(DoctorChecks.SETTLED_HOLDS, checks::settledHolds));
            findings.add(run(DoctorChecks.DISTRIBUTION, checks::distribution));
        }
        findings.add(run(DoctorChecks.ROW_LEVEL_SECURITY, checks::rowLevelSecurity));
        findings.add(run(DoctorChecks.PRIVILEGES, checks::privileges));
        findings.add(run(DoctorChecks.SETTINGS, checks::settings));
        findings.add(reachable);
        return new DoctorReport(findings.stream().filter(Objects::nonNull).toList());
    }

    /** One check in its own read-only transaction under a timeout; its failure becomes a finding. */
    private DoctorFinding run(String check, java.util.function.Function<Handle, DoctorFinding> body) {
        try {
            return jdbi.inTransaction(handle -> {
                handle.execute("SET TRANSACTION READ ONLY");
                // The settings check reports the session's own timeout, so it runs under that one: it reads no table.
                if (!check.equals(DoctorChecks.SETTINGS)) {
                    handle.execute("SET LOCAL statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
                }
                return body.apply(handle);
            });
        } catch (RuntimeException failure) {
            String message = String.valueOf(rootMessage(failure));
            return new DoctorFinding(check, Severity.WARNING, "the check could not run",
                    "The database answered this check with an error, so what it looks for is unknown.",
                    "Read the error; a missing privilege on a catalog or a timeout on a very large table are the "
                            + "usual causes.",
                    List.of(message.length() > 300 ? message.substring(0, 300) + "..." : message));
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage().strip();
    }

    /** Median of a few {@code SELECT 1} round trips on one connection, the first (connecting) not counted. */
    private DoctorFinding latency() {
        try {
            long[] micros = jdbi.withHandle(handle -> {
                handle.createQuery("SELECT 1").mapTo(Integer.class).one();
                long[] probes = new long[LATENCY_PROBES];
                for (int i = 0; i < probes.length; i++) {
                    long start = System.nanoTime();
                    handle.createQuery("SELECT 1").mapTo(Integer.class).one();
                    probes[i] = (System.nanoTime() - start) / 1_000;
                }
                return probes;
            });
            Arrays.sort(micros);
            long median = micros[micros.length / 2];
            String title = "round trip " + median + " µs (median of " + LATENCY_PROBES + ")";
            if (median > SLOW_ROUND_TRIP_MICROS) {
                return new DoctorFinding(DoctorChecks.LATENCY, Severity.WARNING, title,
                        "Every charge is at least one round trip; at this latency a charge cannot take less, and "
                                + "the gate's retry budget is spent sooner.",
                        "Put the application near its database, or use batching to share round trips.",
                        List.of(Arrays.toString(micros) + " µs"));
            }
            return DoctorFinding.ok(DoctorChecks.LATENCY, title);
        } catch (RuntimeException failure) {
            return new DoctorFinding(DoctorChecks.LATENCY, Severity.ERROR, "the database cannot be reached",
                    "No charge can be decided while the database does not answer: the gate reports "
                            + "CreditStoreUnavailableException (503), never a 402.",
                    "Check the JDBC URL, the network and the server.", List.of(rootMessage(failure)));
        }
    }
}
