package dev.creditgate.examples.upload;

import dev.creditgate.CreditGate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start-up: creates the uploads table when the credit tables are migrated too ({@code creditgate.migrate=true}),
 * and grants the demo users their credits once (the grant's idempotency key makes a restart grant nothing).
 */
@Component
class DemoData implements ApplicationRunner {

    private final Uploads uploads;
    private final CreditGate gate;
    private final UploadServiceProperties properties;
    private final boolean migrate;

    DemoData(Uploads uploads, CreditGate gate, UploadServiceProperties properties,
            @Value("${creditgate.migrate:false}") boolean migrate) {
        this.uploads = uploads;
        this.gate = gate;
        this.properties = properties;
        this.migrate = migrate;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (migrate) {
            uploads.createTable();
        }
        if (properties.grantCredits()) {
            properties.users().forEach((user, credits) -> {
                if (credits > 0) {
                    gate.grant(user, credits, "demo credits", "demo-credits");
                }
            });
        }
    }
}
