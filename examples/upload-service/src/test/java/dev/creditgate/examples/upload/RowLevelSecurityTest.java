package dev.creditgate.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.CreditGate;
import dev.creditgate.jdbi.JdbiBalanceStore;
import dev.creditgate.test.PostgresTestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scenarios for a user whose credit row a row-level security policy hides from the service's role, as in the
 * incident: every answer is 404 (the service cannot see the account), never 402, and nothing is charged. The owner
 * migrates and grants; the service runs as a least-privilege role.
 */
class RowLevelSecurityTest extends UploadScenarios {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private static String role;

    @BeforeAll
    static void hideOneAccount() {
        Jdbi owner = Jdbi.create(db.dataSource());
        JdbiBalanceStore store = JdbiBalanceStore.create(owner);
        store.migrate();
        owner.useHandle(h -> h.execute(Uploads.SCHEMA));
        CreditGate gate = CreditGate.builder().store(store).build();
        for (String user : new String[] {"hidden", "user4"}) {
            gate.grant(user, CREDITS, "demo credits");
        }
        role = db.createRole("upload_app");
        owner.useHandle(h -> {
            h.execute("GRANT SELECT, INSERT, UPDATE ON credit_accounts, credit_ledger, credit_holds, uploads TO "
                    + role);
            h.execute("ALTER TABLE credit_accounts ENABLE ROW LEVEL SECURITY");
            h.execute("CREATE POLICY hide_one ON credit_accounts USING (account_id <> 'hidden')");
        });
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestDatabases.url(db));
        registry.add("spring.datasource.username", () -> role);
        registry.add("spring.datasource.password", () -> db.rolePassword(role));
        registry.add("creditgate.migrate", () -> "false");
        registry.add("upload-service.grant-credits", () -> "false");
        registry.add("upload-service.users.hidden", () -> "0");
    }

    @Override
    PostgresTestDatabase db() {
        return db;
    }

    @Override
    String scenarioUser(int scenario) {
        return "hidden";
    }

    @Override
    int expectedStatus() {
        return 404;
    }

    @Test
    void aVisibleUserIsChargedAsUsualByTheSameRole() {
        assertThat(client.upload("user4", "visible-1", "intro").status()).isEqualTo(200);

        assertThat(client.credits("user4").body()).startsWith("{\"available\":19998,\"posted\":19998,\"held\":0");
    }
}
