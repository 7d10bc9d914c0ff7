package dev.creditgate.spring.boot;

import dev.creditgate.jdbi.CreditGateDoctor;
import dev.creditgate.jdbi.DoctorFinding;
import dev.creditgate.jdbi.DoctorReport;
import dev.creditgate.jdbi.JdbiBalanceStore;
import org.springframework.boot.health.contributor.Health;

/**
 * The PostgreSQL store's check: {@link CreditGateDoctor}, with ledger drift summed over a small sample of accounts so
 * that it stays quick. DOWN when a finding is an error (the database cannot be reached, a table is missing, the data
 * disagrees with itself); UP otherwise. Each finding that is not OK is a detail, as {@code SEVERITY: title}.
 */
final class DoctorProbe implements StoreProbe {

    /** Accounts whose ledger the drift check sums on each health check. */
    static final int DRIFT_SAMPLE = 100;

    private final CreditGateDoctor doctor;
    private final String store;

    DoctorProbe(JdbiBalanceStore store) {
        this.doctor = CreditGateDoctor.of(store).driftSample(DRIFT_SAMPLE);
        this.store = store.describe();
    }

    @Override
    public Health check() {
        DoctorReport report = doctor.examine();
        Health.Builder health = report.worst() == DoctorFinding.Severity.ERROR ? Health.down() : Health.up();
        health.withDetail("store", store).withDetail("worst", report.worst().name());
        for (DoctorFinding finding : report.findings()) {
            if (finding.severity() != DoctorFinding.Severity.OK) {
                health.withDetail(finding.check(), finding.severity().name() + ": " + finding.title());
            }
        }
        return health.build();
    }
}
