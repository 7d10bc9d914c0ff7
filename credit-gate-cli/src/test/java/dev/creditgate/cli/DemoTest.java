package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo in memory: its tour, and the incident's numbers, exact where they must be. */
class DemoTest {

    private static final long SEED = 7;
    private static final int UPLOADS = 2_000;

    @Test
    void creditGateLosesNothingWhereTheNaiveGateGivesFalse402sAndLosesOrDoublesUpdates() {
        Cli.Run demo = Cli.run("demo", "--json", "--seed", String.valueOf(SEED), "--uploads",
                String.valueOf(UPLOADS), "--threads", "16");

        assertThat(demo.exitCode()).isZero();
        Map<String, Object> incident = DemoResults.incident(demo.json());
        Map<String, Object> creditGate = DemoResults.gate(incident, "creditGate");
        Map<String, Object> naive = DemoResults.gate(incident, "naiveGate");

        long expectedCharges = DemoResults.chargesAnHonestGateMakes(SEED, UPLOADS);
        assertThat(creditGate).containsEntry("attempted", (long) UPLOADS)
                .containsEntry("charged", expectedCharges)
                .containsEntry("answered402", UPLOADS - expectedCharges)
                .containsEntry("false402s", 0L)
                .containsEntry("typedFailures", 0L)
                .containsEntry("untypedErrors", 0L)
                .containsEntry("debits", expectedCharges)
                .containsEntry("doubleCharges", 0L)
                .containsEntry("lostUpdates", 0L)
                .containsEntry("overdrafts", 0L)
                .containsEntry("ledgerMatchesBalance", true)
                .containsEntry("backendsTerminated", 0L);
        assertThat((Long) creditGate.get("faultsInjected")).isPositive();
        assertThat(naive).containsEntry("attempted", (long) UPLOADS)
                .containsEntry("ledgerMatchesBalance", false);
        assertThat((Long) naive.get("false402s")).isPositive();
        assertThat((Long) naive.get("lostUpdates") + (Long) naive.get("doubleCharges")).isPositive();
        assertThat(DemoResults.settings(incident)).containsEntry("store", "in memory")
                .containsEntry("threads", 16L).containsEntry("uploads", (long) UPLOADS).containsEntry("seed", SEED)
                .containsEntry("cost", 2L).containsEntry("clientAttempts", 3L);
    }

    @Test
    void theTourWalksThroughEveryKindOfResult() {
        Cli.Run demo = Cli.run("demo", "--json", "--uploads", "10");

        Map<String, Object> tour = DemoResults.map(demo.json(), "tour");
        assertThat(tour).containsOnlyKeys("grant", "charge", "insufficient", "replay", "refund", "holdCaptured",
                "holdReleased", "account");
        assertThat(DemoResults.map(tour, "charge")).containsEntry("outcome", "charged")
                .containsEntry("balanceAfter", 98L);
        Map<String, Object> insufficient = DemoResults.map(tour, "insufficient");
        assertThat(insufficient).containsEntry("outcome", "insufficient").containsEntry("required", 2L)
                .containsEntry("available", 1L);
        assertThat(insufficient.get("debug").toString()).startsWith("DebugContext[").contains("store=in-memory");
        assertThat(DemoResults.map(insufficient, "problem")).containsEntry("status", 402L)
                .doesNotContainKey("accountId");
        assertThat(DemoResults.map(tour, "replay")).containsEntry("outcome", "replayed")
                .containsEntry("balanceAfter", 98L);
        assertThat(DemoResults.map(tour, "refund")).containsEntry("outcome", "refunded")
                .containsEntry("balanceAfter", 100L);
        assertThat(DemoResults.map(tour, "holdCaptured")).containsEntry("held", 10L).containsEntry("captured", 7L)
                .containsEntry("balanceAfter", 93L);
        assertThat(DemoResults.map(tour, "holdReleased")).containsEntry("outcome", "released")
                .containsEntry("freed", 5L);
        assertThat(DemoResults.map(tour, "account")).isEqualTo(
                Map.of("accountId", "alice", "posted", 93L, "held", 0L, "available", 93L));
    }

    @Test
    void theTableShowsTheSameNumbersAsTheJson() {
        String[] args = {"demo", "--seed", "3", "--uploads", "300", "--threads", "1"};
        Cli.Run table = Cli.run(args);

        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).startsWith("== Part 1: a tour of credit-gate on in-memory ==\n\n1. grant: alice")
                .contains("\n== Part 2: the incident, reproduced ==\n")
                .containsPattern("\n  false 402s +\\d+ +0\n")
                .contains("\n  ledger matches balance          no          yes\n");
        assertThat(table.err()).startsWith("Part 2: 300 uploads from 1 threads, each gate in turn\n")
                .contains("  naive gate   [##############################] 300/300  ")
                .contains("  credit-gate  [##############################] 300/300  ");
        Map<String, Object> creditGate = DemoResults.gate(DemoResults.incident(
                Cli.run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
                        "--json")).toArray(String[]::new)).json()), "creditGate");
        assertThat(table.out()).containsPattern("\n  charged +\\d+ +" + creditGate.get("charged") + "\n");
    }
}
