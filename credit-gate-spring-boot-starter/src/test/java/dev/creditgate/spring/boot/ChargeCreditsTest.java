package dev.creditgate.spring.boot;

import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.CreditGate;
import dev.creditgate.InsufficientCreditsException;
import dev.creditgate.LedgerEntry;
import dev.creditgate.ReservationState;
import dev.creditgate.ReservationStateException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.server.ResponseStatusException;

class ChargeCreditsTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CreditGateAutoConfiguration.class,
                    ChargeCreditsAutoConfiguration.class))
            .withPropertyValues("creditgate.store=in-memory")
            .withBean(Uploads.class);

    /** A handler bean as an application would write it. */
    static class Uploads {
        private final AtomicInteger runs = new AtomicInteger();

        /** How often a charged method ran; a method, since the bean is a class proxy. */
        public int runs() {
            return runs.get();
        }

        @ChargeCredits(cost = 2, action = "audio.upload")
        public String upload(boolean fail) {
            runs.incrementAndGet();
            if (fail) {
                throw new IllegalStateException("storage is down");
            }
            return "uploaded";
        }

        @ChargeCredits(cost = 2, action = "audio.upload", rerunWhenPaid = true)
        public String idempotentUpload() {
            return "uploaded #" + runs.incrementAndGet();
        }

        public String free() {
            return "free";
        }
    }

    @AfterEach
    void unbindRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    /** Gives user-1 credits and binds a request of theirs; returns the gate. */
    private static CreditGate fundedRequest(ApplicationContext context, long credits, String idempotencyKey) {
        CreditGate gate = context.getBean(CreditGate.class);
        gate.grant("user-1", credits, "signup");
        request("user-1", idempotencyKey);
        return gate;
    }

    private static void request(String user, String idempotencyKey) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/upload");
        if (user != null) {
            request.setUserPrincipal(() -> user);
        }
        if (idempotencyKey != null) {
            request.addHeader("Idempotency-Key", idempotencyKey);
        }
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }

    @Test
    void aMethodThatReturnsIsChargedToThePrincipal() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 20_000, null);

            assertThat(context.getBean(Uploads.class).upload(false)).isEqualTo("uploaded");

            assertThatAccount(gate, "user-1").hasBalance(19_998).hasHeld(0).hasLedgerSummingToBalance();
            LedgerEntry charge = gate.history("user-1", 1).get(0);
            assertThat(charge.kind()).isEqualTo(LedgerEntry.Kind.CHARGE);
            assertThat(charge.amount()).isEqualTo(-2);
            assertThat(charge.reference()).isEqualTo("audio.upload");
        });
    }

    @Test
    void aMethodThatThrowsIsNotChargedAndItsExceptionPropagates() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 20_000, null);

            assertThatThrownBy(() -> context.getBean(Uploads.class).upload(true))
                    .isInstanceOf(IllegalStateException.class).hasMessage("storage is down");

            assertThatAccount(gate, "user-1").hasBalance(20_000).hasHeld(0).hasLedgerEntries(1);
        });
    }

    @Test
    void anAccountThatCannotPayNeverRunsTheMethod() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 1, null);
            Uploads uploads = context.getBean(Uploads.class);

            assertThatThrownBy(() -> uploads.upload(false)).isInstanceOfSatisfying(InsufficientCreditsException.class,
                    e -> assertThat(e.result().shortfall()).isEqualTo(1));

            assertThat(uploads.runs()).isEqualTo(0);
            assertThatAccount(gate, "user-1").hasBalance(1).hasLedgerEntries(1);
        });
    }

    @Test
    void aResentKeyThatAlreadyPaidIsNeitherRunNorChargedAgain() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 100, "req-1");
            Uploads uploads = context.getBean(Uploads.class);
            uploads.upload(false);

            assertThatThrownBy(() -> uploads.upload(false)).isInstanceOfSatisfying(ReservationStateException.class,
                    e -> assertThat(e.state()).isEqualTo(ReservationState.CAPTURED));

            assertThat(uploads.runs()).isEqualTo(1);
            assertThatAccount(gate, "user-1").hasBalance(98).hasLedgerEntries(2);
        });
    }

    @Test
    void aResentKeyWhoseMethodFailedRunsAgainAndPaysOnce() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 100, "req-1");
            Uploads uploads = context.getBean(Uploads.class);
            assertThatThrownBy(() -> uploads.upload(true)).isInstanceOf(IllegalStateException.class);

            assertThat(uploads.upload(false)).isEqualTo("uploaded");

            assertThat(uploads.runs()).isEqualTo(2);
            assertThatAccount(gate, "user-1").hasBalance(98).hasHeld(0).hasLedgerEntries(2);
        });
    }

    @Test
    void rerunWhenPaidRunsAnIdempotentMethodAgainWithoutCharging() {
        runner.run(context -> {
            CreditGate gate = fundedRequest(context, 100, "req-1");
            Uploads uploads = context.getBean(Uploads.class);

            assertThat(uploads.idempotentUpload()).isEqualTo("uploaded #1");
            assertThat(uploads.idempotentUpload()).isEqualTo("uploaded #2");

            assertThatAccount(gate, "user-1").hasBalance(98).hasLedgerEntries(2);
        });
    }

    @Test
    void aRequestWithoutPrincipalIsUnresolvedAndNothingRuns() {
        runner.run(context -> {
            Uploads uploads = context.getBean(Uploads.class);
            request(null, null);

            assertThatThrownBy(() -> uploads.upload(false)).isInstanceOf(CreditAccountUnresolvedException.class);
            RequestContextHolder.resetRequestAttributes();
            assertThatThrownBy(() -> uploads.upload(false)).isInstanceOf(CreditAccountUnresolvedException.class);
            assertThat(uploads.runs()).isEqualTo(0);
            assertThat(uploads.free()).isEqualTo("free");
        });
    }

    @Test
    void anOverlongKeyIsABadRequestAndNothingRuns() {
        runner.run(context -> {
            context.getBean(CreditGate.class).grant("user-1", 100, "signup");
            Uploads uploads = context.getBean(Uploads.class);
            request("user-1", "k".repeat(129));

            assertThatThrownBy(() -> uploads.upload(false)).isInstanceOfSatisfying(ResponseStatusException.class,
                    e -> assertThat(e.getStatusCode().value()).isEqualTo(400));
            assertThat(uploads.runs()).isEqualTo(0);
        });
    }

    @Test
    void anApplicationsResolverReplacesThePrincipal() {
        runner.withBean(CreditAccountResolver.class, () -> (method, arguments) -> "tenant-7").run(context -> {
            CreditGate gate = context.getBean(CreditGate.class);
            gate.grant("tenant-7", 10, "signup");
            request("user-1", null);

            context.getBean(Uploads.class).upload(false);

            assertThat(gate.balance("tenant-7")).hasValue(8);
        });
    }
}
