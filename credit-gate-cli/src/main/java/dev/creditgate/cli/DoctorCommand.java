package dev.creditgate.cli;

import dev.creditgate.jdbi.CreditGateDoctor;
import dev.creditgate.jdbi.DoctorFinding;
import dev.creditgate.jdbi.DoctorReport;
import dev.creditgate.jdbi.JdbiBalanceStore;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs {@link CreditGateDoctor} on the store's database and prints its findings. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Examines the database behind a store and says what is wrong and how to fix it.",
            "Tables, keys and CHECK constraint; duplicate and negative balance rows; ledger drift (on a sample); "
                    + "row-level security and its policies for the connecting role; privileges; holds expired "
                    + "unsettled or due for purge; Citus distribution; settings; round-trip latency. Read-only.",
            "Exit code: 0 when nothing needs attention, 1 when a finding is a WARNING, 4 when one is an ERROR."},
        footerHeading = "%nExample:%n",
        footer = "  credit-gate doctor --jdbc-url 'jdbc:postgresql://localhost/app?user=app'")
final class DoctorCommand extends StoreCommand {

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "how long settled holds may stay before a purge is due (default: ${DEFAULT-VALUE})")
    Duration retention;

    @Option(names = "--drift-sample", paramLabel = "ACCOUNTS", defaultValue = "1000",
            description = "how many accounts' ledgers to sum against their balance (default: ${DEFAULT-VALUE})")
    int driftSample;

    @Override
    public Integer call() {
        if (driftSample < 1 || driftSample > 1_000_000) {
            throw new picocli.CommandLine.ParameterException(output.spec.commandLine(), "--drift-sample must be between 1 and "
                    + "1000000, got " + driftSample);
        }
        JdbiBalanceStore examined = store.store();
        DoctorReport report = CreditGateDoctor.of(examined).holdRetention(retention).driftSample(driftSample)
                .examine();
        View.Rows findings = new View.Rows("findings", "severity", "check", "title");
        View.Group view = new View.Group("credit-gate doctor: " + examined.describe()).with("findings", findings);
        for (DoctorFinding finding : report.findings()) {
            findings.add(finding.severity().name(), finding.check(), finding.title());
        }
        for (DoctorFinding finding : report.findings()) {
            if (finding.severity().compareTo(DoctorFinding.Severity.WARNING) >= 0) {
                View.Fields fields = new View.Fields(finding.severity() + " " + finding.check() + ": "
                        + finding.title())
                        .with("explanation", finding.explanation())
                        .with("fix", finding.fix());
                if (!finding.details().isEmpty()) {
                    fields.with("details", String.join(" | ", finding.details()));
                }
                view.with(finding.check(), fields);
            }
        }
        view.with("verdict", new View.Fields("verdict").with("healthy", report.healthy())
                .with("worst", report.worst().name()));
        output.print(view);
        return switch (report.worst()) {
            case OK, INFO -> ExitCodes.OK;
            case WARNING -> ExitCodes.REJECTED;
            case ERROR -> ExitCodes.MISCONFIGURED;
        };
    }
}
