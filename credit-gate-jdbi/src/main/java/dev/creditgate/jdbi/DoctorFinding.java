package dev.creditgate.jdbi;

import java.util.List;
import java.util.Objects;

/**
 * One thing {@link CreditGateDoctor} found: which check, how serious, what it means and how to fix it.
 *
 * @param check the check's stable identifier, lower-case words joined by hyphens (for example {@code drift})
 * @param severity how serious it is
 * @param title one line saying what was found
 * @param explanation why it matters, in the terms of the incident it can cause
 * @param fix what to do about it (empty when nothing needs doing)
 * @param details bounded samples behind the finding: account ids, counts, policy definitions (at most
 *     {@link CreditGateDoctor#MAX_DETAILS} lines)
 */
public record DoctorFinding(String check, Severity severity, String title, String explanation, String fix,
        List<String> details) {

    /** How serious a finding is, in increasing order. */
    public enum Severity {
        /** The check passed. */
        OK,
        /** Worth knowing; nothing is wrong. */
        INFO,
        /** Something will go wrong under some load or fault, or needs maintenance. */
        WARNING,
        /** Something is wrong now: charges fail, answer falsely, or the data disagrees with itself. */
        ERROR
    }

    /**
     * Validates the fields and copies the details.
     *
     * @param check the check's stable identifier
     * @param severity how serious it is
     * @param title one line saying what was found
     * @param explanation why it matters
     * @param fix what to do about it (empty when nothing needs doing)
     * @param details bounded samples behind the finding
     * @throws NullPointerException if any argument is null
     */
    public DoctorFinding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(fix, "fix");
        details = List.copyOf(details);
    }

    static DoctorFinding ok(String check, String title) {
        return new DoctorFinding(check, Severity.OK, title, "", "", List.of());
    }
}
