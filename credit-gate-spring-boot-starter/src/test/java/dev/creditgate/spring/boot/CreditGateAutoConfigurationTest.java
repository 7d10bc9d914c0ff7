package dev.creditgate.spring.boot;

import static dev.creditgate.test.CreditGateAssertions.assertThat;
import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.BalanceStore;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.RetryPolicy;
import dev.creditgate.jdbi.JdbiBalanceStore;
import dev.creditgate.test.PostgresTestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CreditGateAutoConfigurationTest {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CreditGateAutoConfiguration.class));

    private ApplicationContextRunner withDataSource() {
        return runner.withBean(DataSource.class, db::dataSource);
    }

    @Test
    void inMemoryModeGivesAWorkingGateWithoutADataSource() {
        runner.withPropertyValues("creditgate.store=in-memory").run(context -> {
            CreditGate gate = context.getBean(CreditGate.class);
            assertThat(gate.store()).isInstanceOf(InMemoryBalanceStore.class);
            gate.grant("user-1", 20_000, "signup");
            assertThat(gate.charge("user-1", 2, "audio.upload")).isCharged().hasBalanceAfter(19_998);
        });
    }

    @Test
    void withNeitherADataSourceNorInMemoryModeNoGateIsDefined() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(CreditGate.class);
            assertThat(context).doesNotHaveBean(BalanceStore.class);
        });
    }

    @Test
    void aDataSourceGivesAPostgresGateThatMigratesOnlyWhenAsked() {
        withDataSource().withPropertyValues("creditgate.accounts-table=unmigrated_accounts",
                "creditgate.ledger-table=unmigrated_ledger", "creditgate.holds-table=unmigrated_holds").run(context -> {
            CreditGate gate = context.getBean(CreditGate.class);
            assertThat(gate.store()).isInstanceOf(JdbiBalanceStore.class);
            assertThat(context).hasSingleBean(Jdbi.class);
            assertThatThrownBy(() -> gate.balance("user-1")).isInstanceOf(CreditStoreMisconfiguredException.class);
        });
        withDataSource().withPropertyValues("creditgate.migrate=true").run(context -> {
            CreditGate gate = context.getBean(CreditGate.class);
            gate.grant("user-1", 20_000, "signup");
            assertThat(gate.charge("user-1", 2, "audio.upload")).isCharged().hasBalanceAfter(19_998);
            assertThatAccount(gate, "user-1").hasBalance(19_998).hasLedgerSummingToBalance();
        });
    }

    @Test
    void storePropertiesReachTheStore() {
        withDataSource().withPropertyValues("creditgate.schema=" + db.schema() + "_props",
                "creditgate.accounts-table=acc", "creditgate.ledger-table=led", "creditgate.holds-table=hol",
                "creditgate.batching.enabled=true", "creditgate.batching.lanes=2").run(context -> {
            JdbiBalanceStore store = context.getBean(JdbiBalanceStore.class);
            assertThat(store.describe()).isEqualTo("postgresql schema=" + db.schema() + "_props accounts=acc "
                    + "ledger=led holds=hol");
        });
        withDataSource().withPropertyValues("creditgate.adopt.table=user_credits", "creditgate.adopt.id-type=uuid")
                .run(context -> assertThat(context.getBean(JdbiBalanceStore.class).describe())
                        .isEqualTo("postgresql accounts=user_credits ledger=credit_ledger holds=credit_holds"));
    }

    @Test
    void retryPropertiesMakeTheGatesPolicy() {
        runner.withPropertyValues("creditgate.store=in-memory", "creditgate.retry.max-attempts=7",
                "creditgate.retry.time-budget=750ms").run(context -> {
            RetryPolicy policy = context.getBean(CreditGate.class).retryPolicy();
            assertThat(policy.maxAttempts()).isEqualTo(7);
            assertThat(policy.timeBudget()).isEqualTo(Duration.ofMillis(750));
        });
        runner.withPropertyValues("creditgate.store=in-memory", "creditgate.retry.enabled=false").run(context ->
                assertThat(context.getBean(RetryPolicy.class).maxAttempts()).isEqualTo(1));
    }

    @Test
    void theDocumentedDefaultsAreTheLibrarysOwn() {
        runner.withPropertyValues("creditgate.store=in-memory").run(context -> {
            CreditGateProperties properties = context.getBean(CreditGateProperties.class);
            RetryPolicy policy = context.getBean(RetryPolicy.class);
            assertThat(policy.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
            assertThat(policy.timeBudget()).isEqualTo(RetryPolicy.DEFAULT_TIME_BUDGET);
            assertThat(properties.retry().initialBackoff()).isEqualTo(RetryPolicy.DEFAULT_INITIAL_BACKOFF);
            assertThat(properties.retry().maxBackoff()).isEqualTo(RetryPolicy.DEFAULT_MAX_BACKOFF);
            assertThat(properties.batching().lanes()).isEqualTo(JdbiBalanceStore.DEFAULT_BATCH_LANES);
            assertThat(properties.batching().maxBatchSize()).isEqualTo(JdbiBalanceStore.DEFAULT_MAX_BATCH_SIZE);
            assertThat(properties.migrate()).isFalse();
            assertThat(properties.charge().idempotencyHeader()).isEqualTo("Idempotency-Key");
            assertThat(properties.charge().holdTtl()).isEqualTo(Duration.ofMinutes(5));
            assertThat(properties.http().retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void theApplicationsOwnBeansWin() {
        InMemoryBalanceStore ownStore = new InMemoryBalanceStore();
        CreditGate ownGate = CreditGate.builder().store(new InMemoryBalanceStore()).build();
        withDataSource().withBean(BalanceStore.class, () -> ownStore)
                .withBean(RetryPolicy.class, RetryPolicy::none).run(context -> {
                    assertThat(context).doesNotHaveBean(JdbiBalanceStore.class);
                    assertThat(context.getBean(CreditGate.class).store()).isSameAs(ownStore);
                    assertThat(context.getBean(CreditGate.class).retryPolicy().maxAttempts()).isEqualTo(1);
                });
        runner.withPropertyValues("creditgate.store=in-memory").withBean(CreditGate.class, () -> ownGate)
                .run(context -> assertThat(context.getBean(CreditGate.class)).isSameAs(ownGate));
    }

    @Test
    void anUnknownStoreTypeFailsTheStartWithTheValue() {
        runner.withPropertyValues("creditgate.store=redis").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("redis"));
    }
}
