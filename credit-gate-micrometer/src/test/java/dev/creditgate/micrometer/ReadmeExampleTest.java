package dev.creditgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.creditgate.ChargeRequest;
import dev.creditgate.CreditGate;
import dev.creditgate.InMemoryBalanceStore;
import dev.creditgate.test.FaultInjectingBalanceStore;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the example of credit-gate-micrometer/README-section.md and writes what the registry then holds to
 * {@code target/readme-meters.txt}, the output the README shows.
 */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleCountsWhatItSays() throws IOException {
        FaultInjectingBalanceStore store = FaultInjectingBalanceStore.wrap(new InMemoryBalanceStore());
        CreditGate gate = CreditGate.builder().store(store).build();

        SimpleMeterRegistry registry = new SimpleMeterRegistry();        // or your Prometheus registry
        CreditGateMetrics.builder(gate)
                .tags("gate", "uploads")
                .maxActionTags(20)
                .build()
                .bindTo(registry);

        gate.grant("user-1", 20_000, "signup bonus");
        store.failNext(2, Fault.TRANSIENT);                                 // a dropped connection, twice
        for (int i = 0; i < 3; i++) {
            gate.charge("user-1", 2, "audio.upload");
        }
        gate.charge("user-1", 50_000, "video.render");                     // insufficient
        gate.charge("user-2", 2, "audio.upload");                           // not_found, never a 402
        gate.chargeFor(ChargeRequest.of("user-1", 5, "export"), Duration.ofMinutes(5), () -> "exported");
        gate.reserve("user-1", 10, "video.render", Duration.ofMinutes(30)); // still open

        Files.writeString(Path.of("target", "readme-meters.txt"), registry.getMetersAsString());
        assertThat(CreditGateMetricsTest.counts(registry, CreditGateMetrics.CHARGES)).containsExactly(
                entry("charged audio.upload", 3L),
                entry("insufficient video.render", 1L),
                entry("not_found audio.upload", 1L));
        assertThat(CreditGateMetricsTest.counts(registry, CreditGateMetrics.RESERVATIONS)).containsExactly(
                entry("reserved export", 1L), entry("reserved video.render", 1L));
        assertThat(CreditGateMetricsTest.counts(registry, CreditGateMetrics.CAPTURES))
                .containsExactly(entry("captured export", 1L));
        assertThat(CreditGateMetricsTest.retries(registry)).containsEntry("charge", 2.0);
        assertThat(CreditGateMetricsTest.holdsOpen(registry)).isEqualTo(1.0);
    }
}
