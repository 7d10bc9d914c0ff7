package dev.creditgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.test.PostgresTestDatabase;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CreditGateHealthTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(CreditGateAutoConfiguration.class, CreditGateHealthAutoConfiguration.class));

    private static Health health(org.springframework.context.ApplicationContext context) {
        return context.getBean("creditgateHealthIndicator", HealthIndicator.class).health();
    }

    @Test
    void aMigratedPostgresStoreIsUpByTheDoctor() {
        runner.withBean(DataSource.class, db::dataSource).withPropertyValues("creditgate.migrate=true")
                .run(context -> {
                    Health health = health(context);
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("store",
                            "postgresql accounts=credit_accounts ledger=credit_ledger holds=credit_holds")
                            .doesNotContainKeys("tables", "drift");
                    assertThat(health.getDetails().get("worst")).isIn("OK", "INFO", "WARNING");
                });
    }

    @Test
    void missingTablesAreDownWithTheDoctorsFinding() {
        runner.withBean(DataSource.class, db::dataSource).withPropertyValues("creditgate.accounts-table=none_accounts",
                "creditgate.ledger-table=none_ledger", "creditgate.holds-table=none_holds").run(context -> {
                    Health health = health(context);
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("worst", "ERROR");
                    assertThat((String) health.getDetails().get("tables")).startsWith("ERROR: ");
                });
    }

    @Test
    void anUnreachableDatabaseIsDown() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=1");
        runner.withBean(DataSource.class, () -> nowhere).run(context -> {
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("latency", "ERROR: the database cannot be reached");
        });
    }

    @Test
    void anotherStoreIsProbedByReadingIt() {
        dev.creditgate.test.FaultInjectingBalanceStore failing = dev.creditgate.test.FaultInjectingBalanceStore
                .wrap(new dev.creditgate.InMemoryBalanceStore()).failWithProbability(
                        dev.creditgate.test.FaultInjectingBalanceStore.Fault.MISCONFIGURED, 1.0);
        runner.withBean(dev.creditgate.BalanceStore.class, () -> failing).run(context ->
                assertThat(health(context).getDetails()).containsExactly(Map.entry("store", failing.describe()),
                        Map.entry("problem", "misconfigured")));
    }

    @Test
    void theInMemoryStoreIsUpAndTheIndicatorCanBeTurnedOff() {
        runner.withPropertyValues("creditgate.store=in-memory").run(context ->
                assertThat(health(context).getStatus()).isEqualTo(Status.UP));
        runner.withPropertyValues("creditgate.store=in-memory", "management.health.creditgate.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("creditgateHealthIndicator"));
    }
}
