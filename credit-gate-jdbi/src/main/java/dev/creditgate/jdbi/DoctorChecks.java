package dev.creditgate.jdbi;

import dev.creditgate.jdbi.DoctorFinding.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The doctor's checks and their SQL, each a read-only function of a handle; names are validated and quoted. */
final class DoctorChecks {

    static final String TABLES = "tables";
    static final String PRIMARY_KEY = "primary-key";
    static final String DUPLICATE_ACCOUNTS = "duplicate-accounts";
    static final String CHECK_CONSTRAINT = "check-constraint";
    static final String NEGATIVE_BALANCES = "negative-balances";
    static final String DRIFT = "drift";
    static final String EXPIRED_HOLDS = "expired-holds";
    static final String SETTLED_HOLDS = "settled-holds";
    static final String DISTRIBUTION = "distribution";
    static final String ROW_LEVEL_SECURITY = "row-level-security";
    static final String PRIVILEGES = "privileges";
    static final String SETTINGS = "settings";
    static final String LATENCY = "latency";

    private final Tables tables;
    private final PostgresSql sql;
    private final String id;
    private final String balance;
    private final Duration holdRetention;
    private final int driftSample;

    DoctorChecks(Tables tables, PostgresSql sql, Duration holdRetention, int driftSample) {
        this.tables = tables;
        this.sql = sql;
        this.id = Identifiers.quote(tables.idColumn());
        this.balance = Identifiers.quote(tables.balanceColumn());
        this.holdRetention = holdRetention;
        this.driftSample = driftSample;
    }

    /** The store's three tables, each as the statements name it. */
    private List<String> storeTables() {
        return List.of(sql.accounts(), sql.ledger(), sql.holds());
    }

    DoctorFinding tables(Handle h) {
        List<String> missing = new ArrayList<>();
        for (String table : storeTables()) {
            if (!h.createQuery("SELECT to_regclass(:t) IS NOT NULL").bind("t", table).mapTo(Boolean.class).one()) {
                missing.add(table);
            }
        }
        if (missing.isEmpty()) {
            return DoctorFinding.ok(TABLES, "the accounts, ledger and holds tables are there");
        }
        return new DoctorFinding(TABLES, Severity.ERROR, missing.size() + " of the store's tables missing",
                "A charge on a missing table fails with CreditStoreMisconfiguredException (500): no account can pay.",
                "Run JdbiBalanceStore.migrate() (or `credit-gate migrate`) as the schema's owner, or check the "
                        + "schema and table names the store was configured with.",
                missing);
    }

    DoctorFinding primaryKey(Handle h) {
        boolean unique = h.createQuery("""
                SELECT EXISTS (
                    SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = to_regclass(:t) AND i.indisunique AND i.indnkeyatts = 1
                      AND i.indpred IS NULL AND a.attname = :column)
                """).bind("t", sql.accounts()).bind("column", tables.idColumn()).mapTo(Boolean.class).one();
        if (unique) {
            return DoctorFinding.ok(PRIMARY_KEY, "one balance row per account is enforced by a unique key on "
                    + tables.idColumn());
        }
        return new DoctorFinding(PRIMARY_KEY, Severity.ERROR, "no primary key or unique constraint on "
                + sql.accounts() + "(" + tables.idColumn() + ")",
                "Nothing stops an account from having two balance rows; a read that picks one of them at random "
                        + "is how the incident's \"random 402s\" start.",
                "Remove the duplicates (see duplicate-accounts), then ALTER TABLE " + sql.accounts()
                        + " ADD PRIMARY KEY (" + id + ");",
                List.of());
    }

    DoctorFinding duplicateAccounts(Handle h) {
        List<String> duplicates = h.createQuery("SELECT CAST(" + id + " AS text) || ': ' || count(*) || ' rows' FROM "
                        + sql.accounts() + " GROUP BY " + id + " HAVING count(*) > 1 ORDER BY count(*) DESC, 1 LIMIT "
                        + CreditGateDoctor.MAX_DETAILS)
                .mapTo(String.class).list();
        if (duplicates.isEmpty()) {
            return DoctorFinding.ok(DUPLICATE_ACCOUNTS, "no account has more than one balance row");
        }
        return new DoctorFinding(DUPLICATE_ACCOUNTS, Severity.ERROR,
                "accounts with more than one balance row" + (duplicates.size() == CreditGateDoctor.MAX_DETAILS
                        ? " (first " + CreditGateDoctor.MAX_DETAILS + ")" : ""),
                "Which row a read or an update meets is up to the plan: one request sees 20,000 credits, the next "
                        + "sees 0 and answers 402.",
                "Merge each account's rows into one (keeping the credits the user is owed), then add the primary "
                        + "key. The query: SELECT " + id + ", count(*) FROM " + sql.accounts() + " GROUP BY " + id
                        + " HAVING count(*) > 1;",
                duplicates);
    }

    DoctorFinding checkConstraint(Handle h) {
        boolean present = h.createQuery("""
                SELECT EXISTS (
                    SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid
                    WHERE c.conrelid = to_regclass(:t) AND c.contype = 'c' AND a.attname = :column
                      AND a.attnum = ANY (c.conkey))
                """).bind("t", sql.accounts()).bind("column", tables.balanceColumn()).mapTo(Boolean.class).one();
        if (present) {
            return DoctorFinding.ok(CHECK_CONSTRAINT, "a CHECK constraint guards " + tables.balanceColumn());
        }
        return new DoctorFinding(CHECK_CONSTRAINT, Severity.WARNING, "no CHECK constraint on "
                + tables.balanceColumn(),
                "credit-gate's conditional debit never overdraws, but any other code that writes the table can; "
                        + "the database should refuse a negative balance itself.",
                "ALTER TABLE " + sql.accounts() + " ADD CHECK (" + balance + " >= 0);", List.of());
    }

    DoctorFinding negativeBalances(Handle h) {
        List<String> negative = h.createQuery("SELECT CAST(" + id + " AS text) || ': ' || " + balance + " FROM "
                        + sql.accounts() + " WHERE " + balance + " < 0 ORDER BY " + balance + " LIMIT "
                        + CreditGateDoctor.MAX_DETAILS)
                .mapTo(String.class).list();
        if (negative.isEmpty()) {
            return DoctorFinding.ok(NEGATIVE_BALANCES, "no balance is negative");
        }
        return new DoctorFinding(NEGATIVE_BALANCES, Severity.ERROR, "accounts with a negative balance",
                "Credits were spent that the account did not have: a read-then-write race or a write outside the "
                        + "gate overdrew them.",
                "Find the writes in the ledger (credit-gate history ACCOUNT), correct the balances with grants, "
                        + "and add the CHECK constraint.",
                negative);
    }

    DoctorFinding drift(Handle h) {
        List<Map<String, Object>> rows = h.createQuery("""
                SELECT CAST(a.%2$s AS text) AS account, a.%3$s AS balance, l.total AS ledger
                FROM (SELECT %2$s, %3$s FROM %1$s LIMIT :sample) a
                CROSS JOIN LATERAL (SELECT COALESCE(sum(amount), 0) AS total FROM %4$s
                                    WHERE account_id = CAST(a.%2$s AS text)) l
                WHERE l.total <> a.%3$s
                ORDER BY 1
                """.formatted(sql.accounts(), id, balance, sql.ledger()))
                .bind("sample", driftSample).mapToMap().list();
        long sampled = h.createQuery("SELECT count(*) FROM (SELECT 1 FROM " + sql.accounts() + " LIMIT :sample) s")
                .bind("sample", driftSample).mapTo(Long.class).one();
        if (rows.isEmpty()) {
            return DoctorFinding.ok(DRIFT, "the ledger sums to the balance on every account checked ("
                    + sampled + ")");
        }
        List<String> details = rows.stream().limit(CreditGateDoctor.MAX_DETAILS)
                .map(r -> r.get("account") + ": balance " + r.get("balance") + ", ledger sums to " + r.get("ledger"))
                .toList();
        return new DoctorFinding(DRIFT, Severity.ERROR,
                rows.size() + " of " + sampled + " accounts checked have a balance their ledger does not explain",
                "Every change of balance should write a ledger entry in the same step. Drift means something "
                        + "changed balances behind the gate's back (a manual UPDATE, another writer, a restore).",
                "Find who writes the balance table outside credit-gate; correct each account with a grant or a "
                        + "charge so that the ledger records why.",
                details);
    }

    DoctorFinding expiredHolds(Handle h) {
        List<String> expired = h.createQuery("SELECT account_id || ': ' || amount || ' credits held until ' || "
                        + "expires_at FROM " + sql.holds() + " WHERE state = 'HELD' AND expires_at <= now() "
                        + "ORDER BY expires_at LIMIT " + CreditGateDoctor.MAX_DETAILS)
                .mapTo(String.class).list();
        if (expired.isEmpty()) {
            return DoctorFinding.ok(EXPIRED_HOLDS, "no hold has expired unsettled");
        }
        long count = h.createQuery("SELECT count(*) FROM " + sql.holds()
                + " WHERE state = 'HELD' AND expires_at <= now()").mapTo(Long.class).one();
        return new DoctorFinding(EXPIRED_HOLDS, Severity.WARNING,
                count + " holds expired without a capture or a release",
                "Their credits are available again (an expired hold no longer counts), but the work they paid for "
                        + "was never settled: a process died mid-upload, or the work outlived its hold's TTL.",
                "Look for crashed workers or TTLs shorter than the work; purgeSettledHolds removes the rows.",
                expired);
    }

    DoctorFinding settledHolds(Handle h) {
        long due = h.createQuery("SELECT count(*) FROM " + sql.holds() + " WHERE CASE WHEN state = 'HELD' THEN "
                        + "expires_at ELSE settled_at END < now() - CAST(:millis AS bigint) * interval '1 millisecond'")
                .bind("millis", holdRetention.toMillis()).mapTo(Long.class).one();
        if (due == 0) {
            return DoctorFinding.ok(SETTLED_HOLDS, "no settled hold is older than the retention of "
                    + readable(holdRetention));
        }
        return new DoctorFinding(SETTLED_HOLDS, Severity.WARNING,
                due + " settled or expired holds are older than the retention of " + readable(holdRetention),
                "Settled hold rows are kept only for the record; left to pile up they slow every reservation's "
                        + "look-ups and the table's vacuum.",
                "Run store.purgeSettledHolds(Duration.ofDays(7)) or `credit-gate holds purge` from a scheduled job.",
                List.of(due + " rows due"));
    }

    /** A retention as an operator writes it: {@code 7 d}, {@code 36 h}, {@code 90 min}, else ISO-8601. */
    static String readable(Duration duration) {
        long seconds = duration.getSeconds();
        if (duration.getNano() != 0 || seconds == 0) {
            return duration.toString();
        }
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + " d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + " h";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** Null (no finding) unless the database has Citus. */
    DoctorFinding distribution(Handle h) {
        if (!CitusDistribution.present(h)) {
            return null;
        }
        List<String> distributed = h.createQuery("""
                SELECT logicalrelid::text || ' by ' || column_to_column_name(logicalrelid, partkey)
                       || ', co-location group ' || colocationid
                FROM pg_dist_partition WHERE logicalrelid IN (to_regclass(:a), to_regclass(:l), to_regclass(:h))
                ORDER BY 1
                """).bind("a", sql.accounts()).bind("l", sql.ledger()).bind("h", sql.holds())
                .mapTo(String.class).list();
        long groups = distributed.stream().map(line -> line.substring(line.lastIndexOf(' ') + 1)).distinct().count();
        if (distributed.size() == 3 && groups == 1) {
            return new DoctorFinding(DISTRIBUTION, Severity.OK, "the three tables are distributed by account and "
                    + "co-located", "", "", distributed);
        }
        return new DoctorFinding(DISTRIBUTION, Severity.WARNING,
                "on Citus, the store's tables are not distributed by account in one co-location group",
                "Local tables on the coordinator carry every charge on one node; tables distributed apart make each "
                        + "charge a distributed transaction.",
                "Run JdbiBalanceStore.migrate(): it distributes the store's own tables (an adopted one with "
                        + "distributeAdoptedTable(true)).",
                distributed);
    }

    DoctorFinding rowLevelSecurity(Handle h) {
        List<String> subjectTo = new ArrayList<>();
        List<String> notSubject = new ArrayList<>();
        List<String> policies = new ArrayList<>();
        Map<String, Object> role = h.createQuery("SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles "
                + "WHERE rolname = current_user").mapToMap().one();
        boolean exempt = Boolean.TRUE.equals(role.get("rolsuper")) || Boolean.TRUE.equals(role.get("rolbypassrls"));
        for (String table : storeTables()) {
            List<Map<String, Object>> rows = h.createQuery("""
                    SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                           pg_has_role(current_user, c.relowner, 'USAGE') AS owner
                    FROM pg_class c WHERE c.oid = to_regclass(:t)
                    """).bind("t", table).mapToMap().list();
            if (rows.isEmpty() || !Boolean.TRUE.equals(rows.get(0).get("enabled"))) {
                continue;
            }
            boolean forced = Boolean.TRUE.equals(rows.get(0).get("forced"));
            boolean owner = Boolean.TRUE.equals(rows.get(0).get("owner"));
            if (exempt || (owner && !forced)) {
                notSubject.add(table + ": enabled" + (forced ? " and forced" : "") + ", but " + role.get("name")
                        + (exempt ? " bypasses it" : " owns the table"));
                continue;
            }
            subjectTo.add(table + ": enabled" + (forced ? " and forced" : "") + ", " + role.get("name")
                    + " is subject to it");
            policies.addAll(h.createQuery("""
                    SELECT p.polname || ' (' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                           WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
                           || CASE WHEN p.polpermissive THEN '' ELSE ', restrictive' END || ') USING '
                           || COALESCE(pg_get_expr(p.polqual, p.polrelid), 'true')
                           || COALESCE(' WITH CHECK ' || pg_get_expr(p.polwithcheck, p.polrelid), '')
                    FROM pg_policy p
                    WHERE p.polrelid = to_regclass(:t)
                      AND (p.polroles = '{0}' OR EXISTS (SELECT 1 FROM unnest(p.polroles) r
                                                         WHERE pg_has_role(current_user, r, 'USAGE')))
                    ORDER BY 1
                    """).bind("t", table).mapTo(String.class).list().stream().map(p -> table + " policy " + p)
                    .toList());
        }
        if (!subjectTo.isEmpty()) {
            List<String> details = new ArrayList<>(subjectTo);
            details.addAll(policies.isEmpty() ? List.of("no policy applies to " + role.get("name")
                    + ": every row is hidden") : policies);
            return new DoctorFinding(ROW_LEVEL_SECURITY, Severity.WARNING,
                    "row-level security filters the store's tables for " + role.get("name"),
                    "A row the policies hide is an account that does not exist (404), and one that can be read but "
                            + "not updated is a misconfiguration (500): credit-gate never turns either into a 402, "
                            + "but users see them. The incident's 402s began with exactly such a policy.",
                    "Let credit-gate connect as a service role that the policies admit for SELECT and UPDATE of "
                            + "every account it charges (or that has BYPASSRLS), or review the policies below.",
                    details.subList(0, Math.min(details.size(), CreditGateDoctor.MAX_DETAILS)));
        }
        if (!notSubject.isEmpty()) {
            return new DoctorFinding(ROW_LEVEL_SECURITY, Severity.INFO, "row-level security is on, but "
                    + role.get("name") + " is not subject to it", "", "", notSubject);
        }
        return DoctorFinding.ok(ROW_LEVEL_SECURITY, "no row-level security on the store's tables");
    }

    DoctorFinding privileges(Handle h) {
        List<String> missing = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (String table : storeTables()) {
            if (!h.createQuery("SELECT to_regclass(:t) IS NOT NULL").bind("t", table).mapTo(Boolean.class).one()) {
                continue;
            }
            for (String privilege : List.of("SELECT", "INSERT", "UPDATE", "DELETE")) {
                boolean held = h.createQuery("SELECT has_table_privilege(current_user, to_regclass(:t), :p)")
                        .bind("t", table).bind("p", privilege).mapTo(Boolean.class).one();
                if (held) {
                    continue;
                }
                boolean needed = !privilege.equals("DELETE")
                        && !(privilege.equals("INSERT") && table.equals(sql.accounts()) && !tables.ownsAccountsTable());
                if (!needed) {
                    if (privilege.equals("DELETE") && table.equals(sql.holds())) {
                        optional.add("DELETE on " + table + " (only purgeSettledHolds needs it)");
                    }
                    continue;
                }
                missing.add(privilege + " on " + table);
            }
        }
        String role = h.createQuery("SELECT current_user").mapTo(String.class).one();
        if (!missing.isEmpty()) {
            return new DoctorFinding(PRIVILEGES, Severity.ERROR, role + " lacks privileges the store needs",
                    "Each operation that needs a missing privilege fails with CreditStoreMisconfiguredException "
                            + "(42501): never retried, never a 402, but no account can pay.",
                    "GRANT SELECT, INSERT, UPDATE ON " + String.join(", ", storeTables()) + " TO " + role + ";",
                    missing);
        }
        if (!optional.isEmpty()) {
            return new DoctorFinding(PRIVILEGES, Severity.INFO, role + " has every privilege charges need",
                    "", "Run the purge as a role with DELETE on the holds table.", optional);
        }
        return DoctorFinding.ok(PRIVILEGES, role + " has every privilege the store needs");
    }

    DoctorFinding settings(Handle h) {
        Map<String, Object> s = h.createQuery("""
                SELECT current_setting('statement_timeout') AS statement_timeout,
                       current_setting('lock_timeout') AS lock_timeout,
                       current_setting('idle_in_transaction_session_timeout') AS idle_timeout,
                       current_setting('default_transaction_isolation') AS isolation
                """).mapToMap().one();
        List<String> details = List.of(
                "statement_timeout = " + s.get("statement_timeout"),
                "lock_timeout = " + s.get("lock_timeout"),
                "idle_in_transaction_session_timeout = " + s.get("idle_timeout"),
                "default_transaction_isolation = " + s.get("isolation"));
        if (!"read committed".equals(s.get("isolation"))) {
            return new DoctorFinding(SETTINGS, Severity.WARNING,
                    "default_transaction_isolation is " + s.get("isolation"),
                    "credit-gate decides under row locks with READ COMMITTED; on other levels it runs every locked "
                            + "path again in a transaction of its own, two more round trips.",
                    "Leave the application's connections at READ COMMITTED (PostgreSQL's default).", details);
        }
        boolean unbounded = "0".equals(s.get("statement_timeout")) || "0".equals(s.get("lock_timeout"));
        if (unbounded) {
            return new DoctorFinding(SETTINGS, Severity.INFO, "statements and lock waits are not bounded",
                    "The gate's retry budget bounds when an attempt may start, not how long one waits: a stuck lock "
                            + "holds the request until the client gives up.",
                    "Set them on the application's connections, e.g. "
                            + "options=-c statement_timeout=5s -c lock_timeout=2s in the JDBC URL.",
                    details);
        }
        return new DoctorFinding(SETTINGS, Severity.OK, "statements and lock waits are bounded", "", "", details);
    }
}
