package dev.creditgate.jdbi;

import dev.creditgate.jdbi.DoctorFinding.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@link CreditGateDoctor#examine()} found, one finding per check in the order the checks ran.
 *
 * @param findings every finding, including the checks that passed ({@link Severity#OK})
 */
public record DoctorReport(List<DoctorFinding> findings) {

    /**
     * Copies the findings.
     *
     * @param findings every finding, including the checks that passed
     * @throws NullPointerException if findings is null
     */
    public DoctorReport {
        findings = List.copyOf(findings);
    }

    /**
     * The most serious severity among the findings.
     *
     * @return the worst severity, {@link Severity#OK} when there are no findings
     */
    public Severity worst() {
        return findings.stream().map(DoctorFinding::severity).max(Comparator.naturalOrder()).orElse(Severity.OK);
    }

    /**
     * Whether nothing needs attention.
     *
     * @return {@code true} exactly when no finding is a {@link Severity#WARNING} or an {@link Severity#ERROR}
     */
    public boolean healthy() {
        return worst().compareTo(Severity.WARNING) < 0;
    }

    /**
     * The finding of one check.
     *
     * @param check a check identifier, such as {@code drift}
     * @return its finding, empty if that check did not run
     */
    public Optional<DoctorFinding> finding(String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst();
    }
}
